/* One time step: CFL-limited dt from the face wave speeds, forward Euler (order 1) or
 * SSP-RK2 (order 2) on the flux residual, its last update fused with the point-wise
 * sources — point inflows, rain, semi-implicit friction — and the per-cell maxima. */
#include "swe/swe_impl.h"
#include "core/signal.h"
#include "kernels/swe_flux.h"

/* w = a*y + b*(x + dt*r) (just x + dt*r when y is NULL) on entries k0..k1-1, point-wise in
 * plain C: BLAS axpy kernels may fuse multiply-adds in their vector body but not in their
 * tail, which would make results depend on where a cell falls in a rank's array
 * (decomposition independence, DESIGN invariant 1). */
static inline void CombineRange(double *w, double a, const double *y, double b, const double *x, double dt, const double *r, PetscInt k0, PetscInt k1)
{
  if (y)
    for (PetscInt k = k0; k < k1; k++) w[k] = a * y[k] + b * (x[k] + dt * r[k]);
  else
    for (PetscInt k = k0; k < k1; k++) w[k] = x[k] + dt * r[k];
}

/* Euler stage w = x + dt*r over whole vectors. */
static PetscErrorCode Euler(Vec w, Vec x, PetscReal dt, Vec r)
{
  PetscScalar       *pw;
  const PetscScalar *px, *pr;
  PetscInt           n;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(w, &n));
  PetscCall(VecGetArrayRead(x, &px));
  PetscCall(VecGetArrayRead(r, &pr));
  PetscCall(VecGetArray(w, &pw));
  CombineRange(pw, 0, NULL, 1, px, dt, pr, 0, n);
  PetscCall(VecRestoreArray(w, &pw));
  PetscCall(VecRestoreArrayRead(r, &pr));
  PetscCall(VecRestoreArrayRead(x, &px));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void AccumulateBoundary(RslSWE swe, const double *out, const double *in, double w)
{
  for (int s = 0; s < RSL_NSIDES; s++) {
    RslKahanAdd(&swe->out_side[s], w * out[s]);
    RslKahanAdd(&swe->in_side[s], w * in[s]);
  }
}

/* Point-wise sources of cells c0..c1-1 after their flux update: rain (rate rain x rdt),
 * semi-implicit friction, maxima. The active mask
 * (1/0) enters as a factor — exact: x*1 = x, x*0 = 0 — so an inactive cell keeps its values
 * without a branch, and the loop vectorizes. */
RSL_MULTIVERSION static void CellSources(PetscInt c0, PetscInt c1, double dt, double hdry, double g, double *restrict u, const double *restrict act, const double *restrict rain, double rdt, const double *restrict n, double *restrict hmax, double *restrict smax)
{
  for (PetscInt c = c0; c < c1; c++) {
    double h = u[3 * c] + rain[c] * rdt * act[c], hu = u[3 * c + 1], hv = u[3 * c + 2];
    double q = sqrt(hu * hu + hv * hv), f = rsl_swe_friction_factor(h, q, n[c], g, dt, hdry);
    double s = (h > hdry ? f * q / (h > hdry ? h : 1.0) : 0.0) * act[c]; /* speed after friction */
    double m = h * act[c];
    smax[c]      = s > smax[c] ? s : smax[c];
    hmax[c]      = m > hmax[c] ? m : hmax[c];
    u[3 * c]     = h;
    u[3 * c + 1] = h > hdry ? hu * f : 0.0;
    u[3 * c + 2] = h > hdry ? hv * f : 0.0;
  }
}

/* The last update of a step fused with the point-wise sources, in one sweep over the owned
 * rows: U = a*y + b*(x + dt*R) (just x + dt*R when y is NULL), point inflows, then rain,
 * friction and the per-cell maxima. Each cell sees the same operations in the same order as
 * separate passes would apply them. */
