/* scenario component "desealing": -scenario_desealing_pct Y % of the sealed area of the
 * original map (-scenario_sealed_classes) turned into -scenario_desealed_class: the
 * round(Y/100 * sealed pixels) sealed pixels of smallest priority (a hash stream of its own),
 * so it never undoes new urban pixels. */
#include "scenario/scenario_impl.h"
#include <math.h>

static PetscErrorCode Options(RslScenarioComponent c, PetscOptionItems *PetscOptionsObject)
{
  PetscReal *pct = (PetscReal *)c->data;

  PetscFunctionBegin;
  PetscCall(PetscOptionsReal("-scenario_desealing_pct", "Percentage of the sealed area to de-seal", "scenario_desealing.c", *pct, pct, &c->given));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetUp(RslScenarioComponent c)
{
  PetscReal pct = *(PetscReal *)c->data;

  PetscFunctionBegin;
  RSLCHECK(c->sc->comm, c->given && pct >= 0 && pct <= 100, "-scenario_desealing_pct: %s", c->given ? "must be in [0, 100]" : "required by -scenario_type desealing");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Landuse(RslScenarioComponent c, RslLanduseMap *m)
{
  PetscInt   xs, ys, xm, ym, nk = 0;
  PetscInt64 total = 0, need;
  uint64_t  *keys, T = 0;

  PetscFunctionBegin;
  PetscCall(DMDAGetCorners(m->da, &xs, &ys, NULL, &xm, &ym, NULL));
  PetscCall(PetscMalloc1(xm * ym, &keys));
  for (PetscInt j = ys; j < ys + ym; j++)
    for (PetscInt i = xs; i < xs + xm; i++)
      if (m->sealed[(int)m->orig[j][i]]) keys[nk++] = RslLanduseKey(m->seed, 2, (uint64_t)j * m->nx + i, m->idxbits);
  total = nk;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPIU_INT64, MPI_SUM, m->comm));
  need = (PetscInt64)llround(*(PetscReal *)c->data / 100.0 * (double)total);
  if (need > 0) {
    PetscCall(RslLanduseThreshold(m->comm, nk, keys, need, &T));
    for (PetscInt j = ys; j < ys + ym; j++)
      for (PetscInt i = xs; i < xs + xm; i++)
        if (m->sealed[(int)m->orig[j][i]] && RslLanduseKey(m->seed, 2, (uint64_t)j * m->nx + i, m->idxbits) <= T) m->c[j][i] = m->desealed;
  }
  PetscCall(PetscFree(keys));
  c->changed_ha = need * m->pixel_ha;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View(RslScenarioComponent c, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "desealing: %.6g %% of the sealed area, %.6g ha done\n", (double)*(PetscReal *)c->data, (double)c->changed_ha));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslScenarioCreate_desealing(RslScenarioComponent c)
{
  PetscReal *pct;

  PetscFunctionBegin;
  PetscCall(PetscNew(&pct));
  c->data    = pct;
  c->title   = "Land-use change: de-sealing";
  c->sealing = -1;
  c->ops     = (RslScenarioOps){.options = Options, .setup = SetUp, .landuse = Landuse, .view = View};
  PetscFunctionReturn(PETSC_SUCCESS);
}
