#include "core/series.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse on rank 0 into growing arrays; returns an error text (empty when fine). */
static void SeriesParse(const char option[], const char path[], PetscBool nonneg, PetscInt *n, double **t, double **v, char err[512])
{
  FILE  *fp = fopen(path, "r");
  char   line[1024];
  size_t cap = 0;
  int    lineno = 0, header = 1;

  err[0] = 0;
  *n     = 0;
  *t = *v = NULL;
  if (!fp) {
    snprintf(err, 512, "%s: cannot open '%s' (%s)", option, path, strerror(errno));
    return;
  }
  while (fgets(line, sizeof line, fp)) {
    double a, b;
    char  *p = line, *q;
    lineno++;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '#' || *p == '\n' || *p == '\r' || !*p) continue;
    a = strtod(p, &q);
    if (q == p || (*q != ',' && *q != ';')) {
      if (header) { /* the first non-comment line may be a header */
        header = 0;
        continue;
      }
      snprintf(err, 512, "%s: '%s' line %d: expected 'time_s,value'", option, path, lineno);
      break;
    }
    header = 0;
    p      = q + 1;
    b      = strtod(p, &q);
    if (q == p) {
      snprintf(err, 512, "%s: '%s' line %d: expected a number after the comma", option, path, lineno);
      break;
    }
    if (nonneg && b < 0) {
      snprintf(err, 512, "%s: '%s' line %d: negative value %g", option, path, lineno, b);
      break;
    }
    if (*n > 0 && a <= (*t)[*n - 1]) {
      snprintf(err, 512, "%s: '%s' line %d: times must increase (%g after %g)", option, path, lineno, a, (*t)[*n - 1]);
      break;
    }
    if ((size_t)*n == cap) {
      cap = cap ? 2 * cap : 64;
      *t  = realloc(*t, cap * sizeof(double));
      *v  = realloc(*v, cap * sizeof(double));
    }
    (*t)[*n] = a;
    (*v)[*n] = b;
    (*n)++;
  }
  fclose(fp);
  if (!err[0] && *n == 0) snprintf(err, 512, "%s: '%s' holds no data rows", option, path);
}

PetscErrorCode RslSeriesRead(MPI_Comm comm, const char option[], const char path[], PetscBool linear, PetscBool nonneg, RslSeries *s)
{
  PetscMPIInt rank;
  char        err[512] = "";
  PetscInt    n        = 0;
  double     *t = NULL, *v = NULL;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) SeriesParse(option, path, nonneg, &n, &t, &v, err);
  PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
  if (err[0]) {
    free(t);
    free(v);
    RSLCHECK(comm, 0, "%s", err);
  }
  PetscCallMPI(MPI_Bcast(&n, 1, MPIU_INT, 0, comm));
  PetscCall(PetscMalloc2(n, &s->t, n, &s->v));
  if (!rank) {
    PetscCall(PetscArraycpy(s->t, t, n));
    PetscCall(PetscArraycpy(s->v, v, n));
  }
  free(t);
  free(v);
  PetscCallMPI(MPI_Bcast(s->t, (PetscMPIInt)n, MPI_DOUBLE, 0, comm));
  PetscCallMPI(MPI_Bcast(s->v, (PetscMPIInt)n, MPI_DOUBLE, 0, comm));
  s->n      = n;
  s->linear = linear;
  PetscFunctionReturn(PETSC_SUCCESS);
}

void RslSeriesConstant(double value, RslSeries *s)
{
  s->n      = 0;
  s->t      = NULL;
  s->v      = NULL;
  s->c      = value;
  s->linear = PETSC_FALSE;
}

PetscErrorCode RslSeriesFree(RslSeries *s)
{
  PetscFunctionBegin;
  PetscCall(PetscFree2(s->t, s->v));
  s->n = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Index k of the last time <= t (-1 before the first). */
static PetscInt SeriesFind(const RslSeries *s, double t)
{
  PetscInt lo = -1, hi = s->n;
  while (hi - lo > 1) {
    PetscInt mid = (lo + hi) / 2;
    if (s->t[mid] <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

double RslSeriesEval(const RslSeries *s, double t)
{
  if (!s->n) return s->c;
  PetscInt k = SeriesFind(s, t);
  if (k < 0) return s->linear ? s->v[0] : 0.0;
  if (k == s->n - 1 || !s->linear) return s->v[k];
  double w = (t - s->t[k]) / (s->t[k + 1] - s->t[k]);
  return s->v[k] + w * (s->v[k + 1] - s->v[k]);
}

double RslSeriesMean(const RslSeries *s, double t0, double t1)
{
  if (!s->n || t1 <= t0) return RslSeriesEval(s, t0);
  /* piecewise: integrate between breakpoints; each piece is constant or linear */
  double sum = 0, a = t0;
  while (a < t1) {
    double b = PetscMin(RslSeriesNextBreak(s, a), t1);
    sum += 0.5 * (RslSeriesEval(s, a) + (s->linear ? RslSeriesEval(s, b) : RslSeriesEval(s, a))) * (b - a);
    a = b;
  }
  return sum / (t1 - t0);
}

double RslSeriesNextBreak(const RslSeries *s, double t)
{
  if (!s->n) return PETSC_MAX_REAL;
  PetscInt k = SeriesFind(s, t);
  return k + 1 < s->n ? s->t[k + 1] : PETSC_MAX_REAL;
}
