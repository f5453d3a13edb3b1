/* One scenario run on a communicator: DEM -> grid; land cover (+ land-use change) ->
 * hydraulic parameters; rain (+ climate factor); the solver; the result file. */
#include "app/app.h"
#include "core/app.h"
#include "core/signal.h"
#include "hydro/hydro.h"
#include "output/output.h"
#include "output/zones.h"
#include "scenario/landuse.h"
#include "scenario/rain.h"
#include "scenario/scenario.h"
#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  RslGrid      *grid;
  Vec           z;
  RslClassMap  *map;
  RslScenario   scenario;
  RslLanduse    landuse;
  RslHydro      hydro;
  RslRain       rain;
  RslSWE        swe;
  RslZones      zones;
  RslCheckpoint ck;
  RslOutput     output; /* the result writer (-out_type) */
} Member;

#define FIGURE(name, field) {name, offsetof(RslMemberSummary, field)}
const RslMemberFigure RslMemberFigures[] = {FIGURE("climate_factor", climate_factor), FIGURE("artificialised_ha", artificialised_ha), FIGURE("desealed_ha", desealed_ha), FIGURE("peak_outflow_m3s", swe.peak_outflow_m3s), FIGURE("flooded_area_m2", swe.flooded_area_m2), FIGURE("rain_m3", swe.rain_m3), FIGURE("inflow_m3", swe.inflow_m3), FIGURE("outflow_m3", swe.outflow_m3), FIGURE("infiltration_m3", swe.infiltration_m3), FIGURE("runoff_coefficient", swe.runoff_coefficient), FIGURE("budget_relative_error", swe.budget_error), FIGURE("wall_s", wall_s)};
const int RslMemberNFigures = (int)(sizeof RslMemberFigures / sizeof RslMemberFigures[0]);

static double *Figure(RslMemberSummary *s, int k) { return (double *)((char *)s + RslMemberFigures[k].offset); }

/* Land cover: -landcover_file, else the segmentation's map; then the land-use scenario,
 * whose modified map is written next to the result in the input map's form: STEM_landcover.tif,
 * or, from a VRT (e.g. the segmentation's per-rank blocks), STEM_landcover.vrt over per-rank
 * blocks, so that no rank gathers the map. */
