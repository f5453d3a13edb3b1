/* -swe_backend cpu: the vectorised row sweeps (swe_residual.c, swe_step.c, swe_losses.c) work
 * on the PETSc Vecs themselves, so nothing is uploaded or downloaded. */
#include "swe/swe_impl.h"

PetscErrorCode RslSWEBackendCreate_CPU(RslSWE swe)
{
  PetscFunctionBegin;
  swe->be.residual  = RslSWEResidualCPU;
  swe->be.min_depth = RslSWEMinDepthCPU;
  swe->be.stage     = RslSWEStageCPU;
  swe->be.losses    = RslSWELossesCPU;
  PetscFunctionReturn(PETSC_SUCCESS);
}
