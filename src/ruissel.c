/* ruissel driver: strings the stages together and does nothing else.
 *   DEM -> grid; [rain/scenario] -> swe -> HDF5 result (+ XDMF), with clear errors. */
#include "core/app.h"
#include "grid/grid.h"
#include "io/h5out.h"
#include "scenario/rain.h"
#include "swe/swe.h"
#include <string.h>

static const char help[] = "ruissel: aerial imagery + terrain -> flood-runoff maps.\n"
                           "Usage: mpiexec -n N ruissel -options_file run.opts [-option value ...]\n"
                           "Stages: -stages swe (see docs/user-guide.md for every option).\n";

typedef struct {
  char      dem[PETSC_MAX_PATH_LEN], out_file[PETSC_MAX_PATH_LEN], stages[256];
  RslH5     out;
  PetscBool help;
} Run;

static PetscErrorCode DriverOptions(Run *run)
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(run->stages, "swe", sizeof run->stages));
  PetscCall(PetscStrncpy(run->out_file, "ruissel.h5", sizeof run->out_file));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "ruissel driver", "");
  PetscCall(PetscOptionsString("-stages", "Stages to run (comma-separated): swe", "", run->stages, run->stages, sizeof run->stages, NULL));
  PetscCall(PetscOptionsString("-dem", "Terrain raster (any GDAL format, projected CRS in metres; nodata = outside)", "", run->dem, run->dem, sizeof run->dem, NULL));
  PetscCall(PetscOptionsString("-out_file", "Result file (HDF5)", "", run->out_file, run->out_file, sizeof run->out_file, NULL));
  PetscOptionsEnd();
  PetscCall(PetscOptionsHasHelp(NULL, &run->help));
  RSLCHECK(PETSC_COMM_WORLD, !strcmp(run->stages, "swe"), "-stages: '%s' is not available yet (available: swe)", run->stages);
  RSLCHECK(PETSC_COMM_WORLD, run->help || run->dem[0], "-dem: a terrain raster is required for the swe stage");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Provenance(RslH5 out, double wall)
{
  char       *opts;
  PetscMPIInt size;
  PetscInt    ranks;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  ranks = size;
  PetscCall(RslAppOptionsString(&opts));
  PetscCall(RslH5SetAttrString(out, "/provenance", "version", RSL_VERSION));
  PetscCall(RslH5SetAttrString(out, "/provenance", "git_commit", RSL_GIT_COMMIT));
  PetscCall(RslH5SetAttrString(out, "/provenance", "options", opts));
  PetscCall(RslH5SetAttrInt(out, "/provenance", "ranks", 1, &ranks));
  PetscCall(RslH5SetAttrDouble(out, "/provenance", "wall_time_s", 1, &wall));
  PetscCall(PetscFree(opts));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RunSWE(Run *run)
{
  RslGrid   *grid;
  Vec        z;
  double     nodata, wall0 = RslWallTime(), wall;
  RslRain    rain;
  RslSWE     swe;
  RslSWERain cb;
  PetscInt   nact, steps;

  PetscFunctionBegin;
  if (run->help && !run->dem[0]) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(RslGridCreateFromDEM(PETSC_COMM_WORLD, run->dem, 2, &grid, &z, &nodata));
  PetscCall(RslSWECreate(grid, &swe));
  PetscCall(RslSWESetFromOptions(swe));
  PetscCall(RslRainCreate(PETSC_COMM_WORLD, &rain));
  PetscCall(RslRainSetFromOptions(rain));
  PetscCall(RslRainSetUp(rain, grid));
  cb.ctx        = rain;
  cb.rate       = RslRainRateCallback;
  cb.next_break = RslRainNextBreakCallback;
  PetscCall(RslSWESetRain(swe, &cb));
  PetscCall(RslSWESetBed(swe, z, nodata));
  PetscCall(RslSWESetUp(swe));
  PetscCall(RslAppWarnUnusedOptions(PETSC_COMM_WORLD, NULL));
  PetscCall(RslSWEView(swe, PETSC_VIEWER_STDOUT_WORLD));
  PetscCall(RslH5Create(PETSC_COMM_WORLD, "-out_file", run->out_file, &run->out));
  PetscCall(RslH5WriteGrid(run->out, grid));
  PetscCall(RslSWESolve(swe, run->out));
  PetscCall(RslSWEWriteResults(swe, run->out));
  PetscCall(RslSWEGetStats(swe, &nact, &steps, &wall));
  PetscCall(Provenance(run->out, RslWallTime() - wall0));
  PetscCall(RslH5Close(&run->out, PETSC_TRUE));
  PetscCall(RslSWEWriteXdmf(swe, run->out_file));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ruissel: wrote %s\n", run->out_file));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ruissel: perf cells=%d steps=%d cell_updates_per_s=%.6e wall=%.3f\n", (int)nact, (int)steps, wall > 0 ? (double)nact * steps / wall : 0.0, wall));
  PetscCall(RslSWEDestroy(&swe));
  PetscCall(RslRainDestroy(&rain));
  PetscCall(VecDestroy(&z));
  PetscCall(RslGridDestroy(&grid));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Run            run = {0};
  PetscErrorCode ierr;
  PetscMPIInt    rank;

  if (PetscInitialize(&argc, &argv, NULL, help)) return 1;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  ierr = RslAppInitialize();
  if (!ierr) ierr = DriverOptions(&run);
  if (!ierr) ierr = RunSWE(&run);
  if (ierr) {
    /* Input errors are detected on every rank alike: report once, remove the partial
     * output, exit 1 everywhere. Anything else may have left other ranks waiting: abort. */
    if (RslErrorIsCollective()) {
      if (!rank) fprintf(stderr, "ruissel: error: %s\n", RslAppErrorMessage());
      if (run.out) RslH5Close(&run.out, PETSC_FALSE);
      PetscFinalize();
      return 1;
    }
    fprintf(stderr, "ruissel: error on rank %d: %s\n", rank, RslAppErrorMessage());
    MPI_Abort(PETSC_COMM_WORLD, 1);
    return 1;
  }
  return PetscFinalize() ? 1 : 0;
}
