/* io/raster: GDAL raster input. Headers are read by rank 0 and broadcast, so every rank
 * takes the same decision on a bad file (collective errors, no hang); pixel data are read
 * by windows, each rank reading only its block plus halo. Any GDAL driver, VRT mosaics. */
#pragma once
#include "core/rsl.h"

typedef struct {
  PetscInt  nx, ny, nbands;
  double    gt[6];        /* GDAL geotransform */
  char     *crs_wkt;      /* "" when the raster has no CRS */
  PetscBool projected;    /* CRS is projected (not geographic) */
  double    linear_units; /* metres per CRS linear unit (1 for metres), 0 if unknown */
  PetscBool has_nodata;   /* of band 1 */
  double    nodata;
} RslRasterInfo;

/* Read a raster's header (collective). `option` names the option the path came from, for
 * error messages: "-dem: cannot open 'x.tif' as a raster (...)". */
PetscErrorCode RslRasterInfoRead(MPI_Comm comm, const char option[], const char path[], RslRasterInfo *info);
PetscErrorCode RslRasterInfoFree(RslRasterInfo *info);

/* Read band `band` (1-based) over the window of raster pixels [col0, col0+ncols) x
 * [row0, row0+nrows) (row 0 = north) into buf (row-major, nrows x ncols, doubles).
 * Parts of the window outside the raster are filled with `fill`; raster nodata pixels are
 * also set to `fill`. Not collective; returns an error code, never aborts. */
PetscErrorCode RslRasterReadWindow(const char path[], int band, PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, double fill, double *buf);

/* Read band `band` resampled onto a target window given by its geotransform tgt_gt
 * (north-up), ncols x nrows, in CRS tgt_wkt (must match the raster's CRS; reprojection is
 * not done). resampling: "nearest", "bilinear", "average", "mode". Outside/nodata -> fill. */
PetscErrorCode RslRasterReadResampled(const char path[], int band, const double tgt_gt[6], PetscInt ncols, PetscInt nrows, const char resampling[], double fill, double *buf);

/* Write a georeferenced single-band raster from a full array held by one process
 * (type "Byte", "Float32", "Float64"), GeoTIFF tiled+DEFLATE, via tmp name + rename. */
PetscErrorCode RslRasterWrite(const char path[], const char type[], PetscInt ncols, PetscInt nrows, const double gt[6], const char *crs_wkt, PetscBool has_nodata, double nodata, const double *buf);

/* True when both WKTs describe the same CRS (GDAL OSRIsSame). */
PetscBool RslCRSSame(const char *wkt_a, const char *wkt_b);
