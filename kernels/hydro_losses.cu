/* GPU launch of the per-cell loss step (abstraction + Green-Ampt); the arithmetic is
 * rsl_cell_losses in kernels/green_ampt.h, the function the CPU loops call. */
#include "kernels/green_ampt.h"

__global__ static void CellLosses(int n, double *h, double *F, double *ia_left, const double *imp, const double *Ks, const double *S, double dt, double *removed)
{
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) removed[i] = rsl_cell_losses(&h[i], &F[i], &ia_left[i], imp[i], Ks[i], S[i], dt);
}

extern "C" int rsl_cuda_cell_losses(int n, double *h, double *F, double *ia_left, const double *imp, const double *Ks, const double *S, double dt, double *removed)
{
  const int threads = 256;
  if (n <= 0) return 0;
  CellLosses<<<(n + threads - 1) / threads, threads>>>(n, h, F, ia_left, imp, Ks, S, dt, removed);
  return (int)cudaGetLastError();
}
