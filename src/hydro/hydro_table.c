/* hydro: CSV parameter tables (class -> parameters, soil texture -> Green-Ampt). One
 * parser: a header naming the columns (any order, extra columns ignored), '#' comments,
 * every value a whole finite number (core/validate.h), range-checked with the file, line
 * and column in the message. */
#include "hydro/hydro_table.h"
#include "core/validate.h"
#include <string.h>

typedef struct {
  const char *name;
  RslRange    range;
  const char *what; /* the quantity, for messages */
} Col;

#define MAXF 64

/* Parse text; key column cols[0] (integer 0..255), values cols[1..ncol) stored in
 * val[key][k-1]; has[key] set. Collective (every rank parses the same bytes). */
static PetscErrorCode ParseTable(MPI_Comm comm, const char option[], const char path[], char *text, const Col *cols, int ncol, PetscBool has[256], double (*val)[8], PetscInt *first)
{
  RslRows r;
  char  **f = r.f;
  int     idx[8], nh = 0, rows = 0;

  PetscFunctionBegin;
  PetscCall(PetscArrayzero(has, 256));
  RslRowsBegin(&r, comm, option, path, text);
  while (RslRowsNext(&r, ',', MAXF)) {
    int    n = r.nf;
    double v[8];
    int    key;
    RSLCHECK(comm, n <= MAXF, "%s: '%s' line %d: more than %d fields", option, path, r.p.line, MAXF);
    if (!nh) { /* header */
      nh = n;
      for (int k = 0; k < ncol; k++) {
        idx[k] = -1;
        for (int q = 0; q < n; q++)
          if (!strcmp(f[q], cols[k].name)) idx[k] = q;
        RSLCHECK(comm, idx[k] >= 0, "%s: '%s' line %d: the header lacks column '%s'", option, path, r.p.line, cols[k].name);
      }
      continue;
    }
    RSLCHECK(comm, n == nh, "%s: '%s' line %d: %d fields, the header has %d", option, path, r.p.line, n, nh);
    for (int k = 0; k < ncol; k++) {
      const char *t = f[idx[k]];
      RSLCHECK(comm, RslParseReal(t, &v[k]), "%s: '%s' line %d, column %s: '%.40s' is not a number", option, path, r.p.line, cols[k].name, t);
      if (!RslInRange(v[k], cols[k].range)) {
        char want[64];
        RslRangeText(cols[k].range, want, sizeof want);
        RSLCHECK(comm, !(v[k] < 0 && cols[k].range.lo == 0), "%s: '%s' line %d, column %s: negative %s %g", option, path, r.p.line, cols[k].name, cols[k].what, v[k]);
        RSLCHECK(comm, 0, "%s: '%s' line %d, column %s: %s %g must be %s", option, path, r.p.line, cols[k].name, cols[k].what, v[k], want);
      }
    }
    key = (int)v[0];
    RSLCHECK(comm, key == v[0], "%s: '%s' line %d, column %s: %g is not an integer class", option, path, r.p.line, cols[0].name, v[0]);
    RSLCHECK(comm, !has[key], "%s: '%s' line %d: class %d appears twice", option, path, r.p.line, key);
    if (!rows++) *first = key;
    has[key] = PETSC_TRUE;
    for (int k = 1; k < ncol; k++) val[key][k - 1] = v[k];
  }
  RSLCHECK(comm, nh, "%s: '%s' has no header line", option, path);
  RSLCHECK(comm, rows, "%s: '%s' has no data rows", option, path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective: read the file (rank 0, broadcast) and parse it on every rank. */
static PetscErrorCode ReadTable(MPI_Comm comm, const char option[], const char path[], const Col *cols, int ncol, PetscBool has[256], double (*val)[8], PetscInt *first)
{
  char          *text;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(RslReadTextFile(comm, option, path, &text));
  ierr = ParseTable(comm, option, path, text, cols, ncol, has, val, first);
  PetscCall(PetscFree(text));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const Col hydro_cols[] = {
  {"class", RSL_RANGE(0, 255, PETSC_FALSE, PETSC_FALSE), "class"},
  {"manning_n", RSL_MANNING, "Manning n"},
  {"impervious_fraction", RSL_FRACTION, "impervious fraction"},
  {"ks_m_per_s", RSL_RANGE(0, 1, PETSC_FALSE, PETSC_FALSE), "conductivity"},
  {"suction_m", RSL_RANGE(0, 100, PETSC_FALSE, PETSC_FALSE), "suction"},
  {"moisture_deficit", RSL_FRACTION, "moisture deficit"},
  {"initial_abstraction_m", RSL_RANGE(0, 10, PETSC_FALSE, PETSC_FALSE), "initial abstraction"},
};

static PetscErrorCode TableFromValues(const char path[], double (*val)[8], RslHydroTable *t)
{
  PetscFunctionBegin;
  for (int c = 0; c < 256; c++)
    for (int k = 0; k < HT_NPARAM; k++) t->p[c][k] = val[c][k];
  PetscCall(PetscStrncpy(t->path, path, sizeof t->path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslHydroTableParse(MPI_Comm comm, const char option[], const char path[], char *text, RslHydroTable *t)
{
  double (*val)[8];
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(256, &val));
  ierr = ParseTable(comm, option, path, text, hydro_cols, 7, t->has, val, &t->first);
  if (!ierr) ierr = TableFromValues(path, val, t);
  PetscCall(PetscFree(val));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslHydroTableRead(MPI_Comm comm, const char option[], const char path[], RslHydroTable *t)
{
  double (*val)[8];
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(256, &val));
  ierr = ReadTable(comm, option, path, hydro_cols, 7, t->has, val, &t->first);
  if (!ierr) ierr = TableFromValues(path, val, t);
  PetscCall(PetscFree(val));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSoilTableRead(MPI_Comm comm, const char option[], const char path[], RslSoilTable *t)
{
  static const Col cols[] = {
    {"code", RSL_RANGE(0, 255, PETSC_FALSE, PETSC_FALSE), "texture code"},
    {"ks_m_per_s", RSL_RANGE(0, 1, PETSC_FALSE, PETSC_FALSE), "conductivity"},
    {"suction_m", RSL_RANGE(0, 100, PETSC_FALSE, PETSC_FALSE), "suction"},
    {"effective_porosity", RSL_FRACTION, "effective porosity"},
  };
  double (*val)[8];
  PetscInt       first;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(256, &val));
  ierr = ReadTable(comm, option, path, cols, 4, t->has, val, &first);
  if (ierr) PetscCall(PetscFree(val));
  PetscCall(ierr);
  for (int c = 0; c < 256; c++) {
    t->ks[c]       = val[c][0];
    t->suction[c]  = val[c][1];
    t->porosity[c] = val[c][2];
  }
  PetscCall(PetscFree(val));
  PetscFunctionReturn(PETSC_SUCCESS);
}
