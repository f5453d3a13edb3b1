/* Test driver for RslLanduse: reads -in FILE (uint8 class raster) into a class map split
 * over the ranks (2 columns of blocks when the rank count is even, rows otherwise), applies
 * the land-use options, writes -out FILE and prints the areas changed. */
#include "scenario/landuse.h"
#include "io/raster.h"

int main(int argc, char **argv)
{
  RslClassMap  *map;
  RslScenario   sc;
  RslLanduse    lu;
  RslRasterInfo info;
  char          in[PETSC_MAX_PATH_LEN] = "", out[PETSC_MAX_PATH_LEN] = "";
  PetscMPIInt   rank, size;
  PetscInt      px, py, c0, c1, r0, r1;
  PetscReal     art, des;
  double       *buf;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-in", in, sizeof in, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-out", out, sizeof out, NULL));
  PetscCall(RslRasterInfoRead(PETSC_COMM_WORLD, "-in", in, &info));
  px = size % 2 ? 1 : 2;
  py = size / px;
  c0 = (rank % px) * info.nx / px, c1 = (rank % px + 1) * info.nx / px;
  r0 = (rank / px) * info.ny / py, r1 = (rank / px + 1) * info.ny / py;
  PetscCall(RslClassMapCreate(PETSC_COMM_WORLD, info.nx, info.ny, 1, c0, r0, c1 - c0, r1 - r0, info.gt, info.crs_wkt, &map));
  PetscCall(PetscMalloc1((c1 - c0) * (r1 - r0), &buf));
  PetscCall(RslRasterReadWindow(in, 1, c0, r0, c1 - c0, r1 - r0, 255, buf));
  for (PetscInt k = 0; k < (c1 - c0) * (r1 - r0); k++) map->data[k] = (unsigned char)buf[k];
  PetscCall(PetscFree(buf));
  PetscCall(RslScenarioCreate(PETSC_COMM_WORLD, &sc));
  PetscCall(RslScenarioSetFromOptions(sc));
  PetscCall(RslLanduseCreate(PETSC_COMM_WORLD, &lu));
  PetscCall(RslLanduseSetScenario(lu, sc));
  PetscCall(RslLanduseSetFromOptions(lu));
  PetscCall(RslLanduseApply(lu, map));
  PetscCall(RslLanduseView(lu, NULL));
  PetscCall(RslScenarioViewFromOptions(sc));
  PetscCall(RslLanduseGetChanges(lu, &art, &des));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "changes %.17g %.17g\n", (double)art, (double)des));
  PetscCall(RslClassMapWrite(map, "-out", out, PETSC_TRUE, 255));
  PetscCall(RslLanduseDestroy(&lu));
  PetscCall(RslScenarioDestroy(&sc));
  PetscCall(RslClassMapDestroy(&map));
  PetscCall(RslRasterInfoFree(&info));
  PetscCall(PetscFinalize());
  return 0;
}
