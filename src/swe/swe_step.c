/* One time step: CFL-limited dt from the face wave speeds, forward Euler (order 1) or
 * SSP-RK2 (order 2) on the flux residual, its last update fused with the point-wise
 * sources — point inflows, rain, semi-implicit friction — and the per-cell maxima. */
#include "swe/swe_impl.h"
#include "core/signal.h"
#include "kernels/swe_cell.h"
#include <limits.h>

/* w = x + dt*r on entries k0..k1-1, point-wise in plain C: BLAS axpy kernels may fuse
 * multiply-adds in their vector body but not in their tail, which would make results depend on
 * where a cell falls in a rank's array (decomposition independence, DESIGN invariant 1). */
static inline void EulerRange(double *w, const double *x, double dt, const double *r, PetscInt k0, PetscInt k1)
{
  for (PetscInt k = k0; k < k1; k++) w[k] = rsl_swe_euler(x[k], dt, r[k]);
}

static void AccumulateBoundary(RslSWE swe, const double *out, const double *in, double w)
{
  for (int s = 0; s < RSL_NSIDES; s++) {
    RslKahanAdd(&swe->out_side[s], w * out[s]);
    RslKahanAdd(&swe->in_side[s], w * in[s]);
  }
}

/* Point-wise sources of cells c0..c1-1 after their flux update (rsl_swe_cell_sources: rain of
 * rate rain x rdt, friction). The active mask (1/0) enters as a factor, exact, so an inactive
 * cell keeps its values without a branch and the loop vectorizes. */
RSL_MULTIVERSION static void CellSources(PetscInt c0, PetscInt c1, double dt, double hdry, double g, double *restrict u, const double *restrict act, const double *restrict rain, double rdt, const double *restrict n)
{
  for (PetscInt c = c0; c < c1; c++) rsl_swe_cell_sources(u + 3 * c, rain[c], rdt, act[c], n[c], g, dt, hdry);
}

/* SSP-RK2 average of cells c0..c1-1 (rsl_swe_cell_average). */
RSL_MULTIVERSION static void CellAverage(PetscInt c0, PetscInt c1, double hdry, double *restrict u, const double *restrict w)
{
  for (PetscInt c = c0; c < c1; c++) rsl_swe_cell_average(u + 3 * c, w + 3 * c, hdry);
}

/* Per-cell maxima of the committed state u of cells c0..c1-1 (rsl_swe_cell_maxima).
 * Branch-free, so the loop vectorizes. */
RSL_MULTIVERSION static void CellMaxima(PetscInt c0, PetscInt c1, double hdry, const double *restrict u, const double *restrict act, double *restrict hmax, double *restrict smax, double *restrict qmax)
{
  for (PetscInt c = c0; c < c1; c++) rsl_swe_cell_maxima(u + 3 * c, act[c], hdry, hmax + c, smax + c, qmax + c);
}

/* Flooded intervals of cells c0..c1-1 over the step [t, t + dt] (h0: depths at its start, u:
 * the committed state; rsl_swe_cell_crossing). Only crossings touch the per-cell times, so
 * they are not streamed every step. */
static void CellCrossings(PetscInt c0, PetscInt c1, double H, double t, double dt, const double *u, const double *h0, const double *act, double *tarr, double *tup, double *dur)
{
  for (PetscInt c = c0; c < c1; c++) rsl_swe_cell_crossing(h0[c - c0] * act[c], u[3 * c] * act[c], H, t, dt, tarr + c, tup + c, dur + c);
}

/* Rain rate summed over the active cells c0..c1-1 (*rsum, m/s) and their number of negative
 * depths (must stay 0), without branches so that the loop vectorizes. */
