/* scenario/registry: the built-in scenario components and rain sources (registry.h). */
#include "scenario/registry.h"

/* One entry each. Component <name> is RslScenarioCreate_<name> in scenario_<name>.c; the
 * components act in this order. Source <name> is RslRainCreate_<name> in rain_<name>.c
 * (raster_series: rain_raster.c); their options are read and listed by -help in this order. */
#define RSL_SCENARIO_COMPONENTS(X) X(climate) X(artificialise) X(zan) X(desealing)
#define RSL_RAIN_SOURCES(X)        X(constant) X(hyetograph) X(raster_series) X(design)

#define RSL_DECLARE_COMPONENT(name) PetscErrorCode RslScenarioCreate_##name(RslScenarioComponent);
#define RSL_DECLARE_SOURCE(name)    PetscErrorCode RslRainCreate_##name(RslRainSource);
RSL_SCENARIO_COMPONENTS(RSL_DECLARE_COMPONENT)
RSL_RAIN_SOURCES(RSL_DECLARE_SOURCE)

PetscFunctionList RslScenarioComponentList, RslRainSourceList;
static PetscBool  registered;

static PetscErrorCode RslScenarioFinalizePackage(void)
{
  PetscFunctionBegin;
  PetscCall(PetscFunctionListDestroy(&RslScenarioComponentList));
  PetscCall(PetscFunctionListDestroy(&RslRainSourceList));
  registered = PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslScenarioRegisterAll(void)
{
  PetscFunctionBegin;
  if (registered) PetscFunctionReturn(PETSC_SUCCESS);
  registered = PETSC_TRUE;
#define RSL_ADD_COMPONENT(name) PetscCall(PetscFunctionListAdd(&RslScenarioComponentList, #name, RslScenarioCreate_##name));
#define RSL_ADD_SOURCE(name)    PetscCall(PetscFunctionListAdd(&RslRainSourceList, #name, RslRainCreate_##name));
  RSL_SCENARIO_COMPONENTS(RSL_ADD_COMPONENT)
  RSL_RAIN_SOURCES(RSL_ADD_SOURCE)
  PetscCall(PetscRegisterFinalize(RslScenarioFinalizePackage));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRegistryGet(PetscFunctionList list, PetscInt *n, const char ***names, PetscVoidFunction **create)
{
  int m;

  PetscFunctionBegin;
  PetscCall(PetscFunctionListGet(list, names, &m)); /* m counts the final NULL too */
  for (*n = 0; (*names)[*n]; (*n)++) { }
  PetscCall(PetscMalloc1(*n, create));
  for (PetscInt k = 0; k < *n; k++) PetscCall(PetscFunctionListFind(list, (*names)[k], &(*create)[k]));
  PetscFunctionReturn(PETSC_SUCCESS);
}
