/* core/signal: how a run is asked to stop early. SIGUSR1, SIGTERM and SIGINT (what Slurm
 * sends at `--signal=B:USR1@margin`, at the time limit, and Ctrl-C) are only recorded by an
 * async-signal-safe handler; the solver reads the record once per step inside its time-step
 * reduction, so every rank stops after the same step, then writes a checkpoint when
 * checkpointing was asked for. A second signal ends the process at once (the signal's
 * default action). The -checkpoint_walltime deadline is read at the same place. */
#pragma once
#include "core/rsl.h"

/* Stop reason that is not a signal: the -checkpoint_walltime deadline passed. */
#define RSL_STOP_WALLTIME 1000

/* Install the handlers (once, after PetscInitialize: they replace PETSc's for these three
 * signals) and start the wall clock of the deadline. */
void RslSignalInstall(void);
/* Wall seconds after RslSignalInstall at which this process asks to stop; <= 0: never. */
void RslStopSetDeadline(double seconds);
/* This rank's stop request: the first signal received, else RSL_STOP_WALLTIME once the
 * deadline passed, else 0. Not collective: reduce it with MPI_MAX (the solver does, fused
 * with its time-step reduction; RslStopAgree otherwise). */
int RslStopLocal(void);
/* The stop request agreed over comm (collective). */
PetscErrorCode RslStopAgree(MPI_Comm comm, int *reason);
/* "SIGUSR1", "SIGTERM", "SIGINT", "-checkpoint_walltime" */
const char *RslStopName(int reason);
