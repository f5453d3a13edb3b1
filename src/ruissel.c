/* ruissel driver: strings the stages together and does nothing else.
 *   [seg]  imagery -> land-cover class map (GeoTIFF), on all ranks;
 *   [swe]  for each scenario (app/ensemble.c): DEM grid, land use, hydraulic parameters,
 *          rain, the shallow-water solver, the HDF5 result; then a summary table;
 *   [metrics] accuracy of a class map against labels, change between two vintages. */
#include "app/app.h"
#include "core/app.h"
#include "seg/metrics.h"
#include "seg/segment.h"
#include <string.h>

static const char help[] = "ruissel: aerial imagery + terrain -> flood-runoff maps, today and under 2050 scenarios.\n"
                           "Usage: mpiexec -n N ruissel -options_file run.opts [-option value ...]\n"
                           "See docs/user-guide.md for every option.\n";

typedef struct {
  PetscBool seg, swe, metrics, help;
  char      out_file[PETSC_MAX_PATH_LEN], seg_output[PETSC_MAX_PATH_LEN];
} Job;

static PetscErrorCode JobOptions(Job *job)
{
  char     *st[8];
  PetscInt  n = 8;
  PetscBool set, image, dem;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(job->out_file, "ruissel.h5", sizeof job->out_file));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "ruissel job", "");
  PetscCall(PetscOptionsStringArray("-stages", "Stages to run: seg, swe, metrics (default: seg when -seg_image is given, swe when -dem is given)", "", st, &n, &set));
  PetscCall(PetscOptionsString("-out_file", "Result file (HDF5); ensembles write OUT_<member>.h5 and OUT_summary.csv", "", job->out_file, job->out_file, sizeof job->out_file, NULL));
  {
    char path[PETSC_MAX_PATH_LEN] = ""; /* read again by each member */
    PetscCall(PetscOptionsString("-dem", "Terrain raster (any GDAL format, projected CRS in metres; nodata = outside the domain)", "", path, path, sizeof path, &dem));
  }
  {
    char    *members[64];
    PetscInt nm = 64;
    PetscCall(PetscOptionsStringArray("-ensemble", "Scenario members a,b,c, each on its own ranks; -ensemble_a FILE.opts gives member a's own options", "", members, &nm, NULL));
    for (PetscInt k = 0; k < nm; k++) PetscCall(PetscFree(members[k]));
  }
  PetscOptionsEnd();
  PetscCall(PetscOptionsHasHelp(NULL, &job->help));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-seg_image", &image));
  if (set) {
    for (PetscInt k = 0; k < n; k++) {
      PetscBool seg, swe, met;
      PetscCall(PetscStrcmp(st[k], "seg", &seg));
      PetscCall(PetscStrcmp(st[k], "swe", &swe));
      PetscCall(PetscStrcmp(st[k], "metrics", &met));
      job->seg     = (PetscBool)(job->seg || seg);
      job->swe     = (PetscBool)(job->swe || swe);
      job->metrics = (PetscBool)(job->metrics || met);
      if (!seg && !swe && !met) {
        RslErrorSetCollective();
        SETERRQ(PETSC_COMM_WORLD, PETSC_ERR_USER, "-stages: unknown stage '%s' (expected seg, swe, metrics)", st[k]);
      }
      PetscCall(PetscFree(st[k]));
    }
  } else {
    job->seg = image;
    job->swe = (PetscBool)(dem || !image);
  }
  RSLCHECK(PETSC_COMM_WORLD, !job->seg || image || job->help, "-stages seg: needs -seg_image FILE");
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Segmentation of the imagery on every rank; the class map goes to -seg_output (default
 * OUT_classes.tif), which the scenarios then read as their land cover. */
static PetscErrorCode RunSeg(Job *job)
{
  RslSegment seg;
  RslGrid   *grid = NULL;
  Vec        z    = NULL;
  double     nodata;
  char       dem[PETSC_MAX_PATH_LEN];
  PetscBool  set;
  size_t     len = strlen(job->out_file);

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(job->seg_output, sizeof job->seg_output, "%.*s_classes.tif", (int)(len > 3 && !strcmp(job->out_file + len - 3, ".h5") ? len - 3 : len), job->out_file));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-seg_output", job->seg_output, sizeof job->seg_output, NULL));
  PetscCall(PetscOptionsSetValue(NULL, "-seg_output", job->seg_output));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-dem", dem, sizeof dem, &set));
  PetscCall(RslSegmentCreate(PETSC_COMM_WORLD, &seg));
  if (set && job->swe) { /* blocks aligned with the solver's decomposition */
    PetscCall(RslGridCreateFromDEM(PETSC_COMM_WORLD, dem, 2, &grid, &z, &nodata));
    PetscCall(RslSegmentSetGrid(seg, grid));
  }
  PetscCall(RslSegmentSetFromOptions(seg));
  if (job->help) {
    PetscCall(RslSegmentDestroy(&seg));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(RslSegmentSetUp(seg));
  PetscCall(RslSegmentView(seg, PETSC_VIEWER_STDOUT_WORLD));
  PetscCall(RslSegmentRun(seg));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ruissel: wrote %s\n", job->seg_output));
  PetscCall(RslSegmentDestroy(&seg));
  PetscCall(VecDestroy(&z));
  PetscCall(RslGridDestroy(&grid));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RunJob(Job *job)
{
  PetscFunctionBegin;
  PetscCall(RslAppInitialize());
  PetscCall(JobOptions(job));
  if (job->help) PetscCall(RslMemberCheckOptions(PETSC_COMM_WORLD));
  else if (job->swe) PetscCall(RslEnsembleCheck(PETSC_COMM_WORLD, job->out_file));
  if (job->seg || job->help) PetscCall(RunSeg(job));
  if (job->swe && !job->help) PetscCall(RslEnsembleRun(PETSC_COMM_WORLD, job->seg_output, job->out_file));
  if (job->metrics && !job->help) PetscCall(RslMetricsRun(PETSC_COMM_WORLD));
  if (!job->swe || job->help) PetscCall(RslAppWarnUnusedOptions(PETSC_COMM_WORLD, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Job job = {0};

  if (PetscInitialize(&argc, &argv, NULL, help)) return 1;
  /* partial outputs were removed by their writers (DESIGN invariant 6) */
  return RslAppFinalize(RunJob(&job), "ruissel");
}
