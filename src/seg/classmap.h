/* seg/classmap: a georeferenced uint8 raster (class map, probabilities, change map)
 * distributed over the ranks of a communicator as one rectangular block per rank, and its
 * collective GeoTIFF writer.
 *
 * Writing: rank 0 creates PATH.part.tif (tiled 256x256, DEFLATE, BIGTIFF if needed); the
 * raster is then gathered to rank 0 strip by strip (256 rows, one row of GeoTIFF tiles:
 * every tile is written once and rank 0 holds only one strip), and the file is renamed to
 * PATH on success (DESIGN invariant 6). A failure is a collective error on every rank. */
#pragma once
#include "core/rsl.h"

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
