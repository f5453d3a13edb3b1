/* output: the run's result writer. The solver returns results (swe.h accessors, its snapshot
 * monitor); an RslOutput owns the file layout, the dataset names and the naming of the files
 * around the result, for one format chosen by -out_type (registry: hdf5, with its .xmf
 * sidecar). Life cycle:
 *   RslOutputCreate(swe) -> SetFromOptions -> SetUp(file) [sets the solver's monitor; a
 *   resumed solver reopens FILE.part] -> RslSWESolve (Snapshot at each snapshot time) ->
 *   Results -> Parameters, Rain, Record*, Zones, Fingerprint -> Finish(how) -> Destroy. */
#pragma once
#include "hydro/hydro.h"
#include "io/checkpoint.h"
#include "output/zones.h"
#include "swe/swe.h"

typedef struct _p_RslOutput *RslOutput;

/* How a result ends: complete (renamed into place, sidecars written), suspended (the
 * partial FILE.part kept for a restart) or discarded (removed). */
typedef enum { RSL_OUTPUT_COMPLETE, RSL_OUTPUT_SUSPEND, RSL_OUTPUT_DISCARD } RslOutputEnd;

PetscErrorCode RslOutputCreate(RslSWE swe, RslOutput *out);
/* -out_type NAME (default hdf5): an unknown name is an error naming the registered ones. */
PetscErrorCode RslOutputSetFromOptions(RslOutput out);
/* Opens the result file (the .part of a resumed run when it holds the checkpoint's
 * snapshots) and sets itself as the solver's monitor. */
PetscErrorCode RslOutputSetUp(RslOutput out, const char file[]);
/* One snapshot of the state U at time t, index k (the solver's monitor calls it). */
PetscErrorCode RslOutputSnapshot(RslOutput out, PetscInt k, PetscReal t, Vec U);
/* The solver's final results: fields, maxima, hazard records, budget, run, series. */
PetscErrorCode RslOutputResults(RslOutput out);
PetscErrorCode RslOutputFinish(RslOutput out, RslOutputEnd how);
PetscErrorCode RslOutputView(RslOutput out, PetscViewer v);
PetscErrorCode RslOutputDestroy(RslOutput *out);
/* A writer of another format: its constructor fills the operations (output_impl.h). */
PetscErrorCode RslOutputRegister(const char name[], PetscErrorCode (*create)(RslOutput));

/* What the run records beside the solver's results, after RslOutputResults. app/member.c
 * gives the quantities; the writer places them (hdf5: /params, /landcover, /fields/rain,
 * /scenario, /provenance, /summary, /run, /zones). A record is a set of named figures. */
typedef enum { RSL_OUTPUT_SCENARIO, RSL_OUTPUT_PROVENANCE, RSL_OUTPUT_SUMMARY, RSL_OUTPUT_RUN } RslOutputRecord;
/* The hydraulic parameters per cell and the land cover's class fractions per cell. */
PetscErrorCode RslOutputParameters(RslOutput out, RslHydro hydro);
/* Cumulative rain per cell (m; 0 outside the domain): a Vec of the grid's dof-1 DMDA. */
PetscErrorCode RslOutputRain(RslOutput out, Vec depth);
/* Figures of a record, the same on every rank: n doubles, n integers, or a string. */
PetscErrorCode RslOutputRecordDouble(RslOutput out, RslOutputRecord r, const char name[], PetscInt n, const double v[]);
PetscErrorCode RslOutputRecordInt(RslOutput out, RslOutputRecord r, const char name[], PetscInt n, const PetscInt v[]);
PetscErrorCode RslOutputRecordString(RslOutput out, RslOutputRecord r, const char name[], const char v[]);
/* The per-zone indicators, computed from the results as written (zones.h). */
PetscErrorCode RslOutputZones(RslOutput out, RslZones zones, Vec z, double nodata, double flood_threshold);
/* The run's fingerprint (its inputs and options, checkpoint.h), by which -restart auto
 * recognises a complete result. */
PetscErrorCode RslOutputFingerprint(RslOutput out, RslCheckpoint ck);
/* Before SetUp: is `file` already the complete result of this very run (same fingerprint,
 * final summary present)? Then *done and the SUMMARY figures names[0..n-1] are read back into
 * values; else msg says why not (empty when the file does not exist). Collective. */
PetscErrorCode RslOutputCompleted(RslOutput out, RslCheckpoint ck, const char file[], PetscInt n, const char *const names[], double values[], PetscBool *done, char msg[], size_t len);
