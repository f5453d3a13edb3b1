/* output: the run's result writer. The solver returns results (swe.h accessors, its snapshot
 * monitor); an RslOutput owns the file layout, the dataset names and the naming of the files
 * around the result, for one format chosen by -out_type (registry: hdf5, with its .xmf
 * sidecar). Life cycle:
 *   RslOutputCreate(swe) -> SetFromOptions -> SetUp(file) [sets the solver's monitor; a
 *   resumed solver reopens FILE.part] -> RslSWESolve (Snapshot at each snapshot time) ->
 *   Results -> Finish(how) -> Destroy. */
#pragma once
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
/* The open HDF5 file of an hdf5 output (NULL for another type or when not open): for what the
 * run writes beside the solver's results (land cover, parameters, provenance, zones), which
 * still names its own datasets (app/member.c). */
PetscErrorCode RslOutputHDF5GetFile(RslOutput out, RslH5 *h5);
