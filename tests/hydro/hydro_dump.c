/* Test driver for RslHydro: a grid from -grid_* options, the hydro stage from the command
 * line, and the five fields written to -dump FILE (PETSc binary, natural ordering, in the
 * order manning, impervious, ks, psi_dtheta, initial_abstraction; absent fields as -1).
 * -test_fractions: class fractions of 3 classes from a formula of the global cell index
 *   (f0 = (i mod 4)/4 * 0.5, f1 = (j mod 3)/3 * 0.5, f2 = 1 - f0 - f1), given through
 *   RslHydroSetClassFractions.
 * -test_classmap FILE: the class raster read into a class map (RslGridPixelBlock blocks,
 *   nodata -> 255) and given through RslHydroSetClassMap. */
#include "hydro/hydro.h"
#include "io/raster.h"

int main(int argc, char **argv)
{
  RslGrid    *grid;
  RslHydro    hydro;
  PetscInt    nx = 20, ny = 16;
  PetscReal   dx = 10, x0 = 0, y0 = 0;
  char        crs[256] = "EPSG:2154", dump[PETSC_MAX_PATH_LEN] = "", cmfile[PETSC_MAX_PATH_LEN] = "";
  RslClassMap *cmap = NULL;
  PetscBool   test_fractions = PETSC_FALSE;
  Vec         fr[3], f[5];
  PetscViewer bin;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-grid_nx", &nx, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-grid_ny", &ny, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-grid_dx", &dx, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-grid_x0", &x0, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-grid_y0", &y0, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-grid_crs", crs, sizeof crs, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-dump", dump, sizeof dump, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-test_fractions", &test_fractions, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-test_classmap", cmfile, sizeof cmfile, NULL));
  {
    double gt[6] = {x0, dx, 0, y0, 0, -dx};
    PetscCall(RslGridCreate(PETSC_COMM_WORLD, nx, ny, gt, crs, 1, PETSC_DECIDE, PETSC_DECIDE, NULL, NULL, &grid));
  }
  PetscCall(RslHydroCreate(PETSC_COMM_WORLD, &hydro));
  PetscCall(RslHydroSetFromOptions(hydro));
  if (test_fractions) {
    PetscScalar **a[3];
    for (int c = 0; c < 3; c++) {
      PetscCall(DMCreateGlobalVector(grid->da1, &fr[c]));
      PetscCall(DMDAVecGetArray(grid->da1, fr[c], &a[c]));
    }
    for (PetscInt j = grid->ys; j < grid->ys + grid->ym; j++)
      for (PetscInt i = grid->xs; i < grid->xs + grid->xm; i++) {
        a[0][j][i] = (i % 4) / 4.0 * 0.5;
        a[1][j][i] = (j % 3) / 3.0 * 0.5;
        a[2][j][i] = 1.0 - a[0][j][i] - a[1][j][i];
      }
    for (int c = 0; c < 3; c++) PetscCall(DMDAVecRestoreArray(grid->da1, fr[c], &a[c]));
    PetscCall(RslHydroSetClassFractions(hydro, 3, fr));
  }
  if (cmfile[0]) {
    PetscCall(RslHydroReadClassMap(grid, "-test_classmap", cmfile, &cmap));
    PetscCall(RslHydroSetClassMap(hydro, cmap));
  }
  PetscCall(RslHydroSetUp(hydro, grid));
  PetscCall(RslHydroView(hydro, NULL));
  PetscCall(RslHydroGetFields(hydro, &f[0], &f[1], &f[2], &f[3], &f[4]));
  if (dump[0]) {
    Vec missing;
    PetscCall(DMCreateGlobalVector(grid->da1, &missing));
    PetscCall(VecSet(missing, -1.0));
    PetscCall(PetscViewerBinaryOpen(PETSC_COMM_WORLD, dump, FILE_MODE_WRITE, &bin));
    for (int q = 0; q < 5; q++) PetscCall(VecView(f[q] ? f[q] : missing, bin));
    PetscCall(PetscViewerDestroy(&bin));
    PetscCall(VecDestroy(&missing));
  }
  if (test_fractions)
    for (int c = 0; c < 3; c++) PetscCall(VecDestroy(&fr[c]));
  PetscCall(RslClassMapDestroy(&cmap));
  PetscCall(RslHydroDestroy(&hydro));
  PetscCall(RslGridDestroy(&grid));
  PetscCall(PetscFinalize());
  return 0;
}
