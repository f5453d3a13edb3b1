/* What the solver gives its callers: the snapshot monitor (RslSWEMonitorSet) and read-only
 * access to the results (swe.h); the file layout is the output writer's (output/). */
#include "swe/swe_impl.h"

PetscErrorCode RslSWEMonitorSet(RslSWE swe, RslSWEMonitorFn fn, void *ctx, PetscErrorCode (*destroy)(void **ctx))
{
  PetscFunctionBegin;
  if (swe->monitor_destroy) PetscCall(swe->monitor_destroy(&swe->monitor_ctx));
  swe->monitor         = fn;
  swe->monitor_ctx     = ctx;
  swe->monitor_destroy = destroy;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A snapshot now: the monitor's, and its time counted (checkpoints and resumes need them). */
PetscErrorCode RslSWESnapshot(RslSWE swe)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(swe->ev_output, 0, 0, 0, 0));
  PetscCall(swe->monitor(swe, swe->nsnap, swe->t, swe->U, swe->monitor_ctx));
  PetscCall(PetscRealloc(sizeof(double) * (swe->nsnap + 1), &swe->snap_t));
  swe->snap_t[swe->nsnap++] = swe->t;
  PetscCall(PetscLogEventEnd(swe->ev_output, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetGrid(RslSWE swe, RslGrid **grid)
{
  PetscFunctionBegin;
  *grid = swe->grid;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetState(RslSWE swe, Vec *U)
{
  PetscFunctionBegin;
  *U = swe->U;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetBed(RslSWE swe, Vec *z, double *nodata)
{
  PetscFunctionBegin;
  *z      = swe->z;
  *nodata = swe->nodata;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetCheckpoint(RslSWE swe, RslCheckpoint *ck)
{
  PetscFunctionBegin;
  *ck = swe->ck;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetInfiltration(RslSWE swe, Vec *F)
{
  PetscFunctionBegin;
  *F = swe->F;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetMaxima(RslSWE swe, Vec *h, Vec *speed, Vec *hv)
{
  PetscFunctionBegin;
  if (h) *h = swe->hmax;
  if (speed) *speed = swe->smax;
  if (hv) *hv = swe->qmax;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetLossDepth(RslSWE swe, Vec loss, PetscBool *has)
{
  PetscFunctionBegin;
  *has = swe->soil.ks ? PETSC_TRUE : PETSC_FALSE;
  if (*has) PetscCall(RslSWELossDepth(swe, loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetRunInfo(RslSWE swe, RslSWERunInfo *r)
{
  PetscBool cfl = swe->dt_cfl_min_cell >= 0 ? PETSC_TRUE : PETSC_FALSE; /* some step was CFL-limited */

  PetscFunctionBegin;
  r->t              = swe->t;
  r->steps          = swe->step;
  r->dt_min         = swe->dt_min;
  r->dt_cfl_min     = cfl ? swe->dt_cfl_min : NAN;
  r->dt_cfl_min_t   = cfl ? swe->dt_cfl_min_t : NAN;
  r->dt_cfl_min_x   = NAN;
  r->dt_cfl_min_y   = NAN;
  r->order          = swe->order;
  r->rejected       = swe->rejected;
  r->negative_cells = swe->negative_cells;
  if (cfl) {
    double x, y;
    RslGridCellCentre(swe->grid, swe->dt_cfl_min_cell % swe->grid->nx, swe->dt_cfl_min_cell / swe->grid->nx, &x, &y);
    r->dt_cfl_min_x = x;
    r->dt_cfl_min_y = y;
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &r->negative_cells, 1, MPIU_INT, MPI_SUM, swe->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetSeries(RslSWE swe, PetscInt *nrows, const double **hydro, PetscInt *ngauge, const double **gauges)
{
  PetscFunctionBegin;
  *nrows = swe->nts;
  if (hydro) *hydro = swe->ts_hydro;
  if (ngauge) *ngauge = swe->ngauge;
  if (gauges) *gauges = swe->ts_gauge;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetGauge(RslSWE swe, PetscInt k, const char **name, double *x, double *y)
{
  PetscFunctionBegin;
  PetscCheck(k >= 0 && k < swe->ngauge, swe->comm, PETSC_ERR_ARG_OUTOFRANGE, "gauge %d of %d", (int)k, (int)swe->ngauge);
  *name = swe->gauge[k].name;
  *x    = swe->gauge[k].x;
  *y    = swe->gauge[k].y;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetSnapshots(RslSWE swe, PetscInt *n, const double **t)
{
  PetscFunctionBegin;
  *n = swe->nsnap;
  *t = swe->snap_t;
  PetscFunctionReturn(PETSC_SUCCESS);
}
