/* io/gdal_util: private helpers shared by the GDAL readers (not part of the public API). */
#pragma once
#include "io/raster.h"
#include <gdal.h>

/* Open path read-only as a raster, GDAL errors silenced and returned as a PETSc error. */
PetscErrorCode RslGDALOpen(const char path[], GDALDatasetH *ds);
/* RslRasterReadWindow on an already open dataset; adds what it saw to st (may be NULL). */
PetscErrorCode RslGDALReadWindow(GDALDatasetH ds, const char path[], int band, PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, double fill, double *buf, RslRasterStats *st);
/* Empty stats (min +max, max -max, counts 0). */
void RslRasterStatsInit(RslRasterStats *st);
/* RslRasterReadResampledWindow on an already open dataset; the source pixels read go to st. */
PetscErrorCode RslResampleOpen(GDALDatasetH ds, const char path[], int band, const double grid_gt[6], PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, const char resampling[], double fill, double *buf, RslRasterStats *st);
