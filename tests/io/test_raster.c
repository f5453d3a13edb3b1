/* io raster reads against the analytic rasters of make_rasters.py (v = 1000*row + col, two
 * nodata pixels), through a GeoTIFF and a 4-tile VRT mosaic, on any number of ranks: each
 * rank reads its own windows, some overhanging the raster or entirely outside it, by path
 * and through one open dataset (RslRasterOpen). Also
 * RslRasterWrite round trip (values, georeferencing, tiling, compression, no .part left). */
#include "io/raster.h"
#include "io_test.h"
#include <gdal.h>
#include <math.h>
#include <unistd.h>

#define NX 53
#define NY 37
static const double GT[6] = {600000.0, 5.0, 0.0, 6800000.0, 0.0, -5.0};

static double Expected(PetscInt r, PetscInt c, double fill)
{
  if (r < 0 || c < 0 || r >= NY || c >= NX) return fill;
  if ((r == 5 && c == 7) || (r == 20 && c == 40)) return fill; /* nodata holes */
  return 1000.0 * r + c;
}

static PetscErrorCode CheckInfo(MPI_Comm comm, const char path[], RslRasterInfo *info)
{
  PetscFunctionBegin;
  PetscCall(RslRasterInfoRead(comm, "-dem", path, info));
  IO_EXPECT(info->nx == NX && info->ny == NY && info->nbands == 1, "%s: size %" PetscInt_FMT "x%" PetscInt_FMT, path, info->nx, info->ny);
  for (int k = 0; k < 6; k++) IO_EXPECT(info->gt[k] == GT[k], "%s: gt[%d] = %g", path, k, info->gt[k]);
  IO_EXPECT(info->has_geotransform, "%s: no geotransform", path);
  IO_EXPECT(info->projected && info->linear_units == 1.0, "%s: projected %d units %g", path, (int)info->projected, info->linear_units);
  IO_EXPECT(info->has_nodata && info->nodata == -9999.0, "%s: nodata %d %g", path, (int)info->has_nodata, info->nodata);
  IO_EXPECT(RslCRSSame(info->crs_wkt, "EPSG:2154"), "%s: CRS is not Lambert-93", path);
  IO_EXPECT(!RslCRSSame(info->crs_wkt, "EPSG:4326"), "%s: CRS same as WGS84?", path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckWindows(const char path[], PetscMPIInt rank)
{
  const double fill = -1.5;
  /* col0, row0, ncols, nrows: rank-dependent, overhanging, outside, the whole raster */
  const PetscInt win[][4] = {
    {-3 + 7 * rank, -4 + 5 * rank, 30, 25},
    {NX - 10, NY - 6, 20, 15},
    {-100, -100, 5, 5},
    {0, 0, NX, NY},
    {rank, 0, 1, NY},
  };
  double   *buf;
  RslRaster open;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(100 * 100, &buf));
  PetscCall(RslRasterOpen(path, &open));
  for (int once = 0; once < 2; once++) /* each window by path, then all through one open dataset */
    for (size_t w = 0; w < sizeof(win) / sizeof(win[0]); w++) {
      const PetscInt *W   = win[w];
      int             bad = 0;
      if (once) PetscCall(RslRasterReadWindowFrom(open, 1, W[0], W[1], W[2], W[3], fill, buf));
      else PetscCall(RslRasterReadWindow(path, 1, W[0], W[1], W[2], W[3], fill, buf));
      for (PetscInt r = 0; r < W[3]; r++)
        for (PetscInt c = 0; c < W[2]; c++) bad += buf[r * W[2] + c] != Expected(W[1] + r, W[0] + c, fill);
      IO_EXPECT(!bad, "%s%s: window %zu (%" PetscInt_FMT ",%" PetscInt_FMT ") %" PetscInt_FMT "x%" PetscInt_FMT ": %d wrong values", path, once ? " (open once)" : "", w, W[0], W[1], W[2], W[3], bad);
    }
  PetscCall(RslRasterClose(&open));
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0 writes a Float32 raster with RslRasterWrite and reads it back with GDAL. */
static PetscErrorCode CheckWrite(const char dir[], PetscMPIInt size)
{
  char         path[PETSC_MAX_PATH_LEN], part[PETSC_MAX_PATH_LEN];
  double       v[NY * NX], back[NY * NX], gt[6];
  GDALDatasetH ds;
  const char  *comp;
  int          bad = 0, has, bx, by;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/written_np%d.tif", dir, size)); /* tests may run concurrently */
  PetscCall(PetscSNPrintf(part, sizeof(part), "%s.part.tif", path));
  for (int k = 0; k < NX * NY; k++) v[k] = k % 17 == 0 ? -9999.0 : 0.25 * k;
  PetscCall(RslRasterWrite(path, "Float32", NX, NY, GT, "EPSG:2154", PETSC_TRUE, -9999.0, v));
  IO_EXPECT(access(part, F_OK) != 0, "%s left behind", part);
  ds = GDALOpen(path, GA_ReadOnly);
  IO_EXPECT(ds != NULL, "cannot reopen %s", path);
  if (!ds) PetscFunctionReturn(PETSC_SUCCESS);
  IO_EXPECT(GDALGetRasterDataType(GDALGetRasterBand(ds, 1)) == GDT_Float32, "written type");
  GDALGetGeoTransform(ds, gt);
  for (int k = 0; k < 6; k++) IO_EXPECT(gt[k] == GT[k], "written gt[%d] = %g", k, gt[k]);
  IO_EXPECT(RslCRSSame(GDALGetProjectionRef(ds), "EPSG:2154"), "written CRS");
  IO_EXPECT(GDALGetRasterNoDataValue(GDALGetRasterBand(ds, 1), &has) == -9999.0 && has, "written nodata");
  comp = GDALGetMetadataItem(ds, "COMPRESSION", "IMAGE_STRUCTURE");
  IO_EXPECT(comp && !strcmp(comp, "DEFLATE"), "written compression %s", comp ? comp : "none");
  GDALGetBlockSize(GDALGetRasterBand(ds, 1), &bx, &by);
  IO_EXPECT(bx == 256 && by == 256, "written blocks %dx%d (not tiled)", bx, by);
  IO_EXPECT(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 0, 0, NX, NY, back, NX, NY, GDT_Float64, 0, 0) == CE_None, "reading back");
  for (int k = 0; k < NX * NY; k++) bad += back[k] != v[k];
  IO_EXPECT(!bad, "written values: %d wrong", bad);
  GDALClose(ds);
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  MPI_Comm      comm;
  PetscMPIInt   rank, size;
  RslRasterInfo a, b;
  char          ref[PETSC_MAX_PATH_LEN], vrt[PETSC_MAX_PATH_LEN];
  const char   *dir = argc > 1 ? argv[1] : "io_data";
  int           nfail;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  comm = PETSC_COMM_WORLD;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscSNPrintf(ref, sizeof(ref), "%s/ref.tif", dir));
  PetscCall(PetscSNPrintf(vrt, sizeof(vrt), "%s/mosaic.vrt", dir));
  PetscCall(CheckInfo(comm, ref, &a));
  PetscCall(CheckInfo(comm, vrt, &b));
  IO_EXPECT(RslCRSSame(a.crs_wkt, b.crs_wkt), "VRT and GeoTIFF CRS differ");
  PetscCall(CheckWindows(ref, rank));
  PetscCall(CheckWindows(vrt, rank));
  if (rank == 0) PetscCall(CheckWrite(dir, size));
  PetscCall(RslRasterInfoFree(&a));
  PetscCall(RslRasterInfoFree(&b));
  nfail = IoTestFinish(comm, "test_raster");
  PetscCall(PetscFinalize());
  return nfail ? 1 : 0;
}
