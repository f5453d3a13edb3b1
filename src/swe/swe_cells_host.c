/* -swe_backend cudasim: the CUDA backend's launchers (kernels/swe_cuda.h) as host loops over
 * the same per-cell functions (kernels/swe_block.h), cell by cell in the order of the thread
 * indices. With the backend's host side unchanged, this runs the GPU algorithm — block layout,
 * host-staged halos, boundary face list, reductions — where there is no GPU, so the parity
 * test checks it against the CPU sweeps here. */
#include "kernels/swe_cuda.h"
#include <float.h>
#include <limits.h>
#include <stddef.h>

int rsl_host_swe_residual(RSL_SWE_RESIDUAL_ARGS)
{
  RslSweArgmax m = {0.0, LLONG_MAX}, none = {0.0, -1};
  (void)work;
  for (int c = 0; c < b->xm * b->ym; c++) {
    rate[c]        = rsl_swe_block_residual(b, Ul, zl, actl, nl, c, R, bq);
    RslSweArgmax v = {rate[c], rsl_swe_block_global(b, c)};
    m              = rsl_swe_argmax(m, v);
  }
  rsl_swe_block_boundary_sums(nbface, bface, bside, bq, bsum);
  *best = m.r > 0 ? m : none;
  return 0;
}

int rsl_host_swe_min_depth(RSL_SWE_MIN_DEPTH_ARGS)
{
  double m = DBL_MAX;
  (void)work;
  for (int c = 0; c < n; c++) {
    double h = rsl_swe_block_stage_depth(x, R, u, dt, c);
    if (act[c] > 0.5 && h < m) m = h;
  }
  *hmin = m;
  return 0;
}

int rsl_host_swe_stage(RSL_SWE_STAGE_ARGS)
{
  for (int c = 0; c < xm * ym; c++) *neg += (unsigned long long)rsl_swe_block_stage(c, dt, g, hdry, w, x, R, nsrc, srccell, dh, rain, rdt, act, n, final, avg, u, hmax, smax, qmax, H, t, tarr, tup, dur);
  if (rowsum)
    for (int j = 0; j < ym; j++) rowsum[j] = rsl_swe_block_rain_row(xm, j, rain, act);
  return 0;
}

int rsl_host_swe_losses(RSL_SWE_LOSSES_ARGS)
{
  for (int c = 0; c < n; c++) removed[c] = rsl_swe_block_losses(c, u, F, ia, imp, ks, S, act, dt, hdry);
  return 0;
}
