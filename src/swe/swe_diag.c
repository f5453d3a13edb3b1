/* Water budget, stored volume and the time series (outlet hydrographs, gauges). */
#include "swe/swe_impl.h"

PetscErrorCode RslSWEStorage(RslSWE swe, double *vol, PetscInt *wet)
{
  RslGrid            *g = swe->grid;
  const RslSWEField **U;
  double              s[2] = {0, 0};
  RslKahan            sum  = {0, 0}; /* compensated: the budget closes to round-off */

  PetscFunctionBegin;
  PetscCall(DMDAVecGetArrayRead(g->da, swe->U, (void *)&U));
  for (PetscInt j = g->ys; j < g->ys + g->ym; j++)
    for (PetscInt i = g->xs; i < g->xs + g->xm; i++) {
      RslKahanAdd(&sum, U[j][i].h);
      s[1] += U[j][i].h > swe->hdry;
    }
  s[0] = sum.sum;
  PetscCall(DMDAVecRestoreArrayRead(g->da, swe->U, (void *)&U));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, s, 2, MPI_DOUBLE, MPI_SUM, swe->comm));
  *vol = s[0] * g->dx * g->dy;
  if (wet) *wet = (PetscInt)s[1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEBudget(RslSWE swe, RslSWEBudgetT *b)
{
  double loc[RSL_NSIDES * 2 + 3], sum[RSL_NSIDES * 2 + 3], in, out = 0, inb = 0;

  PetscFunctionBegin;
  for (int s = 0; s < RSL_NSIDES; s++) {
    loc[s]               = swe->out_side[s].sum;
    loc[RSL_NSIDES + s]  = swe->in_side[s].sum;
  }
  loc[2 * RSL_NSIDES]     = swe->rain_vol.sum;
  loc[2 * RSL_NSIDES + 1] = swe->src_vol.sum;
  loc[2 * RSL_NSIDES + 2] = swe->infil_vol.sum;
  PetscCallMPI(MPI_Allreduce(loc, sum, RSL_NSIDES * 2 + 3, MPI_DOUBLE, MPI_SUM, swe->comm));
  for (int s = 0; s < RSL_NSIDES; s++) {
    b->out[s] = sum[s];
    b->in[s]  = sum[RSL_NSIDES + s];
  }
  b->rain         = sum[2 * RSL_NSIDES];
  b->sources      = sum[2 * RSL_NSIDES + 1];
  b->infiltration = sum[2 * RSL_NSIDES + 2];
  b->storage0     = swe->storage0;
  PetscCall(RslSWEStorage(swe, &b->storage, NULL));
  for (int s = 0; s < RSL_NSIDES; s++) {
    out += b->out[s];
    inb += b->in[s];
  }
  in                = swe->storage0 + b->rain + b->sources + inb;
  b->relative_error = (b->storage - (in - out - b->infiltration)) / PetscMax(in, 1e-300);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEDiagInit(RslSWE swe)
{
  PetscFunctionBegin;
  PetscCall(RslSWEStorage(swe, &swe->storage0, NULL));
  PetscCall(VecSet(swe->hmax, 0));
  PetscCall(VecSet(swe->smax, 0));
  PetscCall(RslSWEHazardInit(swe));
  PetscCall(RslSWESampleSeries(swe));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Append one row of each time series: mean outflow per side since the last row (m3/s),
 * and the instantaneous state at each gauge (from its owner rank, reduced). */
PetscErrorCode RslSWESampleSeries(RslSWE swe)
{
  RslGrid            *g = swe->grid;
  const PetscInt      nh = RSL_NSIDES + 2, ng = 5 * swe->ngauge;
  double              out[RSL_NSIDES], *row;
  const RslSWEField **U;
  const PetscScalar **z;

  PetscFunctionBegin;
  if (swe->nts == swe->cap_ts) {
    double *h, *gg;
    swe->cap_ts = swe->cap_ts ? 2 * swe->cap_ts : 256;
    PetscCall(PetscMalloc2(swe->cap_ts * nh, &h, swe->cap_ts * PetscMax(ng, 1), &gg));
    if (swe->nts) {
      PetscCall(PetscArraycpy(h, swe->ts_hydro, swe->nts * nh));
      PetscCall(PetscArraycpy(gg, swe->ts_gauge, swe->nts * ng));
    }
    PetscCall(PetscFree2(swe->ts_hydro, swe->ts_gauge));
    swe->ts_hydro = h;
    swe->ts_gauge = gg;
  }
  for (int s = 0; s < RSL_NSIDES; s++) out[s] = swe->out_side[s].sum - swe->in_side[s].sum;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, out, RSL_NSIDES, MPI_DOUBLE, MPI_SUM, swe->comm));
  row    = swe->ts_hydro + swe->nts * nh;
  row[0] = swe->t;
  row[nh - 1] = 0;
  for (int s = 0; s < RSL_NSIDES; s++) {
    double dt   = swe->t - swe->ts_last_t;
    row[1 + s]  = dt > 0 ? (out[s] - swe->ts_last_out[s]) / dt : 0;
    row[nh - 1] += row[1 + s];
    swe->ts_last_out[s] = out[s];
  }
  swe->ts_last_t = swe->t;
  row = swe->ts_gauge + swe->nts * ng;
  PetscCall(PetscArrayzero(row, ng));
  PetscCall(DMDAVecGetArrayRead(g->da, swe->U, (void *)&U));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->z, (void *)&z));
  for (PetscInt k = 0; k < swe->ngauge; k++) {
    RslGauge *gg = &swe->gauge[k];
    if (gg->i < g->xs || gg->i >= g->xs + g->xm || gg->j < g->ys || gg->j >= g->ys + g->ym) continue;
    row[5 * k + 1] = U[gg->j][gg->i].h;
    row[5 * k + 2] = U[gg->j][gg->i].hu;
    row[5 * k + 3] = U[gg->j][gg->i].hv;
    row[5 * k + 4] = U[gg->j][gg->i].h + z[gg->j][gg->i];
  }
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->z, (void *)&z));
  PetscCall(DMDAVecRestoreArrayRead(g->da, swe->U, (void *)&U));
  if (ng) PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, row, (PetscMPIInt)ng, MPI_DOUBLE, MPI_SUM, swe->comm));
  for (PetscInt k = 0; k < swe->ngauge; k++) row[5 * k] = swe->t;
  swe->nts++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetSummary(RslSWE swe, RslSWESummary *s)
{
  RslSWEBudgetT      b;
  double             area = 0;
  const PetscScalar *hm;
  PetscInt           n;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(s, sizeof *s));
  PetscCall(RslSWEBudget(swe, &b));
  for (int k = 0; k < RSL_NSIDES; k++) {
    s->outflow_m3 += b.out[k];
    s->inflow_m3 += b.in[k];
  }
  s->inflow_m3 += b.sources;
  s->rain_m3         = b.rain;
  s->infiltration_m3 = b.infiltration;
  s->budget_error    = b.relative_error;
  s->runoff_coefficient = s->rain_m3 + s->inflow_m3 > 0 ? s->outflow_m3 / (s->rain_m3 + s->inflow_m3) : 0;
  for (PetscInt r = 0; r < swe->nts; r++) s->peak_outflow_m3s = PetscMax(s->peak_outflow_m3s, swe->ts_hydro[r * (RSL_NSIDES + 2) + RSL_NSIDES + 1]);
  PetscCall(VecGetLocalSize(swe->hmax, &n));
  PetscCall(VecGetArrayRead(swe->hmax, &hm));
  for (PetscInt k = 0; k < n; k++) area += hm[k] > swe->hazard_threshold;
  PetscCall(VecRestoreArrayRead(swe->hmax, &hm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &area, 1, MPI_DOUBLE, MPI_SUM, swe->comm));
  s->flooded_area_m2 = area * swe->grid->dx * swe->grid->dy;
  PetscFunctionReturn(PETSC_SUCCESS);
}
