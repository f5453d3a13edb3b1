/* scenario/registry: the built-in scenario components and rain sources, registered once in
 * PetscFunctionLists that RslScenarioCreate and RslRainCreate instantiate in order. */
#pragma once
#include "scenario/rain.h"
#include "scenario/scenario.h"

extern PetscFunctionList RslScenarioComponentList, RslRainSourceList;

/* Register the built-in components and sources (once; the lists go at PetscFinalize). */
PetscErrorCode RslScenarioRegisterAll(void);
/* The n entries of list in registration order: names (NULL-terminated) and creators; free
 * both with PetscFree. */
PetscErrorCode RslRegistryGet(PetscFunctionList list, PetscInt *n, const char ***names, PetscVoidFunction **create);
