/* scenario/landuse: land-use change scenarios applied to a land-cover class map
 * (RslClassMap of seg/classmap.h: uint8 class values, 255 = nodata, any block
 * decomposition), in place, before the hydraulic parameters are computed (RslHydro
 * SetClassMap). The driver writes the modified map (RslClassMapWrite).
 *
 * What changes is the scenario's land-use components (scenario.h), acting in their
 * registration order on the same map: -scenario_artificialise_ha X (X ha of agricultural/
 * natural land -> urban classes), -scenario_zan YEAR (X from the ZAN law),
 * -scenario_desealing_pct Y (Y % of the sealed, impervious not building, area -> pervious
 * class). This object reads the options they share (-scenario_ prefix):
 *   -scenario_seed N               (default 1) the random draw;
 *   -scenario_nomenclature flair19|naf  default class sets (FLAIR-19 index = code - 1, or
 *                                  the IGN AI codes), each overridable:
 *     -scenario_urban_classes L        urban fabric the growth starts from
 *                                      (flair19: building, impervious, pool, greenhouse);
 *     -scenario_convertible_classes L  agricultural/natural land that may be built
 *                                      (bare soil, forests, brush, vineyard, grass, crops,
 *                                      plowed, clear cut, mixed, ligneous);
 *     -scenario_new_classes L          what a converted pixel becomes (building,
 *                                      impervious: one of them by the pixel's hash);
 *     -scenario_sealed_classes L       what de-sealing removes (impervious surface);
 *     -scenario_desealed_class C       what it becomes (pervious surface).
 * Allocation (artificialisation): urban growth by distance to the existing urban fabric
 * (chessboard distance in pixels, on the whole map): every convertible pixel at distance
 * < K is converted, and at distance K those with the smallest priority hash(seed, global
 * pixel index), K being the smallest distance holding enough convertible pixels; the
 * converted area is round(X ha / pixel area) pixels exactly. De-sealing takes
 * round(Y/100 * sealed pixels) sealed pixels of smallest priority (another hash stream).
 * Both work on the original map (de-sealing never undoes new urban pixels).
 * Everything is computed from global pixel indices with exact integer reductions: the
 * result is identical for any rank count and decomposition. */
#pragma once
#include "seg/classmap.h"
#include "scenario/scenario.h"

typedef struct _p_RslLanduse *RslLanduse;

PetscErrorCode RslLanduseCreate(MPI_Comm comm, RslLanduse *lu);
/* The scenario whose land-use components Apply runs (it must outlive the object). */
PetscErrorCode RslLanduseSetScenario(RslLanduse lu, RslScenario sc);
PetscErrorCode RslLanduseSetFromOptions(RslLanduse lu);
/* True when a land-use component of the scenario is on. */
PetscErrorCode RslLanduseIsActive(RslLanduse lu, PetscBool *active);
/* Modify map in place (collective over map->comm). */
PetscErrorCode RslLanduseApply(RslLanduse lu, RslClassMap *map);
/* Areas changed by the last Apply (ha): by the components that seal land, that unseal it. */
PetscErrorCode RslLanduseGetChanges(RslLanduse lu, PetscReal *artificialised_ha, PetscReal *desealed_ha);
PetscErrorCode RslLanduseView(RslLanduse lu, PetscViewer viewer);
PetscErrorCode RslLanduseDestroy(RslLanduse *lu);
