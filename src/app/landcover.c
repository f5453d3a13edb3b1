#include "app/app.h"
#include "io/raster.h"
#include <math.h>

PetscErrorCode RslLandcoverReadForGrid(const RslGrid *g, const char option[], const char path[], RslClassMap **map)
{
  RslRasterInfo  info;
  PetscInt       c0, r0, nc, nr, bad = 0;
  double        *buf;
  RslClassMap   *m;

  PetscFunctionBegin;
  PetscCall(RslRasterInfoRead(g->comm, option, path, &info));
  RSLCHECK(g->comm, RslCRSSame(info.crs_wkt, g->crs_wkt), "%s: '%s' is not in the DEM's CRS (reproject it first, e.g. gdalwarp -t_srs)", option, path);
  RSLCHECK(g->comm, info.gt[2] == 0 && info.gt[4] == 0 && info.gt[1] > 0 && info.gt[5] < 0, "%s: '%s' is not a north-up raster", option, path);
  RslGridPixelBlock(g, info.gt, info.nx, info.ny, &c0, &r0, &nc, &nr);
  PetscCall(RslClassMapCreate(g->comm, info.nx, info.ny, 1, c0, r0, nc, nr, info.gt, info.crs_wkt, &m));
  PetscCall(PetscMalloc1(nc * nr, &buf));
  if (nc > 0 && nr > 0 && RslRasterReadWindow(path, 1, c0, r0, nc, nr, -1.0, buf)) bad = 1;
  for (PetscInt k = 0; !bad && k < nc * nr; k++) {
    double v = buf[k];
    if (v == -1.0) m->data[k] = 255;
    else if (v >= 0 && v < 255 && v == floor(v)) m->data[k] = (unsigned char)v;
    else bad = 2;
  }
  PetscCall(PetscFree(buf));
  PetscCall(RslRasterInfoFree(&info));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPIU_INT, MPI_MAX, g->comm));
  if (bad) PetscCall(RslClassMapDestroy(&m));
  RSLCHECK(g->comm, bad != 1, "%s: cannot read the pixels of '%s'", option, path);
  RSLCHECK(g->comm, bad != 2, "%s: '%s' holds values that are not class codes 0..254", option, path);
  *map = m;
  PetscFunctionReturn(PETSC_SUCCESS);
}