RSL_MULTIVERSION static PetscInt RowTally(PetscInt c0, PetscInt c1, const double *restrict u, const double *restrict act, const double *restrict rain, double *rsum)
{
  double   s   = 0;
  PetscInt neg = 0;
  for (PetscInt c = c0; c < c1; c++) {
    s += rain[c] * act[c];
    neg += u[3 * c] < 0.0 && act[c] > 0.5;
  }
  *rsum = s;
  return neg;
}

/* One forward-Euler stage with its sources over the owned rows: W = X + dt*R (W may be X),
 * point inflows dhsrc, rain and friction. Every SSP-RK stage applies the sources, so a steady
 * state of the stages is a steady state of the equations (friction applied to the stage and
 * once more after the average counts 1.5 times: 13 % too deep on the MacDonald channel). The
 * last stage (final) then commits U = (U + W)/2 (avg) or U = W (order 1: W is U), counts the
 * rain volume and negative depths and updates the per-cell records — all in the same sweep,
 * each row while it is in cache. */
PetscErrorCode RslSWEStageCPU(RslSWE swe, PetscReal dt, RslSWESlot wslot, RslSWESlot xslot, const double *dhsrc, PetscBool final, PetscBool avg)
{
  Vec                W = RslSWESlotVec(swe, wslot), X = RslSWESlotVec(swe, xslot);
  RslGrid           *g = swe->grid;
  PetscScalar       *pw, *pu = NULL, *hmax = NULL, *smax = NULL, *qmax = NULL, *tarr = NULL, *tup = NULL, *dur = NULL, *h0 = NULL;
  const PetscScalar *px, *pr, *act, *n, *rain = NULL;
  const double       area = g->dx * g->dy;
  const PetscInt     xs = g->xs, ys = g->ys, xm = g->xm, ym = g->ym;
  RslKahan           rainv = {0, 0}; /* compensated: the budget closes to round-off */
  const PetscInt    *span  = (const PetscInt *)swe->be_data;

  PetscFunctionBegin;
  PetscCall(RslSWEWorkBegin(swe, final ? swe->ev_source : swe->ev_update));
  /* W may be X (a stage in place) and U (order 1): each array is got once */
  PetscCall(VecGetArray(W, &pw));
  if (X == W) px = pw;
  else PetscCall(VecGetArrayRead(X, &px));
  PetscCall(VecGetArrayRead(swe->R, &pr));
  PetscCall(VecGetArrayRead(swe->act, &act));
  PetscCall(VecGetArrayRead(swe->nman, &n));
  if (swe->have_rain) PetscCall(VecGetArrayRead(swe->rain, &rain));
  if (final) {
    if (W == swe->U) pu = pw;
    else PetscCall(VecGetArray(swe->U, &pu));
    PetscCall(VecGetArray(swe->hmax, &hmax));
    PetscCall(VecGetArray(swe->smax, &smax));
    PetscCall(VecGetArray(swe->qmax, &qmax));
    PetscCall(VecGetArray(swe->tarr, &tarr));
    PetscCall(VecGetArray(swe->tup, &tup));
    PetscCall(VecGetArray(swe->dur, &dur));
    PetscCall(PetscMalloc1(xm, &h0));
  }
  for (PetscInt j = 0; j < ym; j++) {
    /* cells of the row that can change: an inactive cell holds (0, 0, 0), which the stage
     * keeps (its residual is 0, its rain weighs 0), so the ends of the row are skipped */
    PetscInt c0 = j * xm + span[2 * j], c1 = j * xm + span[2 * j + 1];
    if (final)
      for (PetscInt c = c0; c < c1; c++) h0[c - c0] = pu[3 * c];
    EulerRange(pw, px, dt, pr, 3 * c0, 3 * c1);
    for (PetscInt k = 0; k < swe->nsrc; k++)
      if (dhsrc[k] != 0 && swe->src[k].j == ys + j) pw[3 * (c0 + swe->src[k].i - xs)] += dhsrc[k];
    /* without rain, any finite array times 0 adds an exact 0 and keeps the loop free of a branch */
    CellSources(c0, c1, dt, swe->hdry, swe->g, pw, act, rain ? rain : n, rain ? dt : 0.0, n);
    if (!final) continue;
    if (avg) CellAverage(c0, c1, swe->hdry, pu, pw);
    CellMaxima(c0, c1, swe->hdry, pu, act, hmax, smax, qmax);
    CellCrossings(c0, c1, swe->hazard_threshold, swe->t, dt, pu, h0, act, tarr, tup, dur);
    double rsum;
    swe->negative_cells += RowTally(c0, c1, pu, act, rain ? rain : n, &rsum);
    if (rain) RslKahanAdd(&rainv, rsum * dt); /* rows in order, compensated across rows */
  }
  if (final) {
    RslKahanAdd(&swe->rain_vol, rainv.sum * area);
    PetscCall(PetscFree(h0));
    PetscCall(VecRestoreArray(swe->dur, &dur));
    PetscCall(VecRestoreArray(swe->tup, &tup));
    PetscCall(VecRestoreArray(swe->tarr, &tarr));
    PetscCall(VecRestoreArray(swe->qmax, &qmax));
    PetscCall(VecRestoreArray(swe->smax, &smax));
    PetscCall(VecRestoreArray(swe->hmax, &hmax));
    if (W != swe->U) PetscCall(VecRestoreArray(swe->U, &pu));
  }
  if (rain) PetscCall(VecRestoreArrayRead(swe->rain, &rain));
  PetscCall(VecRestoreArrayRead(swe->nman, &n));
  PetscCall(VecRestoreArrayRead(swe->act, &act));
  PetscCall(VecRestoreArrayRead(swe->R, &pr));
  if (X != W) PetscCall(VecRestoreArrayRead(X, &px));
  PetscCall(VecRestoreArray(W, &pw));
  PetscCall(RslSWEWorkEnd(swe, final ? swe->ev_source : swe->ev_update));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Point inflow depths of the step [t, t + dt] (m), 0 for the sources of other ranks. */
static void PointSources(RslSWE swe, PetscReal dt, double *dhsrc)
{
  RslGrid *g = swe->grid;

  for (PetscInt k = 0; k < swe->nsrc; k++) {
    RslPointSource *p = &swe->src[k];
    dhsrc[k]          = 0;
    if (p->i < g->xs || p->i >= g->xs + g->xm || p->j < g->ys || p->j >= g->ys + g->ym) continue;
    double q = RslSeriesMean(&p->q, swe->t, swe->t + dt);
    dhsrc[k] = q * dt / (g->dx * g->dy);
  }
}

PetscErrorCode RslSWEMinDepthCPU(RslSWE swe, RslSWESlot xslot, PetscBool avg, PetscReal dt, double *hmin)
{
  const PetscScalar *pu = NULL, *px, *pr, *act;
  PetscInt           nc;
  double             m = PETSC_MAX_REAL;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(swe->act, &nc));
  PetscCall(VecGetArrayRead(RslSWESlotVec(swe, xslot), &px));
  PetscCall(VecGetArrayRead(swe->R, &pr));
  if (avg) PetscCall(VecGetArrayRead(swe->U, &pu));
  PetscCall(VecGetArrayRead(swe->act, &act));
  for (PetscInt c = 0; c < nc; c++) {
    double e = rsl_swe_euler(px[3 * c], dt, pr[3 * c]), h = avg ? 0.5 * pu[3 * c] + 0.5 * e : e;
    if (act[c] > 0.5 && h < m) m = h;
  }
  PetscCall(VecRestoreArrayRead(swe->act, &act));
  if (avg) PetscCall(VecRestoreArrayRead(swe->U, &pu));
  PetscCall(VecRestoreArrayRead(swe->R, &pr));
  PetscCall(VecRestoreArrayRead(RslSWESlotVec(swe, xslot), &px));
  *hmin = m;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Smallest depth over the active cells of all ranks of x + dt R, or of (U + x + dt R)/2 when
 * avg (the SSP-RK2 average), before it is committed. */
static PetscErrorCode MinDepth(RslSWE swe, RslSWESlot x, PetscBool avg, PetscReal dt, double *hmin)
{
  double m;

  PetscFunctionBegin;
  PetscCall(swe->be.min_depth(swe, x, avg, dt, &m));
  PetscCallMPI(MPI_Allreduce(&m, hmin, 1, MPI_DOUBLE, MPI_MIN, swe->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* SSP-RK2 with a positivity guard: each stage keeps depths positive under the CFL condition
 * of its own state, but stage 2 runs with the time step of stage 1; a stage that would make a
 * depth negative is rejected and the step retried with half the time step (depths are never
 * clipped, which would break the budget). */
static PetscErrorCode StepOrder2(RslSWE swe, PetscReal *dt, double *dhsrc, double out0[], double in0[])
{
  double   rate, hmin;
  PetscInt cell;

  PetscFunctionBegin;
  for (int tries = 0;; tries++) {
    PetscCheck(tries < 40, swe->comm, PETSC_ERR_CONV_FAILED, "SWE: no time step keeps the depths positive at t = %g s", (double)swe->t);
    if (tries) {
      *dt *= 0.5;
      swe->rejected++;
      PetscCall(swe->be.residual(swe, RSL_SWE_U, swe->t, &rate, &cell));
    }
    PetscCall(MinDepth(swe, RSL_SWE_U, PETSC_FALSE, *dt, &hmin));
    if (hmin < 0) continue;
    PointSources(swe, *dt, dhsrc); /* counted once the step is accepted */
    PetscCall(swe->be.stage(swe, *dt, RSL_SWE_U1, RSL_SWE_U, dhsrc, PETSC_FALSE, PETSC_FALSE));
    PetscCall(PetscArraycpy(out0, swe->bflux, RSL_NSIDES));
    PetscCall(PetscArraycpy(in0, swe->bflux_in, RSL_NSIDES));
    PetscCall(swe->be.residual(swe, RSL_SWE_U1, swe->t + *dt, &rate, &cell));
    PetscCall(MinDepth(swe, RSL_SWE_U1, PETSC_TRUE, *dt, &hmin));
    if (hmin >= 0) break;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const char *const DtKind[] = {"cfl", "dt_max", "end", "split"};

/* -swe_dt_monitor: one line per step with the step's limiting cell and its state (collective). */
static PetscErrorCode MonitorDt(RslSWE swe, double dt, int kind, double rate, PetscInt cell)
{
  RslGrid            *g = swe->grid;
  const RslSWEField **U;
  double              v[3] = {0, 0, 0}, x = 0, y = 0;
  PetscInt            i = cell >= 0 ? cell % g->nx : -1, j = cell >= 0 ? cell / g->nx : -1;

  PetscFunctionBegin;
  PetscCall(RslSWEBackendDownload(swe));
  if (i >= g->xs && i < g->xs + g->xm && j >= g->ys && j < g->ys + g->ym) {
    PetscCall(DMDAVecGetArrayRead(g->da, swe->U, (void *)&U));
    v[0] = U[j][i].h, v[1] = U[j][i].hu, v[2] = U[j][i].hv;
    PetscCall(DMDAVecRestoreArrayRead(g->da, swe->U, (void *)&U));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, v, 3, MPI_DOUBLE, MPI_SUM, swe->comm));
  if (cell >= 0) RslGridCellCentre(g, i, j, &x, &y);
  PetscCall(PetscPrintf(swe->comm, "dt_monitor: step %7d t %11.4f dt %.4e (%s) rate %.4e 1/s cell (%d, %d) x %.2f y %.2f h %.4e u %+.4e v %+.4e\n", (int)swe->step, (double)swe->t, dt, DtKind[kind], rate, (int)i, (int)(cell >= 0 ? g->ny - 1 - j : -1), x, y, v[0], v[0] > swe->hdry ? v[1] / v[0] : 0.0, v[0] > swe->hdry ? v[2] / v[0] : 0.0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The time step from the residual's largest cell rate over all ranks (MPI_MAXLOC: the same
 * value and, on ties, the first cell in global order whatever the decomposition): dt = C / rate,
 * at most -swe_dt_max; before a time the step must land on (tlimit) it is shortened to land
 * there, in two equal steps rather than a full step and a sliver. The smallest CFL time step
 * and its cell are kept for the run's report. The stop request (signal, wall-clock deadline)
 * rides along in the same reduction, so every rank agrees at no cost. */
static PetscErrorCode TimeStep(RslSWE swe, PetscReal tlimit, double rate, PetscInt cell, double *dt)
{
  struct {
    double r;
    int    c;
  } loc[2] = {{rate, cell >= 0 ? (int)cell : INT_MAX}, {(double)RslStopLocal(), 0}}, red[2], glob;
  int kind = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(loc, red, 2, MPI_DOUBLE_INT, MPI_MAXLOC, swe->comm));
  glob      = red[0];
  swe->stop = (int)red[1].r;
  *dt = glob.r > 0 ? swe->cfl / glob.r : swe->dtmax;
  if (glob.r > 0 && *dt < swe->dt_cfl_min) {
    swe->dt_cfl_min      = *dt;
    swe->dt_cfl_min_t    = swe->t;
    swe->dt_cfl_min_cell = glob.c;
  }
  if (*dt > swe->dtmax) *dt = swe->dtmax, kind = 1;
  if (swe->t + *dt > tlimit) *dt = tlimit - swe->t, kind = 2;
  else if (swe->t + 2 * *dt > tlimit) *dt = 0.5 * (tlimit - swe->t), kind = 3;
  if (swe->dt_monitor > 0 && swe->step % swe->dt_monitor == 0) PetscCall(MonitorDt(swe, *dt, kind, glob.r, glob.r > 0 ? glob.c : -1));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEStep(RslSWE swe, PetscReal tlimit)
{
  RslGrid *g = swe->grid;
  double   rate, dt = 0, out0[RSL_NSIDES], in0[RSL_NSIDES], *dhsrc;
  PetscInt cell;

  PetscFunctionBegin;
  PetscCall(swe->be.residual(swe, RSL_SWE_U, swe->t, &rate, &cell));
  PetscCall(TimeStep(swe, tlimit, rate, cell, &dt));
  swe->dt = dt;

  PetscCall(PetscMalloc1(swe->nsrc, &dhsrc));
  if (swe->order == 1) {
    PointSources(swe, dt, dhsrc);
    PetscCall(swe->be.stage(swe, dt, RSL_SWE_U, RSL_SWE_U, dhsrc, PETSC_TRUE, PETSC_FALSE));
    AccumulateBoundary(swe, swe->bflux, swe->bflux_in, dt);
  } else {
    PetscCall(StepOrder2(swe, &dt, dhsrc, out0, in0));
    swe->dt = dt;
    PetscCall(swe->be.stage(swe, dt, RSL_SWE_U1, RSL_SWE_U1, dhsrc, PETSC_TRUE, PETSC_TRUE));
    AccumulateBoundary(swe, out0, in0, 0.5 * dt);
    AccumulateBoundary(swe, swe->bflux, swe->bflux_in, 0.5 * dt);
  }
  for (PetscInt k = 0; k < swe->nsrc; k++) RslKahanAdd(&swe->src_vol, dhsrc[k] * g->dx * g->dy); /* source order */
  PetscCall(PetscFree(dhsrc));
  swe->t += dt;
  swe->step++;
  if (dt < swe->dt_min) swe->dt_min = dt;
  PetscFunctionReturn(PETSC_SUCCESS);
}
