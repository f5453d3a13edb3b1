/* -swe_backend: the registry of solver backends (a PETSc function list, as PETSc keeps its
 * own types) and the calls the solver makes through them. cpu: the row sweeps of this folder
 * on the PETSc Vecs; cuda: the kernels of kernels/swe.cu on a device-resident copy of the
 * state (swe_backend_cuda.c); cudasim: that backend with host memory and the same per-cell
 * functions in host loops, which tests the GPU algorithm where there is no GPU. */
#include "swe/swe_impl.h"

static PetscFunctionList Backends = NULL;

static PetscErrorCode DestroyList(void)
{
  PetscFunctionBegin;
  PetscCall(PetscFunctionListDestroy(&Backends));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEBackendSetUp(RslSWE swe)
{
  PetscErrorCode (*create)(RslSWE) = NULL;

  PetscFunctionBegin;
  if (!Backends) {
    PetscCall(PetscFunctionListAdd(&Backends, "cpu", RslSWEBackendCreate_CPU));
    PetscCall(PetscFunctionListAdd(&Backends, "cuda", RslSWEBackendCreate_CUDA));
    PetscCall(PetscFunctionListAdd(&Backends, "cudasim", RslSWEBackendCreate_CUDASim));
    PetscCall(PetscRegisterFinalize(DestroyList));
  }
  PetscCall(PetscFunctionListFind(Backends, swe->backend, &create));
  RSLCHECK(swe->comm, create, "-swe_backend: unknown backend '%s' (cpu, cuda or cudasim)", swe->backend);
  PetscCall(PetscMemzero(&swe->be, sizeof swe->be));
  PetscCall((*create)(swe));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEBackendUpload(RslSWE swe)
{
  PetscFunctionBegin;
  if (swe->be.upload) PetscCall(swe->be.upload(swe));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEBackendDownload(RslSWE swe)
{
  PetscFunctionBegin;
  if (swe->be.download) PetscCall(swe->be.download(swe));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEBackendDestroy(RslSWE swe)
{
  PetscFunctionBegin;
  if (swe->be.destroy) PetscCall(swe->be.destroy(swe));
  PetscCall(PetscMemzero(&swe->be, sizeof swe->be));
  PetscFunctionReturn(PETSC_SUCCESS);
}
