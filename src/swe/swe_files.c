/* swe/swe_files: parsers of the gauges, sources and segments files (swe_files.h). */
#include "swe/swe_files.h"
#include <ctype.h>
#include <string.h>

/* The row's fields f[0..7]; the first row is a header when field `num` is not a number
 * (*nf = -1 then). A data line must have lo..hi fields. */
static PetscErrorCode Fields(const RslTextPos *p, int rownf, char *f[], PetscBool first, int num, int lo, int hi, const char expected[], int *nf)
{
  double v;

  PetscFunctionBegin;
  *nf = rownf;
  if (first && (*nf <= num || !RslParseReal(f[num], &v))) {
    *nf = -1;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  RSLCHECK(p->comm, *nf >= lo && *nf <= hi, "%s: '%s' line %d: %s%d field%s, expected %s", p->option, p->path, p->line, *nf > 7 ? "more than " : "", *nf > 7 ? 7 : *nf, *nf == 1 ? "" : "s", expected);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A text field that must fit len bytes and not be empty. */
static PetscErrorCode Text(const RslTextPos *p, const char column[], const char *text, char out[], size_t len)
{
  PetscFunctionBegin;
  RSLCHECK(p->comm, text[0] && strlen(text) < len, "%s: '%s' line %d, column %s: %s", p->option, p->path, p->line, column, text[0] ? "too long" : "empty");
  PetscCall(PetscStrncpy(out, text, len));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One kind of file: the data lines of lo..hi fields, field `num` a number (so a first line
 * where it is not is a header), rows of `size` bytes filled by row() from the fields
 * (rows[0..n) are the rows before it, for checks across rows). */
typedef struct {
  const char *option, *expected;
  int         num, lo, hi;
  size_t      size;
  PetscErrorCode (*row)(const RslTextPos *p, char *f[], int nf, void *row, const void *rows, PetscInt n);
} RowFormat;

/* The one loop of every parser: rows grown as needed, freed on any error. */
static PetscErrorCode ParseRows(MPI_Comm comm, const char path[], char *text, const RowFormat *fmt, PetscInt *n, void **rows)
{
  RslRows    r;
  char     **f   = r.f;
  PetscInt   cap = 0;
  PetscBool  first;
  int        nf;

  PetscFunctionBegin;
  *n    = 0;
  *rows = NULL;
  RslRowsBegin(&r, comm, fmt->option, path, text);
  for (first = PETSC_TRUE; RslRowsNext(&r, ',', 7); first = PETSC_FALSE) {
    PetscErrorCode ierr = Fields(&r.p, r.nf, f, first, fmt->num, fmt->lo, fmt->hi, fmt->expected, &nf);
    if (!ierr && nf < 0) continue; /* header */
    if (!ierr && *n == cap) {
      cap  = cap ? 2 * cap : 16;
      ierr = PetscRealloc(fmt->size * (size_t)cap, rows);
    }
    if (!ierr) ierr = PetscMemzero((char *)*rows + fmt->size * (size_t)*n, fmt->size);
    if (!ierr) ierr = fmt->row(&r.p, f, nf, (char *)*rows + fmt->size * (size_t)*n, *rows, *n);
    if (ierr) PetscCall(PetscFree(*rows));
    PetscCall(ierr);
    (*n)++;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode GaugeRow(const RslTextPos *p, char *f[], int nf, void *row, const void *rows, PetscInt n)
{
  RslGaugeRow *g = (RslGaugeRow *)row;

  PetscFunctionBegin;
  g->line = p->line;
  PetscCall(Text(p, "name", f[0], g->name, sizeof g->name));
  PetscCall(RslFieldReal(p, "x", f[1], RSL_FINITE, &g->x));
  PetscCall(RslFieldReal(p, "y", f[2], RSL_FINITE, &g->y));
  for (PetscInt k = 0; k < n; k++) RSLCHECK(p->comm, strcmp(((const RslGaugeRow *)rows)[k].name, g->name), "%s: '%s' line %d: gauge '%s' appears twice", p->option, p->path, p->line, g->name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SourceRow(const RslTextPos *p, char *f[], int nf, void *row, const void *rows, PetscInt n)
{
  RslSourceRow *s = (RslSourceRow *)row;

  PetscFunctionBegin;
  s->line = p->line;
  PetscCall(RslFieldReal(p, "x", f[0], RSL_FINITE, &s->x));
  PetscCall(RslFieldReal(p, "y", f[1], RSL_FINITE, &s->y));
  PetscCall(Text(p, "hydrograph", f[2], s->file, sizeof s->file));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SegmentRow(const RslTextPos *p, char *f[], int nf, void *row, const void *rows, PetscInt n)
{
  RslSegmentRow *s = (RslSegmentRow *)row;

  PetscFunctionBegin;
  s->line = p->line;
  s->side = -1;
  for (int k = 0; k < 4; k++)
    if (toupper((unsigned char)f[0][0]) == "WESN"[k] && f[0][1] == 0) s->side = k;
  RSLCHECK(p->comm, s->side >= 0, "%s: '%s' line %d: side '%.16s' is not W, E, S or N", p->option, p->path, p->line, f[0]);
  PetscCall(RslFieldReal(p, "start", f[1], RSL_FINITE, &s->a));
  PetscCall(RslFieldReal(p, "end", f[2], RSL_FINITE, &s->b));
  PetscCall(Text(p, "type", f[3], s->type, sizeof s->type));
  s->has_value = (PetscBool)(nf == 5);
  if (nf == 5) PetscCall(Text(p, "value", f[4], s->value, sizeof s->value));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslGaugesParse(MPI_Comm comm, const char path[], char *text, PetscInt *n, RslGaugeRow **rows)
{
  static const RowFormat fmt = {"-swe_gauges", "name,x,y", 1, 3, 3, sizeof(RslGaugeRow), GaugeRow};

  PetscFunctionBegin;
  PetscCall(ParseRows(comm, path, text, &fmt, n, (void **)rows));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSourcesParse(MPI_Comm comm, const char path[], char *text, PetscInt *n, RslSourceRow **rows)
{
  static const RowFormat fmt = {"-swe_sources", "x,y,hydrograph.csv", 0, 3, 3, sizeof(RslSourceRow), SourceRow};

  PetscFunctionBegin;
  PetscCall(ParseRows(comm, path, text, &fmt, n, (void **)rows));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegmentsParse(MPI_Comm comm, const char path[], char *text, PetscInt *n, RslSegmentRow **rows)
{
  static const RowFormat fmt = {"-swe_bc_segments", "side,start,end,type[,value]", 1, 4, 5, sizeof(RslSegmentRow), SegmentRow};

  PetscFunctionBegin;
  PetscCall(ParseRows(comm, path, text, &fmt, n, (void **)rows));
  PetscFunctionReturn(PETSC_SUCCESS);
}
