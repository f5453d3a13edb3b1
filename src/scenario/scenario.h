/* scenario: what a "scenario" changes with respect to today — the list of scenario
 * components (-scenario_type), the 2050 climate factor on rain intensities and the ZAN
 * land-consumption law. The rain forcing (rain.h) and the land-use change (landuse.h)
 * read these; nothing else does. Options are prefixed -scenario_.
 *
 * Climate factor (applied to rain intensities exactly once, in RslRainGetRate):
 *   factor = (1 + rate)^dT
 *   rate: -scenario_cc_rate, default 0.07 /°C (Clausius-Clapeyron: saturation vapour
 *         pressure +6-7 %/°C; Trenberth et al. 2003, BAMS 84:1205). Sub-daily extremes can
 *         scale at about twice that, "super-CC" 0.14 /°C (Lenderink & van Meijgaard 2008,
 *         Nat. Geosci. 1:511): -scenario_cc_rate 0.14.
 *   dT:   -scenario_warming DT (°C, warming of the scenario relative to the climate the rain
 *         input represents). Default when the "climate" component is on:
 *         -scenario_warming_level (2.7 °C, France's reference warming trajectory TRACC for
 *         2050 vs pre-industrial 1900-1930; Ministère de la Transition écologique, 2023/2024)
 *         minus -scenario_warming_ref (1.7 °C, warming France had already reached around
 *         2020, the present climate of observed rain and IDF statistics; Météo-France /
 *         TRACC), i.e. dT = 1.0 °C for "2050 vs today".
 * The climate component is on when -scenario_type lists "climate", or, without
 * -scenario_type, when -scenario_warming is given; -scenario_warming 0 gives factor 1
 * exactly.
 *
 * ZAN (zéro artificialisation nette), loi n° 2021-1104 du 22 août 2021 "Climat et
 * Résilience", art. 191 & 194: land consumption over 2021-2031 at most half that of
 * 2011-2021, net zero from 2050. The law leaves 2031-2050 to the regional plans (SRADDET);
 * we use the common assumption of halving again each decade. With R the territory's mean
 * 2011-2021 consumption (ha/yr, -scenario_zan_ref_rate), the annual rate is
 *   R/2 over [2021,2031), R/4 over [2031,2041), R/8 over [2041,2050), 0 from 2050,
 * and RslZANHectares integrates it from -scenario_zan_base_year (default 2021, the year of
 * the land-cover map) to the target year -scenario_zan YEAR. */
#pragma once
#include "core/rsl.h"

typedef struct {
  PetscBool climate, artificialise, zan, desealing;
} RslScenarioTypes;

/* -scenario_type LIST (comma-separated: none, climate, artificialise, zan, desealing):
 * exactly the listed components are on (so members of an ensemble can share an options
 * file); without it, the components whose options are given. Unknown names: collective
 * error. (Ensemble members each read their own copy of the options: app/ensemble.c.) */
PetscErrorCode RslScenarioGetTypes(MPI_Comm comm, RslScenarioTypes *types);
/* The climate factor from the options (1 when the climate component is off); dT and rate
 * may be NULL. */
PetscErrorCode RslScenarioClimateFactor(MPI_Comm comm, PetscReal *factor, PetscReal *dT, PetscReal *rate);
/* Hectares artificialised from base_year to year under the ZAN law above (0 when
 * year <= base_year). */
double RslZANHectares(double ref_rate_ha_per_year, double base_year, double year);
