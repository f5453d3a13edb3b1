/* io/checkpoint: the checkpoint files of a run and the decisions around them — the options
 *   -checkpoint_interval T   one every T simulated seconds (steps are not shortened for it,
 *                            so checkpointing never changes the results),
 *   -checkpoint_walltime S   stop after S wall seconds with a checkpoint (exit status 3),
 *   -checkpoint_file FILE    where (default: the result's name with .ckpt.h5),
 *   -restart FILE|auto       resume from FILE; auto: from the checkpoint file when it exists;
 * the file lifecycle (written to FILE.part with parallel HDF5 and renamed only when complete,
 * so the previous checkpoint stays valid until then: a kill -9 during a write loses nothing),
 * and the run's fingerprint: the options and inputs that define the results, stored in every
 * checkpoint and compared at restart, so a checkpoint of another run is refused with an error
 * naming what differs. What the state is belongs to the solver (swe/swe_checkpoint.c).
 *
 * File layout: root attributes `time` (simulated s), `step`, `format`, `version`, `ranks`;
 * group /fingerprint, one string attribute per item; the solver's state under /state. */
#pragma once
#include "io/h5out.h"

typedef struct _p_RslCheckpoint *RslCheckpoint;

PetscErrorCode RslCheckpointCreate(MPI_Comm comm, RslCheckpoint *ck);
/* Read the options. default_file: the checkpoint path without -checkpoint_file; ensemble:
 * the run is a member of an ensemble (then -restart must be auto: each member resumes from
 * its own file, and -checkpoint_file is a stem that gets the member's name). */
PetscErrorCode RslCheckpointSetFromOptions(RslCheckpoint ck, const char default_file[], const char member[]);
/* Some checkpoint option was given: a stop signal then writes a checkpoint (exit status 3). */
PetscBool   RslCheckpointActive(RslCheckpoint ck);
const char *RslCheckpointFile(RslCheckpoint ck);
/* -restart auto was given. */
PetscBool RslCheckpointAuto(RslCheckpoint ck);
/* The file to resume from, NULL for a fresh start (-restart auto and no checkpoint file). */
const char *RslCheckpointRestartFile(RslCheckpoint ck);
/* After a step that reached simulated time t: is a periodic checkpoint due? (Advances the
 * schedule; the first one is due at the first multiple of the interval after start.) */
PetscBool RslCheckpointDue(RslCheckpoint ck, PetscReal t);
/* The schedule starts at t (0, or the restart time). */
void RslCheckpointStartAt(RslCheckpoint ck, PetscReal t);

/* ---- fingerprint: (key, value) strings. restart: the item must match for a restart (else
 * only for recognising a completed result: e.g. the final time, which a restart may extend). */
PetscErrorCode RslCheckpointFingerprintAdd(RslCheckpoint ck, const char key[], const char value[], PetscBool restart);
/* The options of the current database, except those that do not change the results (output
 * and checkpoint names, -swe_tfinal/-swe_max_steps (restart: no), progress, profiling,
 * decomposition, segmentation: its class map enters through the per-cell parameters); an
 * option naming a file is compared by the file's content (size and hash), not its path. */
PetscErrorCode RslCheckpointFingerprintOptions(RslCheckpoint ck);
/* A per-cell field (global Vec of the dof-1 DMDA da): the sum over cells of a hash of (global
 * index, value bits), modulo 2^64 — the same on any decomposition. */
PetscErrorCode RslCheckpointFingerprintField(RslCheckpoint ck, const char key[], DM da, Vec v);
/* Group /fingerprint of f. */
PetscErrorCode RslCheckpointFingerprintWrite(RslCheckpoint ck, RslH5 f);
/* Compare with the /fingerprint of f (restart: only the restart items). *same; else msg
 * lists the differences ("-swe_cfl: 0.45 in the file, 0.3 now; ..."). Collective. */
PetscErrorCode RslCheckpointFingerprintCompare(RslCheckpoint ck, RslH5 f, PetscBool restart, PetscBool *same, char msg[], size_t len);

/* ---- writing: FILE.part with the root attributes and the fingerprint; the caller writes
 * the state; End closes, renames, and prints one line (path, size, write time). */
PetscErrorCode RslCheckpointWriteBegin(RslCheckpoint ck, double time, PetscInt step, RslH5 *f);
PetscErrorCode RslCheckpointWriteEnd(RslCheckpoint ck, RslH5 *f);
/* Open the restart file, check it is a checkpoint of this run (collective error naming the
 * differences) and return its time. */
PetscErrorCode RslCheckpointOpenRestart(RslCheckpoint ck, RslH5 *f, double *time);
/* A completed run removes its checkpoint file (a later -restart auto must not resume it). */
PetscErrorCode RslCheckpointRemove(RslCheckpoint ck);
PetscErrorCode RslCheckpointDestroy(RslCheckpoint *ck);
