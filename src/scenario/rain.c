/* scenario/rain: the object, its options and the uniform sources (see rain.h). */
#include "scenario/rain_impl.h"
#include "scenario/scenario.h"

static PetscLogEvent RSL_RainSetUp, RSL_RainRate;

PetscErrorCode RslRainCreate(MPI_Comm comm, RslRain *rain)
{
  RslRain r;

  PetscFunctionBegin;
  PetscCall(RslLogEventRegister("RslRainSetUp", &RSL_RainSetUp));
  PetscCall(RslLogEventRegister("RslRainRate", &RSL_RainRate));
  PetscCall(PetscNew(&r));
  r->comm          = comm;
  r->cfactor       = 1.0;
  r->dt            = 300;
  r->peak          = 0.5;
  r->raster_dt     = 3600;
  r->raster.scale  = 1.0;
  r->raster.loaded = -1;
  RslSeriesConstant(0.0, &r->series);
  *rain = r;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainSetFromOptions(RslRain rain)
{
  MPI_Comm    comm = rain->comm;
  PetscReal   mmh  = 0;
  PetscBool   has_rate, has_hyeto, has_raster, has_design, idf_units_set;
  char        units[16] = "mm_per_min", nodata[16] = "mean";
  const char *kinds[]   = {"block", "chicago", "double_triangle"};
  PetscInt    ikind     = 0;

  PetscFunctionBegin;
  PetscOptionsBegin(comm, NULL, "Rain forcing", "rain");
  PetscCall(PetscOptionsReal("-rain_rate", "Constant rain rate (mm/h)", "RslRainSetFromOptions", mmh, &mmh, &has_rate));
  PetscCall(PetscOptionsString("-rain_hyetograph", "Step hyetograph CSV time_s,mm_per_h", "RslRainSetFromOptions", rain->file, rain->file, sizeof rain->file, &has_hyeto));
  PetscCall(PetscOptionsString("-rain_raster_series", "Gridded rain: list, glob or .txt of rasters", "RslRainSetFromOptions", rain->spec, rain->spec, sizeof rain->spec, &has_raster));
  PetscCall(PetscOptionsReal("-rain_raster_scale", "Raster value -> mm/h factor (0.1 for rasters in 0.1 mm/h)", "RslRainSetFromOptions", rain->raster.scale, &rain->raster.scale, NULL));
  PetscCall(PetscOptionsReal("-rain_raster_dt", "Time step between rasters (s)", "RslRainSetFromOptions", rain->raster_dt, &rain->raster_dt, NULL));
  PetscCall(PetscOptionsReal("-rain_raster_start", "Start time of the first raster (s)", "RslRainSetFromOptions", rain->raster_start, &rain->raster_start, NULL));
  PetscCall(PetscOptionsString("-rain_raster_nodata", "Cells without valid pixels: mean (of the valid pixels under the grid) or zero", "RslRainSetFromOptions", nodata, nodata, sizeof nodata, NULL));
  PetscCall(PetscOptionsEList("-rain_design", "Design storm", "RslRainSetFromOptions", kinds, 3, kinds[0], &ikind, &has_design));
  PetscCall(PetscOptionsReal("-rain_idf_a", "Montana coefficient a (i = a t^-b, t in min)", "RslRainSetFromOptions", rain->idf_a, &rain->idf_a, NULL));
  PetscCall(PetscOptionsReal("-rain_idf_b", "Montana coefficient b", "RslRainSetFromOptions", rain->idf_b, &rain->idf_b, NULL));
  PetscCall(PetscOptionsString("-rain_idf_units", "Unit of i in the IDF law: mm_per_min (Météo-France) or mm_per_h", "RslRainSetFromOptions", units, units, sizeof units, &idf_units_set));
  PetscCall(PetscOptionsReal("-rain_duration", "Design storm duration (s)", "RslRainSetFromOptions", rain->duration, &rain->duration, NULL));
  PetscCall(PetscOptionsReal("-rain_dt", "Design storm time step (s)", "RslRainSetFromOptions", rain->dt, &rain->dt, NULL));
  PetscCall(PetscOptionsReal("-rain_peak_position", "Design storm peak position (fraction of the duration)", "RslRainSetFromOptions", rain->peak, &rain->peak, NULL));
  PetscCall(PetscOptionsReal("-rain_intense_duration", "Double triangle: duration of the intense period (s, default duration/4)", "RslRainSetFromOptions", rain->intense, &rain->intense, NULL));
  PetscOptionsEnd();

  RSLCHECK(comm, (int)has_rate + (int)has_hyeto + (int)has_raster + (int)has_design <= 1, "rain: give at most one of -rain_rate, -rain_hyetograph, -rain_raster_series, -rain_design");
  RSLCHECK(comm, !strcmp(units, "mm_per_min") || !strcmp(units, "mm_per_h"), "-rain_idf_units: '%s' (expected mm_per_min or mm_per_h)", units);
  RSLCHECK(comm, !strcmp(nodata, "mean") || !strcmp(nodata, "zero"), "-rain_raster_nodata: '%s' (expected mean or zero)", nodata);
  rain->idf_mm_per_h       = (PetscBool)!strcmp(units, "mm_per_h");
  rain->raster.nodata_zero = (PetscBool)!strcmp(nodata, "zero");
  rain->kind               = RAIN_NONE;
  if (has_rate) {
    RSLCHECK(comm, mmh >= 0 && PetscIsNormalReal(mmh + 1.0), "-rain_rate: %g mm/h must be >= 0", (double)mmh);
    rain->kind = RAIN_CONSTANT;
    RslSeriesConstant(mmh, &rain->series);
  } else if (has_hyeto) rain->kind = RAIN_HYETOGRAPH;
  else if (has_raster) rain->kind = RAIN_RASTER;
  else if (has_design) {
    rain->kind = RAIN_DESIGN;
    PetscCall(PetscStrncpy(rain->design, kinds[ikind], sizeof rain->design));
  }
  PetscCall(RslScenarioClimateFactor(comm, &rain->cfactor, &rain->dT, &rain->cc_rate));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainSetUp(RslRain rain, const RslGrid *grid)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(RSL_RainSetUp, 0, 0, 0, 0));
  rain->grid = grid;
  switch (rain->kind) {
  case RAIN_HYETOGRAPH:
    PetscCall(RslSeriesRead(rain->comm, "-rain_hyetograph", rain->file, PETSC_FALSE, PETSC_TRUE, &rain->series));
    break;
  case RAIN_DESIGN:
    PetscCall(RslRainDesignBuild(rain));
    break;
  case RAIN_RASTER:
    PetscCall(RslRainRasterSetUp(rain));
    break;
  default:
    break;
  }
  PetscCall(PetscLogEventEnd(RSL_RainSetUp, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Index of the raster holding t, -1 when none does. */
static PetscInt RasterIndex(const RainRaster *r, PetscReal t)
{
  PetscInt lo = 0, hi = r->n;
  if (!r->n || t < r->t[0] || t >= r->t[r->n]) return -1;
  while (hi - lo > 1) {
    PetscInt mid = (lo + hi) / 2;
    if (r->t[mid] <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

PetscErrorCode RslRainGetRate(RslRain rain, PetscReal t, Vec rate)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(RSL_RainRate, 0, 0, 0, 0));
  if (rain->kind != RAIN_RASTER) {
    PetscCall(VecSet(rate, RainToSI(RslSeriesEval(&rain->series, t), rain->cfactor)));
  } else {
    PetscInt k = RasterIndex(&rain->raster, t);
    if (k < 0) PetscCall(VecSet(rate, 0.0));
    else {
      const PetscScalar *f;
      PetscScalar       *r;
      PetscInt           n;
      if (k != rain->raster.loaded) PetscCall(RslRainRasterLoad(rain, k));
      PetscCall(VecGetLocalSize(rate, &n));
      PetscCall(VecGetArrayRead(rain->raster.field, &f));
      PetscCall(VecGetArray(rate, &r));
      for (PetscInt i = 0; i < n; i++) r[i] = RainToSI(f[i], rain->cfactor);
      PetscCall(VecRestoreArray(rate, &r));
      PetscCall(VecRestoreArrayRead(rain->raster.field, &f));
    }
  }
  PetscCall(PetscLogEventEnd(RSL_RainRate, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainNextBreak(RslRain rain, PetscReal t, PetscReal *tnext)
{
  PetscFunctionBegin;
  if (rain->kind != RAIN_RASTER) *tnext = RslSeriesNextBreak(&rain->series, t);
  else {
    const RainRaster *r = &rain->raster;
    PetscInt          k = RasterIndex(r, t);
    if (k >= 0) *tnext = r->t[k + 1];
    else *tnext = (r->n && t < r->t[0]) ? r->t[0] : PETSC_MAX_REAL;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainGetDepth(RslRain rain, PetscReal t0, PetscReal t1, Vec depth)
{
  Vec       rate;
  PetscReal t = t0, tn;

  PetscFunctionBegin;
  PetscCall(VecSet(depth, 0.0));
  PetscCall(VecDuplicate(depth, &rate));
  while (t < t1) {
    PetscCall(RslRainNextBreak(rain, t, &tn));
    tn = PetscMin(tn, t1);
    PetscCall(RslRainGetRate(rain, t, rate));
    PetscCall(VecAXPY(depth, tn - t, rate));
    t = tn;
  }
  PetscCall(VecDestroy(&rate));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainIsUniform(RslRain rain, PetscBool *uniform)
{
  PetscFunctionBegin;
  *uniform = (PetscBool)(rain->kind != RAIN_RASTER);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainGetUniformRate(RslRain rain, PetscReal t, PetscReal *rate)
{
  PetscFunctionBegin;
  PetscCheck(rain->kind != RAIN_RASTER, rain->comm, PETSC_ERR_ARG_WRONGSTATE, "RslRainGetUniformRate: the rain is a raster series, not uniform");
  *rate = RainToSI(RslSeriesEval(&rain->series, t), rain->cfactor);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainGetClimateFactor(RslRain rain, PetscReal *factor)
{
  PetscFunctionBegin;
  *factor = rain->cfactor;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainView(RslRain rain, PetscViewer viewer)
{
  static const char *names[] = {"none", "constant", "hyetograph", "design storm", "raster series"};

  PetscFunctionBegin;
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(rain->comm, &viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "Rain: %s", names[rain->kind]));
  if (rain->kind == RAIN_CONSTANT) PetscCall(PetscViewerASCIIPrintf(viewer, " %g mm/h", (double)rain->series.c));
  if (rain->kind == RAIN_HYETOGRAPH) PetscCall(PetscViewerASCIIPrintf(viewer, " '%s' (%" PetscInt_FMT " rows)", rain->file, rain->series.n));
  if (rain->kind == RAIN_DESIGN) PetscCall(PetscViewerASCIIPrintf(viewer, " %s a=%g b=%g (%s) duration %g s, dt %g s", rain->design, (double)rain->idf_a, (double)rain->idf_b, rain->idf_mm_per_h ? "mm/h" : "mm/min", (double)rain->duration, (double)rain->dt));
  if (rain->kind == RAIN_RASTER) PetscCall(PetscViewerASCIIPrintf(viewer, " %" PetscInt_FMT " files, %s CRS, scale %g", rain->raster.n, rain->raster.same_crs ? "grid" : "reprojected", (double)rain->raster.scale));
  PetscCall(PetscViewerASCIIPrintf(viewer, "; climate factor %.6f (dT %g °C, rate %g /°C)\n", (double)rain->cfactor, (double)rain->dT, (double)rain->cc_rate));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainDestroy(RslRain *rain)
{
  PetscFunctionBegin;
  if (!*rain) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(RslSeriesFree(&(*rain)->series));
  PetscCall(RslRainRasterDestroy(&(*rain)->raster));
  PetscCall(PetscFree(*rain));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainRateCallback(void *ctx, PetscReal t, Vec rate) { return RslRainGetRate((RslRain)ctx, t, rate); }
PetscErrorCode RslRainNextBreakCallback(void *ctx, PetscReal t, PetscReal *tnext) { return RslRainNextBreak((RslRain)ctx, t, tnext); }
