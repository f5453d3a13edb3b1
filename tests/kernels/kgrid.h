/* A small closed basin run through the solver's own per-cell functions (kernels/swe_block.h,
 * which the GPU kernels and -swe_backend cudasim run): a KNX x KNY block with a ghost ring of
 * width 2 outside the domain, closed sides, MUSCL at second order. */
#pragma once
#include "kernels/swe_block.h"

enum { KNX = 12, KNY = 10, KGX = KNX + 4, KGY = KNY + 4 };

typedef struct {
  double h[KNY][KNX], hu[KNY][KNX], hv[KNY][KNX], z[KNY][KNX];
} KGrid;

/* Residual R[j][i][3] of every cell; returns the largest CFL rate. */
static double kresidual(const KGrid *G, int o2, double g, double hdry, double dx, double R[KNY][KNX][3])
{
  static double U[KGY][KGX][3], z[KGY][KGX], act[KGY][KGX], nman[KGY][KGX], rate[KNY * KNX], bq[4 * KNY * KNX];
  static int    closed[KGX > KGY ? KGX : KGY], none[KGX > KGY ? KGX : KGY];
  RslSweBlock   b = {.nx = KNX, .ny = KNY, .gxs = -2, .gys = -2, .gxm = KGX, .gym = KGY, .xm = KNX, .ym = KNY, .o2 = o2, .nodata_bc = RSL_BC_CLOSED, .dx = dx, .dy = dx, .idx = 1 / dx, .idy = 1 / dx, .g = g, .hdry = hdry};
  double        rmax = 0;

  for (int k = 0; k < (KGX > KGY ? KGX : KGY); k++) closed[k] = RSL_BC_CLOSED, none[k] = -1;
  for (int s = 0; s < 4; s++) b.type[s] = closed, b.forcing[s] = none;
  for (int j = 0; j < KNY; j++)
    for (int i = 0; i < KNX; i++) {
      U[j + 2][i + 2][0] = G->h[j][i], U[j + 2][i + 2][1] = G->hu[j][i], U[j + 2][i + 2][2] = G->hv[j][i];
      z[j + 2][i + 2] = G->z[j][i], act[j + 2][i + 2] = 1;
    }
  for (int c = 0; c < KNX * KNY; c++) {
    rate[c] = rsl_swe_block_residual(&b, &U[0][0][0], &z[0][0], &act[0][0], &nman[0][0], c, &R[0][0][0], bq);
    rmax    = rate[c] > rmax ? rate[c] : rmax;
  }
  return rmax;
}
