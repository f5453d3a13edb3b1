/* swe: the 2D shallow-water rain-on-grid solver on the grid's DMDA — explicit finite
 * volumes (hydrostatic reconstruction + HLL, optional MUSCL/SSP-RK2), semi-implicit
 * Manning friction, rain and infiltration sources, boundary conditions, the water budget,
 * maxima, gauges and outlet hydrographs. Options are prefixed -swe_. */
#pragma once
#include "grid/grid.h"
#include "io/checkpoint.h"
#include "io/h5out.h"
#include "kernels/swe_cell.h" /* RSL_NSIDES */

typedef struct _p_RslSWE *RslSWE;

/* Per-cell source terms the solver asks for each step (may be NULL): rain rate (m/s) on
 * [t, next break) into a da1 Vec; the next time the rain changes. Provided by scenario/. */
typedef struct {
  void *ctx;
  PetscErrorCode (*rate)(void *ctx, PetscReal t, Vec rate);
  PetscErrorCode (*next_break)(void *ctx, PetscReal t, PetscReal *tnext);
} RslSWERain;

/* Green-Ampt soil parameters per cell (da1 Vecs, owned by the caller, may be NULL). */
typedef struct {
  Vec impervious, ks, psi_dtheta, initial_abstraction;
} RslSWESoil;

PetscErrorCode RslSWECreate(RslGrid *grid, RslSWE *swe);
PetscErrorCode RslSWESetFromOptions(RslSWE swe);
/* Bed elevation (da1 global Vec, nodata cells = inactive) with the nodata value. */
PetscErrorCode RslSWESetBed(RslSWE swe, Vec z, double nodata);
/* Manning n per cell (da1 global Vec); overrides -swe_manning. */
PetscErrorCode RslSWESetManning(RslSWE swe, Vec n);
PetscErrorCode RslSWESetRain(RslSWE swe, const RslSWERain *rain);
PetscErrorCode RslSWESetSoil(RslSWE swe, const RslSWESoil *soil);
PetscErrorCode RslSWESetUp(RslSWE swe);
/* Called at each snapshot time (every -out_interval, and at t = 0 of a run not resumed)
 * with the snapshot's index k, its time t and the state U (the da Vec of h, hu, hv, read
 * only; valid during the call); and with k = -1 just before a checkpoint is written, so
 * that what the monitor wrote so far is on disk when the checkpoint counts it. */
typedef PetscErrorCode (*RslSWEMonitorFn)(RslSWE swe, PetscInt k, PetscReal t, Vec U, void *ctx);
/* PETSc-style (TSMonitorSet): one monitor; destroy (may be NULL) frees ctx with the solver.
 * Snapshots are taken only when a monitor is set. */
PetscErrorCode RslSWEMonitorSet(RslSWE swe, RslSWEMonitorFn fn, void *ctx, PetscErrorCode (*destroy)(void **ctx));
/* Run to -swe_tfinal (or -swe_max_steps), calling the monitor at the snapshot times. */
PetscErrorCode RslSWESolve(RslSWE swe);

/* Results, read only, after RslSWESolve (swe_results.c). Vecs are the solver's: do not
 * modify or destroy them. */
PetscErrorCode RslSWEGetGrid(RslSWE swe, RslGrid **grid);
/* The state: grid->da Vec, components h (m), hu, hv (m2/s) interleaved. */
PetscErrorCode RslSWEGetState(RslSWE swe, Vec *U);
/* grid->da1 Vecs: bed z (inactive cells hold the DEM's nodata value, *nodata, or NaN) and
 * cumulative infiltration (m). */
PetscErrorCode RslSWEGetBed(RslSWE swe, Vec *z, double *nodata);
PetscErrorCode RslSWEGetInfiltration(RslSWE swe, Vec *F);
/* Maxima over the run (da1 Vecs): depth (m), speed (m/s), unit discharge h|u| (m2/s). */
PetscErrorCode RslSWEGetMaxima(RslSWE swe, Vec *h, Vec *speed, Vec *hv);
/* Depth lost per cell so far (m) into the caller's da1 Vec; *has false (loss untouched)
 * without soil parameters. */
PetscErrorCode RslSWEGetLossDepth(RslSWE swe, Vec loss, PetscBool *has);
/* Hazard records into the caller's da1 Vecs: time above the threshold (s, the open interval
 * counted to now), first arrival above it (s, NaN if never), and the class map (0-255). */
