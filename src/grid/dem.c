/* The grid from a DEM: the header decides the grid (on rank 0, broadcast), then every rank
 * reads only its own block of the raster; halos come from DMGlobalToLocal. */
#include "grid/grid.h"
#include "grid/balance.h"
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

/* The bed of grid a (global Vec za) on grid b, which covers the same cells with other
 * ownership ranges: a copy in natural order between the two layouts, no file read. */
static PetscErrorCode Redistribute(RslGrid *a, Vec za, RslGrid *b, Vec *zb)
{
  Vec        na, nb;
  IS         is;
  VecScatter sc;
  PetscInt   lo, hi;

  PetscFunctionBegin;
  PetscCall(DMDACreateNaturalVector(a->da1, &na));
  PetscCall(DMDAGlobalToNaturalBegin(a->da1, za, INSERT_VALUES, na));
  PetscCall(DMDAGlobalToNaturalEnd(a->da1, za, INSERT_VALUES, na));
  PetscCall(DMDACreateNaturalVector(b->da1, &nb));
  PetscCall(VecGetOwnershipRange(nb, &lo, &hi));
  PetscCall(ISCreateStride(b->comm, hi - lo, lo, 1, &is));
  PetscCall(VecScatterCreate(na, is, nb, is, &sc));
  PetscCall(VecScatterBegin(sc, na, nb, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, na, nb, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(DMCreateGlobalVector(b->da1, zb));
  PetscCall(PetscObjectSetName((PetscObject)*zb, "z"));
  PetscCall(DMDANaturalToGlobalBegin(b->da1, nb, INSERT_VALUES, *zb));
  PetscCall(DMDANaturalToGlobalEnd(b->da1, nb, INSERT_VALUES, *zb));
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(ISDestroy(&is));
  PetscCall(VecDestroy(&nb));
  PetscCall(VecDestroy(&na));
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
  if (z) PetscCall(ReadBlock(g, path, *nodata, z));
  if (z && active) { /* results do not depend on the layout (DESIGN invariant 1), only the speed */
    PetscInt *lx, *ly;
    RslGrid  *b;
    Vec       zb;
    PetscCall(RslGridBalance(g, *z, *nodata, &m, &n, &lx, &ly));
    PetscCall(RslGridCreate(comm, info.nx, info.ny, info.gt, info.crs_wkt, sw, m, n, lx, ly, &b));
    b->partial_fill = fill;
    PetscCall(PetscFree2(lx, ly));
    PetscCall(Redistribute(g, *z, b, &zb));
    PetscCall(VecDestroy(z));
    PetscCall(RslGridDestroy(&g));
    g  = b;
    *z = zb;
  }
  PetscCall(RslRasterInfoFree(&info));
  PetscCall(PetscLogEventEnd(ev, 0, 0, 0, 0));
  *grid = g;
  PetscFunctionReturn(PETSC_SUCCESS);
}
