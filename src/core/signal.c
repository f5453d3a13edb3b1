/* sigaction and SA_RESTART are POSIX, beyond the C17 the project builds with */
#define _POSIX_C_SOURCE 200809L
#include "core/signal.h"
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t rsl_caught;   /* first signal received */
static volatile sig_atomic_t rsl_loud = 1; /* this process prints the handler's notice */
static double                rsl_wall0, rsl_deadline;

/* write(2) of a constant string: all a handler may do to talk */
static void Say(const char *s)
{
  ssize_t r = write(STDERR_FILENO, s, strlen(s));
  (void)r;
}

static void Handler(int sig)
{
  if (rsl_caught) { /* second signal: the default action (terminate) now */
    if (rsl_loud) Say("ruissel: second signal: aborting\n");
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  rsl_caught = sig; /* the run says what it did with it, in one line, when it stops */
}

void RslSignalInstall(void)
{
  static const int sigs[] = {SIGUSR1, SIGTERM, SIGINT};
  struct sigaction sa;
  PetscMPIInt      rank = 0;

  if (rsl_wall0 > 0) return;
  rsl_wall0 = MPI_Wtime();
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  rsl_loud = rank == 0;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = Handler;
  sa.sa_flags   = SA_RESTART; /* MPI and file I/O calls resume after the handler */
  sigemptyset(&sa.sa_mask);
  for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++) sigaction(sigs[k], &sa, NULL);
}

void RslStopSetDeadline(double seconds) { rsl_deadline = seconds; }

int RslStopLocal(void)
{
  if (rsl_caught) return (int)rsl_caught;
  if (rsl_deadline > 0 && MPI_Wtime() - rsl_wall0 >= rsl_deadline) return RSL_STOP_WALLTIME;
  return 0;
}

PetscErrorCode RslStopAgree(MPI_Comm comm, int *reason)
{
  int local = RslStopLocal();

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(&local, reason, 1, MPI_INT, MPI_MAX, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

const char *RslStopName(int reason)
{
  switch (reason) {
  case SIGUSR1:
    return "SIGUSR1";
  case SIGTERM:
    return "SIGTERM";
  case SIGINT:
    return "SIGINT";
  case RSL_STOP_WALLTIME:
    return "-checkpoint_walltime";
  default:
    return "a signal";
  }
}
