#include "core/rsl.h"
#include "core/validate.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

PetscClassId     RSL_CLASSID;
static PetscBool rsl_pkg_init;
static PetscBool rsl_err_collective;

PetscErrorCode RslInitializePackage(void)
{
  PetscFunctionBegin;
  if (rsl_pkg_init) PetscFunctionReturn(PETSC_SUCCESS);
  rsl_pkg_init = PETSC_TRUE;
  PetscCall(PetscClassIdRegister("ruissel", &RSL_CLASSID));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslLogEventRegister(const char name[], PetscLogEvent *ev)
{
  PetscFunctionBegin;
  PetscCall(RslInitializePackage());
  if (!*ev) PetscCall(PetscLogEventRegister(name, RSL_CLASSID, ev));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscBool RslErrorIsCollective(void) { return rsl_err_collective; }
void      RslErrorSetCollective(void) { rsl_err_collective = PETSC_TRUE; }
void      RslErrorClearCollective(void) { rsl_err_collective = PETSC_FALSE; }

PetscErrorCode RslCheckCollective(MPI_Comm comm, PetscBool bad, const char msg[])
{
  PetscMPIInt rank, size, anybad, lbad = bad ? 1 : 0;
  int         len = 0, *lens = NULL, *displs = NULL, total = 0;
  char       *all = NULL;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(&lbad, &anybad, 1, MPI_INT, MPI_MAX, comm));
  if (!anybad) PetscFunctionReturn(PETSC_SUCCESS);
  /* Gather the messages of the bad ranks so every rank reports the same text. */
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (bad && msg) len = (int)strlen(msg);
  PetscCall(PetscMalloc2(size, &lens, size, &displs));
  PetscCallMPI(MPI_Allgather(&len, 1, MPI_INT, lens, 1, MPI_INT, comm));
  for (int r = 0; r < size; r++) {
    displs[r] = total;
    total += lens[r];
  }
  PetscCall(PetscCalloc1(total + 1, &all));
  PetscCallMPI(MPI_Allgatherv(bad && msg ? msg : "", len, MPI_CHAR, all, lens, displs, MPI_CHAR, comm));
  /* Keep the first distinct message: ranks usually report the same cause. */
  {
    int first = -1;
    for (int r = 0; r < size && first < 0; r++)
      if (lens[r]) first = r;
    if (first >= 0) {
      memmove(all, all + displs[first], (size_t)lens[first]);
      all[lens[first]] = 0;
    } else PetscCall(PetscStrncpy(all, "an error occurred on another rank", total + 1));
  }
  PetscCall(PetscFree2(lens, displs));
  rsl_err_collective = PETSC_TRUE;
  {
    char buf[2048];
    PetscCall(PetscStrncpy(buf, all, sizeof(buf)));
    PetscCall(PetscFree(all));
    SETERRQ(comm, PETSC_ERR_USER, "%s", buf);
  }
}

double RslWallTime(void) { return MPI_Wtime(); }

double RslPeakRSS(void)
{
  struct rusage u;
  return getrusage(RUSAGE_SELF, &u) ? 0.0 : 1024.0 * (double)u.ru_maxrss; /* Linux: KiB */
}

PetscErrorCode RslRankSpread(MPI_Comm comm, double v, double spread[3])
{
  double      mm[2] = {-v, v};
  PetscMPIInt size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, mm, 2, MPI_DOUBLE, MPI_MAX, comm));
  PetscCallMPI(MPI_Allreduce(&v, &spread[1], 1, MPI_DOUBLE, MPI_SUM, comm));
  spread[0] = -mm[0];
  spread[1] /= size;
  spread[2] = mm[1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslOutputName(const char out[], const char member[], const char suffix[], char name[], size_t len)
{
  size_t n = strlen(out);

  PetscFunctionBegin;
  if (n > 3 && !strcmp(out + n - 3, ".h5")) n -= 3;
  PetscCall(PetscSNPrintf(name, len, "%.*s%s%s%s", (int)n, out, member ? "_" : "", member ? member : "", suffix));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslPathRelativeTo(const char base[], const char name[], char out[], size_t len)
{
  const char *slash = strrchr(base, '/');

  PetscFunctionBegin;
  if (name[0] == '/' || !slash) PetscCall(PetscStrncpy(out, name, len));
  else PetscCall(PetscSNPrintf(out, len, "%.*s/%s", (int)(slash - base), base, name));
  PetscFunctionReturn(PETSC_SUCCESS);
}
