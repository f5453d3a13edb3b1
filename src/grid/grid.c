#include "grid/grid.h"
#include <math.h>

PetscErrorCode RslGridCreate(MPI_Comm comm, PetscInt nx, PetscInt ny, const double gt[6], const char *crs_wkt, PetscInt sw, const PetscInt lx[], const PetscInt ly[], RslGrid **grid)
{
  RslGrid *g;

  PetscFunctionBegin;
  PetscCall(PetscNew(&g));
  g->comm = comm;
  g->nx   = nx;
  g->ny   = ny;
  g->sw   = sw;
  for (int k = 0; k < 6; k++) g->gt[k] = gt[k];
  g->dx = PetscAbsReal(gt[1]);
  g->dy = PetscAbsReal(gt[5]);
  PetscCall(PetscStrallocpy(crs_wkt ? crs_wkt : "", &g->crs_wkt));
  PetscCall(DMDACreate2d(comm, DM_BOUNDARY_GHOSTED, DM_BOUNDARY_GHOSTED, DMDA_STENCIL_STAR, nx, ny, lx ? (PetscInt)PETSC_DECIDE : PETSC_DECIDE, PETSC_DECIDE, 3, sw, lx, ly, &g->da));
  PetscCall(DMSetFromOptions(g->da));
  PetscCall(DMSetUp(g->da));
  PetscCall(DMDASetFieldName(g->da, 0, "h"));
  PetscCall(DMDASetFieldName(g->da, 1, "hu"));
  PetscCall(DMDASetFieldName(g->da, 2, "hv"));
  PetscCall(DMDACreateCompatibleDMDA(g->da, 1, &g->da1));
  PetscCall(DMDAGetCorners(g->da, &g->xs, &g->ys, NULL, &g->xm, &g->ym, NULL));
  *grid = g;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslGridDestroy(RslGrid **grid)
{
  PetscFunctionBegin;
  if (!*grid) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DMDestroy(&(*grid)->da));
  PetscCall(DMDestroy(&(*grid)->da1));
  PetscCall(PetscFree((*grid)->crs_wkt));
  PetscCall(PetscFree(*grid));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void RslGridCellCentre(const RslGrid *g, PetscInt i, PetscInt j, double *x, double *y)
{
  *x = g->gt[0] + (i + 0.5) * g->gt[1];
  *y = g->gt[3] + ((g->ny - 1 - j) + 0.5) * g->gt[5];
}

PetscBool RslGridLocate(const RslGrid *g, double x, double y, PetscInt *i, PetscInt *j)
{
  double c = floor((x - g->gt[0]) / g->gt[1]);
  double r = floor((y - g->gt[3]) / g->gt[5]);
  if (c < 0 || r < 0 || c >= g->nx || r >= g->ny) return PETSC_FALSE;
  *i = (PetscInt)c;
  *j = g->ny - 1 - (PetscInt)r;
  return PETSC_TRUE;
}