static PetscErrorCode UpdateWithSources(RslSWE swe, PetscReal dt, PetscReal a, Vec y, PetscReal b, Vec x)
{
  RslGrid           *g = swe->grid;
  PetscScalar       *pu, *hmax, *smax, *dhsrc;
  const PetscScalar *py = NULL, *px, *pr, *act, *n, *rain = NULL;
  const double       area = g->dx * g->dy;
  const PetscInt     xs = g->xs, ys = g->ys, xm = g->xm, ym = g->ym;
  RslKahan           rainv = {0, 0}; /* compensated: the budget closes to round-off */

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(swe->ev_source, 0, 0, 0, 0));
  /* point inflow depths of this step (volume counted in source order) */
  PetscCall(PetscMalloc1(swe->nsrc, &dhsrc));
  for (PetscInt k = 0; k < swe->nsrc; k++) {
    RslPointSource *p = &swe->src[k];
    dhsrc[k]          = 0;
    if (p->i < xs || p->i >= xs + xm || p->j < ys || p->j >= ys + ym) continue;
    double q = RslSeriesMean(&p->q, swe->t, swe->t + dt);
    dhsrc[k] = q * dt / area;
    RslKahanAdd(&swe->src_vol, q * dt);
  }
  PetscCall(VecGetArray(swe->U, &pu));
  PetscCall(VecGetArrayRead(x, &px));
  PetscCall(VecGetArrayRead(swe->R, &pr));
  if (y) PetscCall(VecGetArrayRead(y, &py));
  PetscCall(VecGetArrayRead(swe->act, &act));
  PetscCall(VecGetArrayRead(swe->nman, &n));
  if (swe->have_rain) PetscCall(VecGetArrayRead(swe->rain, &rain));
  PetscCall(VecGetArray(swe->hmax, &hmax));
  PetscCall(VecGetArray(swe->smax, &smax));
  for (PetscInt j = 0; j < ym; j++) {
    PetscInt c0 = j * xm, c1 = c0 + xm; /* cells of the row */
    CombineRange(pu, a, py, b, px, dt, pr, 3 * c0, 3 * c1);
    for (PetscInt k = 0; k < swe->nsrc; k++)
      if (dhsrc[k] != 0 && swe->src[k].j == ys + j) pu[3 * (c0 + swe->src[k].i - xs)] += dhsrc[k];
    /* without rain, any finite array times 0 adds an exact 0 and keeps the loop free of a branch */
    CellSources(c0, c1, dt, swe->hdry, swe->g, pu, act, rain ? rain : n, rain ? dt : 0.0, n, hmax, smax);
    for (PetscInt c = c0; c < c1; c++) { /* rain volume in cell order, as a sum must stay */
      if (act[c] < 0.5) continue;
      if (rain) RslKahanAdd(&rainv, rain[c] * dt);
      if (pu[3 * c] < 0) swe->negative_cells++;
    }
  }
  RslKahanAdd(&swe->rain_vol, rainv.sum * area);
  PetscCall(VecRestoreArray(swe->smax, &smax));
  PetscCall(VecRestoreArray(swe->hmax, &hmax));
  if (rain) PetscCall(VecRestoreArrayRead(swe->rain, &rain));
  PetscCall(VecRestoreArrayRead(swe->nman, &n));
  PetscCall(VecRestoreArrayRead(swe->act, &act));
  if (y) PetscCall(VecRestoreArrayRead(y, &py));
  PetscCall(VecRestoreArrayRead(swe->R, &pr));
  PetscCall(VecRestoreArrayRead(x, &px));
  PetscCall(VecRestoreArray(swe->U, &pu));
  PetscCall(PetscFree(dhsrc));
  PetscCall(PetscLogEventEnd(swe->ev_source, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Semi-implicit friction on the intermediate stage of order 2, so that thin films on steep
 * slopes do not enter stage 2 with the unbounded speeds of a frictionless Euler step. */
static PetscErrorCode StageFriction(RslSWE swe, Vec W, PetscReal dt)
{
  PetscScalar       *w;
  const PetscScalar *act, *n;
  PetscInt           nc;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(swe->act, &nc));
  PetscCall(VecGetArray(W, &w));
  PetscCall(VecGetArrayRead(swe->act, &act));
  PetscCall(VecGetArrayRead(swe->nman, &n));
  for (PetscInt c = 0; c < nc; c++) {
    double *u = &w[3 * c], f;
    if (act[c] < 0.5) continue;
    f    = rsl_swe_friction_factor(u[0], sqrt(u[1] * u[1] + u[2] * u[2]), n[c], swe->g, dt, swe->hdry);
    u[1] = u[0] > swe->hdry ? u[1] * f : 0.0;
    u[2] = u[0] > swe->hdry ? u[2] * f : 0.0;
  }
  PetscCall(VecRestoreArrayRead(swe->nman, &n));
  PetscCall(VecRestoreArrayRead(swe->act, &act));
  PetscCall(VecRestoreArray(W, &w));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Smallest depth over the active cells of all ranks of a*y + b*(x + dt*r) (x + dt*r when y
 * is NULL), before it is committed. */
static PetscErrorCode MinDepth(RslSWE swe, PetscReal a, Vec y, PetscReal b, Vec x, PetscReal dt, Vec r, double *hmin)
{
  const PetscScalar *py = NULL, *px, *pr, *act;
  PetscInt           nc;
  double             m = PETSC_MAX_REAL;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(swe->act, &nc));
  PetscCall(VecGetArrayRead(x, &px));
  PetscCall(VecGetArrayRead(r, &pr));
  if (y) PetscCall(VecGetArrayRead(y, &py));
  PetscCall(VecGetArrayRead(swe->act, &act));
  for (PetscInt c = 0; c < nc; c++) {
    double h = py ? a * py[3 * c] + b * (px[3 * c] + dt * pr[3 * c]) : px[3 * c] + dt * pr[3 * c];
    if (act[c] > 0.5 && h < m) m = h;
  }
  PetscCall(VecRestoreArrayRead(swe->act, &act));
  if (y) PetscCall(VecRestoreArrayRead(y, &py));
  PetscCall(VecRestoreArrayRead(r, &pr));
  PetscCall(VecRestoreArrayRead(x, &px));
  PetscCallMPI(MPI_Allreduce(&m, hmin, 1, MPI_DOUBLE, MPI_MIN, swe->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* SSP-RK2 with a positivity guard: each stage keeps depths positive under the CFL condition
 * of its own state, but stage 2 runs with the time step of stage 1; a stage that would make a
 * depth negative is rejected and the step retried with half the time step (depths are never
 * clipped, which would break the budget). */
static PetscErrorCode StepOrder2(RslSWE swe, PetscReal *dt, double out0[], double in0[])
{
  double ax, ay, hmin;

  PetscFunctionBegin;
  for (int tries = 0;; tries++) {
    PetscCheck(tries < 40, swe->comm, PETSC_ERR_CONV_FAILED, "SWE: no time step keeps the depths positive at t = %g s", (double)swe->t);
    if (tries) {
      *dt *= 0.5;
      swe->rejected++;
      PetscCall(RslSWEResidual(swe, swe->U, swe->t, &ax, &ay));
    }
    PetscCall(MinDepth(swe, 0, NULL, 1, swe->U, *dt, swe->R, &hmin));
    if (hmin < 0) continue;
    PetscCall(PetscLogEventBegin(swe->ev_update, 0, 0, 0, 0));
    PetscCall(Euler(swe->U1, swe->U, *dt, swe->R));
    PetscCall(StageFriction(swe, swe->U1, *dt));
    PetscCall(PetscLogEventEnd(swe->ev_update, 0, 0, 0, 0));
    PetscCall(PetscArraycpy(out0, swe->bflux, RSL_NSIDES));
    PetscCall(PetscArraycpy(in0, swe->bflux_in, RSL_NSIDES));
    PetscCall(RslSWEResidual(swe, swe->U1, swe->t + *dt, &ax, &ay));
    PetscCall(MinDepth(swe, 0.5, swe->U, 0.5, swe->U1, *dt, swe->R, &hmin));
    if (hmin >= 0) break;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEStep(RslSWE swe, PetscReal tlimit)
{
  RslGrid *g = swe->grid;
  double   ax, ay, a[3], rate, dt, out0[RSL_NSIDES], in0[RSL_NSIDES];

  PetscFunctionBegin;
  PetscCall(RslSWEResidual(swe, swe->U, swe->t, &ax, &ay));
  /* reduce the x and y speeds separately: max over ranks of (ax/dx + ay/dy) would depend on
   * which rank holds the fastest x- and y-faces (decomposition independence); the stop
   * request (signal, wall-clock deadline) rides along, so every rank agrees at no cost */
  a[0] = ax;
  a[1] = ay;
  a[2] = RslStopLocal();
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, a, 3, MPI_DOUBLE, MPI_MAX, swe->comm));
  swe->stop = (int)a[2];
  rate = a[0] / g->dx + a[1] / g->dy;
  dt = rate > 0 ? swe->cfl / rate : swe->dtmax;
  dt = PetscMin(dt, swe->dtmax);
  if (swe->t + dt > tlimit) dt = tlimit - swe->t;
  swe->dt = dt;

  if (swe->order == 1) {
    PetscCall(UpdateWithSources(swe, dt, 0, NULL, 1, swe->U));
    AccumulateBoundary(swe, swe->bflux, swe->bflux_in, dt);
  } else {
    PetscCall(StepOrder2(swe, &dt, out0, in0));
    swe->dt = dt;
    PetscCall(UpdateWithSources(swe, dt, 0.5, swe->U, 0.5, swe->U1));
    AccumulateBoundary(swe, out0, in0, 0.5 * dt);
    AccumulateBoundary(swe, swe->bflux, swe->bflux_in, 0.5 * dt);
  }
  swe->t += dt;
  swe->step++;
  if (dt < swe->dt_min) swe->dt_min = dt;
  PetscFunctionReturn(PETSC_SUCCESS);
}
