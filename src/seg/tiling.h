/* seg/tiling: who computes which segmentation tile, and the exchange of the kept centres
 * that straddle rank blocks.
 *
 * Tiles follow the global rule of kernels/seg_pointwise.h (rsl_tile_*): tile (kr, kc) keeps
 * the pixels [kr*s, (kr+1)*s) x [kc*s, (kc+1)*s). Each tile is computed ONCE, by the rank
 * whose block holds the first pixel of its centre (kr*s, kc*s), its owner. The owner keeps
 * the centre's pixels in its own block and sends every other rank whose block meets the
 * centre its part (class bytes, then the probability planes), point to point: one message
 * stream per neighbour, packed in tile order, so both sides know every size without asking.
 * The map is therefore the same bytes whatever the rank count (DESIGN invariant 1). */
#pragma once
#include "seg/classmap.h"

/* A destination rectangle [ra, rz) x [ca, cz): class of pixel (r, c) at
 * cls[(r - ra) * ld + (c - ca)], its probability of class k at prob[k * pstride + same]
 * (prob NULL: none). */
typedef struct {
  PetscInt64     ra, rz, ca, cz, ld, pstride;
  unsigned char *cls, *prob;
} RslSegRect;

typedef struct _p_RslSegTiling *RslSegTiling;

/* Collective: the blocks of all ranks (those of map, which must tile the raster), the
 * tiles this rank owns and the message sizes. prob (may be NULL): the probability map, with
 * map's blocks; its nbands planes travel with the classes. */
PetscErrorCode RslSegTilingCreate(RslClassMap *map, RslClassMap *prob, PetscInt tile, PetscInt margin, RslSegTiling *t);
/* The tiles this rank computes: rows [kr0, kr1) x columns [kc0, kc1). */
void RslSegTilingOwned(RslSegTiling t, PetscInt64 *kr0, PetscInt64 *kr1, PetscInt64 *kc0, PetscInt64 *kc1);
/* Where the kept centre of owned tile (kr, kc) goes: this rank's block and the parts for
 * neighbours. Call once per owned tile, in row-major tile order (kr, then kc). */
PetscErrorCode RslSegTilingTargets(RslSegTiling t, PetscInt64 kr, PetscInt64 kc, PetscInt *n, const RslSegRect **rects);
/* Collective: send the neighbours' parts, receive the parts of this block computed
 * elsewhere into map (and prob). */
PetscErrorCode RslSegTilingExchange(RslSegTiling t);
PetscErrorCode RslSegTilingDestroy(RslSegTiling *t);
