#include "core/series.h"
#include "core/validate.h"
#include <string.h>

/* Free the growing arrays on an error path. */
static PetscErrorCode FreeRows(double **t, double **v)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(*t));
  PetscCall(PetscFree(*v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSeriesParse(MPI_Comm comm, const char option[], const char path[], char *text, PetscBool linear, PetscBool nonneg, RslSeries *s)
{
  RslRows        r;
  RslTextPos    *p   = &r.p;
  char         **f   = r.f;
  PetscInt       cap = 0, n = 0;
  double        *t = NULL, *v = NULL;
  PetscBool      first = PETSC_TRUE;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  s->n = 0;
  s->t = s->v = NULL;
  RslRowsBegin(&r, comm, option, path, text);
  for (; RslRowsNext(&r, 0, 2); first = PETSC_FALSE) {
    int    nf = r.nf;
    double a, b;
    if (first && !RslParseReal(f[0], &a)) continue; /* header */
    if (nf != 2) PetscCall(FreeRows(&t, &v));
    RSLCHECK(comm, nf == 2, "%s: '%s' line %d: %s, expected 'time_s,value'", option, path, p->line, nf > 2 ? "more than 2 fields" : "1 field");
    ierr = RslFieldReal(p, "time", f[0], RSL_NONNEG, &a);
    if (!ierr) ierr = RslFieldReal(p, "value", f[1], nonneg ? RSL_NONNEG : RSL_FINITE, &b);
    if (ierr || (n > 0 && !(a > t[n - 1]))) {
      double last = n > 0 ? t[n - 1] : 0;
      PetscCall(FreeRows(&t, &v));
      PetscCall(ierr);
      RSLCHECK(comm, 0, "%s: '%s' line %d: times must increase (%g after %g)", option, path, p->line, a, last);
    }
    if (n == cap) {
      cap = cap ? 2 * cap : 64;
      PetscCall(PetscRealloc(sizeof(double) * (size_t)cap, &t));
      PetscCall(PetscRealloc(sizeof(double) * (size_t)cap, &v));
    }
    t[n]   = a;
    v[n++] = b;
  }
  if (!n) PetscCall(FreeRows(&t, &v));
  RSLCHECK(comm, n > 0, "%s: '%s' holds no data rows (expected 'time_s,value' lines)", option, path);
  PetscCall(PetscMalloc2(n, &s->t, n, &s->v));
  PetscCall(PetscArraycpy(s->t, t, n));
  PetscCall(PetscArraycpy(s->v, v, n));
  PetscCall(FreeRows(&t, &v));
  s->n      = n;
  s->linear = linear;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSeriesRead(MPI_Comm comm, const char option[], const char path[], PetscBool linear, PetscBool nonneg, RslSeries *s)
{
  char          *text;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(RslReadTextFile(comm, option, path, &text));
  ierr = RslSeriesParse(comm, option, path, text, linear, nonneg, s);
  PetscCall(PetscFree(text));
  PetscCall(ierr);
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
