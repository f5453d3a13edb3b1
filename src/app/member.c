/* One scenario run on a communicator: DEM -> grid; land cover (+ land-use change) ->
 * hydraulic parameters; rain (+ climate factor); the solver; the result file. */
#include "app/app.h"
#include "core/app.h"
#include "hydro/hydro.h"
#include "io/h5out.h"
#include "scenario/landuse.h"
#include "scenario/rain.h"
#include <string.h>

typedef struct {
  RslGrid     *grid;
  Vec          z;
  RslClassMap *map;
  RslLanduse   landuse;
  RslHydro     hydro;
  RslRain      rain;
  RslSWE       swe;
  RslH5        out;
} Member;

/* Land cover: -landcover_file, else the segmentation's map; then the land-use scenario,
 * whose modified map is written next to the result (STEM_landcover.tif). */
static PetscErrorCode LandCover(MPI_Comm comm, Member *m, const char landcover[], const char out_file[], RslMemberSummary *s)
{
  char      path[PETSC_MAX_PATH_LEN] = "", mapfile[PETSC_MAX_PATH_LEN];
  PetscBool set, active;
  size_t    len = strlen(out_file);

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-landcover_file", path, sizeof path, &set));
  if (!set && landcover[0]) PetscCall(PetscStrncpy(path, landcover, sizeof path));
  PetscCall(RslLanduseCreate(comm, &m->landuse));
  PetscCall(RslLanduseSetFromOptions(m->landuse));
  PetscCall(RslLanduseIsActive(m->landuse, &active));
  RSLCHECK(comm, !active || path[0], "-scenario_type: a land-use change needs a land-cover map (-landcover_file or the seg stage)");
  if (!path[0]) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(RslHydroReadClassMap(m->grid, "-landcover_file", path, &m->map));
  if (!active) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(RslLanduseApply(m->landuse, m->map));
  PetscCall(RslLanduseGetChanges(m->landuse, &s->artificialised_ha, &s->desealed_ha));
  PetscCall(PetscSNPrintf(mapfile, sizeof mapfile, "%.*s_landcover.tif", (int)(len > 3 && !strcmp(out_file + len - 3, ".h5") ? len - 3 : len), out_file));
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

static PetscErrorCode WriteParameters(Member *m, RslMemberSummary *s)
{
  static const char *const names[] = {"/params/manning", "/params/impervious", "/params/ks", "/params/psi_dtheta", "/params/initial_abstraction"};
  Vec                      f[5];

  PetscFunctionBegin;
  PetscCall(RslHydroGetFields(m->hydro, &f[0], &f[1], &f[2], &f[3], &f[4]));
  const Vec *frac;
  PetscInt   nc;
  char       dset[64];

  for (int k = 0; k < 5; k++)
    if (f[k]) PetscCall(RslH5WriteField(m->out, names[k], m->grid, f[k]));
  PetscCall(RslHydroGetClassFractions(m->hydro, &nc, &frac));
  for (PetscInt c = 0; c < nc; c++) {
    PetscCall(PetscSNPrintf(dset, sizeof dset, "/landcover/fraction_%02d", (int)c));
    PetscCall(RslH5WriteField(m->out, dset, m->grid, frac[c]));
  }
  PetscCall(RslH5SetAttrString(m->out, "/scenario", "name", s->name));
  PetscCall(RslH5SetAttrDouble(m->out, "/scenario", "climate_factor", 1, &s->climate_factor));
  PetscCall(RslH5SetAttrDouble(m->out, "/scenario", "artificialised_ha", 1, &s->artificialised_ha));
  PetscCall(RslH5SetAttrDouble(m->out, "/scenario", "desealed_ha", 1, &s->desealed_ha));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Provenance(MPI_Comm comm, RslH5 out, double wall)
{
  char       *opts;
  PetscMPIInt size;
  PetscInt    ranks;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
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

static PetscErrorCode MemberDestroy(Member *m)
{
  PetscFunctionBegin;
  if (m->out) PetscCall(RslH5Close(&m->out, PETSC_FALSE));
  PetscCall(RslSWEDestroy(&m->swe));
  PetscCall(RslRainDestroy(&m->rain));
  PetscCall(RslHydroDestroy(&m->hydro));
  PetscCall(RslLanduseDestroy(&m->landuse));
  PetscCall(RslClassMapDestroy(&m->map));
  PetscCall(VecDestroy(&m->z));
  PetscCall(RslGridDestroy(&m->grid));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(MPI_Comm comm, Member *m, const char landcover[], const char out_file[], RslMemberSummary *s)
{
  char       dem[PETSC_MAX_PATH_LEN] = "";
  double     nodata, wall0 = RslWallTime();
  RslSWERain cb;
  PetscBool  set;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-dem", dem, sizeof dem, &set));
  RSLCHECK(comm, set && dem[0], "-dem: a terrain raster is required for the swe stage");
  PetscCall(RslGridCreateFromDEM(comm, dem, 2, &m->grid, &m->z, &nodata));
  PetscCall(RslSWECreate(m->grid, &m->swe));
  PetscCall(RslSWESetFromOptions(m->swe));
  PetscCall(LandCover(comm, m, landcover, out_file, s));
  PetscCall(Parameters(comm, m));
  PetscCall(RslRainCreate(comm, &m->rain));
  PetscCall(RslRainSetFromOptions(m->rain));
  PetscCall(RslRainSetUp(m->rain, m->grid));
  PetscCall(RslRainGetClimateFactor(m->rain, &s->climate_factor));
  cb.ctx        = m->rain;
  cb.rate       = RslRainRateCallback;
  cb.next_break = RslRainNextBreakCallback;
  PetscCall(RslSWESetRain(m->swe, &cb));
  PetscCall(RslSWESetBed(m->swe, m->z, nodata));
  PetscCall(RslSWESetUp(m->swe));
  PetscCall(RslAppWarnUnusedOptions(comm, NULL));
  PetscCall(RslSWEView(m->swe, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(RslH5Create(comm, "-out_file", out_file, &m->out));
  PetscCall(RslH5WriteGrid(m->out, m->grid));
  PetscCall(RslSWESolve(m->swe, m->out));
  PetscCall(RslSWEWriteResults(m->swe, m->out));
  PetscCall(WriteParameters(m, s));
  PetscCall(RslSWEGetSummary(m->swe, 0.1, &s->swe));
  s->wall_s = RslWallTime() - wall0;
  PetscCall(Provenance(comm, m->out, s->wall_s));
  PetscCall(RslH5Close(&m->out, PETSC_TRUE));
  PetscCall(RslSWEWriteXdmf(m->swe, out_file));
  {
    PetscInt nact, steps;
    double   wall;
    PetscCall(RslSWEGetStats(m->swe, &nact, &steps, &wall));
    PetscCall(PetscPrintf(comm, "ruissel: [%s] wrote %s\n", s->name, out_file));
    PetscCall(PetscPrintf(comm, "ruissel: perf cells=%d steps=%d cell_updates_per_s=%.6e wall=%.3f\n", (int)nact, (int)steps, wall > 0 ? (double)nact * steps / wall : 0.0, wall));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslMemberRun(MPI_Comm comm, const char name[], const char landcover[], const char out_file[], RslMemberSummary *s)
{
  Member         m = {0};
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(s, sizeof *s));
  PetscCall(PetscStrncpy(s->name, name, sizeof s->name));
  ierr = Run(comm, &m, landcover, out_file, s);
  /* on a (collective) failure the partial result file is removed, never left complete-looking */
  if (ierr) {
    if (RslErrorIsCollective()) PetscCall(MemberDestroy(&m));
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
  if (dem[0] && !help) PetscCall(RslGridCreateFromDEM(comm, dem, 2, &m.grid, &m.z, &nodata)); /* boundary files need the grid */
  else PetscCall(RslGridCreate(comm, 4, 4, gt, "", 2, PETSC_DECIDE, PETSC_DECIDE, NULL, NULL, &m.grid));
  PetscCall(RslSWECreate(m.grid, &m.swe));
  PetscCall(RslSWESetFromOptions(m.swe));
  PetscCall(RslLanduseCreate(comm, &m.landuse));
  PetscCall(RslLanduseSetFromOptions(m.landuse));
  PetscCall(RslHydroCreate(comm, &m.hydro));
  PetscCall(RslHydroSetFromOptions(m.hydro));
  PetscCall(RslRainCreate(comm, &m.rain));
  PetscCall(RslRainSetFromOptions(m.rain));
  PetscCall(MemberDestroy(&m));
  PetscFunctionReturn(PETSC_SUCCESS);
}
