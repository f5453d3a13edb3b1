/* The grid from a DEM: the header decides the grid (on rank 0, broadcast), then every rank
 * reads only its own block of the raster; halos come from DMGlobalToLocal. */
#include "grid/grid.h"
#include "io/raster.h"
#include <math.h>
#include <string.h>

/* Read this rank's block of the DEM into a new bed Vec (nodata and non-finite -> nodata). */
static PetscErrorCode ReadBlock(RslGrid *g, const char path[], double nodata, Vec *z)
{
  double       *buf;
  PetscScalar **za;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(g->xm * g->ym, &buf));
  PetscCall(RslRasterReadWindowAll(g->comm, "-dem", path, 1, g->xs, g->ny - g->ys - g->ym, g->xm, g->ym, nodata, buf, NULL));
  PetscCall(DMCreateGlobalVector(g->da1, z));
  PetscCall(PetscObjectSetName((PetscObject)*z, "z"));
  PetscCall(DMDAVecGetArray(g->da1, *z, &za));
  for (PetscInt j = g->ys; j < g->ys + g->ym; j++)
    for (PetscInt i = g->xs; i < g->xs + g->xm; i++) {
      double v = buf[(g->ys + g->ym - 1 - j) * g->xm + (i - g->xs)];
      za[j][i] = isfinite(v) ? v : nodata;
    }
  PetscCall(DMDAVecRestoreArray(g->da1, *z, &za));
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Split n cells into p contiguous ranges of about equal weight (each at least wmin cells). */
static void SplitByWeight(PetscInt n, const double *w, PetscInt p, PetscInt wmin, PetscInt *l)
{
  double   total = 0, acc = 0;
  PetscInt start = 0, k = 0;

  for (PetscInt i = 0; i < n; i++) total += w[i];
  for (PetscInt i = 0; i < n && k < p - 1; i++) {
    acc += w[i];
    /* close range k once it holds its share, leaving enough cells for the ranges after it */
    if ((acc >= total * (k + 1) / p && i + 1 - start >= wmin) || n - (i + 1) == (p - 1 - k) * wmin) {
      l[k++] = i + 1 - start;
      start  = i + 1;
    }
  }
  for (; k < p; k++) { /* the last range, and any range the weights left empty */
    l[k]  = k == p - 1 ? n - start : wmin;
    start += l[k];
  }
}

