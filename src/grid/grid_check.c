/* grid: checks before the grid exists (sizes, rank split, 32-bit indices) and of secondary
 * rasters against it (CRS, overlap) -- the grid's part of the validation layer (grid.h). */
#include "grid/grid.h"
#include <math.h>

/* Can m x n ranks each hold at least sw x sw cells? (PETSc gives rank k of a direction
 * N/m or N/m + 1 cells.) */
static PetscBool SplitFits(PetscInt nx, PetscInt ny, PetscInt sw, PetscInt m, PetscInt n) { return (PetscBool)(nx / m >= sw && ny / n >= sw); }

PetscBool RslGridSplit(PetscInt nx, PetscInt ny, PetscInt sw, PetscMPIInt size, PetscInt *m, PetscInt *n)
{
  PetscInt bm = 0, bn = 0, best = -1;

  /* PETSc's squarish choice (DMSetUp_DA_2D) first: the layout users get elsewhere */
  PetscInt pm = (PetscInt)(0.5 + PetscSqrtReal((PetscReal)nx * (PetscReal)size / (PetscReal)ny));
  if (pm < 1) pm = 1;
  while (pm > 1 && size % pm) pm--;
  {
    PetscInt pn = size / pm;
    if (nx > ny && pm < pn) {
      PetscInt t = pm;
      pm         = pn;
      pn         = t;
    }
    if (SplitFits(nx, ny, sw, pm, pn)) {
      *m = pm;
      *n = pn;
      return PETSC_TRUE;
    }
  }
  for (PetscInt a = 1; a <= size; a++) {
    PetscInt b = size / a, cells;
    if (a * b != size || !SplitFits(nx, ny, sw, a, b)) continue;
    cells = PetscMin(nx / a, ny / b);
    if (cells > best) {
      best = cells;
      bm   = a;
      bn   = b;
    }
  }
  *m = bm;
  *n = bn;
  return (PetscBool)(best > 0);
}

PetscErrorCode RslGridCheckSize(MPI_Comm comm, const char option[], const char path[], PetscInt nx, PetscInt ny, double dx, double dy, PetscInt sw, PetscInt *m, PetscInt *n)
{
  PetscMPIInt size;
  int         fit = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  {
    RslRange cell = RSL_RANGE(RSL_CELL_MIN, RSL_CELL_MAX, PETSC_FALSE, PETSC_FALSE);
    char     want[64];
    RslRangeText(cell, want, sizeof want);
    RSLCHECK(comm, RslInRange(dx, cell) && RslInRange(dy, cell), "%s: '%s' has cells of %g x %g m; cell sizes must be %s m", option, path, dx, dy, want);
  }
  RSLCHECK(comm, nx >= 2 && ny >= 2, "%s: '%s' is %" PetscInt_FMT " x %" PetscInt_FMT " cells; at least 2 x 2 are needed", option, path, nx, ny);
  /* every dof-3 global vector has 3 nx ny entries, its ghosted blocks a little more */
  RSLCHECK(comm, 3.0 * (double)(nx + 2 * sw) * (double)(ny + 2 * sw) < (double)PETSC_MAX_INT, "%s: '%s' is %" PetscInt_FMT " x %" PetscInt_FMT " cells (%.3g), more than this PETSc build indexes (%d-bit indices: at most %.3g cells, 3 unknowns each); use a coarser DEM or build against a PETSc with 64-bit indices (CMake preset int64, docs/hpc.md)", option, path, nx, ny, (double)nx * (double)ny, (int)(8 * sizeof(PetscInt)), (double)PETSC_MAX_INT / 3.0);
  if (RslGridSplit(nx, ny, sw, size, m, n)) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscMPIInt p = size - 1; p >= 1 && !fit; p--) {
    PetscInt a, b;
    if (RslGridSplit(nx, ny, sw, p, &a, &b)) fit = p;
  }
  RSLCHECK(comm, 0, "%s: '%s' is %" PetscInt_FMT " x %" PetscInt_FMT " cells, too small for %d MPI ranks: each rank needs at least %" PetscInt_FMT " x %" PetscInt_FMT " cells (at most %d rank%s)", option, path, nx, ny, (int)size, sw, sw, fit, fit > 1 ? "s" : "");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void Extent(const double gt[6], PetscInt nx, PetscInt ny, double e[4])
{
  e[0] = gt[0];
  e[1] = gt[0] + (double)nx * gt[1];
  e[2] = gt[3] + (double)ny * gt[5];
  e[3] = gt[3];
}

