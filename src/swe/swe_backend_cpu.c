/* -swe_backend cpu: the vectorised row sweeps (swe_residual.c, swe_step.c, swe_losses.c) work
 * on the PETSc Vecs themselves, so nothing is uploaded or downloaded. Its data: per owned row,
 * the span of cells [first, last + 1) (row-relative) that a stage can change — the active cells
 * and the cells of this rank's point sources — so the stage skips the inactive ends of rows. */
#include "swe/swe_impl.h"

static PetscErrorCode DestroyCPU(RslSWE swe)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(swe->be_data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEBackendCreate_CPU(RslSWE swe)
{
  RslGrid           *g = swe->grid;
  const PetscScalar *act;
  PetscInt          *span;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(2 * g->ym, &span));
  PetscCall(VecGetArrayRead(swe->act, &act));
  for (PetscInt j = 0; j < g->ym; j++) {
    PetscInt lo = g->xm, hi = 0;
    for (PetscInt q = 0; q < g->xm; q++)
      if (act[j * g->xm + q] > 0.5) lo = PetscMin(lo, q), hi = q + 1;
    for (PetscInt k = 0; k < swe->nsrc; k++) {
      PetscInt q = swe->src[k].i - g->xs;
      if (swe->src[k].j == g->ys + j && q >= 0 && q < g->xm) lo = PetscMin(lo, q), hi = PetscMax(hi, q + 1);
    }
    span[2 * j]     = lo < hi ? lo : 0;
    span[2 * j + 1] = lo < hi ? hi : 0;
  }
  PetscCall(VecRestoreArrayRead(swe->act, &act));
  swe->be_data      = span;
  swe->be.residual  = RslSWEResidualCPU;
  swe->be.min_depth = RslSWEMinDepthCPU;
  swe->be.stage     = RslSWEStageCPU;
  swe->be.losses    = RslSWELossesCPU;
  swe->be.destroy   = DestroyCPU;
  PetscFunctionReturn(PETSC_SUCCESS);
}
