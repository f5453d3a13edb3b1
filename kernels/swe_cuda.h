/* Launchers of the SWE block kernels (kernels/swe_block.h), in two builds of one interface:
 * rsl_cuda_* (kernels/swe.cu, device pointers, return a cudaError_t as int) and rsl_host_*
 * (src/swe/swe_cells_host.c, host loops over the same functions, return 0), chosen by the
 * device backend of src/swe/swe_backend_cuda.c. Plain C. */
#pragma once
#include "kernels/swe_block.h"

/* R = L(Ul) and the CFL rate of every owned cell (ghosted Ul, zl, actl, nl: state, bed, mask,
 * Manning), the boundary discharges summed per side in the CPU's face order into bsum (see
 * rsl_swe_block_boundary_sums), the largest rate and its cell into *best (work:
 * reduce_work() entries). */
#define RSL_SWE_RESIDUAL_ARGS const RslSweBlock *b, const double *Ul, const double *zl, const double *actl, const double *nl, double *R, double *rate, double *bq, int nbface, const int *bface, const int *bside, double *bsum, RslSweArgmax *work, RslSweArgmax *best
/* Smallest active depth a stage would commit (rsl_swe_block_stage_depth) into *hmin. */
#define RSL_SWE_MIN_DEPTH_ARGS int n, const double *x, const double *R, const double *u, const double *act, double dt, double *work, double *hmin
/* One stage (rsl_swe_block_stage) of every owned cell, the negative depths added to *neg, and
 * when rowsum is not NULL the rain rate per row (rsl_swe_block_rain_row). */
#define RSL_SWE_STAGE_ARGS int xm, int ym, double dt, double g, double hdry, double *w, const double *x, const double *R, int nsrc, const int *srccell, const double *dh, const double *rain, double rdt, const double *act, const double *n, int final, int avg, double *u, double *hmax, double *smax, double *qmax, double H, double t, double *tarr, double *tup, double *dur, unsigned long long *neg, double *rowsum
/* Losses of every owned cell (rsl_swe_block_losses), the depths removed into removed. */
#define RSL_SWE_LOSSES_ARGS int n, double *u, double *F, double *ia, const double *imp, const double *ks, const double *S, const double *act, double dt, double hdry, double *removed

#ifdef __cplusplus
extern "C" {
#endif
int rsl_cuda_swe_reduce_work(void);
int rsl_cuda_swe_residual(RSL_SWE_RESIDUAL_ARGS);
int rsl_cuda_swe_min_depth(RSL_SWE_MIN_DEPTH_ARGS);
int rsl_cuda_swe_stage(RSL_SWE_STAGE_ARGS);
int rsl_cuda_swe_losses(RSL_SWE_LOSSES_ARGS);
int rsl_host_swe_residual(RSL_SWE_RESIDUAL_ARGS);
int rsl_host_swe_min_depth(RSL_SWE_MIN_DEPTH_ARGS);
int rsl_host_swe_stage(RSL_SWE_STAGE_ARGS);
int rsl_host_swe_losses(RSL_SWE_LOSSES_ARGS);
#ifdef __cplusplus
}
#endif
