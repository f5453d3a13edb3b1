/* scenario/landuse internals: the class map as the land-use components change it
 * (landuse.c, scenario_artificialise.c, scenario_zan.c, scenario_desealing.c). */
#pragma once
#include "core/rsl.h"
#include <petscdmda.h>
#include <stdint.h>

typedef struct {
  MPI_Comm        comm;
  DM              da;        /* over the whole map: i = column, j = row from the north */
  PetscScalar   **c, **orig; /* owned pixels [j][i]: the map being changed, the original */
  PetscInt        nx;        /* map width: pixel (i, j) has the global index j * nx + i */
  double          pixel_ha;
  PetscInt        seed;      /* -scenario_seed */
  PetscBool       urban[256], conv[256], sealed[256]; /* the class sets, as masks */
  const PetscInt *newc;      /* classes given to urbanised pixels */
  PetscInt        nnew, desealed;
  int             idxbits;   /* low bits of a key holding the pixel index (RslLanduseKey) */
} RslLanduseMap;

/* Priority of global pixel idx in a random stream of the seed: a hash in the high bits, the
 * index in the low `bits` bits (32 for maps up to 2^32 pixels, more beyond), so keys are
 * unique and ties impossible. */
uint64_t RslLanduseKey(PetscInt seed, uint64_t stream, uint64_t idx, int bits);
uint64_t RslLanduseMix(uint64_t x);
/* Smallest T with #{keys <= T} >= need over comm (keys unique: exactly need of them). */
PetscErrorCode RslLanduseThreshold(MPI_Comm comm, PetscInt n, const uint64_t *keys, PetscInt64 need, uint64_t *T);
/* Urban growth of ha hectares next to the urban fabric (landuse.h: allocation); done_ha:
 * the area converted, round(ha / pixel area) pixels. */
PetscErrorCode RslLanduseGrow(RslLanduseMap *m, PetscReal ha, PetscReal *done_ha);
