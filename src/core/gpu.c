/* GPU binding per local rank (core/gpu.h). */
#include "core/gpu.h"
#include "core/rsl.h"
#if defined(RSL_HAVE_CUDA)
  #include <cuda_runtime_api.h>
#endif

PetscErrorCode RslGPUBind(MPI_Comm comm, const char option[], int *device)
{
  PetscFunctionBegin;
#if !defined(RSL_HAVE_CUDA)
  RSLCHECK(comm, 0, "%s: this build has no CUDA support (rebuild where nvcc is found: cmake --preset default)", option);
#else
  MPI_Comm    node;
  int         lrank, ndev = 0, dev = -1;
  cudaError_t e = cudaGetDeviceCount(&ndev);
  char        msg[256];

  PetscCallMPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  PetscCallMPI(MPI_Comm_rank(node, &lrank));
  PetscCallMPI(MPI_Comm_free(&node));
  if (e == cudaSuccess && ndev > 0) {
    dev = lrank % ndev;
    e   = cudaSetDevice(dev);
  }
  PetscCall(PetscSNPrintf(msg, sizeof msg, "%s: no usable CUDA device for this rank (%s)", option, e != cudaSuccess ? cudaGetErrorString(e) : "0 devices"));
  PetscCall(RslCheckCollective(comm, (PetscBool)(e != cudaSuccess || ndev < 1), msg));
  if (device) *device = dev;
#endif
  PetscFunctionReturn(PETSC_SUCCESS);
}
