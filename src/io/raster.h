/* io/raster: GDAL raster input and GeoTIFF output. Headers are read by rank 0 and
 * broadcast, so every rank takes the same decision on a bad file (collective errors, no
 * hang); pixel data are read by windows, each rank reading only its block plus halo. Any
 * GDAL driver, VRT mosaics included. Rows are north-first (row 0 = north), as GDAL reads
 * them; buffers are row-major doubles. */
#pragma once
#include "core/validate.h"

typedef struct {
  PetscInt  nx, ny, nbands;
  double    gt[6];            /* GDAL geotransform ((0,1,0,0,0,1) when the file has none) */
  char     *crs_wkt;          /* "" when the raster has no CRS */
  PetscBool projected;        /* CRS is projected (not geographic) */
  double    linear_units;     /* metres per CRS linear unit (1 for metres), 0 if unknown */
  PetscBool has_nodata;       /* of band 1 */
  double    nodata;
  PetscBool has_geotransform; /* the file carries a geotransform */
} RslRasterInfo;

/* Read a raster's header (collective: rank 0 opens, the result is broadcast). `option`
 * names the option the path came from, for error messages, e.g.
 * "-dem: cannot open 'x.tif' (no such file)" or
 * "-dem: cannot open 'notes.txt' as a raster (not recognized as a supported file format)".
 * Callers check the CRS of secondary inputs against the grid's with RslCRSSame, also
 * collectively (same header on every rank). */
PetscErrorCode RslRasterInfoRead(MPI_Comm comm, const char option[], const char path[], RslRasterInfo *info);
PetscErrorCode RslRasterInfoFree(RslRasterInfo *info);

/* Read band `band` (1-based) over the window of raster pixels [col0, col0+ncols) x
 * [row0, row0+nrows) (row 0 = north) into buf (row-major, nrows x ncols, doubles).
 * Parts of the window outside the raster are filled with `fill`; raster nodata pixels (and
 * NaN or infinite values) are also set to `fill`. Not collective; returns an error code,
 * never aborts. */
PetscErrorCode RslRasterReadWindow(const char path[], int band, PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, double fill, double *buf);

/* An open raster for repeated window reads (e.g. one per tile row): opening a VRT mosaic
 * parses its XML and opens its sources, so a reader of many windows opens it once. Not
 * collective; the read functions behave as RslRasterReadWindow and
 * RslRasterReadResampledWindow (errors returned, never aborts). */
typedef struct _p_RslRaster *RslRaster;
PetscErrorCode RslRasterOpen(const char path[], RslRaster *raster);
PetscErrorCode RslRasterReadWindowFrom(RslRaster raster, int band, PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, double fill, double *buf);
PetscErrorCode RslRasterReadResampledWindowFrom(RslRaster raster, int band, const double grid_gt[6], PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, const char resampling[], double fill, double *buf);
PetscErrorCode RslRasterClose(RslRaster *raster);

/* What a read saw, for the value checks of the validation layer: min and max of the valid
 * pixels (+/-PETSC_MAX_REAL when none), their count, and the counts of NaN and of infinite
 * pixels that are not the raster's declared nodata value (with a NaN nodata, NaN pixels
 * are nodata). Such pixels are read as the fill value, like nodata. */
typedef struct {
  double     min, max;
  PetscInt64 nvalid, nnan, ninf;
} RslRasterStats;

/* Collective reads: every rank of comm reads its own window (empty windows allowed); a
 * failure on any rank stops all of them with "OPTION: reading 'PATH' band B, window ...:
 * GDAL's reason" (a truncated file says so). stats (may be NULL) are reduced over comm. */
PetscErrorCode RslRasterReadWindowAll(MPI_Comm comm, const char option[], const char path[], int band, PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, double fill, double *buf, RslRasterStats *stats);
PetscErrorCode RslRasterReadResampledWindowAll(MPI_Comm comm, const char option[], const char path[], int band, const double grid_gt[6], PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, const char resampling[], double fill, double *buf, RslRasterStats *stats);
/* Collective check of reduced stats: no NaN or infinite pixel that is not nodata, every
 * valid value in r: "OPTION: 'PATH' holds Manning n values down to -0.03; they must be ...". */
PetscErrorCode RslRasterStatsCheck(MPI_Comm comm, const char option[], const char path[], const RslRasterStats *s, const char what[], RslRange r);

