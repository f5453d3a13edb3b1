#include "core/app.h"
#include "core/help.h"
#include "core/signal.h"
#include "core/validate.h"
#include <stdio.h>
#include <string.h>

static char      rsl_first_error[1024];
static int       rsl_error_comm_size; /* size of the communicator the recorded error was raised on */
static int       rsl_exit_status;
static int       rsl_began_mpi; /* RslAppStart initialized MPI: finalize it after PETSc */
static PetscInt  rsl_nsaved = -1; /* -1: no saved list */
static char    **rsl_saved;

PetscErrorCode RslAppSaveUnused(PetscBool save)
{
  PetscInt N;
  char   **names, **values;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < rsl_nsaved; k++) PetscCall(PetscFree(rsl_saved[k]));
  PetscCall(PetscFree(rsl_saved));
  rsl_nsaved = -1;
  if (!save) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscOptionsLeftGet(NULL, &N, &names, &values));
  PetscCall(PetscMalloc1(N + 1, &rsl_saved));
  for (rsl_nsaved = 0; rsl_nsaved < N; rsl_nsaved++) PetscCall(PetscStrallocpy(names[rsl_nsaved], &rsl_saved[rsl_nsaved]));
  PetscCall(PetscOptionsLeftRestore(NULL, &N, &names, &values));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslAppSaveUnusedAdd(const char name[])
{
  PetscFunctionBegin;
  if (rsl_nsaved < 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscRealloc(sizeof(char *) * (size_t)(rsl_nsaved + 1), &rsl_saved));
  PetscCall(PetscStrallocpy(name[0] == '-' ? name + 1 : name, &rsl_saved[rsl_nsaved++]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A bad value met by PETSc's options parser (PetscOptionsStringToReal: "Input string 10abc
 * has no numeric value", PetscOptionsGetEList, ...): every rank reads the same database, so
 * every rank raises it; the message gets the option's name when PETSc's text lacks it. */
static PetscBool OptionsValueError(const char *func, PetscErrorCode n, const char *mess)
{
  char        value[256], name[256];
  const char *q;

  if (strncmp(func, "PetscOptions", 12) || !mess) return PETSC_FALSE;
  if (n != PETSC_ERR_ARG_WRONG && n != PETSC_ERR_ARG_OUTOFRANGE && n != PETSC_ERR_ARG_SIZ && n != PETSC_ERR_ARG_INCOMP && n != PETSC_ERR_USER) return PETSC_FALSE;
  if (!strncmp(mess, "Input string ", 13) && (q = strstr(mess + 13, " has no"))) {
    snprintf(value, sizeof value, "%.*s", (int)(q - mess - 13), mess + 13);
    if (RslOptionsNameOfValue(value, name, sizeof name)) {
      snprintf(rsl_first_error, sizeof rsl_first_error, "%s: '%s' is not %s", name, value, strstr(q, "integer") ? "an integer" : strstr(q, "logical") ? "a logical value (true/false)" : "a number");
      return PETSC_TRUE;
    }
  }
  snprintf(rsl_first_error, sizeof rsl_first_error, "%s", mess);
  return PETSC_TRUE;
}

static PetscErrorCode RecordError(MPI_Comm comm, int line, const char *func, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  /* keep the message of the latest error raised (p == PETSC_ERROR_INITIAL), not the
   * repeats of its propagation: an ensemble wraps a member's error in its own message */
  if (p == PETSC_ERROR_INITIAL) {
    if (MPI_Comm_size(comm, &rsl_error_comm_size)) rsl_error_comm_size = 0;
    if (func && OptionsValueError(func, n, mess)) RslErrorSetCollective();
    else if (mess && mess[0]) snprintf(rsl_first_error, sizeof rsl_first_error, "%s", mess);
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
  RslSignalInstall();
  PetscCall(RslCheckOptionValues(PETSC_COMM_WORLD));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int RslAppStart(int *argc, char ***argv, const char help[], const char prog[])
{
  char err[1024] = "";
  int  provided, rank, ok = 1;

  if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) return 1;
  rsl_began_mpi = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (!rank) ok = RslOptionsFilesCheck(*argc, *argv, err, sizeof err);
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (!ok) {
    if (!rank) fprintf(stderr, "%s: error: %s\n", prog, err);
    MPI_Finalize();
    return 1;
  }
  if (PetscInitialize(argc, argv, NULL, help)) MPI_Abort(MPI_COMM_WORLD, 1); /* PETSc said why */
  return 0;
}

const char *RslAppErrorMessage(void) { return rsl_first_error; }

void RslAppErrorReset(void)
{
  rsl_first_error[0]  = 0;
  rsl_error_comm_size = 0;
  RslErrorClearCollective();
}

PetscBool RslAppErrorIsCollectiveOn(MPI_Comm comm)
{
  int size = 0;
  MPI_Comm_size(comm, &size);
  return (PetscBool)(RslErrorIsCollective() || size == 1 || rsl_error_comm_size == size);
}

void RslAppSetExitStatus(int status) { rsl_exit_status = status; }

PetscErrorCode RslAppWarnUnusedOptions(MPI_Comm comm, PetscInt *n)
{
  PetscInt N;
  char   **names, **values;

  char     opt[256], near[256];

  PetscFunctionBegin;
  PetscInt nwarn = 0;
  PetscCall(PetscOptionsLeftGet(NULL, &N, &names, &values));
  for (PetscInt k = 0; k < N; k++) {
    PetscBool used = rsl_nsaved >= 0;
    for (PetscInt l = 0; l < rsl_nsaved && used; l++) {
      PetscBool same;
      PetscCall(PetscStrcmp(names[k], rsl_saved[l], &same));
      if (same) used = PETSC_FALSE;
    }
    if (used) continue;
    PetscCall(PetscSNPrintf(opt, sizeof opt, "-%s", names[k]));
    RslHelpSuggest(opt, near, sizeof near);
    if (near[0]) PetscCall(PetscPrintf(comm, "ruissel: warning: option %s is not an option of ruissel: did you mean %s?\n", opt, near));
    else PetscCall(PetscPrintf(comm, "ruissel: warning: option %s was given but no stage used it (misspelt, or for a stage that did not run)\n", opt));
    nwarn++;
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &N, &names, &values));
  if (n) *n = nwarn;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslAppOptionsString(char **s)
{
  PetscFunctionBegin;
  PetscCall(PetscOptionsGetAll(NULL, s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* After an error: the options given that are no option of ruissel but near one (a misspelt
 * option is often why a required one is missing: -dme for -dem). */
static void SuggestMisspelt(const char prog[])
{
  PetscInt N;
  char   **names, **values, opt[256], near[256];

  if (PetscOptionsLeftGet(NULL, &N, &names, &values)) return;
  for (PetscInt k = 0; k < N; k++) {
    snprintf(opt, sizeof opt, "-%s", names[k]);
    RslHelpSuggest(opt, near, sizeof near);
    if (near[0]) fprintf(stderr, "%s: note: option %s is not an option of ruissel: did you mean %s?\n", prog, opt, near);
  }
  (void)PetscOptionsLeftRestore(NULL, &N, &names, &values);
}

int RslAppFinalize(PetscErrorCode ierr, const char prog[])
{
  PetscMPIInt rank;

  if (!ierr) {
    int rc = PetscFinalize() ? 1 : rsl_exit_status;
    if (rsl_began_mpi) MPI_Finalize();
    return rc;
  }
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (RslErrorIsCollective()) {
    if (!rank) fprintf(stderr, "%s: error: %s\n", prog, RslAppErrorMessage());
    if (!rank) SuggestMisspelt(prog);
    PetscFinalize();
    if (rsl_began_mpi) MPI_Finalize();
    return 1;
  }
  fprintf(stderr, "%s: error on rank %d: %s\n", prog, rank, RslAppErrorMessage());
  MPI_Abort(PETSC_COMM_WORLD, 1);
  return 1;
}
