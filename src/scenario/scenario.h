/* scenario: what a "scenario" changes with respect to today, as a list of components
 * (-scenario_type) each modifying the rain intensities or the land use. The object reads
 * -scenario_type and every component's options once (RslScenarioSetFromOptions); the rain
 * (rain.h: RslRainSetScenario) and the land-use change (landuse.h: RslLanduseSetScenario)
 * take what they need from it. Options are prefixed -scenario_.
 *
 * Components are a registry (PetscFunctionList, RslScenarioRegister), one file each:
 *   climate        scenario_climate.c        factor on rain intensities (1 + rate)^dT
 *   artificialise  scenario_artificialise.c  X ha of agricultural/natural land -> urban
 *   zan            scenario_zan.c            the same, X from the ZAN law
 *   desealing      scenario_desealing.c      Y % of the sealed area -> pervious
 * They act in this (registration) order. Their formulas and options are in their files;
 * docs/user-guide.md lists the options and docs/developer.md how to add one.
 *
 * -scenario_type LIST (comma-separated registered names, or none): exactly the listed
 * components are on (so members of an ensemble can share an options file); without it,
 * the components whose main option is given (-scenario_warming, -scenario_artificialise_ha,
 * -scenario_zan, -scenario_desealing_pct). Unknown names: collective error. Every
 * component's options are read whether it is on or not (-help lists them; an options file
 * may hold them all). -scenario_view [VIEWER]: RslScenarioViewFromOptions prints the
 * components on and what they change. (Ensemble members each read their own copy of the
 * options: app/ensemble.c.) */
#pragma once
#include "core/rsl.h"

typedef struct _p_RslScenario          *RslScenario;
typedef struct _p_RslScenarioComponent *RslScenarioComponent;

/* Add a component to the registry: create fills the component's operations
 * (scenario_impl.h). The built-in ones (registry.c) are registered on the first
 * RslScenarioCreate. */
PetscErrorCode RslScenarioRegister(const char name[], PetscErrorCode (*create)(RslScenarioComponent));
PetscErrorCode RslScenarioCreate(MPI_Comm comm, RslScenario *sc);
PetscErrorCode RslScenarioSetFromOptions(RslScenario sc);
/* The factor on rain intensities: the product of the components' (1 when none is on). */
PetscErrorCode RslScenarioGetRainFactor(RslScenario sc, PetscReal *factor);
PetscErrorCode RslScenarioView(RslScenario sc, PetscViewer viewer);
/* View with the viewer of -scenario_view, when given (collective). */
PetscErrorCode RslScenarioViewFromOptions(RslScenario sc);
PetscErrorCode RslScenarioDestroy(RslScenario *sc);
