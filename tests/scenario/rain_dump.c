/* Test driver for RslRain: builds a grid from -grid_* options, sets the scenario and the
 * rain up from the command line (-rain_view to see them) and prints, for every interval between breaks up to -dump_tmax, the
 * interval and the mean, min and max of the per-cell rate (m/s); -dump_fields FILE also
 * writes each interval's field (natural ordering, PETSc binary) for rank-count checks. */
#include "scenario/rain.h"

int main(int argc, char **argv)
{
  RslGrid    *grid;
  RslScenario sc;
  RslRain     rain;
  Vec         rate;
  PetscInt    nx = 20, ny = 16, n = 0;
  PetscReal   dx = 100, x0 = 0, y0 = 0, tmax = 86400, t = 0, factor;
  char        crs[256] = "EPSG:2154", fields[PETSC_MAX_PATH_LEN] = "";
  PetscViewer bin = NULL;
  PetscBool   uniform;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-grid_nx", &nx, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-grid_ny", &ny, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-grid_dx", &dx, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-grid_x0", &x0, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-grid_y0", &y0, NULL)); /* north edge */
  PetscCall(PetscOptionsGetString(NULL, NULL, "-grid_crs", crs, sizeof crs, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-dump_tmax", &tmax, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-dump_fields", fields, sizeof fields, NULL));
  {
    double gt[6] = {x0, dx, 0, y0, 0, -dx};
    PetscCall(RslGridCreate(PETSC_COMM_WORLD, nx, ny, gt, crs, 1, PETSC_DECIDE, PETSC_DECIDE, NULL, NULL, &grid));
  }
  PetscCall(RslScenarioCreate(PETSC_COMM_WORLD, &sc));
  PetscCall(RslScenarioSetFromOptions(sc));
  PetscCall(RslRainCreate(PETSC_COMM_WORLD, &rain));
  PetscCall(RslRainSetScenario(rain, sc));
  PetscCall(RslRainSetFromOptions(rain));
  PetscCall(RslRainSetUp(rain, grid));
  PetscCall(RslRainViewFromOptions(rain));
  PetscCall(RslScenarioGetRainFactor(sc, &factor));
  PetscCall(RslRainIsUniform(rain, &uniform));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "factor %.17g uniform %d\n", (double)factor, (int)uniform));
  PetscCall(DMCreateGlobalVector(grid->da1, &rate));
  if (fields[0]) PetscCall(PetscViewerBinaryOpen(PETSC_COMM_WORLD, fields, FILE_MODE_WRITE, &bin));
  while (t < tmax && n < 100000) {
    PetscReal tn, sum, mn, mx;
    PetscCall(RslRainNextBreak(rain, t, &tn));
    PetscCall(RslRainGetRate(rain, t, rate));
    PetscCall(VecSum(rate, &sum));
    PetscCall(VecMin(rate, NULL, &mn));
    PetscCall(VecMax(rate, NULL, &mx));
    if (uniform) {
      PetscReal u;
      PetscCall(RslRainGetUniformRate(rain, t, &u));
      PetscCheck(u == mn && u == mx, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "uniform rate %g differs from the field", (double)u);
    }
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "interval %.17g %.17g %.17g %.17g %.17g\n", (double)t, (double)tn, (double)(sum / (nx * ny)), (double)mn, (double)mx));
    if (bin) PetscCall(VecView(rate, bin));
    t = tn;
    n++;
  }
  PetscCall(PetscViewerDestroy(&bin));
  PetscCall(VecDestroy(&rate));
  PetscCall(RslRainDestroy(&rain));
  PetscCall(RslScenarioDestroy(&sc));
  PetscCall(RslGridDestroy(&grid));
  PetscCall(PetscFinalize());
  return 0;
}
