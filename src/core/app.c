#include "core/app.h"
#include <stdio.h>

static char rsl_first_error[1024];

static PetscErrorCode RecordError(MPI_Comm comm, int line, const char *func, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (!rsl_first_error[0]) {
    if (mess && mess[0]) snprintf(rsl_first_error, sizeof rsl_first_error, "%s", mess);
    else {
      const char *text = NULL;
      PetscErrorMessage(n, &text, NULL);
      snprintf(rsl_first_error, sizeof rsl_first_error, "%s (in %s, %s:%d)", text ? text : "error", func, file, line);
    }
  }
  return n;
}

PetscErrorCode RslAppInitialize(void)
{
  PetscFunctionBegin;
  PetscCall(PetscPushErrorHandler(RecordError, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

const char *RslAppErrorMessage(void) { return rsl_first_error; }

PetscErrorCode RslAppWarnUnusedOptions(MPI_Comm comm, PetscInt *n)
{
  PetscInt N;
  char   **names, **values;

  PetscFunctionBegin;
  PetscCall(PetscOptionsLeftGet(NULL, &N, &names, &values));
  for (PetscInt k = 0; k < N; k++) PetscCall(PetscPrintf(comm, "ruissel: warning: option -%s was given but no stage used it (misspelt, or for a stage that did not run)\n", names[k]));
  PetscCall(PetscOptionsLeftRestore(NULL, &N, &names, &values));
  if (n) *n = N;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslAppOptionsString(char **s)
{
  PetscFunctionBegin;
  PetscCall(PetscOptionsGetAll(NULL, s));
  PetscFunctionReturn(PETSC_SUCCESS);
}
