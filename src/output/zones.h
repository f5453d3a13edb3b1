/* output/zones: indicators per zone of a polygon layer — communes, IRIS, catchments: any OGR
 * vector source (GeoPackage, shapefile, GeoJSON, PostGIS, ...) in any CRS GDAL can
 * transform to the grid's. Options:
 *   -zones FILE                  the vector source (nothing happens without it)
 *   -zones_field NAME            attribute naming each zone (e.g. INSEE_COM); features
 *                                sharing a value form one zone (multi-part communes)
 *   -zones_layer NAME            layer (default: the first one)
 *   -zones_artificial_classes L  land-cover classes counted as artificialised (ZAN
 *                                accounting: OCS GE cover CS1.1.*, "surfaces anthropisées";
 *                                default FLAIR-19 0,1,2,12,17 = building, pervious and
 *                                impervious surfaces, swimming pool, greenhouse; IGN AI
 *                                "naf" codes: 1,2,3,4)
 *
 * Rasterisation: rank 0 reads the features whose extent meets the grid's (transformed to
 * the layer's CRS), transforms them to the grid's CRS and broadcasts them; every rank then
 * burns the polygons touching its own block into a block-sized in-memory raster
 * (GDALRasterizeGeometries, a cell belongs to the polygon containing its centre, the later
 * feature winning where polygons overlap). Map coordinates go to block pixel coordinates
 * as the global pixel coordinate minus the block's integer offset, which is exact, so a
 * cell gets the same zone for any rank count. Zones are ordered by their id (byte order);
 * zones that contain no cell centre of the grid are dropped.
 *
 * Sums per zone are exact: every cell value is rounded once to a multiple of 2^-s (s from
 * the largest value, so that nothing overflows) and added in 128-bit integers, whose
 * addition is associative: the totals are bitwise identical for any rank count and equal
 * the correctly rounded sum of the cell values.
 *
 * Result (RslZonesWrite), in the HDF5 file: /zones/id (fixed-length UTF-8 strings, one per
 * zone) and /zones/table (one row per zone, attribute `columns`, see RSL_ZONES_COLUMNS),
 * /zones attributes source, layer, field, artificial_classes, hazard_threshold,
 * cells_outside (active cells in no zone). */
#pragma once
#include "grid/grid.h"
#include "io/h5out.h"
#include "seg/classmap.h"

/* Columns of /zones/table: active cells and their area; area whose maximum depth exceeded
 * the flood threshold (-hazard_threshold, m) and the area of each hazard class of
 * /max/hazard (1 faible .. 4 tres fort); largest maximum depth and largest max h|u|;
 * earliest arrival time (s; NaN when never flooded); water stored at the end; rain,
 * losses (infiltration + initial abstraction), net runoff production = rain - losses
 * (negative where run-on from upstream infiltrates) and its ratio to the rain; the
 * artificialised area of the run's land cover, of the land cover before the scenario's
 * land-use change, and the change. A quantity whose source dataset is absent is NaN. */
#define RSL_ZONES_COLUMNS \
  "cells,area_m2,flooded_area_m2,hazard_faible_m2,hazard_modere_m2,hazard_fort_m2,hazard_tres_fort_m2," \
  "max_depth_m,max_hv_m2s,first_arrival_s,volume_m3,rain_m3,losses_m3,net_runoff_m3,net_runoff_coefficient," \
  "artificialised_m2,artificialised_base_m2,artificialised_change_m2"

typedef struct _p_RslZones *RslZones;

PetscErrorCode RslZonesCreate(MPI_Comm comm, RslZones *zones);
PetscErrorCode RslZonesSetFromOptions(RslZones zones);
/* True when -zones was given. */
PetscErrorCode RslZonesIsActive(RslZones zones, PetscBool *active);
/* Read, transform and rasterise the zones on the grid (collective; the grid must outlive
 * the object). Errors name the option and the file. */
PetscErrorCode RslZonesSetUp(RslZones zones, const RslGrid *grid);
/* Count the artificialised pixels of a land-cover map per zone (blocks as made by
 * RslHydroReadClassMap: pixels centred in this rank's cells): base = PETSC_TRUE for the map
 * before the scenario's land-use change, PETSC_FALSE for the map the run uses. */
PetscErrorCode RslZonesCountLandCover(RslZones zones, const RslClassMap *map, PetscBool base);
/* Per-zone indicators from the result file's own datasets (/fields/h, /max/h, /max/hv,
 * /max/hazard, /timing/arrival, /fields/rain, /fields/losses; absent ones give NaN
 * columns) on the active cells (z != nodata), written to /zones. Collective. */
PetscErrorCode RslZonesWrite(RslZones zones, RslH5 out, Vec z, double nodata, double flood_threshold);
PetscErrorCode RslZonesView(RslZones zones, PetscViewer viewer);
PetscErrorCode RslZonesDestroy(RslZones *zones);
