#define _POSIX_C_SOURCE 200809L /* glob, strtok_r */
#include "scenario/scenario.h"
#include <math.h>
#include <string.h>

PetscErrorCode RslScenarioGetTypes(MPI_Comm comm, RslScenarioTypes *types)
{
  char      list[256] = "", *tok, *save = NULL;
  PetscBool given, warm, art, zan, des;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(types, sizeof(*types)));
  PetscOptionsBegin(comm, NULL, "Scenario components", "scenario");
  PetscCall(PetscOptionsString("-scenario_type", "Scenario components, comma-separated: none, climate, artificialise, zan, desealing", "RslScenarioGetTypes", list, list, sizeof list, &given));
  PetscOptionsEnd();
  PetscCall(PetscOptionsHasName(NULL, NULL, "-scenario_warming", &warm));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-scenario_artificialise_ha", &art));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-scenario_zan", &zan));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-scenario_desealing_pct", &des));
  if (!given) {
    types->climate       = warm;
    types->artificialise = art;
    types->zan           = zan;
    types->desealing     = des;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  for (tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
    if (!strcmp(tok, "none") || !strcmp(tok, "today")) continue;
    else if (!strcmp(tok, "climate")) types->climate = PETSC_TRUE;
    else if (!strcmp(tok, "artificialise") || !strcmp(tok, "artificialisation")) types->artificialise = PETSC_TRUE;
    else if (!strcmp(tok, "zan")) types->zan = PETSC_TRUE;
    else if (!strcmp(tok, "desealing")) types->desealing = PETSC_TRUE;
    else RSLCHECK(comm, 0, "-scenario_type: unknown scenario '%s' (expected a comma-separated list of none, climate, artificialise, zan, desealing)", tok);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslScenarioClimateFactor(MPI_Comm comm, PetscReal *factor, PetscReal *dT, PetscReal *rate)
{
  RslScenarioTypes types;
  PetscReal        level = 2.7, ref = 1.7, dt, r = 0.07;
  PetscBool        set;

  PetscFunctionBegin;
  PetscCall(RslScenarioGetTypes(comm, &types));
  PetscOptionsBegin(comm, NULL, "Climate factor on rain intensities: (1 + rate)^dT", "scenario");
  PetscCall(PetscOptionsReal("-scenario_warming_level", "Warming of the scenario vs pre-industrial (°C; TRACC 2050: 2.7)", "RslScenarioClimateFactor", level, &level, NULL));
  PetscCall(PetscOptionsReal("-scenario_warming_ref", "Warming of the rain input's reference climate vs pre-industrial (°C; present ~1.7)", "RslScenarioClimateFactor", ref, &ref, NULL));
  dt = level - ref;
  PetscCall(PetscOptionsReal("-scenario_warming", "Warming dT (°C) of the scenario relative to the rain input's climate (default level - ref)", "RslScenarioClimateFactor", dt, &dt, &set));
  PetscCall(PetscOptionsReal("-scenario_cc_rate", "Intensity change per °C (0.07 Clausius-Clapeyron; 0.14 sub-daily super-CC)", "RslScenarioClimateFactor", r, &r, NULL));
  PetscOptionsEnd();
  RSLCHECK(comm, r > -1.0, "-scenario_cc_rate: %g must be > -1", (double)r);
  if (!types.climate) dt = 0;
  if (factor) *factor = types.climate ? pow(1.0 + r, dt) : 1.0;
  if (dT) *dT = dt;
  if (rate) *rate = r;
  PetscFunctionReturn(PETSC_SUCCESS);
}

double RslZANHectares(double R, double base_year, double year)
{
  /* annual rate as a fraction of R on [edges[k], edges[k+1]) */
  static const double edges[] = {2021, 2031, 2041, 2050}, frac[] = {0.5, 0.25, 0.125};
  double              ha      = 0;

  for (int k = 0; k < 3; k++) {
    double a = PetscMax(base_year, edges[k]), b = PetscMin(year, edges[k + 1]);
    if (b > a) ha += frac[k] * R * (b - a);
  }
  /* before 2021 the reference rate applies */
  if (base_year < 2021 && year > base_year) ha += R * (PetscMin(year, 2021.0) - base_year);
  return ha;
}
