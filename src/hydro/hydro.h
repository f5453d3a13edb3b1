/* hydro: land cover -> hydraulic parameters per SWE cell (RslHydro). Owns the class ->
 * parameter tables, their aggregation over the classes present in each cell, the optional
 * soil-texture and Manning rasters. Options are prefixed -hydro_ (plus -landcover_file).
 *
 * Sources of the class fractions per cell (first that applies):
 *   RslHydroSetClassFractions (from segmentation), RslHydroSetClassMap (a class map, e.g.
 *   after a land-use scenario), or -landcover_file FILE (a class raster in the grid's CRS,
 *   any resolution: the fraction of class c in a cell is the share of the valid pixels whose
 *   centres fall in it -- the rule of seg/segment.h; nodata pixels are ignored).
 * -hydro_table FILE.csv (format and sources: input/hydro/README.md) is then required.
 * Without land cover, uniform values: -hydro_manning N, -hydro_impervious F, -hydro_ks K
 * (m/s), -hydro_suction PSI (m), -hydro_moisture_deficit D, -hydro_initial_abstraction IA.
 * Cells without land-cover data take the row of -hydro_nodata_class (default: class 0 if
 * the table has it, else its first row).
 *
 * Aggregation (w_c = area fraction of class c over the cell's pixels with data):
 *   impervious = sum w_c imp_c; manning = (sum w_c / n_c)^-1 (conveyance weighting: patches
 *   side by side pass discharges that add; 0 if a present class has n = 0);
 *   ks, psi_dtheta = means of Ks_c and psi_c*dtheta_c weighted by the pervious area
 *   w_c (1 - imp_c) (0 when the cell has none); initial_abstraction = sum w_c ia_c.
 * Overrides, applied after: -hydro_soil_file FILE (texture codes, the most frequent one per
 *   cell, looked up in -hydro_soil_table FILE, e.g. input/hydro/soil_texture_rawls1983.csv;
 *   moisture deficit = (1 - -hydro_soil_initial_saturation [0.3]) * effective porosity)
 *   replaces ks and psi_dtheta; -hydro_manning_file FILE (area-weighted mean of the valid
 *   pixels) replaces manning. Both rasters must be in the grid's CRS; cells without valid
 *   pixels keep their value.
 * All fields depend only on each cell's pixels: identical for any rank count. */
#pragma once
#include "grid/grid.h"
#include "seg/classmap.h"

typedef struct _p_RslHydro *RslHydro;

PetscErrorCode RslHydroCreate(MPI_Comm comm, RslHydro *hydro);
PetscErrorCode RslHydroSetFromOptions(RslHydro hydro);
/* nclasses dof-1 global Vecs of grid->da1 (fraction of class index k = table class k);
 * referenced until SetUp, not copied. */
PetscErrorCode RslHydroSetClassFractions(RslHydro hydro, PetscInt nclasses, Vec fractions[]);
/* A class map whose rank blocks hold the pixels centred in the rank's grid cells (as made
 * by RslSegment with a grid); 255 = nodata. Referenced until SetUp. */
PetscErrorCode RslHydroSetClassMap(RslHydro hydro, const RslClassMap *map);
/* A class raster (grid CRS, north-up, values 0..254, nodata -> 255) read into a class map
 * whose rank blocks hold the pixels centred in the rank's cells (RslGridPixelBlock): the
 * map -landcover_file gives, and the input of land-use scenarios. Collective. */
PetscErrorCode RslHydroReadClassMap(const RslGrid *grid, const char option[], const char path[], RslClassMap **map);
/* Computes the fields (collective). */
PetscErrorCode RslHydroSetUp(RslHydro hydro, const RslGrid *grid);
/* Borrowed dof-1 global Vecs of grid->da1 (arguments may be NULL). manning is NULL when no
 * source defines it (the solver keeps -swe_manning); the four soil fields are NULL when no
 * source defines infiltration (no losses). */
PetscErrorCode RslHydroGetFields(RslHydro hydro, Vec *manning, Vec *impervious, Vec *ks, Vec *psi_dtheta, Vec *initial_abstraction);
/* After SetUp: the fraction of each class c (0..nclasses-1) of the land cover in every cell
 * (borrowed Vecs of grid->da1; nclasses = 0 without land cover). */
PetscErrorCode RslHydroGetClassFractions(RslHydro hydro, PetscInt *nclasses, const Vec **fractions);
PetscErrorCode RslHydroView(RslHydro hydro, PetscViewer viewer);
PetscErrorCode RslHydroDestroy(RslHydro *hydro);
