/* ruissel driver: strings the stages together and does nothing else.
 *   [seg]  imagery -> land-cover class map (GeoTIFF), on all ranks;
 *   [swe]  for each scenario (app/ensemble.c): DEM grid, land use, hydraulic parameters,
 *          rain, the shallow-water solver, the HDF5 result; then a summary table;
 *   [metrics] accuracy of a class map against labels, change between two vintages. */
#include "app/app.h"
#include "core/app.h"
#include "core/help.h"
#include "seg/metrics.h"
#include "seg/segment.h"
#include <string.h>

static const char help[] = "ruissel: aerial imagery + terrain -> flood-runoff maps, today and under 2050 scenarios.\n"
                           "Usage: mpiexec -n N ruissel -options_file run.opts [-option value ...]\n"
                           "The user guide (docs/user-guide.md) explains every option below.\n";
/* Options that are families of names, which PETSc's help cannot list. */
static const char *const families[] = {"-ensemble_<name> FILE.opts\tOptions of ensemble member <name>, added to the job's (e.g. -scenario_type climate)",
                                              "-<name>_<option> VALUE\tMember <name>'s own value of -<option> (e.g. -y2050_swe_order 2; names starting with a letter)", NULL};

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
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "Job: stages, terrain, scenarios, result file", "");
  PetscCall(PetscOptionsStringArray("-stages", "Stages to run: seg, swe, metrics (default: seg when -seg_image is given, swe when -dem is given)", "", st, &n, &set));
  PetscCall(PetscOptionsString("-out_file", "Result file (HDF5); ensembles write OUT_<member>.h5 and OUT_summary.csv", "", "ruissel.h5", job->out_file, sizeof job->out_file, NULL));
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
 * OUT_classes.vrt: each rank writes its block, nothing is gathered), which the scenarios then
 * read as their land cover. */
static PetscErrorCode RunSeg(Job *job)
{
  RslSegment seg;
  RslGrid   *grid = NULL;
  Vec        z    = NULL;
  double     nodata;
  char       dem[PETSC_MAX_PATH_LEN];
  PetscBool  set;

  PetscFunctionBegin;
  PetscCall(RslOutputName(job->out_file, NULL, "_classes.vrt", job->seg_output, sizeof job->seg_output));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-seg_output", job->seg_output, sizeof job->seg_output, NULL));
  PetscCall(PetscOptionsSetValue(NULL, "-seg_output", job->seg_output));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-dem", dem, sizeof dem, &set));
  PetscCall(RslSegmentCreate(PETSC_COMM_WORLD, &seg));
  if (set && job->swe) { /* blocks aligned with the solver's decomposition */
    PetscCall(RslGridCreateFromDEM(PETSC_COMM_WORLD, dem, 2, &grid, &z, &nodata));
    PetscCall(RslSegmentSetGrid(seg, grid));
    PetscCall(RslSegmentSetDomain(seg, dem));
  }
  PetscCall(RslSegmentSetFromOptions(seg));
  if (job->help) {
    PetscCall(RslSegmentDestroy(&seg));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(RslSegmentSetUp(seg));
  PetscCall(RslSegmentRun(seg));
  PetscCall(RslSegmentView(seg, PETSC_VIEWER_STDOUT_WORLD)); /* after the run: with its tile count and times */
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ruissel: wrote %s\n", job->seg_output));
  PetscCall(RslSegmentDestroy(&seg));
  PetscCall(VecDestroy(&z));
  PetscCall(RslGridDestroy(&grid));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every option of every stage, read without running anything (with -help set): what -help
 * shows and the list of valid names behind "did you mean". */
static PetscErrorCode ReadAllOptions(void)
{
  Job       job = {0};
  PetscBool balance, fill;

  PetscFunctionBegin;
  PetscCall(JobOptions(&job));
  PetscCall(RslGridOptionsRead(PETSC_COMM_WORLD, &balance, &fill));
  PetscCall(RslMemberCheckOptions(PETSC_COMM_WORLD));
  PetscCall(RunSeg(&job));
  PetscCall(RslMetricsRun(PETSC_COMM_WORLD));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RunJob(Job *job)
{
  PetscBool helping;

  PetscFunctionBegin;
  PetscCall(RslAppInitialize());
  RslHelpSetReader(ReadAllOptions);
  PetscCall(PetscOptionsHasHelp(NULL, &helping));
  if (helping) {
    PetscCall(RslHelpPrint(PETSC_COMM_WORLD, help, families));
    PetscCall(RslHelpPrepare());
    PetscCall(RslAppWarnUnusedOptions(PETSC_COMM_WORLD, NULL));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(RslHelpPrepare()); /* the valid names, for "did you mean" */
  PetscCall(JobOptions(job));
  if (job->swe) PetscCall(RslEnsembleCheck(PETSC_COMM_WORLD, job->out_file));
  if (job->seg) PetscCall(RunSeg(job));
  if (job->swe) PetscCall(RslEnsembleRun(PETSC_COMM_WORLD, job->seg_output, job->out_file));
  if (job->metrics) PetscCall(RslMetricsRun(PETSC_COMM_WORLD));
  if (!job->swe) PetscCall(RslAppWarnUnusedOptions(PETSC_COMM_WORLD, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Job job = {0};

  RslHelpInstall(&argc, &argv); /* -help: ruissel's options only, PETSc's with -help petsc */
  int rc = RslAppStart(&argc, &argv, help, "ruissel");

  if (rc) return rc;
  RslHelpInitialized();
  /* partial outputs were removed by their writers (DESIGN invariant 6) */
  return RslAppFinalize(RunJob(&job), "ruissel");
}