static PetscErrorCode LandCover(MPI_Comm comm, Member *m, const char landcover[], const char out_file[], RslMemberSummary *s)
{
  char      path[PETSC_MAX_PATH_LEN] = "", mapfile[PETSC_MAX_PATH_LEN];
  PetscBool set, active;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-landcover_file", path, sizeof path, &set));
  if (!set && landcover[0]) PetscCall(PetscStrncpy(path, landcover, sizeof path));
  PetscCall(RslLanduseCreate(comm, &m->landuse));
  PetscCall(RslLanduseSetScenario(m->landuse, m->scenario));
  PetscCall(RslLanduseSetFromOptions(m->landuse));
  PetscCall(RslLanduseIsActive(m->landuse, &active));
  RSLCHECK(comm, !active || path[0], "-scenario_type: a land-use change needs a land-cover map (-landcover_file or the seg stage)");
  if (!path[0]) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(RslHydroReadClassMap(m->grid, "-landcover_file", path, &m->map));
  if (!active) {
    PetscCall(RslZonesCountLandCover(m->zones, m->map, PETSC_FALSE));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(RslZonesCountLandCover(m->zones, m->map, PETSC_TRUE));
  PetscCall(RslLanduseApply(m->landuse, m->map));
  PetscCall(RslZonesCountLandCover(m->zones, m->map, PETSC_FALSE));
  PetscCall(RslLanduseGetChanges(m->landuse, &s->artificialised_ha, &s->desealed_ha));
  PetscCall(RslOutputName(out_file, NULL, RslClassMapPathIsBlocks(path) ? "_landcover.vrt" : "_landcover.tif", mapfile, sizeof mapfile));
  PetscCall(RslClassMapWrite(m->map, "-out_file", mapfile, PETSC_TRUE, 255));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Parameters(MPI_Comm comm, Member *m)
{
  Vec        n, imp, ks, S, ia;
  RslSWESoil soil;

  PetscFunctionBegin;
  PetscCall(RslHydroCreate(comm, &m->hydro));
  PetscCall(RslHydroSetFromOptions(m->hydro));
  if (m->map) PetscCall(RslHydroSetClassMap(m->hydro, m->map));
  PetscCall(RslHydroSetUp(m->hydro, m->grid));
  PetscCall(RslHydroGetFields(m->hydro, &n, &imp, &ks, &S, &ia));
  if (n) PetscCall(RslSWESetManning(m->swe, n));
  if (ks) {
    soil.impervious          = imp;
    soil.ks                  = ks;
    soil.psi_dtheta          = S;
    soil.initial_abstraction = ia;
    PetscCall(RslSWESetSoil(m->swe, &soil));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Parameters and class fractions per cell, and the scenario's record. */
static PetscErrorCode WriteParameters(Member *m, RslMemberSummary *s)
{
  PetscFunctionBegin;
  PetscCall(RslOutputParameters(m->output, m->hydro));
  PetscCall(RslOutputRecordString(m->output, RSL_OUTPUT_SCENARIO, "name", s->name));
  PetscCall(RslOutputRecordDouble(m->output, RSL_OUTPUT_SCENARIO, "climate_factor", 1, &s->climate_factor));
  PetscCall(RslOutputRecordDouble(m->output, RSL_OUTPUT_SCENARIO, "artificialised_ha", 1, &s->artificialised_ha));
  PetscCall(RslOutputRecordDouble(m->output, RSL_OUTPUT_SCENARIO, "desealed_ha", 1, &s->desealed_ha));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Provenance(MPI_Comm comm, RslOutput out, double wall)
{
  char       *opts;
  PetscMPIInt size;
  PetscInt    ranks;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  ranks = size;
  PetscCall(RslAppOptionsString(&opts));
  PetscCall(RslOutputRecordString(out, RSL_OUTPUT_PROVENANCE, "version", RSL_VERSION));
  PetscCall(RslOutputRecordString(out, RSL_OUTPUT_PROVENANCE, "git_commit", RSL_GIT_COMMIT));
  PetscCall(RslOutputRecordString(out, RSL_OUTPUT_PROVENANCE, "options", opts));
  PetscCall(RslOutputRecordInt(out, RSL_OUTPUT_PROVENANCE, "ranks", 1, &ranks));
  PetscCall(RslOutputRecordDouble(out, RSL_OUTPUT_PROVENANCE, "wall_time_s", 1, &wall));
  PetscCall(PetscFree(opts));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The result's own record of the run: its fingerprint (to recognise it as complete for these
 * inputs, -restart auto) and the summary figures. */
static PetscErrorCode WriteRecord(Member *m, RslMemberSummary *s)
{
  PetscFunctionBegin;
  PetscCall(RslOutputFingerprint(m->output, m->ck));
  for (int k = 0; k < RslMemberNFigures; k++) PetscCall(RslOutputRecordDouble(m->output, RSL_OUTPUT_SUMMARY, RslMemberFigures[k].name, 1, Figure(s, k)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Load balance and memory over the ranks (/run, and a line at the end of the run): active
 * cells, seconds of cell work in the solve, peak resident memory. */
static PetscErrorCode WriteBalance(MPI_Comm comm, Member *m, RslMemberSummary *s)
{
  static const char *const what[3] = {"active_cells", "solve_time", "rss_peak"}, *const stat[3] = {"min", "mean", "max"};
  PetscInt    nact;
  double      v[3], spread[3][3], rss0;
  char        name[64];
  PetscMPIInt size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(RslSWEGetRankLoad(m->swe, &nact, &v[1]));
  v[0] = (double)nact;
  v[2] = RslPeakRSS();
  for (int k = 0; k < 3; k++) {
    PetscCall(RslRankSpread(comm, v[k], spread[k]));
    for (int q = 0; q < 3; q++) {
      PetscCall(PetscSNPrintf(name, sizeof name, "%s_%s", what[k], stat[q]));
      PetscCall(RslOutputRecordDouble(m->output, RSL_OUTPUT_RUN, name, 1, &spread[k][q]));
    }
  }
  /* Rank 0 on its own: it writes the XML and attributes, so a rank-0 bottleneck (a gathered
   * array) would show as rank 0 above the others. */
  rss0 = v[2];
  PetscCallMPI(MPI_Bcast(&rss0, 1, MPI_DOUBLE, 0, comm));
  PetscCall(RslOutputRecordDouble(m->output, RSL_OUTPUT_RUN, "rss_peak_rank0", 1, &rss0));
  PetscCall(PetscPrintf(comm, "ruissel: [%s] balance over %d ranks (min/mean/max, max/mean): active cells %.0f/%.0f/%.0f %.3f, solve time %.2f/%.2f/%.2f s %.3f, peak RSS %.0f/%.0f/%.0f MiB %.3f, rank 0 %.0f MiB\n", s->name, size, spread[0][0], spread[0][1], spread[0][2], spread[0][2] / spread[0][1], spread[1][0], spread[1][1], spread[1][2], spread[1][1] > 0 ? spread[1][2] / spread[1][1] : 1.0, spread[2][0] / 1048576, spread[2][1] / 1048576, spread[2][2] / 1048576, spread[2][2] / spread[2][1], rss0 / 1048576));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -restart auto without a checkpoint: is out_file already the complete result of this very
 * run (same fingerprint, final time included)? Then its summary is read back. */
static PetscErrorCode CompletedResult(MPI_Comm comm, Member *m, const char out_file[], RslMemberSummary *s, PetscBool *done)
{
  const char *names[sizeof RslMemberFigures / sizeof RslMemberFigures[0]];
  double      values[sizeof RslMemberFigures / sizeof RslMemberFigures[0]];
  char        msg[1024];

  PetscFunctionBegin;
  for (int k = 0; k < RslMemberNFigures; k++) names[k] = RslMemberFigures[k].name;
  PetscCall(RslOutputCompleted(m->output, m->ck, out_file, RslMemberNFigures, names, values, done, msg, sizeof msg));
  if (*done) {
    for (int k = 0; k < RslMemberNFigures; k++) *Figure(s, k) = values[k];
    PetscCall(PetscPrintf(comm, "ruissel: [%s] %s is already complete for these inputs and options (-restart auto): kept\n", s->name, out_file));
  } else if (msg[0]) PetscCall(PetscPrintf(comm, "ruissel: [%s] %s is the result of another run (%.300s): running again\n", s->name, out_file, msg));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Cumulative rain per cell (/fields/rain, m; 0 outside the domain), then the per-zone
 * indicators, which read the solver's fields back from the file. */
static PetscErrorCode WriteRainAndZones(Member *m, double nodata)
{
  Vec                depth;
  PetscReal          t, flood_depth;
  PetscScalar       *d;
  const PetscScalar *z;
  PetscInt           n;

  PetscFunctionBegin;
  PetscCall(RslSWEGetTime(m->swe, &t));
  PetscCall(DMGetGlobalVector(m->grid->da1, &depth));
  PetscCall(RslRainGetDepth(m->rain, 0.0, t, depth));
  PetscCall(VecGetLocalSize(depth, &n));
  PetscCall(VecGetArray(depth, &d));
  PetscCall(VecGetArrayRead(m->z, &z));
  for (PetscInt c = 0; c < n; c++)
    if (PetscRealPart(z[c]) == nodata || PetscIsNanReal(PetscRealPart(z[c]))) d[c] = 0.0;
  PetscCall(VecRestoreArrayRead(m->z, &z));
  PetscCall(VecRestoreArray(depth, &d));
  PetscCall(RslOutputRain(m->output, depth));
  PetscCall(DMRestoreGlobalVector(m->grid->da1, &depth));
  PetscCall(RslSWEGetHazardThreshold(m->swe, &flood_depth)); /* the run's one "flooded" depth */
  PetscCall(RslOutputZones(m->output, m->zones, m->z, nodata, flood_depth));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* After a stop: keep the partial result for the restart, or remove it. */
static PetscErrorCode Stopped(MPI_Comm comm, Member *m, const char out_file[], RslMemberSummary *s)
{
  PetscReal t;
  PetscInt  step;

  PetscFunctionBegin;
  PetscCall(RslSWEGetStop(m->swe, &s->stop, &t, &step));
  if (RslCheckpointActive(m->ck)) {
    PetscCall(RslOutputFinish(m->output, RSL_OUTPUT_SUSPEND));
    s->status = RSL_MEMBER_CHECKPOINTED;
    s->saved  = PETSC_TRUE;
    PetscCall(PetscPrintf(comm, "ruissel: [%s] stopped by %s at t = %.6g s (step %d): checkpoint %s, partial result %s.part; resume with -restart auto\n", s->name, RslStopName(s->stop), (double)t, (int)step, RslCheckpointFile(m->ck), out_file));
  } else {
    PetscCall(RslOutputFinish(m->output, RSL_OUTPUT_DISCARD));
    s->status = RSL_MEMBER_STOPPED;
    PetscCall(PetscPrintf(comm, "ruissel: [%s] terminated by %s at t = %.6g s (no checkpoint requested); removed %s.part\n", s->name, RslStopName(s->stop), (double)t, out_file));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode MemberDestroy(Member *m)
{
  PetscFunctionBegin;
  /* a failed run removes its partial result, unless a checkpoint may resume it */
  if (m->output && m->ck && RslCheckpointActive(m->ck)) PetscCall(RslOutputFinish(m->output, RSL_OUTPUT_SUSPEND));
  PetscCall(RslOutputDestroy(&m->output));
  PetscCall(RslCheckpointDestroy(&m->ck));
  PetscCall(RslZonesDestroy(&m->zones));
  PetscCall(RslSWEDestroy(&m->swe));
  PetscCall(RslRainDestroy(&m->rain));
  PetscCall(RslHydroDestroy(&m->hydro));
  PetscCall(RslLanduseDestroy(&m->landuse));
  PetscCall(RslScenarioDestroy(&m->scenario));
  PetscCall(RslClassMapDestroy(&m->map));
  PetscCall(VecDestroy(&m->z));
  PetscCall(RslGridDestroy(&m->grid));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(MPI_Comm comm, Member *m, PetscBool in_ensemble, const char landcover[], const char out_file[], RslMemberSummary *s)
{
  char       dem[PETSC_MAX_PATH_LEN] = "", ckfile[PETSC_MAX_PATH_LEN];
  double     nodata, wall0 = RslWallTime();
  RslSWERain cb;
  PetscBool  set, done;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-dem", dem, sizeof dem, &set));
  RSLCHECK(comm, set && dem[0], "-dem: a terrain raster is required for the swe stage");
  PetscCall(RslGridCreateFromDEM(comm, dem, 2, &m->grid, &m->z, &nodata));
  PetscCall(RslSWECreate(m->grid, &m->swe));
  PetscCall(RslSWESetFromOptions(m->swe));
  PetscCall(RslOutputCreate(m->swe, &m->output));
  PetscCall(RslOutputSetFromOptions(m->output));
  PetscCall(RslZonesCreate(comm, &m->zones));
  PetscCall(RslZonesSetFromOptions(m->zones));
  PetscCall(RslZonesSetUp(m->zones, m->grid));
  PetscCall(RslScenarioCreate(comm, &m->scenario));
  PetscCall(RslScenarioSetFromOptions(m->scenario));
  PetscCall(LandCover(comm, m, landcover, out_file, s));
  PetscCall(RslScenarioViewFromOptions(m->scenario));
  PetscCall(Parameters(comm, m));
  PetscCall(RslRainCreate(comm, &m->rain));
  PetscCall(RslRainSetScenario(m->rain, m->scenario));
  PetscCall(RslRainSetFromOptions(m->rain));
  PetscCall(RslRainSetUp(m->rain, m->grid));
  PetscCall(RslRainViewFromOptions(m->rain));
  PetscCall(RslScenarioGetRainFactor(m->scenario, &s->climate_factor));
  cb.ctx        = m->rain;
  cb.rate       = RslRainRateCallback;
  cb.next_break = RslRainNextBreakCallback;
  PetscCall(RslSWESetRain(m->swe, &cb));
  PetscCall(RslSWESetBed(m->swe, m->z, nodata));
  PetscCall(RslSWESetUp(m->swe));
  PetscCall(RslOutputName(out_file, NULL, ".ckpt.h5", ckfile, sizeof ckfile));
  PetscCall(RslCheckpointCreate(comm, &m->ck));
  PetscCall(RslCheckpointSetFromOptions(m->ck, ckfile, in_ensemble ? s->name : NULL));
  PetscCall(RslAppWarnUnusedOptions(comm, NULL));
  PetscCall(RslCheckpointFingerprintOptions(m->ck));
  PetscCall(RslSWESetCheckpoint(m->swe, m->ck)); /* resumes from the restart file, if any */
  {
    PetscBool resumed;
    PetscReal t;
    PetscInt  nsnap;
    PetscCall(RslSWEGetResumed(m->swe, &resumed, &t, &nsnap));
    if (resumed) PetscCall(PetscPrintf(comm, "ruissel: [%s] resumed from %s at t = %.6g s\n", s->name, RslCheckpointRestartFile(m->ck), (double)t));
  }
  if (RslCheckpointAuto(m->ck) && !RslCheckpointRestartFile(m->ck)) {
    PetscCall(CompletedResult(comm, m, out_file, s, &done));
    if (done) PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(RslSWEView(m->swe, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(RslZonesView(m->zones, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(RslOutputSetUp(m->output, out_file)); /* a resumed run reopens its .part */
  PetscCall(RslSWESolve(m->swe));
  PetscCall(RslSWEGetStop(m->swe, &s->stop, NULL, NULL));
  if (s->stop) {
    PetscCall(Stopped(comm, m, out_file, s));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(RslOutputResults(m->output));
  PetscCall(WriteParameters(m, s));
  PetscCall(WriteRainAndZones(m, nodata));
  PetscCall(RslSWEGetSummary(m->swe, &s->swe));
  s->wall_s = RslWallTime() - wall0;
  PetscCall(Provenance(comm, m->output, s->wall_s));
  PetscCall(WriteRecord(m, s));
  PetscCall(WriteBalance(comm, m, s));
  PetscCall(RslOutputFinish(m->output, RSL_OUTPUT_COMPLETE)); /* and the .xmf sidecar */
  PetscCall(RslCheckpointRemove(m->ck));
  s->saved = PETSC_TRUE;
  {
    PetscInt nact, steps;
    double   wall;
    PetscCall(RslSWEGetStats(m->swe, &nact, &steps, &wall));
    PetscCall(PetscPrintf(comm, "ruissel: [%s] wrote %s\n", s->name, out_file));
    PetscCall(PetscPrintf(comm, "ruissel: perf cells=%" PetscInt_FMT " steps=%" PetscInt_FMT " cell_updates_per_s=%.6e wall=%.3f\n", nact, steps, wall > 0 ? (double)nact * steps / wall : 0.0, wall));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslMemberRun(MPI_Comm comm, const char name[], PetscBool in_ensemble, const char landcover[], const char out_file[], RslMemberSummary *s)
{
  Member         m = {0};
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(s, sizeof *s));
  PetscCall(PetscStrncpy(s->name, name, sizeof s->name));
  PetscCall(RslStopAgree(comm, &s->stop));
  if (s->stop) {
    s->status = RSL_MEMBER_NOT_STARTED;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  ierr = Run(comm, &m, in_ensemble, landcover, out_file, s);
  /* on a failure seen by every rank the partial result file is removed, never left
   * complete-looking; otherwise ranks may be stuck in a collective call: no cleanup */
  if (ierr) {
    s->status = RSL_MEMBER_FAILED;
    if (RslAppErrorIsCollectiveOn(comm)) PetscCall(MemberDestroy(&m));
    return ierr;
  }
  PetscCall(MemberDestroy(&m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslMemberCheckOptions(MPI_Comm comm)
{
  const double gt[6] = {0, 1, 0, 4, 0, -1}; /* a 4 x 4 placeholder grid for -help */
  Member       m     = {0};
  char         dem[PETSC_MAX_PATH_LEN] = "";
  double       nodata;
  PetscBool    help;

  PetscFunctionBegin;
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-dem", dem, sizeof dem, NULL));
  if (dem[0] && !help) PetscCall(RslGridCreateFromDEM(comm, dem, 2, &m.grid, NULL, &nodata)); /* boundary files need the grid, not the bed */
  else PetscCall(RslGridCreate(PETSC_COMM_SELF, 4, 4, gt, "", 2, PETSC_DECIDE, PETSC_DECIDE, NULL, NULL, &m.grid)); /* per rank: fits any rank count */
  PetscCall(RslSWECreate(m.grid, &m.swe));
  PetscCall(RslSWESetFromOptions(m.swe));
  PetscCall(RslOutputCreate(m.swe, &m.output));
  PetscCall(RslOutputSetFromOptions(m.output));
  PetscCall(RslScenarioCreate(comm, &m.scenario));
  PetscCall(RslScenarioSetFromOptions(m.scenario));
  PetscCall(RslLanduseCreate(comm, &m.landuse));
  PetscCall(RslLanduseSetScenario(m.landuse, m.scenario));
  PetscCall(RslLanduseSetFromOptions(m.landuse));
  PetscCall(RslHydroCreate(comm, &m.hydro));
  PetscCall(RslHydroSetFromOptions(m.hydro));
  PetscCall(RslRainCreate(comm, &m.rain));
  PetscCall(RslRainSetScenario(m.rain, m.scenario));
  PetscCall(RslRainSetFromOptions(m.rain));
  PetscCall(RslZonesCreate(comm, &m.zones));
  PetscCall(RslZonesSetFromOptions(m.zones));
  if (dem[0] && !help) PetscCall(RslZonesSetUp(m.zones, m.grid)); /* a bad zones file fails now */
  PetscCall(RslCheckpointCreate(comm, &m.ck));
  PetscCall(RslCheckpointSetFromOptions(m.ck, "ruissel.ckpt.h5", NULL));
  PetscCall(MemberDestroy(&m));
  PetscFunctionReturn(PETSC_SUCCESS);
}
