/* GPU launch of the shallow-water step on one rank's block (-swe_backend cuda). Compiled for
 * sm_80 and sm_90 whenever nvcc is found, with FMA contraction off (-fmad=false, like the CPU
 * build's -ffp-contract=off), so that the arithmetic can be bitwise the CPU's; NOT RUN on the
 * development machines (no GPU): see docs/hpc.md. Every formula is a function of
 * kernels/swe_cell.h or kernels/swe_flux.h that the CPU row sweeps call too, in the same order
 * of operations: one thread per owned cell computes the face values of its neighbours and the
 * four faces of its cell (a face is computed by both of its cells, identically), so no atomics
 * touch a field and results do not depend on the thread schedule. Sums that the CPU makes in
 * a fixed order (boundary discharge per side, rain per row) are made in that order here. */
#include "kernels/swe_cell.h"
#include "kernels/swe_cuda.h"
#include <float.h>
#include <limits.h>

enum { THREADS = 128, RBLOCKS = 256 };

/* A cell of the ghosted block as the CPU row buffers hold it: {wet, ext, h, u, v, z}. */
__device__ static void Load(const RslSweBlock *b, const double *U, const double *z, const double *act, int i, int j, double p[6])
{
  int k = (j - b->gys) * b->gxm + (i - b->gxs);
  int a = (i >= 0) & (i < b->nx) & (j >= 0) & (j < b->ny) & (act[k] > 0.5);
  rsl_swe_cell_load(a, U[3 * k], U[3 * k + 1], U[3 * k + 2], z[k], b->hdry, p);
}

/* Cell in the face frame of a direction: {h, un, ut, z, wet, ext}. */
__device__ static void Frame(const double p[6], int alongx, double c[6])
{
  c[0] = p[2], c[1] = alongx ? p[3] : p[4], c[2] = alongx ? p[4] : p[3], c[3] = p[5], c[4] = p[0], c[5] = p[1];
}

/* Face values {h, un, ut, z} of cell (i, j) towards its minus (fm) and plus (fp) sides along a
 * direction: the cell's own values at first order, rsl_swe_muscl_cell at second order. */
__device__ static void FaceValues(const RslSweBlock *b, const double *U, const double *z, const double *act, int i, int j, int alongx, double fm[4], double fp[4])
{
  double p[6], o[6];
  Load(b, U, z, act, i, j, p);
  Frame(p, alongx, o);
  if (!b->o2) {
    for (int k = 0; k < 4; k++) fm[k] = fp[k] = o[k];
    return;
  }
  double pm[6], pp[6], m[6], q[6];
  Load(b, U, z, act, alongx ? i - 1 : i, alongx ? j : j - 1, pm);
  Load(b, U, z, act, alongx ? i + 1 : i, alongx ? j : j + 1, pp);
  Frame(pm, alongx, m);
  Frame(pp, alongx, q);
  rsl_swe_muscl_cell(m, o, q, fm, fp);
}

/* The face between cells L = (il, jl) (minus side) and R (plus side): the plain face when both
 * are active, else the boundary face of the active one (EdgeFace of src/swe/swe_residual.c,
 * with its ghost bed step at first order). *q: the outward discharge when exactly one is active. */
__device__ static double Face(const RslSweBlock *b, const double *U, const double *z, const double *act, const double *nman, int il, int jl, int alongx, double out[4], double *q)
{
  int    ir = alongx ? il + 1 : il, jr = alongx ? jl : jl + 1, di = alongx, dj = !alongx;
  double pl[6], pr[6], lm[4], lp[4], rm[4], rp[4];
  Load(b, U, z, act, il, jl, pl);
  Load(b, U, z, act, ir, jr, pr);
  FaceValues(b, U, z, act, il, jl, alongx, lm, lp);
  FaceValues(b, U, z, act, ir, jr, alongx, rm, rp);
  int aa = pl[1] < 0.5, ab = pr[1] < 0.5;
  *q     = 0.0;
  if (aa && ab) return rsl_swe_face(lp[0], lp[1], lp[2], lp[3], rm[0], rm[1], rm[2], rm[3], b->g, out);
  out[0] = out[1] = out[2] = out[3] = 0.0;
  if (!aa && !ab) return 0.0;
  double dzg = 0, po[6];
  if (!b->o2 && aa) {
    Load(b, U, z, act, il - di, jl - dj, po);
    if (po[1] < 0.5) dzg = rsl_swe_ghost_step(pl[5], po[5]);
  }
  if (!b->o2 && ab) {
    Load(b, U, z, act, ir + di, jr + dj, po);
    if (po[1] < 0.5) dzg = rsl_swe_ghost_step(pr[5], po[5]);
  }
  int    ii = aa ? il : ir, jj = aa ? jl : jr, io = aa ? ir : il, jo = aa ? jr : jl;
  double nout = aa ? 1.0 : -1.0;
  int    side = rsl_swe_edge_side(io, jo, b->nx, b->ny, alongx, aa), k = alongx ? jj : ii;
  int    forcing = side < 4 ? b->forcing[side][k] : -1;
  double nm = nman[(jj - b->gys) * b->gxm + (ii - b->gxs)];
  double a  = rsl_swe_boundary_face(side < 4 ? b->type[side][k] : b->nodata_bc, aa ? lp : rm, dzg, nout, b->hdry, b->g, nm, side < 4 ? b->slope[side] : 0.0, forcing >= 0 ? b->fval[forcing] : 0.0, out);
  *q        = out[0] * nout * (alongx ? b->dy : b->dx);
  return a;
}

