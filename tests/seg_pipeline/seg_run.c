/* seg_run: runs the segmentation stage alone, as the driver's `-stages seg` will:
 *   seg_run -seg_image IMG -seg_weights W.safetensors [...-seg_ options] -seg_output MAP.tif
 *           [-dem DEM.tif -fractions_out F.h5]
 * With -dem, the image blocks follow the DEM grid's DMDA and the class fractions per cell
 * are written to F.h5 as /landcover/fraction_KK (grid layout of io/h5out.h).
 * Exit status: 0 on success, 1 on any error (every rank). */
#include "core/app.h"
#include "io/h5out.h"
#include "seg/segment.h"

static const char help[] = "seg_run: the segmentation stage alone (tests)\n";

static PetscErrorCode Run(RslH5 *out)
{
  char       dem[PETSC_MAX_PATH_LEN] = "", fout[PETSC_MAX_PATH_LEN] = "";
  RslGrid   *grid = NULL;
  Vec        z = NULL, *frac = NULL;
  double     nodata;
  RslSegment seg;
  PetscInt   nclasses = 0;

  PetscFunctionBegin;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "seg_run", NULL);
  PetscCall(PetscOptionsString("-dem", "DEM defining the SWE grid", NULL, dem, dem, sizeof(dem), NULL));
  PetscCall(PetscOptionsString("-fractions_out", "HDF5 file for the class fractions per cell", NULL, fout, fout, sizeof(fout), NULL));
  PetscOptionsEnd();
  if (dem[0]) PetscCall(RslGridCreateFromDEM(PETSC_COMM_WORLD, dem, 1, &grid, &z, &nodata));
  PetscCall(RslSegmentCreate(PETSC_COMM_WORLD, &seg));
  if (grid) PetscCall(RslSegmentSetGrid(seg, grid));
  if (grid) PetscCall(RslSegmentSetDomain(seg, dem));
  PetscCall(RslSegmentSetFromOptions(seg));
  PetscCall(RslSegmentSetUp(seg));
  PetscCall(RslSegmentRun(seg));
  PetscCall(RslSegmentView(seg, PETSC_VIEWER_STDOUT_WORLD));
  if (grid && fout[0]) {
    PetscCall(RslSegmentClassFractions(seg, grid, &nclasses, &frac));
    PetscCall(RslH5Create(PETSC_COMM_WORLD, "-fractions_out", fout, out));
    PetscCall(RslH5WriteGrid(*out, grid->nx, grid->ny, grid->gt, grid->crs_wkt));
    for (PetscInt k = 0; k < nclasses; k++) {
      char name[64];
      PetscCall(PetscSNPrintf(name, sizeof(name), "/landcover/fraction_%02" PetscInt_FMT, k));
      PetscCall(RslH5WriteField(*out, name, grid->da1, frac[k]));
    }
    PetscCall(RslH5Close(out, PETSC_TRUE));
    PetscCall(VecDestroyVecs(nclasses, &frac));
  }
  PetscCall(RslSegmentDestroy(&seg));
  PetscCall(VecDestroy(&z));
  PetscCall(RslGridDestroy(&grid));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;
  RslH5          out = NULL;

  if (PetscInitialize(&argc, &argv, NULL, help)) return 1;
  ierr = RslAppInitialize();
  if (!ierr) ierr = Run(&out);
  if (ierr && out && RslErrorIsCollective()) RslH5Close(&out, PETSC_FALSE);
  return RslAppFinalize(ierr, "seg_run");
}
