/* scenario/rain: the object over the registered sources, the rate with the scenario's factor
 * (rain.h). */
#include "scenario/rain_impl.h"
#include "scenario/registry.h"
#include <string.h>

static PetscLogEvent     RSL_RainSetUp, RSL_RainRate;

PetscErrorCode RslRainRegister(const char name[], PetscErrorCode (*create)(RslRainSource))
{
  PetscFunctionBegin;
  PetscCall(RslScenarioRegisterAll());
  PetscCall(PetscFunctionListAdd(&RslRainSourceList, name, create));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainCreate(MPI_Comm comm, RslRain *rain)
{
  RslRain            r;
  const char       **names;
  PetscVoidFunction *create;
  PetscInt           n;

  PetscFunctionBegin;
  PetscCall(RslLogEventRegister("RslRainSetUp", &RSL_RainSetUp));
  PetscCall(RslLogEventRegister("RslRainRate", &RSL_RainRate));
  PetscCall(RslScenarioRegisterAll());
  PetscCall(PetscNew(&r));
  r->comm    = comm;
  r->cfactor = 1.0;
  RslSeriesConstant(0.0, &r->series);
  PetscCall(RslRegistryGet(RslRainSourceList, &n, &names, &create));
  PetscCall(PetscCalloc1(n, &r->src));
  for (PetscInt k = 0; k < n; k++) {
    RslRainSource s;
    PetscCall(PetscNew(&s));
    r->src[r->n++] = s;
    PetscCall(PetscStrncpy(s->name, names[k], sizeof s->name));
    s->rain = r;
    PetscCall(((PetscErrorCode(*)(RslRainSource))create[k])(s));
  }
  PetscCall(PetscFree(names));
  PetscCall(PetscFree(create));
  *rain = r;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainSetScenario(RslRain rain, RslScenario sc)
{
  PetscFunctionBegin;
  PetscCall(RslScenarioGetRainFactor(sc, &rain->cfactor));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainSetFromOptions(RslRain rain)
{
  MPI_Comm  comm = rain->comm;
  char      type[64] = "", opts[256] = "", names[256] = "none", help[320], view[PETSC_MAX_PATH_LEN] = "";
  PetscInt  ngiven = 0;
  PetscBool typed, viewset;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < rain->n; k++) {
    if (k) PetscCall(PetscStrlcat(opts, ", ", sizeof opts));
    PetscCall(PetscStrlcat(opts, rain->src[k]->option, sizeof opts));
    PetscCall(PetscStrlcat(names, ", ", sizeof names));
    PetscCall(PetscStrlcat(names, rain->src[k]->name, sizeof names));
  }
  PetscCall(PetscSNPrintf(help, sizeof help, "Rain source: %s (default: the one whose option is given)", names));
  PetscCall(PetscViewerDestroy(&rain->viewer));
  PetscOptionsBegin(comm, NULL, "Rain forcing", "rain");
  PetscCall(PetscOptionsString("-rain_type", help, "RslRainSetFromOptions", type, type, sizeof type, &typed));
  PetscCall(PetscOptionsString("-rain_view", "Print the rain: source, depth and peak intensity (ASCII viewer: stdout, or :FILE)", "RslRainView", view, view, sizeof view, &viewset));
  for (PetscInt k = 0; k < rain->n; k++) PetscCall(rain->src[k]->ops.options(rain->src[k], PetscOptionsObject));
  PetscOptionsEnd();
  if (viewset) PetscCall(PetscOptionsGetViewer(comm, NULL, NULL, "-rain_view", &rain->viewer, &rain->format, NULL));

  rain->active = NULL;
  for (PetscInt k = 0; k < rain->n; k++) {
    RslRainSource s = rain->src[k];
    if (s->given) ngiven++;
    if (typed ? !strcmp(type, s->name) : s->given) rain->active = s;
  }
  if (!typed) RSLCHECK(comm, ngiven <= 1, "rain: give at most one of %s", opts);
  else if (strcmp(type, "none")) {
    RSLCHECK(comm, rain->active, "-rain_type: unknown rain source '%s' (expected one of %s)", type, names);
    RSLCHECK(comm, rain->active->given, "-rain_type %s needs %s", type, rain->active->option);
  }
  if (rain->active && rain->active->ops.check) PetscCall(rain->active->ops.check(rain->active));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainSetUp(RslRain rain, const RslGrid *grid)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(RSL_RainSetUp, 0, 0, 0, 0));
  rain->grid = grid;
  if (rain->active && rain->active->ops.setup) PetscCall(rain->active->ops.setup(rain->active));
  PetscCall(PetscLogEventEnd(RSL_RainSetUp, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainIsUniform(RslRain rain, PetscBool *uniform)
{
  PetscFunctionBegin;
  *uniform = (PetscBool)!(rain->active && rain->active->ops.field);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainGetRate(RslRain rain, PetscReal t, Vec rate)
{
  PetscBool uniform;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(RSL_RainRate, 0, 0, 0, 0));
  PetscCall(RslRainIsUniform(rain, &uniform));
  if (uniform) PetscCall(VecSet(rate, RainToSI(RslSeriesEval(&rain->series, t), rain->cfactor)));
  else {
    Vec f;
    PetscCall(rain->active->ops.field(rain->active, t, &f));
    if (!f) PetscCall(VecSet(rate, 0.0));
    else {
      const PetscScalar *mmh;
      PetscScalar       *r;
      PetscInt           n;
      PetscCall(VecGetLocalSize(rate, &n));
      PetscCall(VecGetArrayRead(f, &mmh));
      PetscCall(VecGetArray(rate, &r));
      for (PetscInt i = 0; i < n; i++) r[i] = RainToSI(mmh[i], rain->cfactor);
      PetscCall(VecRestoreArray(rate, &r));
      PetscCall(VecRestoreArrayRead(f, &mmh));
    }
  }
  PetscCall(PetscLogEventEnd(RSL_RainRate, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainNextBreak(RslRain rain, PetscReal t, PetscReal *tnext)
{
  PetscBool uniform;

  PetscFunctionBegin;
  PetscCall(RslRainIsUniform(rain, &uniform));
  if (uniform) *tnext = RslSeriesNextBreak(&rain->series, t);
  else PetscCall(rain->active->ops.next_break(rain->active, t, tnext));
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

PetscErrorCode RslRainGetUniformRate(RslRain rain, PetscReal t, PetscReal *rate)
{
  PetscBool uniform;

  PetscFunctionBegin;
  PetscCall(RslRainIsUniform(rain, &uniform));
  PetscCheck(uniform, rain->comm, PETSC_ERR_ARG_WRONGSTATE, "RslRainGetUniformRate: the rain is a %s, not uniform", rain->active->name);
  *rate = RainToSI(RslSeriesEval(&rain->series, t), rain->cfactor);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Over the whole forcing, with the factor: depth (mm, grid mean) up to the last break
 * tlast, the rate after it (mm/h, grid mean) and the peak intensity (mm/h, cell max). */
static PetscErrorCode Totals(RslRain rain, PetscReal *depth, PetscReal *tlast, PetscReal *after, PetscReal *peak)
{
  Vec       rate = NULL;
  PetscReal t = 0, tn, mean, max, ncells = (PetscReal)rain->grid->nx * rain->grid->ny;
  PetscBool uniform;

  PetscFunctionBegin;
  PetscCall(RslRainIsUniform(rain, &uniform));
  if (!uniform) PetscCall(DMGetGlobalVector(rain->grid->da1, &rate));
  *depth = *peak = 0;
  for (;;) {
    PetscCall(RslRainNextBreak(rain, t, &tn));
    if (uniform) {
      PetscCall(RslRainGetUniformRate(rain, t, &mean));
      max = mean;
    } else {
      PetscCall(RslRainGetRate(rain, t, rate));
      PetscCall(VecSum(rate, &mean));
      PetscCall(VecMax(rate, NULL, &max));
      mean /= ncells;
    }
    *peak = PetscMax(*peak, max * 3.6e6);
    if (tn >= PETSC_MAX_REAL) break;
    *depth += mean * (tn - t) * 1e3;
    t = tn;
  }
  *tlast = t;
  *after = mean * 3.6e6;
  if (rate) PetscCall(DMRestoreGlobalVector(rain->grid->da1, &rate));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainView(RslRain rain, PetscViewer viewer)
{
  PetscBool ascii;

  PetscFunctionBegin;
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(rain->comm, &viewer));
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &ascii));
  if (!ascii) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscViewerASCIIPrintf(viewer, "Rain: %s\n", rain->active ? rain->active->name : "none"));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  if (rain->active && rain->active->ops.view) PetscCall(rain->active->ops.view(rain->active, viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "factor on intensities (scenario) %.17g, included below\n", (double)rain->cfactor));
  if (rain->grid) {
    PetscReal depth = 0, tlast = 0, after = 0, peak = 0;
    PetscCall(Totals(rain, &depth, &tlast, &after, &peak));
    PetscCall(PetscViewerASCIIPrintf(viewer, "depth %.6g mm (grid mean) over [0, %.6g s], then %.6g mm/h; peak intensity %.6g mm/h\n", (double)depth, (double)tlast, (double)after, (double)peak));
  }
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainViewFromOptions(RslRain rain)
{
  PetscFunctionBegin;
  if (!rain->viewer) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscViewerPushFormat(rain->viewer, rain->format));
  PetscCall(RslRainView(rain, rain->viewer));
  PetscCall(PetscViewerPopFormat(rain->viewer));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainDestroy(RslRain *rain)
{
  PetscFunctionBegin;
  if (!*rain) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < (*rain)->n; k++) {
    RslRainSource s = (*rain)->src[k];
    if (s->ops.destroy) PetscCall(s->ops.destroy(s));
    PetscCall(PetscFree(s->data));
    PetscCall(PetscFree(s));
  }
  PetscCall(PetscFree((*rain)->src));
  PetscCall(RslSeriesFree(&(*rain)->series));
  PetscCall(PetscViewerDestroy(&(*rain)->viewer));
  PetscCall(PetscFree(*rain));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainRateCallback(void *ctx, PetscReal t, Vec rate) { return RslRainGetRate((RslRain)ctx, t, rate); }
PetscErrorCode RslRainNextBreakCallback(void *ctx, PetscReal t, PetscReal *tnext) { return RslRainNextBreak((RslRain)ctx, t, tnext); }
