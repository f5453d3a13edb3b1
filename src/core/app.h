/* core/app: what the driver needs around the stages — the error handler that keeps the
 * first message for a one-line report, the leftover-option check, provenance. */
#pragma once
#include "core/rsl.h"

/* Install the handler: PETSc errors are recorded (first message) and returned, not printed. */
PetscErrorCode RslAppInitialize(void);
/* The first recorded error message ("" when none). */
const char *RslAppErrorMessage(void);
/* Warn (rank 0) about options that were given but never read. Returns how many. */
PetscErrorCode RslAppWarnUnusedOptions(MPI_Comm comm, PetscInt *n);
/* All options of the run as one string (caller frees). */
PetscErrorCode RslAppOptionsString(char **s);
