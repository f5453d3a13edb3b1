/* scenario/rain: design storms from Montana IDF coefficients (formulas in rain.h). Work in
 * minutes and millimetres as the IDF law does; the series stores mm/h per step. */
#include "scenario/rain_impl.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  int    kind;        /* 0 block, 1 chicago, 2 double triangle */
  double a, b, D, r;  /* a in mm/min (t in min), D in min */
  double ts, tp, te;  /* double triangle: intense period and peak (min) */
  double i1, imax;    /* double triangle intensities (mm/min) */
} Storm;

/* IDF depth H(d) = a d^(1-b) (mm, d in min). */
static double Depth(const Storm *s, double d) { return s->a * pow(d, 1.0 - s->b); }

/* Depth of the piecewise-linear double triangle from 0 to t. */
static double TriangleCum(const Storm *s, double t)
{
  const double x[5] = {0, s->ts, s->tp, s->te, s->D}, y[5] = {0, s->i1, s->imax, s->i1, 0};
  double       c    = 0;
  for (int k = 0; k < 4 && t > x[k]; k++) {
    double b = PetscMin(t, x[k + 1]), w = x[k + 1] - x[k];
    double yb = w > 0 ? y[k] + (y[k + 1] - y[k]) * (b - x[k]) / w : y[k + 1];
    c += 0.5 * (y[k] + yb) * (b - x[k]);
  }
  return c;
}

/* Cumulative depth (mm) from the storm start to t (min). */
static double Cum(const Storm *s, double t)
{
  switch (s->kind) {
  case 0:
    return Depth(s, s->D) / s->D * t;
  case 1: {
    /* the depth between tp - u and tp is a r^b u^(1-b), after the peak a (1-r)^b u^(1-b) */
    double tp = s->r * s->D, before = s->a * pow(s->r, s->b) * pow(tp, 1.0 - s->b);
    if (t <= tp) return before - s->a * pow(s->r, s->b) * pow(tp - t, 1.0 - s->b);
    return before + s->a * pow(1.0 - s->r, s->b) * pow(t - tp, 1.0 - s->b);
  }
  default:
    return TriangleCum(s, t);
  }
}

static int CmpReal(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

PetscErrorCode RslRainDesignBuild(RslRain rain)
{
  MPI_Comm comm = rain->comm;
  Storm    s;
  double   dtm, *brk;
  PetscInt nb = 0, cap, n = 0;

  PetscFunctionBegin;
  RSLCHECK(comm, rain->idf_a > 0, "-rain_idf_a: %g must be > 0", (double)rain->idf_a);
  RSLCHECK(comm, rain->idf_b > 0 && rain->idf_b < 1, "-rain_idf_b: %g must be in (0,1)", (double)rain->idf_b);
  RSLCHECK(comm, rain->duration > 0, "-rain_duration: %g s must be > 0 with -rain_design", (double)rain->duration);
  RSLCHECK(comm, rain->dt > 0 && rain->dt <= rain->duration, "-rain_dt: %g s must be in (0, duration]", (double)rain->dt);
  RSLCHECK(comm, rain->peak >= 0 && rain->peak <= 1, "-rain_peak_position: %g must be in [0,1]", (double)rain->peak);
  RSLCHECK(comm, rain->duration / rain->dt <= 1e6, "-rain_dt: %g s gives %.3g steps over -rain_duration %g s (at most 1e6)", (double)rain->dt, (double)(rain->duration / rain->dt), (double)rain->duration);
  s.kind = !strcmp(rain->design, "block") ? 0 : !strcmp(rain->design, "chicago") ? 1 : 2;
  s.a    = rain->idf_mm_per_h ? rain->idf_a / 60.0 : rain->idf_a;
  s.b    = rain->idf_b;
  s.D    = rain->duration / 60.0;
  s.r    = rain->peak;
  dtm    = rain->dt / 60.0;
  if (s.kind == 2) {
    double d1 = (rain->intense > 0 ? rain->intense : 0.25 * rain->duration) / 60.0;
    RSLCHECK(comm, d1 < s.D, "-rain_intense_duration: %g s must be shorter than -rain_duration %g s", d1 * 60, (double)rain->duration);
    s.ts   = s.r * (s.D - d1);
    s.te   = s.ts + d1;
    s.tp   = s.ts + s.r * d1;
    s.i1   = 2.0 * (Depth(&s, s.D) - Depth(&s, d1)) / (s.D - d1);
    s.imax = 2.0 * Depth(&s, d1) / d1 - s.i1;
    RSLCHECK(comm, s.imax >= s.i1, "-rain_design double_triangle: the IDF law (b = %g) gives a peak below the outer intensity; use a shorter -rain_intense_duration", s.b);
  }
  /* breakpoints (min) */
  cap = (PetscInt)(s.D / dtm) + 8;
  PetscCall(PetscMalloc1(cap, &brk));
  brk[nb++] = 0;
  brk[nb++] = s.D;
  if (s.kind == 1) {
    double tp = s.r * s.D;
    for (PetscInt k = 0; tp - (s.r + k) * dtm > 0; k++) brk[nb++] = tp - (s.r + k) * dtm;
    for (PetscInt k = 0; tp + (1 - s.r + k) * dtm < s.D; k++) brk[nb++] = tp + (1 - s.r + k) * dtm;
  } else if (s.kind == 2) {
    for (PetscInt k = 1; k * dtm < s.D; k++) brk[nb++] = k * dtm;
    brk[nb++] = s.ts;
    brk[nb++] = s.tp;
    brk[nb++] = s.te;
  }
  qsort(brk, (size_t)nb, sizeof(double), CmpReal);
  for (PetscInt k = 0; k < nb; k++) /* drop duplicates and slivers from round-off */
    if (n == 0 || brk[k] - brk[n - 1] > 1e-9 * s.D) brk[n++] = brk[k];
  brk[n - 1] = s.D;
  PetscCall(RslSeriesFree(&rain->series));
  PetscCall(PetscMalloc2(n, &rain->series.t, n, &rain->series.v));
  for (PetscInt k = 0; k + 1 < n; k++) {
    rain->series.t[k] = brk[k] * 60.0;
    rain->series.v[k] = (Cum(&s, brk[k + 1]) - Cum(&s, brk[k])) / (brk[k + 1] - brk[k]) * 60.0;
  }
  rain->series.t[n - 1] = rain->duration;
  rain->series.v[n - 1] = 0;
  rain->series.n        = n;
  rain->series.linear   = PETSC_FALSE;
  PetscCall(PetscFree(brk));
  PetscFunctionReturn(PETSC_SUCCESS);
}
