/* seg/segment: the segmentation stage (RslSegment) — aerial imagery -> land-cover class
 * map with the U-Net of seg/model.h, tiled on the GLOBAL pixel grid so the result does not
 * depend on the rank count, and the fraction of each class per SWE cell.
 *
 * Owns: imagery access (GDAL, any format or VRT; bands selected/reordered; optional nDSM
 * band from DSM - DTM rasters), normalisation, tiling with margins, batching, argmax and
 * softmax, the per-rank image blocks, the class-map / probability GeoTIFFs, class
 * fractions per cell. Does not own the network (seg/model.h).
 *
 * Tiling: tile k along an axis covers pixels [k*s - m, k*s - m + T) with s = T - 2m (T =
 * -seg_tile, m = -seg_margin); only its centre [k*s, (k+1)*s) is kept. Pixels outside the
 * image are zero after normalisation (the band means). Each tile is computed once, by the
 * rank holding its centre's first pixel, which sends the other ranks their part of the
 * centre (seg/tiling.h); a tile whose centre has no pixel with data is not computed.
 *
 * Decomposition: with a grid (RslSegmentSetGrid), each rank's image block is the set of
 * pixels whose centres fall in its DMDA cells (the outermost ranks also take the image
 * beyond the DEM: nodata with RslSegmentSetDomain), so class fractions need no
 * communication; without a grid, a 2D split of the image.
 *
 * Options: -seg_image FILE, -seg_bands 1,2,3,4,5, -seg_ndsm_dsm FILE -seg_ndsm_dtm FILE
 * [-seg_ndsm_scale 5 (units per metre)], -seg_mean m1,..,m5, -seg_std s1,..,s5 (FLAIR
 * defaults), -seg_tile 512, -seg_margin 128, -seg_batch 1, -seg_output FILE.tif,
 * -seg_probabilities FILE.tif (FILE.vrt: per-rank blocks, seg/classmap.h), and the model's (seg/model.h: -seg_arch, -seg_classes,
 * -seg_width_mult, -seg_backend, -seg_weights).
 * Class map: uint8 class index 0..N-1, 255 where the imagery has nodata.
 * Probabilities: N uint8 bands, round(255 * softmax). */
#pragma once
#include "grid/grid.h"
#include "seg/classmap.h"

#define RSL_SEG_NODATA 255

typedef struct _p_RslSegment *RslSegment;

PetscErrorCode RslSegmentCreate(MPI_Comm comm, RslSegment *seg);
/* Optional, before SetUp: the SWE grid (imagery must share its CRS and overlap it). */
PetscErrorCode RslSegmentSetGrid(RslSegment seg, const RslGrid *grid);
/* Optional, before Run, with SetGrid: the DEM of that grid. Pixels whose centre is not in a
 * DEM cell with data (nodata cells, beyond the DEM) are nodata in the class map, and tiles
 * without such a pixel are neither read nor computed; the other pixels keep exactly the
 * classes they have without it (the network still sees all the imagery around them). */
PetscErrorCode RslSegmentSetDomain(RslSegment seg, const char dem[]);
PetscErrorCode RslSegmentSetFromOptions(RslSegment seg);
/* Read and check the imagery headers, decompose, set up the model (collective). */
PetscErrorCode RslSegmentSetUp(RslSegment seg);
/* Classify this rank's block; write -seg_output / -seg_probabilities when given. */
PetscErrorCode RslSegmentRun(RslSegment seg);
/* After Run: fraction of each class in every owned cell of the grid given to SetGrid, as
 * nclasses new global Vecs of grid->da1 (free with VecDestroyVecs(nclasses, fractions)).
 * Fractions of a cell sum to 1 when at least one valid pixel centre falls in it, else all 0. */
PetscErrorCode RslSegmentClassFractions(RslSegment seg, const RslGrid *grid, PetscInt *nclasses, Vec **fractions);
PetscErrorCode RslSegmentView(RslSegment seg, PetscViewer viewer);
PetscErrorCode RslSegmentDestroy(RslSegment *seg);
