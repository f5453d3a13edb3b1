/* hydro: CSV parameter tables (class -> parameters, soil texture -> Green-Ampt). One
 * parser: a header naming the columns (any order, extra columns ignored), '#' comments,
 * every value range-checked with the file, line and column in the message. */
#include "hydro/hydro_table.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *name;
  double      lo, hi;
  const char *what; /* what a value below lo is, for the message */
} Col;

#define MAXF 64

/* Split line at commas in place, trimming spaces; returns the field count. */
static int Split(char *line, char *f[MAXF])
{
  int n = 0;
  line[strcspn(line, "\r\n")] = 0;
  for (char *p = line; n < MAXF;) {
    char *c = strchr(p, ','), *e;
    if (c) *c = 0;
    while (*p == ' ' || *p == '\t') p++;
    e = p + strlen(p);
    while (e > p && (e[-1] == ' ' || e[-1] == '\t')) *--e = 0;
    f[n++] = p;
    if (!c) break;
    p = c + 1;
  }
  return n;
}

/* Rank 0: parse path; key column cols[0] (integer 0..255), values cols[1..ncol) stored in
 * val[key][k-1]; has[key] set. err empty on success. */
static void Parse(const char *option, const char *path, const Col *cols, int ncol, PetscBool has[256], double (*val)[8], PetscInt *first, char err[512])
{
  FILE *fp = fopen(path, "r");
  char  line[4096], *f[MAXF];
  int   lineno = 0, idx[8], nh = 0, rows = 0;

  err[0] = 0;
  if (!fp) {
    snprintf(err, 512, "%s: cannot open '%s' (%s)", option, path, strerror(errno));
    return;
  }
  while (fgets(line, sizeof line, fp)) {
    int n;
    lineno++;
    {
      char *p = line;
      while (*p == ' ' || *p == '\t') p++;
      if (*p == '#' || *p == '\n' || *p == '\r' || !*p) continue;
    }
    n = Split(line, f);
    if (!nh) { /* header */
      nh = n;
      for (int k = 0; k < ncol; k++) {
        idx[k] = -1;
        for (int q = 0; q < n; q++)
          if (!strcmp(f[q], cols[k].name)) idx[k] = q;
        if (idx[k] < 0) {
          snprintf(err, 512, "%s: '%s' line %d: the header lacks column '%s'", option, path, lineno, cols[k].name);
          goto done;
        }
      }
      continue;
    }
    if (n != nh) {
      snprintf(err, 512, "%s: '%s' line %d: %d fields, the header has %d", option, path, lineno, n, nh);
      goto done;
    }
    {
      double v[8];
      int    key;
      for (int k = 0; k < ncol; k++) {
        char *end;
        errno = 0;
        v[k]  = strtod(f[idx[k]], &end);
        if (end == f[idx[k]] || *end || errno || !isfinite(v[k])) {
          snprintf(err, 512, "%s: '%s' line %d, column %s: '%.40s' is not a number", option, path, lineno, cols[k].name, f[idx[k]]);
          goto done;
        }
        if (v[k] < cols[k].lo || v[k] > cols[k].hi) {
          if (v[k] < 0 && cols[k].lo == 0) snprintf(err, 512, "%s: '%s' line %d, column %s: negative %s %g", option, path, lineno, cols[k].name, cols[k].what, v[k]);
          else snprintf(err, 512, "%s: '%s' line %d, column %s: %s %g outside [%g, %g]", option, path, lineno, cols[k].name, cols[k].what, v[k], cols[k].lo, cols[k].hi);
          goto done;
        }
      }
      key = (int)v[0];
      if (key != v[0]) {
        snprintf(err, 512, "%s: '%s' line %d, column %s: %g is not an integer class", option, path, lineno, cols[0].name, v[0]);
        goto done;
      }
      if (has[key]) {
        snprintf(err, 512, "%s: '%s' line %d: class %d appears twice", option, path, lineno, key);
        goto done;
      }
      if (!rows++) *first = key;
      has[key] = PETSC_TRUE;
      for (int k = 1; k < ncol; k++) val[key][k - 1] = v[k];
    }
  }
  if (!nh) snprintf(err, 512, "%s: '%s' has no header line", option, path);
  else if (!rows) snprintf(err, 512, "%s: '%s' has no data rows", option, path);
done:
  fclose(fp);
}

/* Collective: parse on rank 0 and broadcast the result. */
static PetscErrorCode ReadTable(MPI_Comm comm, const char option[], const char path[], const Col *cols, int ncol, PetscBool has[256], double (*val)[8], PetscInt *first)
{
  PetscMPIInt rank;
  char        err[512] = "";

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscArrayzero(has, 256));
  if (!rank) Parse(option, path, cols, ncol, has, val, first, err);
  PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
  RSLCHECK(comm, !err[0], "%s", err);
  PetscCallMPI(MPI_Bcast(has, 256 * (int)sizeof(PetscBool), MPI_BYTE, 0, comm));
  PetscCallMPI(MPI_Bcast(val, 256 * 8, MPI_DOUBLE, 0, comm));
  PetscCallMPI(MPI_Bcast(first, 1, MPIU_INT, 0, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslHydroTableRead(MPI_Comm comm, const char option[], const char path[], RslHydroTable *t)
{
  static const Col cols[] = {
    {"class", 0, 255, "class"},
    {"manning_n", 0, 10, "Manning n"},
    {"impervious_fraction", 0, 1, "impervious fraction"},
    {"ks_m_per_s", 0, 1, "conductivity"},
    {"suction_m", 0, 100, "suction"},
    {"moisture_deficit", 0, 1, "moisture deficit"},
    {"initial_abstraction_m", 0, 10, "initial abstraction"},
  };
  double (*val)[8];

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(256, &val));
  PetscCall(ReadTable(comm, option, path, cols, 7, t->has, val, &t->first));
  for (int c = 0; c < 256; c++)
    for (int k = 0; k < HT_NPARAM; k++) t->p[c][k] = val[c][k];
  PetscCall(PetscFree(val));
  PetscCall(PetscStrncpy(t->path, path, sizeof t->path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSoilTableRead(MPI_Comm comm, const char option[], const char path[], RslSoilTable *t)
{
  static const Col cols[] = {
    {"code", 0, 255, "texture code"},
    {"ks_m_per_s", 0, 1, "conductivity"},
    {"suction_m", 0, 100, "suction"},
    {"effective_porosity", 0, 1, "effective porosity"},
  };
  double (*val)[8];
  PetscInt first;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(256, &val));
  PetscCall(ReadTable(comm, option, path, cols, 4, t->has, val, &first));
  for (int c = 0; c < 256; c++) {
    t->ks[c]       = val[c][0];
    t->suction[c]  = val[c][1];
    t->porosity[c] = val[c][2];
  }
  PetscCall(PetscFree(val));
  PetscFunctionReturn(PETSC_SUCCESS);
}
