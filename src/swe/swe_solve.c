/* The time loop: steps clipped to output times, rain changes and the final time;
 * snapshots, time series and a progress line at a wall-clock interval. */
#include "swe/swe_impl.h"

static PetscErrorCode UpdateRain(RslSWE swe, PetscReal *valid_until)
{
  PetscFunctionBegin;
  PetscCall(swe->rainsrc.rate(swe->rainsrc.ctx, swe->t, swe->rain));
  swe->rain_version++;
  *valid_until = PETSC_MAX_REAL;
  if (swe->rainsrc.next_break) PetscCall(swe->rainsrc.next_break(swe->rainsrc.ctx, swe->t, valid_until));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Progress(RslSWE swe, double wall0)
{
  RslSWEBudgetT b;
  double   vol, wall = RslWallTime() - wall0;
  PetscInt wet;

  PetscFunctionBegin;
  PetscCall(RslSWEBackendDownload(swe));
  PetscCall(RslSWEStorage(swe, &vol, &wet));
  PetscCall(RslSWEBudget(swe, &b));
  double eta = swe->t > 0 ? wall * (swe->tfinal - swe->t) / swe->t : 0;
  PetscCall(PetscPrintf(swe->comm, "ruissel: t %10.2f s  dt %.3e s  step %7" PetscInt_FMT "  wet %9" PetscInt_FMT "  volume %.6e m3  budget err %+.1e  wall %7.1f s  ETA %7.1f s\n", (double)swe->t, (double)swe->dt, swe->step, wet, vol, b.relative_error, wall, eta));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWESolve(RslSWE swe)
{
  PetscReal   rain_until = -1, eps = 1e-9 * swe->tfinal;
  double      wall0 = RslWallTime(), last_print = wall0;
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(swe->comm, &rank));
  if (!swe->resumed) { /* a resumed run has them from its checkpoint */
    swe->next_out = PETSC_MAX_REAL;
    swe->next_ts  = swe->ts_interval;
    if (swe->monitor && swe->out_interval > 0) {
      PetscCall(RslSWESnapshot(swe));
      swe->next_out = swe->out_interval;
    }
  }
  if (swe->ck) RslCheckpointStartAt(swe->ck, swe->t);
  PetscCall(RslSWEBackendUpload(swe)); /* the initial or restarted state */
  while (swe->t < swe->tfinal - eps && (swe->max_steps < 0 || swe->step < swe->max_steps)) {
    /* steps end exactly on output and sampling times: a sliver step before a sample
     * would turn its mean discharge into a difference of nearly equal volumes */
    PetscReal tlimit = PetscMin(PetscMin(swe->tfinal, swe->next_out), swe->next_ts);
    int       print  = 0;
    if (swe->have_rain && swe->t >= rain_until) PetscCall(UpdateRain(swe, &rain_until));
    if (swe->have_rain) tlimit = PetscMin(tlimit, rain_until);
    PetscCall(RslSWEStep(swe, tlimit));
    PetscCall(swe->be.losses(swe, swe->dt));
    if (swe->t >= swe->next_ts - eps) {
      PetscCall(RslSWEBackendDownload(swe));
      PetscCall(RslSWESampleSeries(swe));
      while (swe->next_ts <= swe->t + eps) swe->next_ts += swe->ts_interval;
    }
    if (swe->monitor && swe->t >= swe->next_out - eps) {
      PetscCall(RslSWEBackendDownload(swe));
      PetscCall(RslSWESnapshot(swe));
      while (swe->next_out <= swe->t + eps) swe->next_out += swe->out_interval;
    }
    /* checkpoints never shorten a step: a run with checkpoints gives the same results */
    if (!(swe->t < swe->tfinal - eps && (swe->max_steps < 0 || swe->step < swe->max_steps))) {
      swe->stop = 0; /* finished anyway: no checkpoint needed */
      break;
    }
    if (swe->ck && (swe->stop ? RslCheckpointActive(swe->ck) : RslCheckpointDue(swe->ck, swe->t))) {
      PetscCall(RslSWEBackendDownload(swe));
      PetscCall(RslSWECheckpointWrite(swe));
    }
    if (swe->stop) break;
    /* rank 0's clock decides, so every rank enters the collective progress together */
    if (swe->progress_interval > 0) {
      double now = RslWallTime();
      print      = !rank && now - last_print >= swe->progress_interval;
      PetscCallMPI(MPI_Bcast(&print, 1, MPI_INT, 0, swe->comm));
      if (print) {
        PetscCall(Progress(swe, wall0));
        last_print = now;
      }
    }
  }
  swe->wall = RslWallTime() - wall0;
  PetscCall(RslSWEBackendDownload(swe)); /* the results, for the caller's outputs */
  if (swe->stop) PetscFunctionReturn(PETSC_SUCCESS); /* the checkpoint holds the state; no final sample */
  if (swe->ts_last_t < swe->t) PetscCall(RslSWESampleSeries(swe));
  if (swe->progress_interval > 0) PetscCall(Progress(swe, wall0));
  swe->wall = RslWallTime() - wall0;
  if (swe->dt_cfl_min_cell >= 0) {
    double x, y;
    RslGridCellCentre(swe->grid, swe->dt_cfl_min_cell % swe->grid->nx, swe->dt_cfl_min_cell / swe->grid->nx, &x, &y);
    PetscCall(PetscPrintf(swe->comm, "ruissel: %d steps, dt_min %.4e s; smallest CFL step %.4e s at t = %.1f s, limited by the cell at (%.2f, %.2f)\n", (int)swe->step, (double)swe->dt_min, (double)swe->dt_cfl_min, (double)swe->dt_cfl_min_t, x, y));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetRankLoad(RslSWE swe, PetscInt *nactive, double *work)
{
  PetscFunctionBegin;
  *nactive = swe->nactive_local;
  *work    = swe->work;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetStats(RslSWE swe, PetscInt *nactive, PetscInt *steps, double *wall)
{
  PetscFunctionBegin;
  *nactive = swe->nactive;
  *steps   = swe->step;
  *wall    = swe->wall;
  PetscFunctionReturn(PETSC_SUCCESS);
}
