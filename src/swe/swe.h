/* swe: the 2D shallow-water rain-on-grid solver on the grid's DMDA — explicit finite
 * volumes (hydrostatic reconstruction + HLL, optional MUSCL/SSP-RK2), semi-implicit
 * Manning friction, rain and infiltration sources, boundary conditions, the water budget,
 * maxima, gauges and outlet hydrographs. Options are prefixed -swe_. */
#pragma once
#include "grid/grid.h"
#include "io/checkpoint.h"
#include "io/h5out.h"

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
/* Run to -swe_tfinal (or -swe_max_steps), writing snapshots into out (may be NULL). */
PetscErrorCode RslSWESolve(RslSWE swe, RslH5 out);
/* Final fields, maxima, budget, gauges, hydrographs into out. */
PetscErrorCode RslSWEWriteResults(RslSWE swe, RslH5 out);
/* XDMF sidecar (FILE.xmf and FILE.prj next to FILE.h5) of the snapshots (or the final
 * state) with maxima, for ParaView. */
PetscErrorCode RslSWEWriteXdmf(RslSWE swe, const char h5path[]);
/* Simulated time reached (s). */
PetscErrorCode RslSWEGetTime(RslSWE swe, PetscReal *t);
/* The run's one "flooded" depth (m, -hazard_threshold) of the hazard records, maps and indicators. */
PetscErrorCode RslSWEGetHazardThreshold(RslSWE swe, PetscReal *threshold);
/* Active cells, steps taken and solve wall time (for the perf line). */
PetscErrorCode RslSWEGetStats(RslSWE swe, PetscInt *nactive, PetscInt *steps, double *wall);
PetscErrorCode RslSWEView(RslSWE swe, PetscViewer v);

/* Checkpoint/restart (swe_checkpoint.c), after RslSWESetUp: records the per-cell inputs in
 * ck's fingerprint, then resumes the state from ck's restart file when there is one; RslSWESolve
 * then writes checkpoints on ck's schedule and when a stop is agreed. */
PetscErrorCode RslSWESetCheckpoint(RslSWE swe, RslCheckpoint ck);
/* A resumed run: check that the result file resumed from its .part holds the snapshots written
 * before the checkpoint (and drop later ones); *ok false when it does not. */
PetscErrorCode RslSWEResumeResult(RslSWE swe, RslH5 out, PetscBool *ok);
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
