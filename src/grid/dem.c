/* The grid from a DEM: the header decides the grid (on rank 0, broadcast), then every rank
 * reads only its own block of the raster; halos come from DMGlobalToLocal. */
#include "grid/grid.h"
#include "io/raster.h"
#include <math.h>

PetscErrorCode RslGridCreateFromDEM(MPI_Comm comm, const char path[], PetscInt sw, RslGrid **grid, Vec *z, double *nodata)
{
  RslRasterInfo info;
  RslGrid      *g;
  double       *buf;
  PetscScalar **za;
  PetscErrorCode ierr;
  static PetscLogEvent ev;

  PetscFunctionBegin;
  PetscCall(RslLogEventRegister("GridReadDEM", &ev));
  PetscCall(PetscLogEventBegin(ev, 0, 0, 0, 0));
  PetscCall(RslRasterInfoRead(comm, "-dem", path, &info));
  RSLCHECK(comm, info.crs_wkt[0], "-dem: '%s' has no CRS; a projected CRS in metres is needed (e.g. EPSG:2154)", path);
  RSLCHECK(comm, info.projected, "-dem: '%s' is in a geographic CRS (degrees); reproject it to a projected CRS in metres (e.g. gdalwarp -t_srs EPSG:2154)", path);
  RSLCHECK(comm, fabs(info.linear_units - 1.0) < 1e-9, "-dem: '%s' has CRS units of %g m, not metres", path, info.linear_units);
  RSLCHECK(comm, info.gt[2] == 0 && info.gt[4] == 0 && info.gt[1] > 0 && info.gt[5] < 0, "-dem: '%s' is not a north-up raster (geotransform %g %g %g %g %g %g)", path, info.gt[0], info.gt[1], info.gt[2], info.gt[3], info.gt[4], info.gt[5]);
  RSLCHECK(comm, info.nx >= 2 && info.ny >= 2, "-dem: '%s' is %dx%d; at least 2x2 cells are needed", path, (int)info.nx, (int)info.ny);
  *nodata = info.has_nodata ? info.nodata : -9999.0;
  PetscCall(RslGridCreate(comm, info.nx, info.ny, info.gt, info.crs_wkt, sw, NULL, NULL, &g));
  PetscCall(RslRasterInfoFree(&info));
  PetscCall(PetscMalloc1(g->xm * g->ym, &buf));
  ierr = RslRasterReadWindow(path, 1, g->xs, g->ny - g->ys - g->ym, g->xm, g->ym, *nodata, buf);
  PetscCall(RslCheckCollective(comm, ierr ? PETSC_TRUE : PETSC_FALSE, "-dem: reading the raster block failed"));
  PetscCall(DMCreateGlobalVector(g->da1, z));
  PetscCall(PetscObjectSetName((PetscObject)*z, "z"));
  PetscCall(DMDAVecGetArray(g->da1, *z, &za));
  for (PetscInt j = g->ys; j < g->ys + g->ym; j++)
    for (PetscInt i = g->xs; i < g->xs + g->xm; i++) {
      double v = buf[(g->ys + g->ym - 1 - j) * g->xm + (i - g->xs)];
      za[j][i] = isfinite(v) ? v : *nodata;
    }
  PetscCall(DMDAVecRestoreArray(g->da1, *z, &za));
  PetscCall(PetscFree(buf));
  PetscCall(PetscLogEventEnd(ev, 0, 0, 0, 0));
  *grid = g;
  PetscFunctionReturn(PETSC_SUCCESS);
}
