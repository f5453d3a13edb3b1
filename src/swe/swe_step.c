/* One time step: CFL-limited dt from the face wave speeds, forward Euler (order 1) or
 * SSP-RK2 (order 2) on the flux residual, then the point-wise sources — rain, point
 * inflows, infiltration, semi-implicit friction — and the per-cell maxima. */
#include "swe/swe_impl.h"
#include "kernels/swe_flux.h"

/* w = a*y + b*(x + dt*r), point-wise in plain C: BLAS axpy kernels may fuse multiply-adds
 * in their vector body but not in their tail, which would make results depend on where a
 * cell falls in a rank's array (decomposition independence, DESIGN invariant 1). */
static PetscErrorCode Combine(Vec w, PetscReal a, Vec y, PetscReal b, Vec x, PetscReal dt, Vec r)
{
  PetscScalar       *pw;
  const PetscScalar *py = NULL, *px, *pr;
  PetscInt           n;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(w, &n));
  PetscCall(VecGetArrayRead(x, &px));
  PetscCall(VecGetArrayRead(r, &pr));
  if (y) PetscCall(VecGetArrayRead(y, &py));
  PetscCall(VecGetArray(w, &pw));
  if (py)
    for (PetscInt k = 0; k < n; k++) pw[k] = a * py[k] + b * (px[k] + dt * pr[k]);
  else
    for (PetscInt k = 0; k < n; k++) pw[k] = px[k] + dt * pr[k];
  PetscCall(VecRestoreArray(w, &pw));
  if (y) PetscCall(VecRestoreArrayRead(y, &py));
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

/* Point-wise sources and maxima over the owned cells after the flux update. */
static PetscErrorCode Sources(RslSWE swe, PetscReal dt)
{
  RslGrid           *g = swe->grid;
  RslSWEField      **U;
  const PetscScalar **act, **n, **r = NULL;
  PetscScalar      **hmax, **smax;
  const double       area = g->dx * g->dy;
  double             rainv = 0;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(swe->ev_source, 0, 0, 0, 0));
  PetscCall(DMDAVecGetArray(g->da, swe->U, &U));
  /* point inflows first, so friction and maxima see them */
  for (PetscInt k = 0; k < swe->nsrc; k++) {
    RslPointSource *p = &swe->src[k];
    if (p->i < g->xs || p->i >= g->xs + g->xm || p->j < g->ys || p->j >= g->ys + g->ym) continue;
    double q = RslSeriesMean(&p->q, swe->t, swe->t + dt);
    U[p->j][p->i].h += q * dt / area;
    RslKahanAdd(&swe->src_vol, q * dt);
  }
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->act, (void *)&act));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->nman, (void *)&n));
  if (swe->have_rain) PetscCall(DMDAVecGetArrayRead(g->da1, swe->rain, (void *)&r));
  PetscCall(DMDAVecGetArray(g->da1, swe->hmax, &hmax));
  PetscCall(DMDAVecGetArray(g->da1, swe->smax, &smax));
  for (PetscInt j = g->ys; j < g->ys + g->ym; j++) {
    for (PetscInt i = g->xs; i < g->xs + g->xm; i++) {
      RslSWEField *u = &U[j][i];
      if (act[j][i] < 0.5) continue;
      if (r) {
        double dh = r[j][i] * dt;
        u->h += dh;
        rainv += dh;
      }
      if (u->h < 0) swe->negative_cells++;
      if (u->h <= swe->hdry) {
        u->hu = u->hv = 0;
      } else {
        double f = rsl_swe_friction_factor(u->h, u->hu, u->hv, n[j][i], swe->g, dt, swe->hdry);
        u->hu *= f;
        u->hv *= f;
        double s = sqrt(u->hu * u->hu + u->hv * u->hv) / u->h;
        if (s > smax[j][i]) smax[j][i] = s;
      }
      if (u->h > hmax[j][i]) hmax[j][i] = u->h;
    }
  }
  RslKahanAdd(&swe->rain_vol, rainv * area);
  PetscCall(DMDAVecRestoreArray(g->da1, swe->hmax, &hmax));
  PetscCall(DMDAVecRestoreArray(g->da1, swe->smax, &smax));
  if (r) PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->rain, (void *)&r));
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->nman, (void *)&n));
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->act, (void *)&act));
  PetscCall(DMDAVecRestoreArray(g->da, swe->U, &U));
  PetscCall(PetscLogEventEnd(swe->ev_source, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEStep(RslSWE swe, PetscReal tlimit)
{
  RslGrid *g = swe->grid;
  double   ax, ay, a[2], rate, dt, out0[RSL_NSIDES], in0[RSL_NSIDES];

  PetscFunctionBegin;
  PetscCall(RslSWEResidual(swe, swe->U, swe->t, &ax, &ay));
  /* reduce the x and y speeds separately: max over ranks of (ax/dx + ay/dy) would depend on
   * which rank holds the fastest x- and y-faces (decomposition independence) */
  a[0] = ax;
  a[1] = ay;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, a, 2, MPI_DOUBLE, MPI_MAX, swe->comm));
  rate = a[0] / g->dx + a[1] / g->dy;
  dt = rate > 0 ? swe->cfl / rate : swe->dtmax;
  dt = PetscMin(dt, swe->dtmax);
  if (swe->t + dt > tlimit) dt = tlimit - swe->t;
  swe->dt = dt;

  PetscCall(PetscLogEventBegin(swe->ev_update, 0, 0, 0, 0));
  if (swe->order == 1) {
    PetscCall(Combine(swe->U, 0, NULL, 1, swe->U, dt, swe->R));
    AccumulateBoundary(swe, swe->bflux, swe->bflux_in, dt);
  } else {
    PetscCall(Combine(swe->U1, 0, NULL, 1, swe->U, dt, swe->R));
    PetscCall(PetscArraycpy(out0, swe->bflux, RSL_NSIDES));
    PetscCall(PetscArraycpy(in0, swe->bflux_in, RSL_NSIDES));
    PetscCall(PetscLogEventEnd(swe->ev_update, 0, 0, 0, 0));
    PetscCall(RslSWEResidual(swe, swe->U1, swe->t + dt, &ax, &ay));
    PetscCall(PetscLogEventBegin(swe->ev_update, 0, 0, 0, 0));
    PetscCall(Combine(swe->U, 0.5, swe->U, 0.5, swe->U1, dt, swe->R));
    AccumulateBoundary(swe, out0, in0, 0.5 * dt);
    AccumulateBoundary(swe, swe->bflux, swe->bflux_in, 0.5 * dt);
  }
  PetscCall(PetscLogEventEnd(swe->ev_update, 0, 0, 0, 0));
  PetscCall(Sources(swe, dt));
  swe->t += dt;
  swe->step++;
  if (dt < swe->dt_min) swe->dt_min = dt;
  PetscFunctionReturn(PETSC_SUCCESS);
}
