/* RslSWE lifecycle: options, set-up of the state and parameters, the time loop. */
#include "swe/swe_impl.h"
#include "io/raster.h"

PetscErrorCode RslSWECreate(RslGrid *grid, RslSWE *swe)
{
  RslSWE s;

  PetscFunctionBegin;
  PetscCall(PetscNew(&s));
  s->comm              = grid->comm;
  s->grid              = grid;
  s->g                 = 9.81;
  s->cfl               = 0.95; /* by order, see RslSWESetFromOptions */
  s->hdry              = 1e-6;
  s->tfinal            = 3600;
  s->dtmax             = 5;
  s->order             = 1;
  s->max_steps         = -1;
  s->ts_interval       = 10;
  s->progress_interval = 10;
  s->dt_min            = PETSC_MAX_REAL;
  s->dt_cfl_min        = PETSC_MAX_REAL;
  s->dt_cfl_min_cell   = -1;
  PetscCall(RslLogEventRegister("SWEHalo", &s->ev_halo));
  PetscCall(RslLogEventRegister("SWEFlux", &s->ev_flux));
  PetscCall(RslLogEventRegister("SWEUpdate", &s->ev_update));
  PetscCall(RslLogEventRegister("SWESources", &s->ev_source));
  PetscCall(RslLogEventRegister("SWEOutput", &s->ev_output));
  *swe = s;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWESetFromOptions(RslSWE swe)
{
  PetscBool set;
  PetscReal cfl;

  PetscFunctionBegin;
  PetscOptionsBegin(swe->comm, NULL, "Shallow-water solver", "SWE");
  PetscCall(PetscOptionsReal("-swe_tfinal", "Simulated duration (s)", "", swe->tfinal, &swe->tfinal, NULL));
  PetscCall(PetscOptionsInt("-swe_max_steps", "Stop after this many steps (-1: no limit)", "", swe->max_steps, &swe->max_steps, NULL));
  PetscCall(PetscOptionsInt("-swe_order", "Spatial order: 1, or 2 (MUSCL + SSP-RK2)", "", swe->order, &swe->order, NULL));
  /* positivity bounds (docs/theory.md, section 6): 1 for the first-order update, 1/2 for MUSCL
   * face values; the default keeps a margin below the bound of the order read just above */
  cfl = swe->order == 2 ? 0.45 : 0.95;
  PetscCall(PetscOptionsReal("-swe_cfl", "Courant number of the per-cell CFL rate, in (0, 1] (default 0.95 at order 1, 0.45 at order 2)", "", cfl, &swe->cfl, &set));
  if (!set) swe->cfl = cfl;
  PetscCall(PetscOptionsInt("-swe_dt_monitor", "Print the time step, its limiting cell and state every N steps (0: off)", "", swe->dt_monitor, &swe->dt_monitor, NULL));
  PetscCall(PetscOptionsReal("-swe_dry_depth", "Wet/dry threshold (m): velocities are zero below it", "", swe->hdry, &swe->hdry, NULL));
  PetscCall(PetscOptionsReal("-swe_dt_max", "Largest time step (s)", "", swe->dtmax, &swe->dtmax, NULL));
  PetscCall(PetscOptionsReal("-swe_gravity", "Gravity (m/s2)", "", swe->g, &swe->g, NULL));
  PetscCall(PetscOptionsReal("-swe_manning", "Uniform Manning n (s m^-1/3)", "", swe->manning, &swe->manning, NULL));
  PetscCall(PetscOptionsReal("-swe_init_stage", "Initial water surface elevation (m): h = max(0, Z - z)", "", swe->init_stage, &swe->init_stage, &swe->has_init_stage));
  PetscCall(PetscOptionsReal("-swe_init_depth", "Initial uniform depth (m)", "", swe->init_depth, &swe->init_depth, NULL));
  PetscCall(PetscOptionsString("-swe_init_depth_file", "Raster of the initial depth (m) on the DEM grid", "", swe->init_depth_file, swe->init_depth_file, sizeof swe->init_depth_file, NULL));
  PetscCall(PetscOptionsReal("-swe_init_u", "Initial x velocity on wet cells (m/s)", "", swe->init_u, &swe->init_u, NULL));
  PetscCall(PetscOptionsReal("-swe_init_v", "Initial y velocity on wet cells (m/s)", "", swe->init_v, &swe->init_v, NULL));
  PetscCall(PetscOptionsReal("-out_interval", "Snapshot interval (s); 0: none", "", swe->out_interval, &swe->out_interval, NULL));
  PetscCall(PetscOptionsReal("-out_ts_interval", "Time-series sampling interval (s) of gauges and hydrographs", "", swe->ts_interval, &swe->ts_interval, NULL));
  PetscCall(PetscOptionsReal("-progress_interval", "Wall seconds between progress lines; 0: off", "", swe->progress_interval, &swe->progress_interval, &set));
  PetscCall(PetscStrncpy(swe->backend, "cpu", sizeof swe->backend));
  PetscCall(PetscOptionsString("-swe_backend", "Solver backend: cpu, cuda or cudasim (same results; cuda needs a CUDA build and a GPU; cudasim runs the cuda backend's algorithm on the host, for tests)", "", swe->backend, swe->backend, sizeof swe->backend, NULL));
  PetscOptionsEnd();
  RSLCHECK(swe->comm, swe->tfinal > 0, "-swe_tfinal: %g must be > 0", (double)swe->tfinal);
  RSLCHECK(swe->comm, swe->order == 1 || swe->order == 2, "-swe_order: %d must be 1 or 2", (int)swe->order);
  RSLCHECK(swe->comm, swe->cfl > 0 && swe->cfl <= 1, "-swe_cfl: %g must be in (0, 1]", (double)swe->cfl);
  RSLCHECK(swe->comm, swe->dt_monitor >= 0, "-swe_dt_monitor: %d must be >= 0", (int)swe->dt_monitor);
  RSLCHECK(swe->comm, swe->hdry > 0, "-swe_dry_depth: %g must be > 0", (double)swe->hdry);
  RSLCHECK(swe->comm, swe->dtmax > 0, "-swe_dt_max: %g must be > 0", (double)swe->dtmax);
  RSLCHECK(swe->comm, swe->manning >= 0 && swe->manning <= 10, "-swe_manning: %g must be in [0, 10] (0: no friction)", (double)swe->manning);
  PetscCall(RslCheckOptionReal(swe->comm, "-swe_init_depth", swe->init_depth, RSL_DEPTH));
  PetscCall(RslCheckOptionReal(swe->comm, "-swe_gravity", swe->g, RSL_POSITIVE));
  PetscCall(RslCheckOptionReal(swe->comm, "-progress_interval", swe->progress_interval, RSL_NONNEG));
  RSLCHECK(swe->comm, swe->max_steps >= -1, "-swe_max_steps: %d must be >= 0 (or -1: no limit)", (int)swe->max_steps);
  RSLCHECK(swe->comm, swe->out_interval >= 0, "-out_interval: %g must be >= 0", (double)swe->out_interval);
  RSLCHECK(swe->comm, swe->ts_interval > 0, "-out_ts_interval: %g must be > 0", (double)swe->ts_interval);
  /* every sample and snapshot time ends a step: a tiny interval would be a hang */
  RSLCHECK(swe->comm, swe->tfinal / swe->ts_interval <= 1e7, "-out_ts_interval: %g s gives %.3g samples over -swe_tfinal %g s (at most 1e7)", (double)swe->ts_interval, (double)(swe->tfinal / swe->ts_interval), (double)swe->tfinal);
  RSLCHECK(swe->comm, swe->out_interval == 0 || swe->tfinal / swe->out_interval <= 1e5, "-out_interval: %g s gives %.3g snapshots over -swe_tfinal %g s (at most 1e5)", (double)swe->out_interval, (double)(swe->tfinal / swe->out_interval), (double)swe->tfinal);
  RSLCHECK(swe->comm, swe->hdry <= 1, "-swe_dry_depth: %g m must be <= 1", (double)swe->hdry);
  PetscCall(RslSWEBCSetFromOptions(swe));
  PetscCall(RslSWEHazardSetFromOptions(swe));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWESetBed(RslSWE swe, Vec z, double nodata)
{
  PetscFunctionBegin;
  PetscCall(VecDestroy(&swe->z));
  PetscCall(VecDuplicate(z, &swe->z));
  PetscCall(VecCopy(z, swe->z));
  swe->nodata = nodata;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWESetManning(RslSWE swe, Vec n)
{
  PetscFunctionBegin;
  PetscCall(VecDestroy(&swe->nman));
  PetscCall(VecDuplicate(n, &swe->nman));
  PetscCall(VecCopy(n, swe->nman));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWESetRain(RslSWE swe, const RslSWERain *rain)
{
  PetscFunctionBegin;
  swe->rainsrc   = *rain;
  swe->have_rain = rain && rain->rate ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWESetSoil(RslSWE swe, const RslSWESoil *soil)
{
  PetscFunctionBegin;
  PetscCheck(soil->impervious && soil->ks && soil->psi_dtheta && soil->initial_abstraction, swe->comm, PETSC_ERR_ARG_NULL, "RslSWESetSoil: every field is needed");
  swe->soil = *soil;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Initial state: depth from stage, uniform depth or a raster; velocity on wet cells. */
static PetscErrorCode InitialState(RslSWE swe)
{
  RslGrid           *g = swe->grid;
  RslSWEField      **U;
  const PetscScalar **z, **act;
  double            *d = NULL;

  PetscFunctionBegin;
  if (swe->init_depth_file[0]) {
    const char    *opt = "-swe_init_depth_file", *path = swe->init_depth_file;
    RslRasterInfo  info;
    RslRasterStats st;
    PetscBool      same;
    PetscErrorCode ierr;
    PetscCall(RslRasterInfoRead(swe->comm, opt, path, &info));
    ierr = RslGridCheckRaster(g, opt, path, &info, "depth 0");
    same = (PetscBool)(info.nx == g->nx && info.ny == g->ny);
    for (int k = 0; k < 6; k++) same = (PetscBool)(same && PetscAbsReal(info.gt[k] - g->gt[k]) <= 1e-6 * g->dx);
    PetscCall(RslRasterInfoFree(&info));
    PetscCall(ierr);
    RSLCHECK(swe->comm, same, "%s: '%s' is not on the DEM's grid (%dx%d cells of %g m from (%.3f, %.3f)): give the depth on the DEM's pixels", opt, path, (int)g->nx, (int)g->ny, (double)g->dx, g->gt[0], g->gt[3]);
    PetscCall(PetscMalloc1(g->xm * g->ym, &d));
    PetscCall(RslRasterReadWindowAll(swe->comm, opt, path, 1, g->xs, g->ny - g->ys - g->ym, g->xm, g->ym, 0.0, d, &st));
    ierr = RslRasterStatsCheck(swe->comm, opt, path, &st, "depth", RSL_DEPTH);
    if (ierr) PetscCall(PetscFree(d));
    PetscCall(ierr);
  }
  PetscCall(DMDAVecGetArray(g->da, swe->U, &U));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->z, (void *)&z));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->act, (void *)&act));
  for (PetscInt j = g->ys; j < g->ys + g->ym; j++)
    for (PetscInt i = g->xs; i < g->xs + g->xm; i++) {
      double h = swe->init_depth;
      if (swe->has_init_stage) h = PetscMax(0.0, swe->init_stage - z[j][i]);
      if (d) h = d[(g->ys + g->ym - 1 - j) * g->xm + (i - g->xs)];
      if (act[j][i] < 0.5 || !(h > 0)) h = 0;
      U[j][i].h  = h;
      U[j][i].hu = h > swe->hdry ? h * swe->init_u : 0;
      U[j][i].hv = h > swe->hdry ? h * swe->init_v : 0;
    }
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->act, (void *)&act));
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->z, (void *)&z));
  PetscCall(DMDAVecRestoreArray(g->da, swe->U, &U));
  PetscCall(PetscFree(d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWESetUp(RslSWE swe)
{
  RslGrid     *g = swe->grid;
  PetscScalar *a;
  const PetscScalar *z;
  PetscInt     n, nact;

  PetscFunctionBegin;
  PetscCheck(swe->z, swe->comm, PETSC_ERR_ORDER, "RslSWESetBed() must be called before RslSWESetUp()");
  PetscCall(DMCreateGlobalVector(g->da, &swe->U));
  PetscCall(VecDuplicate(swe->U, &swe->U1));
  PetscCall(VecDuplicate(swe->U, &swe->R));
  PetscCall(DMCreateLocalVector(g->da, &swe->Uloc));
  PetscCall(VecDuplicate(swe->z, &swe->act));
  PetscCall(VecDuplicate(swe->z, &swe->hmax));
  PetscCall(VecDuplicate(swe->z, &swe->smax));
  PetscCall(VecDuplicate(swe->z, &swe->qmax));
  PetscCall(VecDuplicate(swe->z, &swe->tarr));
  PetscCall(VecDuplicate(swe->z, &swe->tup));
  PetscCall(VecDuplicate(swe->z, &swe->dur));
  PetscCall(VecDuplicate(swe->z, &swe->F));
  PetscCall(VecDuplicate(swe->z, &swe->ia_left));
  if (swe->soil.initial_abstraction) PetscCall(VecCopy(swe->soil.initial_abstraction, swe->ia_left));
  PetscCall(DMCreateLocalVector(g->da1, &swe->zloc));
  PetscCall(VecDuplicate(swe->zloc, &swe->actloc));
  PetscCall(VecDuplicate(swe->zloc, &swe->nmanloc));
  /* active cells: finite bed that is not the nodata value */
  PetscCall(VecGetLocalSize(swe->z, &n));
  PetscCall(VecGetArrayRead(swe->z, &z));
  PetscCall(VecGetArray(swe->act, &a));
  nact = 0;
  for (PetscInt k = 0; k < n; k++) {
    a[k] = (PetscIsNormalReal(z[k]) || z[k] == 0) && z[k] != swe->nodata ? 1.0 : 0.0;
    nact += a[k] > 0.5;
  }
  PetscCall(VecRestoreArray(swe->act, &a));
  PetscCall(VecRestoreArrayRead(swe->z, &z));
  PetscCall(DMGlobalToLocal(g->da1, swe->z, INSERT_VALUES, swe->zloc));
  PetscCall(DMGlobalToLocal(g->da1, swe->act, INSERT_VALUES, swe->actloc));
  if (!swe->nman) {
    PetscCall(VecDuplicate(swe->z, &swe->nman));
    PetscCall(VecSet(swe->nman, swe->manning));
  } else {
    PetscReal nmin;
    PetscCall(VecMin(swe->nman, NULL, &nmin));
    RSLCHECK(swe->comm, nmin >= 0, "Manning n must be >= 0 (found %g)", (double)nmin);
  }
  PetscCall(DMGlobalToLocal(g->da1, swe->nman, INSERT_VALUES, swe->nmanloc));
  if (swe->have_rain) PetscCall(VecDuplicate(swe->z, &swe->rain));
  swe->nactive_local = nact;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &nact, 1, MPIU_INT, MPI_SUM, swe->comm));
  RSLCHECK(swe->comm, nact > 0, "-dem: no active cell (every cell is nodata)");
  swe->nactive = nact;
  PetscCall(InitialState(swe));
  PetscCall(RslSWEDiagInit(swe));
  PetscCall(RslSWEBackendSetUp(swe));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEDestroy(RslSWE *swe)
{
  RslSWE s = *swe;

  PetscFunctionBegin;
  if (!s) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(RslSWEBackendDestroy(s));
  PetscCall(VecDestroy(&s->U));
  PetscCall(VecDestroy(&s->U1));
  PetscCall(VecDestroy(&s->R));
  PetscCall(VecDestroy(&s->Uloc));
  PetscCall(VecDestroy(&s->z));
  PetscCall(VecDestroy(&s->zloc));
  PetscCall(VecDestroy(&s->act));
  PetscCall(VecDestroy(&s->actloc));
  PetscCall(VecDestroy(&s->nman));
  PetscCall(VecDestroy(&s->nmanloc));
  PetscCall(VecDestroy(&s->rain));
  PetscCall(VecDestroy(&s->F));
  PetscCall(VecDestroy(&s->ia_left));
  PetscCall(VecDestroy(&s->hmax));
  PetscCall(VecDestroy(&s->smax));
  PetscCall(VecDestroy(&s->qmax));
  PetscCall(VecDestroy(&s->tarr));
  PetscCall(VecDestroy(&s->tup));
  PetscCall(VecDestroy(&s->dur));
  PetscCall(RslSWEBCDestroy(s));
  PetscCall(PetscFree2(s->ts_hydro, s->ts_gauge));
  PetscCall(PetscFree(s->snap_t));
  if (s->monitor_destroy) PetscCall(s->monitor_destroy(&s->monitor_ctx));
  PetscCall(PetscFree(*swe));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEView(RslSWE swe, PetscViewer v)
{
  RslGrid *g = swe->grid;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "SWE: %" PetscInt_FMT " x %" PetscInt_FMT " cells of %g x %g m, %" PetscInt_FMT " active; order %d, CFL %g, dry depth %g m, tfinal %g s\n", g->nx, g->ny, (double)g->dx, (double)g->dy, swe->nactive, (int)swe->order, (double)swe->cfl, (double)swe->hdry, (double)swe->tfinal));
  PetscCall(PetscViewerASCIIPrintf(v, "  boundaries W/E/S/N: %s %s %s %s (first face; see -swe_bc_segments), nodata edges %s, %d point sources, %d gauges\n", RslBCTypes[swe->side[RSL_W].type[0]], RslBCTypes[swe->side[RSL_E].type[0]], RslBCTypes[swe->side[RSL_S].type[0]], RslBCTypes[swe->side[RSL_N].type[0]], RslBCTypes[swe->nodata_bc], (int)swe->nsrc, (int)swe->ngauge));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetTime(RslSWE swe, PetscReal *t)
{
  PetscFunctionBegin;
  *t = swe->t;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetHazardThreshold(RslSWE swe, PetscReal *threshold)
{
  PetscFunctionBegin;
  *threshold = swe->hazard_threshold;
  PetscFunctionReturn(PETSC_SUCCESS);
}