PetscErrorCode RslGridCheckCoverage(const RslGrid *g, const char option[], const char path[], PetscInt ncells_outside, const char fill[])
{
  PetscFunctionBegin;
  RSLCHECK(g->comm, !ncells_outside || g->partial_fill, "%s: '%s' covers only part of the grid (%" PetscInt_FMT " of %" PetscInt_FMT " cell centres outside it); give -grid_partial_overlap fill to accept it (those cells then take %s)", option, path, ncells_outside, g->nx * g->ny, fill);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslGridCheckRaster(const RslGrid *g, const char option[], const char path[], const RslRasterInfo *info, const char fill[])
{
  const double *gi = info->gt;
  double        r[4], e[4];
  PetscInt      c0, c1, r0, r1;
  PetscBool     finite = PETSC_TRUE;

  PetscFunctionBegin;
  for (int k = 0; k < 6; k++) finite = (PetscBool)(finite && isfinite(gi[k]));
  RSLCHECK(g->comm, info->has_geotransform, "%s: '%s' has no geotransform (it is not georeferenced)", option, path);
  RSLCHECK(g->comm, finite && gi[2] == 0 && gi[4] == 0 && gi[1] > 0 && gi[5] < 0, "%s: '%s' is not a north-up raster (geotransform %g %g %g %g %g %g)", option, path, gi[0], gi[1], gi[2], gi[3], gi[4], gi[5]);
  RSLCHECK(g->comm, info->crs_wkt[0], "%s: '%s' has no CRS; it must be in the grid's (the DEM's) CRS", option, path);
  RSLCHECK(g->comm, RslCRSSame(info->crs_wkt, g->crs_wkt), "%s: '%s' is not in the grid's CRS (the DEM's); reproject it first, e.g. gdalwarp -t_srs", option, path);
  Extent(gi, info->nx, info->ny, r);
  Extent(g->gt, g->nx, g->ny, e);
  RSLCHECK(g->comm, r[0] < e[1] && e[0] < r[1] && r[2] < e[3] && e[2] < r[3], "%s: '%s' does not overlap the grid (raster x %.2f..%.2f, y %.2f..%.2f; grid x %.2f..%.2f, y %.2f..%.2f)", option, path, r[0], r[1], r[2], r[3], e[0], e[1], e[2], e[3]);
  /* cell columns/rows whose centres fall inside the raster: [c0, c1) x [r0, r1) */
  c0 = (PetscInt)PetscMax(0.0, PetscMin((double)g->nx, ceil((r[0] - g->gt[0]) / g->gt[1] - 0.5)));
  c1 = (PetscInt)PetscMax(0.0, PetscMin((double)g->nx, ceil((r[1] - g->gt[0]) / g->gt[1] - 0.5)));
  r0 = (PetscInt)PetscMax(0.0, PetscMin((double)g->ny, ceil((r[3] - g->gt[3]) / g->gt[5] - 0.5)));
  r1 = (PetscInt)PetscMax(0.0, PetscMin((double)g->ny, ceil((r[2] - g->gt[3]) / g->gt[5] - 0.5)));
  PetscCall(RslGridCheckCoverage(g, option, path, g->nx * g->ny - PetscMax(c1 - c0, 0) * PetscMax(r1 - r0, 0), fill));
  PetscFunctionReturn(PETSC_SUCCESS);
}
