/* Infiltration and initial abstraction after each step (kernels/green_ampt.h contract):
 * every removed depth is counted in the budget, depths stay >= 0 without clipping. */
#include "swe/swe_impl.h"
#include "kernels/green_ampt.h"

PetscErrorCode RslSWELosses(RslSWE swe, PetscReal dt)
{
  RslGrid           *g = swe->grid;
  RslSWEField      **U;
  PetscScalar      **F, **ia;
  const PetscScalar **act, **imp, **ks, **S;
  double             removed = 0;

  PetscFunctionBegin;
  if (!swe->soil.ks) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscLogEventBegin(swe->ev_source, 0, 0, 0, 0));
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
      double h = U[j][i].h, f = F[j][i], a = ia[j][i];
      removed += rsl_cell_losses(&h, &f, &a, imp[j][i], ks[j][i], S[j][i], dt);
      U[j][i].h = h;
      F[j][i]   = f;
      ia[j][i]  = a;
      if (h <= swe->hdry) U[j][i].hu = U[j][i].hv = 0;
    }
  RslKahanAdd(&swe->infil_vol, removed * g->dx * g->dy);
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->soil.psi_dtheta, (void *)&S));
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->soil.ks, (void *)&ks));
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->soil.impervious, (void *)&imp));
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->act, (void *)&act));
  PetscCall(DMDAVecRestoreArray(g->da1, swe->ia_left, &ia));
  PetscCall(DMDAVecRestoreArray(g->da1, swe->F, &F));
  PetscCall(DMDAVecRestoreArray(g->da, swe->U, &U));
  PetscCall(PetscLogEventEnd(swe->ev_source, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}
