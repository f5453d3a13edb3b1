/* swe/swe_files: parsers of the gauges, sources and segments files (swe_files.h). */
#include "swe/swe_files.h"
#include <ctype.h>
#include <string.h>

/* Append one zeroed row to a growing array of rows of size sz. */
static PetscErrorCode Grow(void **rows, size_t sz, PetscInt n, PetscInt *cap)
{
  PetscFunctionBegin;
  if (n == *cap) {
    *cap = *cap ? 2 * *cap : 16;
    PetscCall(PetscRealloc(sz * (size_t)*cap, rows));
  }
  PetscCall(PetscMemzero((char *)*rows + sz * (size_t)n, sz));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Split a line into f[0..7]; the first line is a header when field `num` is not a number.
 * On a data line with a wrong field count the rows are freed and a collective error names
 * what was expected. *nf = -1 for a header. */
static PetscErrorCode Fields(const RslTextPos *p, char *line, PetscBool first, int num, char *f[8], int lo, int hi, const char expected[], void **rows, int *nf)
{
  double v;

  PetscFunctionBegin;
  *nf = RslSplitFields(line, ',', f, 7);
  if (first && (*nf <= num || !RslParseReal(f[num], &v))) {
    *nf = -1;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (*nf < lo || *nf > hi) PetscCall(PetscFree(*rows));
  RSLCHECK(p->comm, *nf >= lo && *nf <= hi, "%s: '%s' line %d: %s%d field%s, expected %s", p->option, p->path, p->line, *nf > 7 ? "more than " : "", *nf > 7 ? 7 : *nf, *nf == 1 ? "" : "s", expected);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A number field; the rows are freed on error. */
static PetscErrorCode Number(const RslTextPos *p, const char column[], const char *text, void **rows, double *v)
{
  PetscErrorCode ierr;

  PetscFunctionBegin;
  ierr = RslFieldReal(p, column, text, RSL_FINITE, v);
  if (ierr) PetscCall(PetscFree(*rows));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A text field that must fit len bytes and not be empty. */
static PetscErrorCode Text(const RslTextPos *p, const char column[], const char *text, char out[], size_t len, void **rows)
{
  PetscBool ok = (PetscBool)(text[0] && strlen(text) < len);

  PetscFunctionBegin;
  if (!ok) PetscCall(PetscFree(*rows));
  RSLCHECK(p->comm, ok, "%s: '%s' line %d, column %s: %s", p->option, p->path, p->line, column, text[0] ? "too long" : "empty");
  PetscCall(PetscStrncpy(out, text, len));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslGaugesParse(MPI_Comm comm, const char path[], char *text, PetscInt *n, RslGaugeRow **rows)
{
  RslTextPos p   = {comm, "-swe_gauges", path, 0};
  char      *cur = text, *line, *f[8];
  PetscInt   cap = 0;
  int        nf, first = 1;

  PetscFunctionBegin;
  *n    = 0;
  *rows = NULL;
  for (; (line = RslNextLine(&cur, &p.line)); first = 0) {
    RslGaugeRow *g;
    PetscCall(Fields(&p, line, (PetscBool)first, 1, f, 3, 3, "name,x,y", (void **)rows, &nf));
    if (nf < 0) continue; /* header */
    PetscCall(Grow((void **)rows, sizeof **rows, *n, &cap));
    g       = &(*rows)[*n];
    g->line = p.line;
    PetscCall(Text(&p, "name", f[0], g->name, sizeof g->name, (void **)rows));
    PetscCall(Number(&p, "x", f[1], (void **)rows, &g->x));
    PetscCall(Number(&p, "y", f[2], (void **)rows, &g->y));
    for (PetscInt k = 0; k < *n; k++)
      if (!strcmp((*rows)[k].name, g->name)) {
        char name[64];
        PetscCall(PetscStrncpy(name, g->name, sizeof name));
        PetscCall(PetscFree(*rows));
        RSLCHECK(comm, 0, "-swe_gauges: '%s' line %d: gauge '%s' appears twice", path, p.line, name);
      }
    (*n)++;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSourcesParse(MPI_Comm comm, const char path[], char *text, PetscInt *n, RslSourceRow **rows)
{
  RslTextPos p   = {comm, "-swe_sources", path, 0};
  char      *cur = text, *line, *f[8];
  PetscInt   cap = 0;
  int        nf, first = 1;

  PetscFunctionBegin;
  *n    = 0;
  *rows = NULL;
  for (; (line = RslNextLine(&cur, &p.line)); first = 0) {
    RslSourceRow *s;
    PetscCall(Fields(&p, line, (PetscBool)first, 0, f, 3, 3, "x,y,hydrograph.csv", (void **)rows, &nf));
    if (nf < 0) continue; /* header */
    PetscCall(Grow((void **)rows, sizeof **rows, *n, &cap));
    s       = &(*rows)[*n];
    s->line = p.line;
    PetscCall(Number(&p, "x", f[0], (void **)rows, &s->x));
    PetscCall(Number(&p, "y", f[1], (void **)rows, &s->y));
    PetscCall(Text(&p, "hydrograph", f[2], s->file, sizeof s->file, (void **)rows));
    (*n)++;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegmentsParse(MPI_Comm comm, const char path[], char *text, PetscInt *n, RslSegmentRow **rows)
{
  RslTextPos p   = {comm, "-swe_bc_segments", path, 0};
  char      *cur = text, *line, *f[8];
  PetscInt   cap = 0;
  int        nf, first = 1;

  PetscFunctionBegin;
  *n    = 0;
  *rows = NULL;
  for (; (line = RslNextLine(&cur, &p.line)); first = 0) {
    RslSegmentRow *s;
    int            side = -1;
    PetscCall(Fields(&p, line, (PetscBool)first, 1, f, 4, 5, "side,start,end,type[,value]", (void **)rows, &nf));
    if (nf < 0) continue; /* header */
    PetscCall(Grow((void **)rows, sizeof **rows, *n, &cap));
    s       = &(*rows)[*n];
    s->line = p.line;
    for (int k = 0; k < 4; k++)
      if (toupper((unsigned char)f[0][0]) == "WESN"[k] && f[0][1] == 0) side = k;
    if (side < 0) PetscCall(PetscFree(*rows));
    RSLCHECK(comm, side >= 0, "-swe_bc_segments: '%s' line %d: side '%.16s' is not W, E, S or N", path, p.line, f[0]);
    s->side = side;
    PetscCall(Number(&p, "start", f[1], (void **)rows, &s->a));
    PetscCall(Number(&p, "end", f[2], (void **)rows, &s->b));
    PetscCall(Text(&p, "type", f[3], s->type, sizeof s->type, (void **)rows));
    s->has_value = (PetscBool)(nf == 5);
    if (nf == 5) PetscCall(Text(&p, "value", f[4], s->value, sizeof s->value, (void **)rows));
    (*n)++;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