PetscErrorCode RslSWEGetHazardTiming(RslSWE swe, Vec duration, Vec arrival);
PetscErrorCode RslSWEGetHazardClass(RslSWE swe, Vec cls);
/* The hazard class grid (-hazard_*): matrix (nd+1) x (ns+1), row per depth class. */
typedef struct {
  PetscReal     threshold, speed_depth, depth[8], speed[8];
  PetscInt      nd, ns;
  unsigned char matrix[81];
} RslSWEHazardGrid;
PetscErrorCode RslSWEGetHazardGrid(RslSWE swe, RslSWEHazardGrid *hg);
/* The water budget summed over ranks (m3, collective): boundary outflow and inflow per side
 * (W, E, S, N, nodata edges), rain, point sources, infiltration, initial and current
 * storage, and the relative error of storage = initial + rain + sources + inflow - outflow -
 * infiltration. */
typedef struct {
  double out[RSL_NSIDES], in[RSL_NSIDES], rain, sources, infiltration, storage0, storage, relative_error;
} RslSWEBudgetT;
PetscErrorCode RslSWEBudget(RslSWE swe, RslSWEBudgetT *b);
/* The run's time stepping (collective: negative_cells is summed over ranks). The smallest
 * CFL step and where (cell centre) are NaN when no step was CFL-limited. */
typedef struct {
  PetscReal t, dt_min, dt_cfl_min, dt_cfl_min_t, dt_cfl_min_x, dt_cfl_min_y;
  PetscInt  steps, negative_cells, order, rejected;
} RslSWERunInfo;
PetscErrorCode RslSWEGetRunInfo(RslSWE swe, RslSWERunInfo *r);
/* Sampled series, identical on every rank: nrows rows of the outflow hydrograph (time, W,
 * E, S, N, nodata, total; m3/s) and of the gauges (per row, per gauge: time, h, hu, hv,
 * eta). */
PetscErrorCode RslSWEGetSeries(RslSWE swe, PetscInt *nrows, const double **hydro, PetscInt *ngauge, const double **gauges);
PetscErrorCode RslSWEGetGauge(RslSWE swe, PetscInt k, const char **name, double *x, double *y);
/* The snapshot times so far (those of a resumed run's checkpoint included). */
PetscErrorCode RslSWEGetSnapshots(RslSWE swe, PetscInt *n, const double **t);
/* Simulated time reached (s). */
PetscErrorCode RslSWEGetTime(RslSWE swe, PetscReal *t);
/* The run's one "flooded" depth (m, -hazard_threshold) of the hazard records, maps and indicators. */
PetscErrorCode RslSWEGetHazardThreshold(RslSWE swe, PetscReal *threshold);
/* Active cells, steps taken and solve wall time (for the perf line). */
PetscErrorCode RslSWEGetStats(RslSWE swe, PetscInt *nactive, PetscInt *steps, double *wall);
/* This rank's load: its active cells and its seconds of cell work in the solve (flux,
 * update, sources; not the waits in halo exchanges and reductions). Not collective. */
PetscErrorCode RslSWEGetRankLoad(RslSWE swe, PetscInt *nactive, double *work);
PetscErrorCode RslSWEView(RslSWE swe, PetscViewer v);

/* Checkpoint/restart (swe_checkpoint.c), after RslSWESetUp: records the per-cell inputs in
 * ck's fingerprint, then resumes the state from ck's restart file when there is one; RslSWESolve
 * then writes checkpoints on ck's schedule and when a stop is agreed. */
PetscErrorCode RslSWESetCheckpoint(RslSWE swe, RslCheckpoint ck);
/* A resumed run: check that the result file resumed from its .part holds the snapshots written
 * before the checkpoint (and drop later ones); *ok false when it does not. */
PetscErrorCode RslSWEResumeResult(RslSWE swe, RslH5 out, PetscBool *ok);
/* The checkpoint set by RslSWESetCheckpoint (NULL: none). */
PetscErrorCode RslSWEGetCheckpoint(RslSWE swe, RslCheckpoint *ck);
/* Resumed from a checkpoint (*t its time, *nsnap the snapshots it counts). */
PetscErrorCode RslSWEGetResumed(RslSWE swe, PetscBool *resumed, PetscReal *t, PetscInt *nsnap);
/* Why RslSWESolve stopped before the end (core/signal.h reasons; 0: it did not), at which time. */
PetscErrorCode RslSWEGetStop(RslSWE swe, int *reason, PetscReal *t, PetscInt *step);
PetscErrorCode RslSWEDestroy(RslSWE *swe);

/* Run indicators for summaries (collective): peak total outflow (m3/s, from the sampled
 * hydrograph), area with max depth > -hazard_threshold (m2, the run's one "flooded" depth),
 * rain, outflow, infiltration (m3), runoff coefficient = outflow / (rain + inflow), budget
 * relative error. */
typedef struct {
  double peak_outflow_m3s, flooded_area_m2, rain_m3, inflow_m3, outflow_m3, infiltration_m3, runoff_coefficient, budget_error;
} RslSWESummary;
PetscErrorCode RslSWEGetSummary(RslSWE swe, RslSWESummary *s);