/* Active-cell counts per grid column and row, then ownership ranges balancing them. */
static PetscErrorCode BalancedRanges(RslGrid *g, Vec z, double nodata, PetscInt *m, PetscInt *n, PetscInt **lx, PetscInt **ly)
{
  double            *col, *row;
  const PetscScalar **za;

  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(g->da, NULL, NULL, NULL, NULL, m, n, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(PetscCalloc2(g->nx, &col, g->ny, &row));
  PetscCall(DMDAVecGetArrayRead(g->da1, z, (void *)&za));
  for (PetscInt j = g->ys; j < g->ys + g->ym; j++)
    for (PetscInt i = g->xs; i < g->xs + g->xm; i++)
      if (za[j][i] != nodata) {
        col[i] += 1;
        row[j] += 1;
      }
  PetscCall(DMDAVecRestoreArrayRead(g->da1, z, (void *)&za));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, col, (PetscMPIInt)g->nx, MPI_DOUBLE, MPI_SUM, g->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, row, (PetscMPIInt)g->ny, MPI_DOUBLE, MPI_SUM, g->comm));
  PetscCall(PetscMalloc2(*m, lx, *n, ly));
  SplitByWeight(g->nx, col, *m, g->sw, *lx);
  SplitByWeight(g->ny, row, *n, g->sw, *ly);
  PetscCall(PetscFree2(col, row));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslGridOptionsRead(MPI_Comm comm, PetscBool *active, PetscBool *fill)
{
  char balance[16] = "none", overlap[16] = "error";

  PetscFunctionBegin;
  PetscOptionsBegin(comm, NULL, "Grid", "");
  PetscCall(PetscOptionsString("-grid_balance", "Ownership ranges: none (even split), active (balance active cells)", "", "none", balance, sizeof balance, NULL));
  PetscCall(PetscOptionsString("-grid_partial_overlap", "A raster covering part of the grid (land cover, Manning, soil, initial depth, rain): error, or fill (cells outside take the default)", "", "error", overlap, sizeof overlap, NULL));
  PetscOptionsEnd();
  PetscCall(PetscStrcmp(balance, "active", active));
  PetscCall(PetscStrcmp(overlap, "fill", fill));
  RSLCHECK(comm, *active || !strcmp(balance, "none"), "-grid_balance: '%s' is not none or active", balance);
  RSLCHECK(comm, *fill || !strcmp(overlap, "error"), "-grid_partial_overlap: '%s' is not error or fill", overlap);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslGridCreateFromDEM(MPI_Comm comm, const char path[], PetscInt sw, RslGrid **grid, Vec *z, double *nodata)
{
  RslRasterInfo info;
  RslGrid      *g;
  PetscBool     active, fill;
  PetscInt      m, n;
  static PetscLogEvent ev;

  PetscFunctionBegin;
  PetscCall(RslLogEventRegister("GridReadDEM", &ev));
  PetscCall(PetscLogEventBegin(ev, 0, 0, 0, 0));
  PetscCall(RslGridOptionsRead(comm, &active, &fill));
  PetscCall(RslRasterInfoRead(comm, "-dem", path, &info));
  RSLCHECK(comm, info.crs_wkt[0], "-dem: '%s' has no CRS; a projected CRS in metres is needed (e.g. EPSG:2154)", path);
  RSLCHECK(comm, info.projected, "-dem: '%s' is in a geographic CRS (degrees); reproject it to a projected CRS in metres (e.g. gdalwarp -t_srs EPSG:2154)", path);
  RSLCHECK(comm, fabs(info.linear_units - 1.0) < 1e-9, "-dem: '%s' has CRS units of %g m, not metres", path, info.linear_units);
  RSLCHECK(comm, info.has_geotransform, "-dem: '%s' has no geotransform (it is not georeferenced)", path);
  RSLCHECK(comm, isfinite(info.gt[0]) && isfinite(info.gt[3]) && info.gt[2] == 0 && info.gt[4] == 0 && info.gt[1] > 0 && info.gt[5] < 0, "-dem: '%s' is not a north-up raster (geotransform %g %g %g %g %g %g)", path, info.gt[0], info.gt[1], info.gt[2], info.gt[3], info.gt[4], info.gt[5]);
  PetscCall(RslGridCheckSize(comm, "-dem", path, info.nx, info.ny, info.gt[1], -info.gt[5], sw, &m, &n));
  *nodata = info.has_nodata ? info.nodata : -9999.0;
  PetscCall(RslGridCreate(comm, info.nx, info.ny, info.gt, info.crs_wkt, sw, m, n, NULL, NULL, &g));
  g->partial_fill = fill;
  PetscCall(ReadBlock(g, path, *nodata, z));
  if (active) { /* results do not depend on the layout (DESIGN invariant 1), only the speed */
    PetscInt *lx, *ly;
    PetscCall(BalancedRanges(g, *z, *nodata, &m, &n, &lx, &ly));
    PetscCall(VecDestroy(z));
    PetscCall(RslGridDestroy(&g));
    PetscCall(RslGridCreate(comm, info.nx, info.ny, info.gt, info.crs_wkt, sw, m, n, lx, ly, &g));
    g->partial_fill = fill;
    PetscCall(PetscFree2(lx, ly));
    PetscCall(ReadBlock(g, path, *nodata, z));
  }
  PetscCall(RslRasterInfoFree(&info));
  PetscCall(PetscLogEventEnd(ev, 0, 0, 0, 0));
  *grid = g;
  PetscFunctionReturn(PETSC_SUCCESS);
}