__global__ static void Residual(RslSweBlock b, const double *U, const double *z, const double *act, const double *nman, double *R, double *rate, double *bq)
{
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= b.xm * b.ym) return;
  int    i = b.xs + c % b.xm, j = b.ys + c / b.xm;
  double w[4], e[4], s[4], n[4], fm[4], fp[4], gm[4], gp[4], p[6];
  double aw = Face(&b, U, z, act, nman, i - 1, j, 1, w, &bq[4 * c]);
  double ae = Face(&b, U, z, act, nman, i, j, 1, e, &bq[4 * c + 1]);
  double as = Face(&b, U, z, act, nman, i, j - 1, 0, s, &bq[4 * c + 2]);
  double an = Face(&b, U, z, act, nman, i, j, 0, n, &bq[4 * c + 3]);
  Load(&b, U, z, act, i, j, p);
  FaceValues(&b, U, z, act, i, j, 1, fm, fp);
  FaceValues(&b, U, z, act, i, j, 0, gm, gp);
  rate[c] = rsl_swe_cell_residual(1.0 - p[1], b.g, b.idx, b.idy, fm[0], fm[3], fp[0], fp[3], gm[0], gm[3], gp[0], gp[3], w[0], w[2], w[3], aw, e[0], e[1], e[3], ae, s[0], s[2], s[3], as, n[0], n[1], n[3], an, R + 3 * c);
}

/* Boundary discharge per side in the CPU's face order (one thread: the list is the perimeter
 * of the active cells of the block, and a sum in a fixed order is what makes it bitwise). */
__global__ static void BoundarySums(int nbface, const int *bface, const int *bside, const double *bq, double *bsum)
{
  for (int s = 0; s < 2 * RSL_NSIDES; s++) bsum[s] = 0.0;
  for (int f = 0; f < nbface; f++) {
    double q = bq[bface[f]];
    if (q > 0) bsum[bside[f]] += q;
    else bsum[RSL_NSIDES + bside[f]] -= q;
  }
}

__device__ static RslSweArgmax Better(RslSweArgmax a, RslSweArgmax b) { return b.r > a.r || (b.r == a.r && b.c < a.c) ? b : a; }

/* Largest rate, first global cell on ties: per-block partials, then one block over them. */
__global__ static void ArgmaxRate(RslSweBlock b, const double *rate, RslSweArgmax *part)
{
  __shared__ RslSweArgmax s[THREADS];
  RslSweArgmax            best = {0.0, LLONG_MAX};
  for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < b.xm * b.ym; c += gridDim.x * blockDim.x) {
    RslSweArgmax v = {rate[c], (long long)(b.ys + c / b.xm) * b.nx + b.xs + c % b.xm};
    best           = Better(best, v);
  }
  s[threadIdx.x] = best;
  __syncthreads();
  for (int h = blockDim.x / 2; h > 0; h /= 2) {
    if (threadIdx.x < h) s[threadIdx.x] = Better(s[threadIdx.x], s[threadIdx.x + h]);
    __syncthreads();
  }
  if (!threadIdx.x) part[blockIdx.x] = s[0];
}

__global__ static void ArgmaxParts(int n, const RslSweArgmax *part, RslSweArgmax *best)
{
  __shared__ RslSweArgmax s[THREADS];
  RslSweArgmax            v = {0.0, LLONG_MAX};
  for (int k = threadIdx.x; k < n; k += blockDim.x) v = Better(v, part[k]);
  s[threadIdx.x] = v;
  __syncthreads();
  for (int h = blockDim.x / 2; h > 0; h /= 2) {
    if (threadIdx.x < h) s[threadIdx.x] = Better(s[threadIdx.x], s[threadIdx.x + h]);
    __syncthreads();
  }
  if (!threadIdx.x) {
    RslSweArgmax none = {0.0, -1};
    *best             = s[0].r > 0 ? s[0] : none;
  }
}

static int Blocks(int n, int t) { return (n + t - 1) / t; }

extern "C" int rsl_cuda_swe_reduce_work(void) { return RBLOCKS; }

