/* io on real data (shared SRTM DEM of the Cevennes, Float32, EPSG:32631): header, a window
 * overhanging the north-west corner and a 2x "average" resampling, against the references
 * real_reference.py computed with GDAL's Python bindings (gdal.Warp for the average).
 * Skipped (77) when the shared data are absent. Usage: test_real DATA_DIR IO_DATA_DIR */
#include "io/raster.h"
#include "io_test.h"
#include <math.h>

static PetscErrorCode Load(const char path[], size_t n, double *buf, PetscBool *ok)
{
  FILE *fp = fopen(path, "rb");

  PetscFunctionBegin;
  *ok = fp && fread(buf, sizeof(double), n, fp) == n ? PETSC_TRUE : PETSC_FALSE;
  if (fp) fclose(fp);
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  MPI_Comm      comm;
  RslRasterInfo info;
  char          dem[PETSC_MAX_PATH_LEN], ref[PETSC_MAX_PATH_LEN];
  double       *got, *want, gt[6], maxrel = 0;
  PetscBool     ok;
  int           bad = 0, nfail;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  comm = PETSC_COMM_WORLD;
  PetscCall(PetscSNPrintf(dem, sizeof(dem), "%s/dem/cevennes_srtm30m_utm31n.tif", argc > 1 ? argv[1] : "."));
  PetscCall(PetscSNPrintf(ref, sizeof(ref), "%s/cevennes_window.bin", argc > 2 ? argv[2] : "io_data"));
  PetscCall(PetscMalloc2(300 * 200, &got, 300 * 200, &want));
  PetscCall(Load(ref, 300 * 200, want, &ok));
  if (!ok) { /* the reference script skipped: no shared data */
    PetscCall(PetscFree2(got, want));
    PetscCall(PetscFinalize());
    return 77;
  }
  PetscCall(RslRasterInfoRead(comm, "-dem", dem, &info));
  IO_EXPECT(info.nx == 1654 && info.ny == 1596, "size %" PetscInt_FMT "x%" PetscInt_FMT, info.nx, info.ny);
  IO_EXPECT(info.projected && info.linear_units == 1.0 && info.has_nodata && info.nodata == -9999.0, "projected/units/nodata");
  IO_EXPECT(RslCRSSame(info.crs_wkt, "EPSG:32631"), "CRS is not UTM 31N");
  PetscCall(RslRasterReadWindow(dem, 1, -20, -10, 300, 200, -1.0, got));
  for (int k = 0; k < 300 * 200; k++) bad += got[k] != want[k];
  IO_EXPECT(!bad, "window: %d values differ from GDAL's", bad);

  PetscCall(PetscSNPrintf(ref, sizeof(ref), "%s/cevennes_avg2.bin", argc > 2 ? argv[2] : "io_data"));
  PetscCall(Load(ref, 120 * 90, want, &ok));
  IO_EXPECT(ok, "cannot read %s", ref);
  for (int k = 0; k < 6; k++) gt[k] = info.gt[k];
  gt[0] += 400 * info.gt[1];
  gt[3] += 300 * info.gt[5];
  gt[1] *= 2;
  gt[5] *= 2;
  PetscCall(RslRasterReadResampled(dem, 1, gt, 120, 90, "average", -1.0, got));
  for (int k = 0; k < 120 * 90; k++) maxrel = PetscMax(maxrel, fabs(got[k] - want[k]) / PetscMax(1.0, fabs(want[k])));
  IO_EXPECT(maxrel < 1e-12, "2x average vs gdal.Warp: max relative difference %g", maxrel);
  PetscCall(RslRasterInfoFree(&info));
  PetscCall(PetscFree2(got, want));
  nfail = IoTestFinish(comm, "test_real");
  PetscCall(PetscFinalize());
  return nfail ? 1 : 0;
}
