/* scenario component "zan": the artificialisation the ZAN law allows (zéro artificialisation
 * nette; loi n° 2021-1104 du 22 août 2021 "Climat et Résilience", art. 191 & 194): land
 * consumption over 2021-2031 at most half that of 2011-2021, net zero from 2050. The law
 * leaves 2031-2050 to the regional plans (SRADDET); we use the common assumption of halving
 * again each decade. With R the territory's mean 2011-2021 consumption (ha/yr,
 * -scenario_zan_ref_rate), the annual rate is
 *   R/2 over [2021,2031), R/4 over [2031,2041), R/8 over [2041,2050), 0 from 2050 (R before
 *   2021),
 * integrated from -scenario_zan_base_year (default 2021, the year of the land-cover map) to
 * the target year -scenario_zan YEAR (its main option); the hectares are then allocated as
 * the artificialise component's (RslLanduseGrow). */
#include "scenario/scenario_impl.h"

typedef struct {
  PetscReal year, ref_rate, base_year, ha;
  PetscBool has_ref;
} ZAN;

/* Hectares artificialised from base_year to year under the law above (0 when year <= base_year). */
static double Hectares(double R, double base_year, double year)
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

static PetscErrorCode Options(RslScenarioComponent c, PetscOptionItems *PetscOptionsObject)
{
  ZAN *z = (ZAN *)c->data;

  PetscFunctionBegin;
  PetscCall(PetscOptionsReal("-scenario_zan", "ZAN trajectory up to this year (loi Climat et Résilience 2021)", "scenario_zan.c", z->year, &z->year, &c->given));
  PetscCall(PetscOptionsReal("-scenario_zan_ref_rate", "The territory's 2011-2021 land consumption (ha/yr)", "scenario_zan.c", z->ref_rate, &z->ref_rate, &z->has_ref));
  PetscCall(PetscOptionsReal("-scenario_zan_base_year", "Year of the land-cover map", "scenario_zan.c", z->base_year, &z->base_year, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetUp(RslScenarioComponent c)
{
  ZAN *z = (ZAN *)c->data;

  PetscFunctionBegin;
  RSLCHECK(c->sc->comm, c->given && z->has_ref && z->ref_rate >= 0, "-scenario_zan YEAR needs -scenario_zan_ref_rate HA_PER_YEAR >= 0 (the territory's 2011-2021 consumption)");
  z->ha = Hectares(z->ref_rate, z->base_year, z->year);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Landuse(RslScenarioComponent c, RslLanduseMap *m)
{
  PetscFunctionBegin;
  PetscCall(RslLanduseGrow(m, ((ZAN *)c->data)->ha, &c->changed_ha));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View(RslScenarioComponent c, PetscViewer v)
{
  ZAN *z = (ZAN *)c->data;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "zan: %.6g to %.6g at %.6g ha/yr (2011-2021): %.6g ha requested, %.6g ha done\n", (double)z->base_year, (double)z->year, (double)z->ref_rate, (double)z->ha, (double)c->changed_ha));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslScenarioCreate_zan(RslScenarioComponent c)
{
  ZAN *z;

  PetscFunctionBegin;
  PetscCall(PetscNew(&z));
  z->base_year = 2021;
  c->data      = z;
  c->title     = "Land-use change: ZAN trajectory";
  c->sealing   = 1;
  c->ops       = (RslScenarioOps){.options = Options, .setup = SetUp, .landuse = Landuse, .view = View};
  PetscFunctionReturn(PETSC_SUCCESS);
}
