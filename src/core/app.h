/* core/app: what the driver needs around the stages — the error handler that keeps the
 * first message for a one-line report, the leftover-option check, provenance. */
#pragma once
#include "core/rsl.h"

/* Start a program: MPI, then the options files named by -options_file (and those they
 * include) are checked on rank 0 (RslOptionsFilesCheck) before PETSc reads them -- PETSc
 * would stop rank 0 alone on a bad file and leave the others waiting -- then PETSc.
 * Returns 0 when PETSc is up; otherwise the error was printed once and the program returns
 * the value. End with RslAppFinalize. */
int RslAppStart(int *argc, char ***argv, const char help[], const char prog[]);
/* Install the handler: PETSc errors are recorded (first message) and returned, not printed;
 * a bad value met by PETSc's options parser is a collective error naming the option; the
 * stop-signal handlers (core/signal.h). Then every option value must be finite where it is
 * a number (RslCheckOptionValues). */
PetscErrorCode RslAppInitialize(void);
/* Forget the recorded error (message, collective mark): an ensemble member starts clean. */
void RslAppErrorReset(void);
/* Whether the recorded error was raised on every rank of comm: marked collective
 * (RSLCHECK, RslCheckCollective), raised on a communicator of comm's size (PETSc's
 * convention: SETERRQ(comm) / PetscCheck(.., comm, ..) means every rank of comm raises it),
 * or comm is one rank. Then the ranks of comm can go on; otherwise some may wait in a
 * collective call and only an abort is safe. */
PetscBool RslAppErrorIsCollectiveOn(MPI_Comm comm);
/* Exit status of a program that ends without error (0 by default): 3 = checkpointed on a
 * signal, not finished; 1 = some ensemble member failed; 128 + signal = stopped on a signal
 * without a checkpoint. Must be the same on every rank. */
void RslAppSetExitStatus(int status);
/* The first recorded error message ("" when none). */
const char *RslAppErrorMessage(void);
/* Warn (rank 0 of comm) about options of the current database that were given but never
 * read — and, after RslAppSaveUnused (ensemble members run on a copy of the job's options),
 * that were not read in the job's database either. Returns how many. */
PetscErrorCode RslAppWarnUnusedOptions(MPI_Comm comm, PetscInt *n);
/* Remember which options of the current database are unused so far (NULL clears). */
PetscErrorCode RslAppSaveUnused(PetscBool save);
/* Add an option name (with or without its '-') to the saved list: an option the member's
 * database got from elsewhere (a member-prefixed option, app/ensemble.c) is warned about too. */
PetscErrorCode RslAppSaveUnusedAdd(const char name[]);
/* End a program whose work returned ierr: on success finalize and return the exit status
 * (RslAppSetExitStatus, 0 by default); on an input
 * error seen by every rank, print it once ("prog: error: ...") and return 1 on every rank;
 * on any other error abort the job (other ranks may be waiting in a collective call). */
int RslAppFinalize(PetscErrorCode ierr, const char prog[]);
/* All options of the run as one string (caller frees). */
PetscErrorCode RslAppOptionsString(char **s);
