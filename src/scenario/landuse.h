/* scenario/landuse: land-use change scenarios applied to a land-cover class map
 * (RslClassMap of seg/classmap.h: uint8 class values, 255 = nodata, any block
 * decomposition), in place, before the hydraulic parameters are computed (RslHydro
 * SetClassMap). The driver writes the modified map (RslClassMapWrite).
 *
 * Options (-scenario_ prefix; components switched on by -scenario_type, see scenario.h, or
 * by giving their option):
 *   -scenario_artificialise_ha X   X ha of agricultural/natural land -> urban classes;
 *   -scenario_zan YEAR             the ZAN trajectory from -scenario_zan_base_year (2021)
 *                                  to YEAR with -scenario_zan_ref_rate R (ha/yr, the
 *                                  territory's 2011-2021 consumption): X = RslZANHectares;
 *   -scenario_desealing_pct Y      Y % of the sealed (impervious, not building) area ->
 *                                  pervious class;
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

typedef struct _p_RslLanduse *RslLanduse;

PetscErrorCode RslLanduseCreate(MPI_Comm comm, RslLanduse *lu);
PetscErrorCode RslLanduseSetFromOptions(RslLanduse lu);
/* True when a land-use component is on. */
PetscErrorCode RslLanduseIsActive(RslLanduse lu, PetscBool *active);
/* Modify map in place (collective over map->comm). */
PetscErrorCode RslLanduseApply(RslLanduse lu, RslClassMap *map);
/* Areas changed by the last Apply (ha). */
PetscErrorCode RslLanduseGetChanges(RslLanduse lu, PetscReal *artificialised_ha, PetscReal *desealed_ha);
PetscErrorCode RslLanduseView(RslLanduse lu, PetscViewer viewer);
PetscErrorCode RslLanduseDestroy(RslLanduse *lu);
