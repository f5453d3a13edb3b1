/* Infiltration and initial abstraction after each step (kernels/green_ampt.h contract):
 * every removed depth is counted in the budget, depths stay >= 0 without clipping. */
#include "swe/swe_impl.h"
#include "kernels/swe_cell.h"

PetscErrorCode RslSWELossesCPU(RslSWE swe, PetscReal dt)
{
  RslGrid           *g = swe->grid;
  RslSWEField      **U;
  PetscScalar      **F, **ia;
  const PetscScalar **act, **imp, **ks, **S;
  double             removed = 0;

  PetscFunctionBegin;
  if (!swe->soil.ks) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(RslSWEWorkBegin(swe, swe->ev_source));
  PetscCall(DMDAVecGetArray(g->da, swe->U, &U));
  PetscCall(DMDAVecGetArray(g->da1, swe->F, &F));
  PetscCall(DMDAVecGetArray(g->da1, swe->ia_left, &ia));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->act, (void *)&act));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->soil.impervious, (void *)&imp));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->soil.ks, (void *)&ks));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->soil.psi_dtheta, (void *)&S));
  for (PetscInt j = g->ys; j < g->ys + g->ym; j++)
    for (PetscInt i = g->xs; i < g->xs + g->xm; i++) {
      if (act[j][i] < 0.5) continue;
      removed += rsl_swe_cell_losses(&U[j][i].h, &F[j][i], &ia[j][i], imp[j][i], ks[j][i], S[j][i], dt, swe->hdry);
    }
  RslKahanAdd(&swe->infil_vol, removed * g->dx * g->dy);
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->soil.psi_dtheta, (void *)&S));
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->soil.ks, (void *)&ks));
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->soil.impervious, (void *)&imp));
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->act, (void *)&act));
  PetscCall(DMDAVecRestoreArray(g->da1, swe->ia_left, &ia));
  PetscCall(DMDAVecRestoreArray(g->da1, swe->F, &F));
  PetscCall(DMDAVecRestoreArray(g->da, swe->U, &U));
  PetscCall(RslSWEWorkEnd(swe, swe->ev_source));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWELossDepth(RslSWE swe, Vec loss)
{
  PetscInt           n;
  PetscScalar       *l;
  const PetscScalar *act, *imp, *F, *ia0, *ia;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(loss, &n));
  PetscCall(VecGetArray(loss, &l));
  PetscCall(VecGetArrayRead(swe->act, &act));
  PetscCall(VecGetArrayRead(swe->soil.impervious, &imp));
  PetscCall(VecGetArrayRead(swe->F, &F));
  PetscCall(VecGetArrayRead(swe->ia_left, &ia));
  if (swe->soil.initial_abstraction) PetscCall(VecGetArrayRead(swe->soil.initial_abstraction, &ia0));
  for (PetscInt c = 0; c < n; c++) {
    double taken = swe->soil.initial_abstraction ? ia0[c] - ia[c] : 0.0;
    l[c]         = act[c] < 0.5 ? 0.0 : taken + F[c] * (1.0 - imp[c]);
  }
  if (swe->soil.initial_abstraction) PetscCall(VecRestoreArrayRead(swe->soil.initial_abstraction, &ia0));
  PetscCall(VecRestoreArrayRead(swe->ia_left, &ia));
  PetscCall(VecRestoreArrayRead(swe->F, &F));
  PetscCall(VecRestoreArrayRead(swe->soil.impervious, &imp));
  PetscCall(VecRestoreArrayRead(swe->act, &act));
  PetscCall(VecRestoreArray(loss, &l));
  PetscFunctionReturn(PETSC_SUCCESS);
}
