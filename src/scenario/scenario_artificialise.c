/* scenario component "artificialise": -scenario_artificialise_ha X hectares of agricultural/
 * natural land turned into urban classes next to the existing urban fabric (allocation in
 * landuse.h, RslLanduseGrow). */
#include "scenario/scenario_impl.h"

static PetscErrorCode Options(RslScenarioComponent c, PetscOptionItems *PetscOptionsObject)
{
  PetscReal *ha = (PetscReal *)c->data;

  PetscFunctionBegin;
  PetscCall(PetscOptionsReal("-scenario_artificialise_ha", "Hectares of agricultural/natural land to urbanise next to the urban fabric", "scenario_artificialise.c", *ha, ha, &c->given));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetUp(RslScenarioComponent c)
{
  PetscReal *ha = (PetscReal *)c->data;
  PetscBool  zan;

  PetscFunctionBegin;
  PetscCall(RslScenarioIsOn(c->sc, "zan", &zan));
  RSLCHECK(c->sc->comm, !zan, "-scenario_artificialise_ha and -scenario_zan: give one of them");
  RSLCHECK(c->sc->comm, c->given && *ha >= 0, "-scenario_artificialise_ha: %s", c->given ? "must be >= 0" : "required by -scenario_type artificialise");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Landuse(RslScenarioComponent c, RslLanduseMap *m)
{
  PetscFunctionBegin;
  PetscCall(RslLanduseGrow(m, *(PetscReal *)c->data, &c->changed_ha));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View(RslScenarioComponent c, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "artificialise: %.6g ha requested, %.6g ha done\n", (double)*(PetscReal *)c->data, (double)c->changed_ha));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslScenarioCreate_artificialise(RslScenarioComponent c)
{
  PetscReal *ha;

  PetscFunctionBegin;
  PetscCall(PetscNew(&ha));
  c->data    = ha;
  c->alias   = "artificialisation";
  c->title   = "Land-use change: artificialisation";
  c->sealing = 1;
  c->ops     = (RslScenarioOps){.options = Options, .setup = SetUp, .landuse = Landuse, .view = View};
  PetscFunctionReturn(PETSC_SUCCESS);
}
