/* GPU launch of the shallow-water step on one rank's block (-swe_backend cuda): one thread per
 * owned cell runs the single-source functions of kernels/swe_block.h, which the host loops of
 * -swe_backend cudasim run too. Compiled for sm_80 and sm_90 whenever nvcc is found, with FMA
 * contraction off (-fmad=false, src/swe/sources.cmake; the C build is -ffp-contract=off), so
 * that the arithmetic is the CPU's bitwise; NOT RUN on the development machines (no GPU): see
 * docs/hpc.md. Reductions: the largest rate with its first cell and the smallest depth are
 * exact in any order; sums are made in the CPU's order (one thread for the boundary faces, one
 * per row for rain). */
#include "kernels/swe_cuda.h"
#include <float.h>
#include <limits.h>

enum { THREADS = 128, RBLOCKS = 256 };

static int Blocks(int n, int t) { return (n + t - 1) / t; }

__global__ static void Residual(RslSweBlock b, const double *U, const double *z, const double *act, const double *nman, double *R, double *rate, double *bq)
{
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c < b.xm * b.ym) rate[c] = rsl_swe_block_residual(&b, U, z, act, nman, c, R, bq);
}

__global__ static void BoundarySums(int nbface, const int *bface, const int *bside, const double *bq, double *bsum) { rsl_swe_block_boundary_sums(nbface, bface, bside, bq, bsum); }

/* Largest rate, first global cell on ties: per-block partials, then one block over them. */
__global__ static void ArgmaxRate(RslSweBlock b, const double *rate, RslSweArgmax *part)
{
  __shared__ RslSweArgmax s[THREADS];
  RslSweArgmax            best = {0.0, LLONG_MAX};
  for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < b.xm * b.ym; c += gridDim.x * blockDim.x) {
    RslSweArgmax v = {rate[c], rsl_swe_block_global(&b, c)};
    best           = rsl_swe_argmax(best, v);
  }
  s[threadIdx.x] = best;
  __syncthreads();
  for (int h = blockDim.x / 2; h > 0; h /= 2) {
    if (threadIdx.x < h) s[threadIdx.x] = rsl_swe_argmax(s[threadIdx.x], s[threadIdx.x + h]);
    __syncthreads();
  }
  if (!threadIdx.x) part[blockIdx.x] = s[0];
}

__global__ static void ArgmaxParts(int n, const RslSweArgmax *part, RslSweArgmax *best)
{
  RslSweArgmax v = {0.0, LLONG_MAX}, none = {0.0, -1};
  for (int k = 0; k < n; k++) v = rsl_swe_argmax(v, part[k]);
  *best = v.r > 0 ? v : none;
}

extern "C" int rsl_cuda_swe_reduce_work(void) { return RBLOCKS; }

extern "C" int rsl_cuda_swe_residual(RSL_SWE_RESIDUAL_ARGS)
{
  int n = b->xm * b->ym;
  if (n > 0) Residual<<<Blocks(n, THREADS), THREADS>>>(*b, Ul, zl, actl, nl, R, rate, bq);
  BoundarySums<<<1, 1>>>(nbface, bface, bside, bq, bsum);
  if (n > 0) ArgmaxRate<<<RBLOCKS, THREADS>>>(*b, rate, work);
  ArgmaxParts<<<1, 1>>>(n > 0 ? RBLOCKS : 0, work, best);
  return (int)cudaGetLastError();
}

/* Smallest active depth (the order of a min does not change it). */
__global__ static void MinDepth(int n, const double *x, const double *R, const double *u, const double *act, double dt, double *part)
{
  __shared__ double s[THREADS];
  double            m = DBL_MAX;
  for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < n; c += gridDim.x * blockDim.x) {
    double h = rsl_swe_block_stage_depth(x, R, u, dt, c);
    if (act[c] > 0.5 && h < m) m = h;
  }
  s[threadIdx.x] = m;
  __syncthreads();
  for (int h = blockDim.x / 2; h > 0; h /= 2) {
    if (threadIdx.x < h && s[threadIdx.x + h] < s[threadIdx.x]) s[threadIdx.x] = s[threadIdx.x + h];
    __syncthreads();
  }
  if (!threadIdx.x) part[blockIdx.x] = s[0];
}

__global__ static void MinParts(int n, const double *part, double *hmin)
{
  double m = DBL_MAX;
  for (int k = 0; k < n; k++) m = part[k] < m ? part[k] : m;
  *hmin = m;
}

extern "C" int rsl_cuda_swe_min_depth(RSL_SWE_MIN_DEPTH_ARGS)
{
  if (n > 0) MinDepth<<<RBLOCKS, THREADS>>>(n, x, R, u, act, dt, work);
  MinParts<<<1, 1>>>(n > 0 ? RBLOCKS : 0, work, hmin);
  return (int)cudaGetLastError();
}

__global__ static void Stage(int ncell, double dt, double g, double hdry, double *w, const double *x, const double *R, int nsrc, const int *srccell, const double *dh, const double *rain, double rdt, const double *act, const double *n, int final, int avg, double *u, double *hmax, double *smax, double *qmax, double H, double t, double *tarr, double *tup, double *dur, unsigned long long *neg)
{
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c < ncell && rsl_swe_block_stage(c, dt, g, hdry, w, x, R, nsrc, srccell, dh, rain, rdt, act, n, final, avg, u, hmax, smax, qmax, H, t, tarr, tup, dur)) atomicAdd(neg, 1ULL);
}

__global__ static void RainRows(int xm, int ym, const double *rain, const double *act, double *rowsum)
{
  int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j < ym) rowsum[j] = rsl_swe_block_rain_row(xm, j, rain, act);
}

extern "C" int rsl_cuda_swe_stage(RSL_SWE_STAGE_ARGS)
{
  int nc = xm * ym;
  if (nc <= 0) return 0;
  Stage<<<Blocks(nc, THREADS), THREADS>>>(nc, dt, g, hdry, w, x, R, nsrc, srccell, dh, rain, rdt, act, n, final, avg, u, hmax, smax, qmax, H, t, tarr, tup, dur, neg);
  if (rowsum) RainRows<<<Blocks(ym, THREADS), THREADS>>>(xm, ym, rain, act, rowsum);
  return (int)cudaGetLastError();
}

__global__ static void Losses(int n, double *u, double *F, double *ia, const double *imp, const double *ks, const double *S, const double *act, double dt, double hdry, double *removed)
{
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c < n) removed[c] = rsl_swe_block_losses(c, u, F, ia, imp, ks, S, act, dt, hdry);
}

extern "C" int rsl_cuda_swe_losses(RSL_SWE_LOSSES_ARGS)
{
  if (n <= 0) return 0;
  Losses<<<Blocks(n, THREADS), THREADS>>>(n, u, F, ia, imp, ks, S, act, dt, hdry, removed);
  return (int)cudaGetLastError();
}
