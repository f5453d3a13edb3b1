/* scenario component "climate": the 2050 climate factor on rain intensities, applied
 * exactly once, in RslRainGetRate:
 *   factor = (1 + rate)^dT
 *   rate: -scenario_cc_rate, default 0.07 /°C (Clausius-Clapeyron: saturation vapour
 *         pressure +6-7 %/°C; Trenberth et al. 2003, BAMS 84:1205). Sub-daily extremes can
 *         scale at about twice that, "super-CC" 0.14 /°C (Lenderink & van Meijgaard 2008,
 *         Nat. Geosci. 1:511): -scenario_cc_rate 0.14.
 *   dT:   -scenario_warming DT (°C, warming of the scenario relative to the climate the rain
 *         input represents; its main option). Default: -scenario_warming_level (2.7 °C,
 *         France's reference warming trajectory TRACC for 2050 vs pre-industrial 1900-1930;
 *         Ministère de la Transition écologique, 2023/2024) minus -scenario_warming_ref
 *         (1.7 °C, warming France had already reached around 2020, the present climate of
 *         observed rain and IDF statistics; Météo-France / TRACC), i.e. dT = 1.0 °C for
 *         "2050 vs today". -scenario_warming 0 gives factor 1 exactly. */
#include "scenario/scenario_impl.h"
#include <math.h>

typedef struct {
  PetscReal level, ref, dT, rate;
} Climate;

static PetscErrorCode Options(RslScenarioComponent c, PetscOptionItems *PetscOptionsObject)
{
  Climate *cl = (Climate *)c->data;

  PetscFunctionBegin;
  PetscCall(PetscOptionsReal("-scenario_warming_level", "Warming of the scenario vs pre-industrial (°C; TRACC 2050: 2.7)", "scenario_climate.c", cl->level, &cl->level, NULL));
  PetscCall(PetscOptionsReal("-scenario_warming_ref", "Warming of the rain input's reference climate vs pre-industrial (°C; present ~1.7)", "scenario_climate.c", cl->ref, &cl->ref, NULL));
  cl->dT = cl->level - cl->ref;
  PetscCall(PetscOptionsReal("-scenario_warming", "Warming dT (°C) of the scenario relative to the rain input's climate (default level - ref)", "scenario_climate.c", cl->dT, &cl->dT, &c->given));
  PetscCall(PetscOptionsReal("-scenario_cc_rate", "Intensity change per °C (0.07 Clausius-Clapeyron; 0.14 sub-daily super-CC)", "scenario_climate.c", cl->rate, &cl->rate, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetUp(RslScenarioComponent c)
{
  Climate *cl = (Climate *)c->data;

  PetscFunctionBegin;
  RSLCHECK(c->sc->comm, cl->rate > -1.0, "-scenario_cc_rate: %g must be > -1", (double)cl->rate);
  c->rain_factor = pow(1.0 + cl->rate, cl->dT);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View(RslScenarioComponent c, PetscViewer v)
{
  Climate *cl = (Climate *)c->data;

  PetscFunctionBegin;
  if (c->given) PetscCall(PetscViewerASCIIPrintf(v, "climate: rain intensities x %.6f = (1 + %.6g)^%.6g (-scenario_warming)\n", (double)c->rain_factor, (double)cl->rate, (double)cl->dT));
  else PetscCall(PetscViewerASCIIPrintf(v, "climate: rain intensities x %.6f = (1 + %.6g)^%.6g (warming level %.6g - reference %.6g °C)\n", (double)c->rain_factor, (double)cl->rate, (double)cl->dT, (double)cl->level, (double)cl->ref));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslScenarioCreate_climate(RslScenarioComponent c)
{
  Climate *cl;

  PetscFunctionBegin;
  PetscCall(PetscNew(&cl));
  cl->level = 2.7;
  cl->ref   = 1.7;
  cl->rate  = 0.07;
  c->data   = cl;
  c->title  = "Climate factor on rain intensities: (1 + rate)^dT";
  c->ops    = (RslScenarioOps){.options = Options, .setup = SetUp, .view = View};
  PetscFunctionReturn(PETSC_SUCCESS);
}
