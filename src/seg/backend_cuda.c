/* seg/backend_cuda: cuDNN convolutions + kernels/seg.cu (compiled only on the
 * development machines: nothing here can run a kernel). */
#include "seg/backend.h"

PetscErrorCode RslSegBackendCreate_CUDA(RslSegBackend be)
{
  PetscFunctionBegin;
  RSLCHECK(be->comm, 0, "-seg_backend cuda: this build has no CUDA/cuDNN support (rebuild with nvcc and cuDNN 9, or use -seg_backend cpu)");
  PetscFunctionReturn(PETSC_SUCCESS);
}
