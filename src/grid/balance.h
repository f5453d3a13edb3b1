/* grid (private): ownership ranges balancing active cells, for -grid_balance active. */
#pragma once
#include "grid/grid.h"

/* The m x n layout and ownership ranges lx[m], ly[n] (PetscMalloc2, caller frees) that
 * minimise the largest number of active cells (bed != nodata) of a rank's block, over the
 * factorisations of the communicator size (or the one -da_processors_x/_y impose).
 * Collective; every rank gets the same answer. */
PetscErrorCode RslGridBalance(RslGrid *g, Vec z, double nodata, PetscInt *m, PetscInt *n, PetscInt **lx, PetscInt **ly);
