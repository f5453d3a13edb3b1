/* -swe_backend cuda: placeholder replaced below */
#include "swe/swe_impl.h"
#include "core/gpu.h"

PetscErrorCode RslSWEBackendCreate_CUDA(RslSWE swe)
{
  PetscFunctionBegin;
  PetscCall(RslGPUBind(swe->comm, "-swe_backend cuda", NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}
