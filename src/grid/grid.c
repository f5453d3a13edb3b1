#include "grid/grid.h"
#include <math.h>

PetscErrorCode RslGridCreate(MPI_Comm comm, PetscInt nx, PetscInt ny, const double gt[6], const char *crs_wkt, PetscInt sw, PetscInt m, PetscInt n, const PetscInt lx[], const PetscInt ly[], RslGrid **grid)
{
  RslGrid *g;

  PetscFunctionBegin;
  if (m == PETSC_DECIDE && n == PETSC_DECIDE) { /* a split DMDACreate2d accepts, or a clear error */
    PetscMPIInt size;
    PetscCallMPI(MPI_Comm_size(comm, &size));
    RSLCHECK(comm, RslGridSplit(nx, ny, sw, size, &m, &n), "grid of %" PetscInt_FMT " x %" PetscInt_FMT " cells: too small for %d MPI ranks (each needs at least %" PetscInt_FMT " x %" PetscInt_FMT " cells)", nx, ny, (int)size, sw, sw);
  }
  PetscCall(PetscNew(&g));
  g->comm = comm;
  g->nx   = nx;
  g->ny   = ny;
  g->sw   = sw;
  for (int k = 0; k < 6; k++) g->gt[k] = gt[k];
  g->dx = PetscAbsReal(gt[1]);
  g->dy = PetscAbsReal(gt[5]);
  PetscCall(PetscStrallocpy(crs_wkt ? crs_wkt : "", &g->crs_wkt));
  PetscCall(DMDACreate2d(comm, DM_BOUNDARY_GHOSTED, DM_BOUNDARY_GHOSTED, DMDA_STENCIL_STAR, nx, ny, m, n, 3, sw, lx, ly, &g->da));
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
  if (!(c >= 0 && r >= 0 && c < g->nx && r < g->ny)) return PETSC_FALSE; /* NaN is outside */
  *i = (PetscInt)c;
  *j = g->ny - 1 - (PetscInt)r;
  return PETSC_TRUE;
}

/* Grid column / raster row of the cell containing the centre of pixel c / row r. */
static PetscInt CellCol(const double gi[6], const double gg[6], PetscInt c) { return (PetscInt)floor((gi[0] + (c + 0.5) * gi[1] - gg[0]) / gg[1]); }
static PetscInt CellRow(const double gi[6], const double gg[6], PetscInt r) { return (PetscInt)floor((gi[3] + (r + 0.5) * gi[5] - gg[3]) / gg[5]); }

/* Smallest pixel p in [0, n] whose cell index f(p) >= target (f is non-decreasing), with
 * target 0 -> 0 and target ncells -> n so the outer blocks take the raster beyond the grid. */
static PetscInt FirstPixel(PetscInt (*f)(const double *, const double *, PetscInt), const double gi[6], const double gg[6], PetscInt n, PetscInt target, PetscInt ncells)
{
  PetscInt lo = 0, hi = n;
  if (target <= 0) return 0;
  if (target >= ncells) return n;
  while (lo < hi) {
    PetscInt mid = lo + (hi - lo) / 2;
    if (f(gi, gg, mid) >= target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

void RslGridPixelBlock(const RslGrid *g, const double gi[6], PetscInt nxi, PetscInt nyi, PetscInt *c0, PetscInt *r0, PetscInt *nc, PetscInt *nr)
{
  /* owned grid rows j in [ys, ys+ym) are raster rows [ny-ys-ym, ny-ys) of the grid */
  PetscInt rtop = FirstPixel(CellRow, gi, g->gt, nyi, g->ny - g->ys - g->ym, g->ny);
  *c0           = FirstPixel(CellCol, gi, g->gt, nxi, g->xs, g->nx);
  *nc           = FirstPixel(CellCol, gi, g->gt, nxi, g->xs + g->xm, g->nx) - *c0;
  *r0           = rtop;
  *nr           = FirstPixel(CellRow, gi, g->gt, nyi, g->ny - g->ys, g->ny) - rtop;
}