extern "C" int rsl_cuda_swe_residual(const RslSweBlock *b, const double *Ul, const double *zl, const double *actl, const double *nl, double *R, double *rate, double *bq, int nbface, const int *bface, const int *bside, double *bsum, RslSweArgmax *work, RslSweArgmax *best)
{
  int n = b->xm * b->ym;
  if (n > 0) Residual<<<Blocks(n, THREADS), THREADS>>>(*b, Ul, zl, actl, nl, R, rate, bq);
  BoundarySums<<<1, 1>>>(nbface, bface, bside, bq, bsum);
  if (n > 0) ArgmaxRate<<<RBLOCKS, THREADS>>>(*b, rate, work);
  ArgmaxParts<<<1, THREADS>>>(n > 0 ? RBLOCKS : 0, work, best);
  return (int)cudaGetLastError();
}

/* Smallest active depth (the order of a min does not change it). */
__global__ static void MinDepth(int n, const double *x, const double *R, const double *u, const double *act, double dt, double *part)
{
  __shared__ double s[THREADS];
  double            m = DBL_MAX;
  for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < n; c += gridDim.x * blockDim.x) {
    double e = rsl_swe_euler(x[3 * c], dt, R[3 * c]), h = u ? 0.5 * u[3 * c] + 0.5 * e : e;
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

__global__ static void MinParts(int n, double *part, double *hmin)
{
  double m = DBL_MAX;
  for (int k = 0; k < n; k++) m = part[k] < m ? part[k] : m;
  *hmin = m;
}

extern "C" int rsl_cuda_swe_min_depth(int n, const double *x, const double *R, const double *u, const double *act, double dt, double *work, double *hmin)
{
  if (n > 0) MinDepth<<<RBLOCKS, THREADS>>>(n, x, R, u, act, dt, work);
  MinParts<<<1, 1>>>(n > 0 ? RBLOCKS : 0, work, hmin);
  return (int)cudaGetLastError();
}

/* RslSWEStageCPU of src/swe/swe_step.c for one cell. */
__global__ static void Stage(int ncell, double dt, double g, double hdry, double *w, const double *x, const double *R, int nsrc, const int *srccell, const double *dh, const double *rain, double rdt, const double *act, const double *n, int final, int avg, double *u, double *hmax, double *smax, double *qmax, double H, double t, double *tarr, double *tup, double *dur, unsigned long long *neg)
{
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= ncell) return;
  double h0 = final ? u[3 * c] : 0.0;
  for (int k = 0; k < 3; k++) w[3 * c + k] = rsl_swe_euler(x[3 * c + k], dt, R[3 * c + k]);
  for (int k = 0; k < nsrc; k++)
    if (dh[k] != 0 && srccell[k] == c) w[3 * c] += dh[k];
  rsl_swe_cell_sources(w + 3 * c, rain[c], rdt, act[c], n[c], g, dt, hdry);
  if (!final) return;
  if (avg) rsl_swe_cell_average(u + 3 * c, w + 3 * c, hdry);
  rsl_swe_cell_maxima(u + 3 * c, act[c], hdry, hmax + c, smax + c, qmax + c);
  rsl_swe_cell_crossing(h0 * act[c], u[3 * c] * act[c], H, t, dt, tarr + c, tup + c, dur + c);
  if (u[3 * c] < 0.0 && act[c] > 0.5) atomicAdd(neg, 1ULL);
}

/* Rain rate of the active cells of each row, summed in column order (RowTally's order). */
__global__ static void RainRows(int xm, int ym, const double *rain, const double *act, double *rowsum)
{
  int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= ym) return;
  double s = 0;
  for (int c = j * xm; c < (j + 1) * xm; c++) s += rain[c] * act[c];
  rowsum[j] = s;
}

extern "C" int rsl_cuda_swe_stage(int xm, int ym, double dt, double g, double hdry, double *w, const double *x, const double *R, int nsrc, const int *srccell, const double *dh, const double *rain, double rdt, const double *act, const double *n, int final, int avg, double *u, double *hmax, double *smax, double *qmax, double H, double t, double *tarr, double *tup, double *dur, unsigned long long *neg, double *rowsum)
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
  if (c >= n) return;
  removed[c] = act[c] < 0.5 ? 0.0 : rsl_swe_cell_losses(u + 3 * c, F + c, ia + c, imp[c], ks[c], S[c], dt, hdry);
}

extern "C" int rsl_cuda_swe_losses(int n, double *u, double *F, double *ia, const double *imp, const double *ks, const double *S, const double *act, double dt, double hdry, double *removed)
{
  if (n <= 0) return 0;
  Losses<<<Blocks(n, THREADS), THREADS>>>(n, u, F, ia, imp, ks, S, act, dt, hdry, removed);
  return (int)cudaGetLastError();
}
