#define _POSIX_C_SOURCE 200809L /* strtok_r */
/* scenario: the object over the registered components (scenario.h). */
#include "scenario/scenario_impl.h"
#include "scenario/registry.h"
#include <string.h>

PetscErrorCode RslScenarioRegister(const char name[], PetscErrorCode (*create)(RslScenarioComponent))
{
  PetscFunctionBegin;
  PetscCall(RslScenarioRegisterAll());
  PetscCall(PetscFunctionListAdd(&RslScenarioComponentList, name, create));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslScenarioCreate(MPI_Comm comm, RslScenario *scenario)
{
  RslScenario        sc;
  const char       **names;
  PetscVoidFunction *create;
  PetscInt           n;

  PetscFunctionBegin;
  PetscCall(RslScenarioRegisterAll());
  PetscCall(PetscNew(&sc));
  sc->comm        = comm;
  sc->rain_factor = 1.0;
  PetscCall(RslRegistryGet(RslScenarioComponentList, &n, &names, &create));
  PetscCall(PetscCalloc1(n, &sc->c));
  for (PetscInt k = 0; k < n; k++) {
    RslScenarioComponent c;
    PetscCall(PetscNew(&c));
    sc->c[sc->n++] = c;
    PetscCall(PetscStrncpy(c->name, names[k], sizeof c->name));
    c->sc          = sc;
    c->rain_factor = 1.0;
    PetscCall(((PetscErrorCode(*)(RslScenarioComponent))create[k])(c));
  }
  PetscCall(PetscFree(names));
  PetscCall(PetscFree(create));
  *scenario = sc;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* "none, climate, ..." */
static PetscErrorCode Names(RslScenario sc, char *buf, size_t len)
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(buf, "none", len));
  for (PetscInt k = 0; k < sc->n; k++) {
    PetscCall(PetscStrlcat(buf, ", ", len));
    PetscCall(PetscStrlcat(buf, sc->c[k]->name, len));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Find(RslScenario sc, const char name[], RslScenarioComponent *c)
{
  PetscFunctionBegin;
  *c = NULL;
  for (PetscInt k = 0; k < sc->n && !*c; k++)
    if (!strcmp(name, sc->c[k]->name) || (sc->c[k]->alias && !strcmp(name, sc->c[k]->alias))) *c = sc->c[k];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslScenarioSetFromOptions(RslScenario sc)
{
  MPI_Comm  comm      = sc->comm;
  char      list[256] = "", names[256], help[320], view[PETSC_MAX_PATH_LEN] = "", *tok, *save = NULL;
  PetscBool given, viewset;

  PetscFunctionBegin;
  PetscCall(Names(sc, names, sizeof names));
  PetscCall(PetscSNPrintf(help, sizeof help, "Scenario components, comma-separated: %s", names));
  PetscCall(PetscViewerDestroy(&sc->viewer));
  PetscOptionsBegin(comm, NULL, "Scenario components", "scenario");
  PetscCall(PetscOptionsString("-scenario_type", help, "RslScenarioSetFromOptions", list, list, sizeof list, &given));
  PetscCall(PetscOptionsString("-scenario_view", "Print the scenario: components on and what they change (ASCII viewer: stdout, or :FILE)", "RslScenarioView", view, view, sizeof view, &viewset));
  PetscOptionsEnd();
  if (viewset) PetscCall(PetscOptionsGetViewer(comm, NULL, NULL, "-scenario_view", &sc->viewer, &sc->format, NULL));
  for (PetscInt k = 0; k < sc->n; k++) {
    RslScenarioComponent c = sc->c[k];
    PetscOptionsBegin(comm, NULL, c->title, "scenario");
    PetscCall(c->ops.options(c, PetscOptionsObject));
    PetscOptionsEnd();
    c->on = c->given;
  }
  if (given) {
    for (PetscInt k = 0; k < sc->n; k++) sc->c[k]->on = PETSC_FALSE;
    for (tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
      RslScenarioComponent c;
      if (!strcmp(tok, "none") || !strcmp(tok, "today")) continue;
      PetscCall(Find(sc, tok, &c));
      RSLCHECK(comm, c, "-scenario_type: unknown scenario '%s' (expected a comma-separated list of %s)", tok, names);
      c->on = PETSC_TRUE;
    }
  }
  sc->rain_factor = 1.0;
  for (PetscInt k = 0; k < sc->n; k++) {
    RslScenarioComponent c = sc->c[k];
    if (!c->on) continue;
    if (c->ops.setup) PetscCall(c->ops.setup(c));
    sc->rain_factor *= c->rain_factor;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslScenarioIsOn(RslScenario sc, const char name[], PetscBool *on)
{
  RslScenarioComponent c;

  PetscFunctionBegin;
  PetscCall(Find(sc, name, &c));
  *on = (PetscBool)(c && c->on);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslScenarioGetRainFactor(RslScenario sc, PetscReal *factor)
{
  PetscFunctionBegin;
  *factor = sc->rain_factor;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslScenarioView(RslScenario sc, PetscViewer viewer)
{
  char      on[256] = "";
  PetscBool ascii;

  PetscFunctionBegin;
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(sc->comm, &viewer));
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &ascii));
  if (!ascii) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < sc->n; k++)
    if (sc->c[k]->on) {
      if (on[0]) PetscCall(PetscStrlcat(on, ", ", sizeof on));
      PetscCall(PetscStrlcat(on, sc->c[k]->name, sizeof on));
    }
  PetscCall(PetscViewerASCIIPrintf(viewer, "Scenario: %s\n", on[0] ? on : "none (today)"));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  for (PetscInt k = 0; k < sc->n; k++)
    if (sc->c[k]->on) PetscCall(sc->c[k]->ops.view(sc->c[k], viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "factor on rain intensities %.17g\n", (double)sc->rain_factor));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslScenarioViewFromOptions(RslScenario sc)
{
  PetscFunctionBegin;
  if (!sc->viewer) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscViewerPushFormat(sc->viewer, sc->format));
  PetscCall(RslScenarioView(sc, sc->viewer));
  PetscCall(PetscViewerPopFormat(sc->viewer));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslScenarioDestroy(RslScenario *sc)
{
  PetscFunctionBegin;
  if (!*sc) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < (*sc)->n; k++) {
    PetscCall(PetscFree((*sc)->c[k]->data));
    PetscCall(PetscFree((*sc)->c[k]));
  }
  PetscCall(PetscFree((*sc)->c));
  PetscCall(PetscViewerDestroy(&(*sc)->viewer));
  PetscCall(PetscFree(*sc));
  PetscFunctionReturn(PETSC_SUCCESS);
}
