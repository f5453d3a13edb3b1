/* rain source "design": -rain_design block|chicago|double_triangle, a design storm from
 * Montana IDF coefficients i(t) = a t^-b, t in minutes, i in mm/min (Météo-France's
 * convention: depth H(t) = a t^(1-b) mm), or in mm/h with -rain_idf_units mm_per_h;
 * -rain_idf_a A -rain_idf_b B (0<B<1), -rain_duration D (s), -rain_dt S (s, default 300),
 * -rain_peak_position R (0..1, default 0.5), -rain_intense_duration D1 (s, double triangle,
 * default D/4).
 *   block: i(D) over [0, D).
 *   chicago (Keifer & Chu 1957): every window of duration d around the peak (fraction R
 *     before it) holds a d^(1-b); steps are aligned so that the peak step
 *     [tp - R dt, tp + (1-R) dt] holds exactly i(dt) dt, tp = R D.
 *   double_triangle (Desbordes 1974): piecewise linear, 0 at 0 and D, i1 at the ends of the
 *     intense period [ts, ts + D1] (ts = R (D - D1)), peak at ts + R D1; depth H(D1) within
 *     the intense period and H(D) in total.
 * Every step-rate is the exact mean of the storm's intensity over the step. Work in minutes
 * and millimetres as the IDF law does; the series stores mm/h per step. */
#include "scenario/rain_impl.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = {"block", "chicago", "double_triangle"};

typedef struct {
  PetscInt  kind;
  PetscReal idf_a, idf_b, duration, dt, peak, intense;
  char      units[16];
} Design;

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

static PetscErrorCode Options(RslRainSource src, PetscOptionItems *PetscOptionsObject)
{
  Design *d = (Design *)src->data;

  PetscFunctionBegin;
  PetscCall(PetscOptionsEList("-rain_design", "Design storm", "rain_design.c", kinds, 3, kinds[d->kind], &d->kind, &src->given));
  PetscCall(PetscOptionsReal("-rain_idf_a", "Montana coefficient a (i = a t^-b, t in min)", "rain_design.c", d->idf_a, &d->idf_a, NULL));
  PetscCall(PetscOptionsReal("-rain_idf_b", "Montana coefficient b", "rain_design.c", d->idf_b, &d->idf_b, NULL));
  PetscCall(PetscOptionsString("-rain_idf_units", "Unit of i in the IDF law: mm_per_min (Météo-France) or mm_per_h", "rain_design.c", d->units, d->units, sizeof d->units, NULL));
  PetscCall(PetscOptionsReal("-rain_duration", "Design storm duration (s)", "rain_design.c", d->duration, &d->duration, NULL));
  PetscCall(PetscOptionsReal("-rain_dt", "Design storm time step (s)", "rain_design.c", d->dt, &d->dt, NULL));
  PetscCall(PetscOptionsReal("-rain_peak_position", "Design storm peak position (fraction of the duration)", "rain_design.c", d->peak, &d->peak, NULL));
  PetscCall(PetscOptionsReal("-rain_intense_duration", "Double triangle: duration of the intense period (s, default duration/4)", "rain_design.c", d->intense, &d->intense, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Check(RslRainSource src)
{
  Design *d = (Design *)src->data;

  PetscFunctionBegin;
  RSLCHECK(src->rain->comm, !strcmp(d->units, "mm_per_min") || !strcmp(d->units, "mm_per_h"), "-rain_idf_units: '%s' (expected mm_per_min or mm_per_h)", d->units);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Build(RslRainSource src)
{
  RslRain  rain = src->rain;
  Design  *d    = (Design *)src->data;
  MPI_Comm comm = rain->comm;
  Storm    s;
  double   dtm, *brk;
  PetscInt nb = 0, cap, n = 0;

  PetscFunctionBegin;
  RSLCHECK(comm, d->idf_a > 0, "-rain_idf_a: %g must be > 0", (double)d->idf_a);
  RSLCHECK(comm, d->idf_b > 0 && d->idf_b < 1, "-rain_idf_b: %g must be in (0,1)", (double)d->idf_b);
  RSLCHECK(comm, d->duration > 0, "-rain_duration: %g s must be > 0 with -rain_design", (double)d->duration);
  RSLCHECK(comm, d->dt > 0 && d->dt <= d->duration, "-rain_dt: %g s must be in (0, duration]", (double)d->dt);
  RSLCHECK(comm, d->peak >= 0 && d->peak <= 1, "-rain_peak_position: %g must be in [0,1]", (double)d->peak);
  RSLCHECK(comm, d->duration / d->dt <= 1e6, "-rain_dt: %g s gives %.3g steps over -rain_duration %g s (at most 1e6)", (double)d->dt, (double)(d->duration / d->dt), (double)d->duration);
  s.kind = (int)d->kind;
  s.a    = !strcmp(d->units, "mm_per_h") ? d->idf_a / 60.0 : d->idf_a;
  s.b    = d->idf_b;
  s.D    = d->duration / 60.0;
  s.r    = d->peak;
  dtm    = d->dt / 60.0;
  if (s.kind == 2) {
    double d1 = (d->intense > 0 ? d->intense : 0.25 * d->duration) / 60.0;
    RSLCHECK(comm, d1 < s.D, "-rain_intense_duration: %g s must be shorter than -rain_duration %g s", d1 * 60, (double)d->duration);
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
  rain->series.t[n - 1] = d->duration;
  rain->series.v[n - 1] = 0;
  rain->series.n        = n;
  rain->series.linear   = PETSC_FALSE;
  PetscCall(PetscFree(brk));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View(RslRainSource src, PetscViewer v)
{
  Design *d = (Design *)src->data;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "%s, IDF a=%.6g b=%.6g (%s), duration %.6g s, dt %.6g s, peak at %.6g\n", kinds[d->kind], (double)d->idf_a, (double)d->idf_b, d->units, (double)d->duration, (double)d->dt, (double)d->peak));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainCreate_design(RslRainSource src)
{
  Design *d;

  PetscFunctionBegin;
  PetscCall(PetscNew(&d));
  d->dt   = 300;
  d->peak = 0.5;
  PetscCall(PetscStrncpy(d->units, "mm_per_min", sizeof d->units));
  src->data   = d;
  src->option = "-rain_design";
  src->ops    = (RslRainOps){.options = Options, .check = Check, .setup = Build, .view = View};
  PetscFunctionReturn(PETSC_SUCCESS);
}