/* Read band `band` resampled onto a target window given by its geotransform tgt_gt
 * (north-up), ncols x nrows. The CRS must be the raster's (no reprojection; check it
 * collectively with RslCRSSame first). Both rasters must be north-up (no rotation).
 * resampling, for a target cell whose footprint covers source pixels:
 *   "nearest"  the source pixel containing the target cell centre;
 *   "bilinear" bilinear interpolation of the 4 source pixel centres around the target cell
 *              centre (exact for linear fields), weights renormalised over valid pixels;
 *   "average"  mean of the source pixels weighted by their overlap area with the cell;
 *   "mode"     the value with the largest total overlap area (ties: the smallest value).
 * Nodata/NaN source pixels are ignored; a cell with no valid source gets `fill`, as do cells
 * outside the raster. Each cell's value depends only on its footprint and the source
 * pixels: see RslRasterReadResampledWindow for decomposition-independent reads. */
PetscErrorCode RslRasterReadResampled(const char path[], int band, const double tgt_gt[6], PetscInt ncols, PetscInt nrows, const char resampling[], double fill, double *buf);

/* Same, for the window [col0, col0+ncols) x [row0, row0+nrows) of a target grid whose full
 * geotransform is grid_gt. Cell footprints are computed from global cell indices, so the
 * values are bitwise identical whatever the window (rank count, halo) is. */
PetscErrorCode RslRasterReadResampledWindow(const char path[], int band, const double grid_gt[6], PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, const char resampling[], double fill, double *buf);

/* The GeoTIFF writer (every raster the code writes goes through it): PATH.part.tif is
 * created (tiled 256x256, DEFLATE, BIGTIFF when needed, nbands bands of GDAL type `type`,
 * band-interleaved when nbands > 1, geotransform, CRS, nodata on every band), windows are
 * written into it, and RslRasterFinish renames it to PATH, so a file under its final name is
 * complete (DESIGN invariant 6). Not collective: one process per file. */
typedef struct _p_RslRasterOut *RslRasterOut;
PetscErrorCode RslRasterCreate(const char path[], const char type[], PetscInt ncols, PetscInt nrows, PetscInt nbands, const double gt[6], const char *crs_wkt, PetscBool has_nodata, double nodata, RslRasterOut *out);
/* All bands over the window [col0, col0+ncols) x [row0, row0+nrows) from buf, band-major
 * (nbands x nrows x ncols) of GDAL type buftype ("Byte", "Float64", ...); values are rounded
 * and clamped to integer file types. */
PetscErrorCode RslRasterWriteWindow(RslRasterOut out, PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, const char buftype[], const void *buf);
/* The overview levels of a mosaic of nx x ny pixels (a VRT of per-rank blocks): those GDAL's
 * COG driver gives the whole, halving until the larger side fits in 256 pixels; returns their
 * number n (<= 40) and the factors f[0..n-1] = 2, 4, ... */
int RslRasterOverviewFactors(PetscInt nx, PetscInt ny, int f[40]);
/* Internal overviews at those levels of one piece of such a mosaic, so that every piece has
 * the same levels and the VRT, listing them (<OverviewList>), draws at every scale in QGIS.
 * resampling: GDAL's name ("MODE", "AVERAGE"). */
PetscErrorCode RslRasterBuildOverviews(RslRasterOut out, const char resampling[], PetscInt nx, PetscInt ny);
/* Close (flush) and rename to PATH when ok, else remove the temporary file; an error when
 * the flush or the rename fails. */
PetscErrorCode RslRasterFinish(RslRasterOut *out, PetscBool ok);

/* A georeferenced single-band raster from a full array held by one process (doubles,
 * written as `type`): RslRasterCreate + RslRasterWriteWindow + RslRasterFinish. */
PetscErrorCode RslRasterWrite(const char path[], const char type[], PetscInt ncols, PetscInt nrows, const double gt[6], const char *crs_wkt, PetscBool has_nodata, double nodata, const double *buf);

/* GDALAllRegister once per process (for modules that call GDAL or OGR themselves). */
void RslGDALRegister(void);

/* True when both WKTs (or any GDAL user input, "EPSG:2154") describe the same CRS
 * (GDAL OSRIsSame); two empty CRSs are the same, an empty and a non-empty one are not. */
PetscBool RslCRSSame(const char *wkt_a, const char *wkt_b);
