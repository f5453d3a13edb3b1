/* seg/classmap: a georeferenced uint8 raster (class map, probabilities, change map)
 * distributed over the ranks of a communicator as one rectangular block per rank, its
 * collective writer, and the class counts per SWE cell.
 *
 * Writing, through the GeoTIFF writer of io/raster.h (tiled 256x256, DEFLATE, BIGTIFF if
 * needed, PATH.part.tif renamed on success: DESIGN invariant 6):
 *   PATH.vrt  every rank writes its block to PATH-without-.vrt_blocks/block_RANK.tif (its
 *             own georeferencing), then rank 0 writes the VRT mosaic listing them: no data
 *             through rank 0 (France scale);
 *   other     one GeoTIFF: rank 0 receives the raster strip by strip (256 rows, one row of
 *             GeoTIFF tiles, rows as MPI types of each sender's row length) and writes it.
 * A failure is a collective error on every rank. */
#pragma once
#include "core/rsl.h"
#include "grid/grid.h"

typedef struct {
  MPI_Comm       comm;
  PetscInt       nx, ny, nbands; /* global raster */
  PetscInt       c0, r0, nc, nr; /* this rank's block: columns [c0,c0+nc), rows [r0,r0+nr), row 0 = north */
  double         gt[6];
  char          *crs_wkt;
  unsigned char *data; /* nbands x nr x nc, band-major */
} RslClassMap;

/* Blocks of all ranks must tile the raster exactly (empty blocks allowed). */
PetscErrorCode RslClassMapCreate(MPI_Comm comm, PetscInt nx, PetscInt ny, PetscInt nbands, PetscInt c0, PetscInt r0, PetscInt nc, PetscInt nr, const double gt[6], const char *crs_wkt, RslClassMap **map);
PetscErrorCode RslClassMapDestroy(RslClassMap **map);
/* Collective write (see above); `option` names the option the path came from, for errors.
 * has_nodata/nodata are set on every band. */
PetscErrorCode RslClassMapWrite(const RslClassMap *map, const char option[], const char path[], PetscBool has_nodata, double nodata);
/* The form RslClassMapWrite gives `path`: per-rank blocks + a VRT (PATH ends in .vrt), else
 * one GeoTIFF. */
PetscBool RslClassMapPathIsBlocks(const char path[]);

/* Land cover per SWE cell, the one computation the seg and hydro stages share: w (owned
 * cells x nclasses, cell-major, zeroed by the caller) += the number of pixels of each class
 * whose centre falls in the cell. The map's blocks must be the grid's pixel blocks
 * (RslGridPixelBlock), so no pixel of an owned cell is on another rank; nodata (255) and
 * pixels outside the grid are not counted. Classes >= nclasses are an error. */
PetscErrorCode RslClassMapCountCells(const RslClassMap *map, const RslGrid *grid, PetscInt nclasses, double *w);
/* Per-cell weights (pixel counts or fractions, as above) -> nclasses new global Vecs of
 * grid->da1: w[c] / sum(w) in each owned cell, 0 where the sum is 0. Free with
 * VecDestroyVecs(nclasses, fractions). */
PetscErrorCode RslCellFractions(const RslGrid *grid, PetscInt nclasses, const double *w, Vec **fractions);
