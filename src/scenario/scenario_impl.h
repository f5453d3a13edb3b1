/* scenario internals: what a component is (scenario.c, scenario_*.c, landuse.c). */
#pragma once
#include "scenario/scenario.h"
#include "scenario/landuse_impl.h"

typedef struct {
  /* read the component's options (inside PetscOptionsBegin/End, titled c->title, whether
   * the component is on or not); set c->given when its main option is given */
  PetscErrorCode (*options)(RslScenarioComponent c, PetscOptionItems *PetscOptionsObject);
  /* the component is on: check its options, compute what it changes (c->rain_factor, the
   * hectares it asks for); may look at the other components (RslScenarioIsOn) */
  PetscErrorCode (*setup)(RslScenarioComponent c);
  /* a land-use change: modify the map (landuse_impl.h), set c->changed_ha */
  PetscErrorCode (*landuse)(RslScenarioComponent c, RslLanduseMap *map);
  PetscErrorCode (*view)(RslScenarioComponent c, PetscViewer viewer);
} RslScenarioOps;

struct _p_RslScenarioComponent {
  char           name[32];
  const char    *alias;       /* another accepted name in -scenario_type, or NULL */
  const char    *title;       /* title of its options in -help */
  RslScenario    sc;
  PetscBool      given, on;
  void          *data;        /* freed with PetscFree */
  PetscReal      rain_factor; /* factor on rain intensities (1: none) */
  int            sealing;     /* land-use change: +1 seals land (artificialised_ha), -1 unseals it (desealed_ha) */
  PetscReal      changed_ha;  /* achieved by the last RslLanduseApply */
  RslScenarioOps ops;
};

struct _p_RslScenario {
  MPI_Comm              comm;
  PetscInt              n;
  RslScenarioComponent *c; /* registration order: the order they act in */
  PetscReal             rain_factor;
  PetscViewer           viewer; /* -scenario_view */
  PetscViewerFormat     format;
};

/* Whether component `name` is on. */
PetscErrorCode RslScenarioIsOn(RslScenario sc, const char name[], PetscBool *on);
