/* Interface between the CUDA backend's host side (src/swe/swe_backend_cuda.c) and the SWE
 * kernels of kernels/swe.cu: the block description and the launchers (device pointers; each
 * returns a cudaError_t as int). Plain C, included by both. */
#pragma once

typedef struct {
  int    nx, ny;                 /* global grid */
  int    gxs, gys, gxm, gym;     /* ghosted block of the DMDA local arrays */
  int    xs, ys, xm, ym;         /* owned block */
  int    o2;                     /* second order (MUSCL) */
  int    nodata_bc;              /* -swe_nodata_bc (RslBCType) */
  double dx, dy, idx, idy, g, hdry;
  double slope[4];               /* normal-depth slope per side */
  const int    *type[4];         /* boundary type per face of each side W, E, S, N (indexed along it) */
  const int    *forcing[4];      /* forcing index per face, -1: none */
  const double *fval;            /* forcing values at the residual's time */
} RslSweBlock;

/* (rate, global cell) of the largest CFL rate, the first cell in global order on ties. */
typedef struct {
  double r;
  long long c;
} RslSweArgmax;

#ifdef __cplusplus
extern "C" {
#endif
/* R = L(Ul) and the CFL rate of every owned cell (ghosted Ul, zl, actl, nl: state, bed, mask,
 * Manning), the outward discharge of its boundary faces in bq[4 c + {W, E, S, N}]; then the
 * boundary discharges summed per side in the CPU's face order over the list bface (slots of
 * bq) / bside (side), into bsum = {out[5], in[5]}; then the largest rate and its cell into *best
 * (work: rsl_cuda_swe_reduce_work() entries). */
int rsl_cuda_swe_residual(const RslSweBlock *b, const double *Ul, const double *zl, const double *actl, const double *nl, double *R, double *rate, double *bq, int nbface, const int *bface, const int *bside, double *bsum, RslSweArgmax *work, RslSweArgmax *best);
int rsl_cuda_swe_reduce_work(void);
/* Smallest active depth of x + dt R, or of (u + x + dt R)/2 when u is not NULL, into *hmin
 * (work: rsl_cuda_swe_reduce_work() doubles). */
int rsl_cuda_swe_min_depth(int n, const double *x, const double *R, const double *u, const double *act, double dt, double *work, double *hmin);
/* One stage: w = x + dt R, point sources (nsrc, srccell, dh), rain (rain x rdt) and friction;
 * when final also the commit into u (the average with w when avg), maxima, crossing times and
 * the count of negative depths (*neg), and when rowsum is not NULL the rain rate per row. */
int rsl_cuda_swe_stage(int xm, int ym, double dt, double g, double hdry, double *w, const double *x, const double *R, int nsrc, const int *srccell, const double *dh, const double *rain, double rdt, const double *act, const double *n, int final, int avg, double *u, double *hmax, double *smax, double *qmax, double H, double t, double *tarr, double *tup, double *dur, unsigned long long *neg, double *rowsum);
/* Losses of the active cells (rsl_swe_cell_losses); removed[c] = depth removed (0 inactive). */
int rsl_cuda_swe_losses(int n, double *u, double *F, double *ia, const double *imp, const double *ks, const double *S, const double *act, double dt, double hdry, double *removed);
#ifdef __cplusplus
}
#endif
