// Segmentation engine kernels: thin launchers around the single-source formulas of
// kernels/conv_epilogue.h and kernels/seg_pointwise.h (the CPU backends call the same
// functions). Compiled for sm_80/sm_90; never run on the development machines.
#include "kernels/conv_epilogue.h"
#include "kernels/seg_pointwise.h"
#include "seg/backend_cuda.h"
#include <cuda_runtime.h>

static inline unsigned blocks_for(long n, int t) { return (unsigned)((n + t - 1) / t); }
#define STREAM(s) ((cudaStream_t)(s))
#define LAUNCHED() ((int)cudaGetLastError())

__global__ void k_epilogue(float *y, const float *bias, const float *res, long total, int c, long hw, int relu)
{
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= total) return;
  y[i] = rsl_conv_epilogue(y[i], bias[(i / hw) % c], res ? res[i] : 0.0f, relu);
}

__global__ void k_maxpool(const float *x, float *y, long planes, int h, int w, int oh, int ow)
{
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= planes * oh * ow) return;
  long p = i / ((long)oh * ow);
  int  r = (int)(i % ((long)oh * ow));
  y[i]   = rsl_maxpool_window(x + p * h * w, h, w, r / ow, r % ow, 3, 2, 1);
}

__global__ void k_upsample2(const float *x, float *y, long planes, int h, int w)
{
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  int  oh = 2 * h, ow = 2 * w;
  if (i >= planes * oh * ow) return;
  long p = i / ((long)oh * ow);
  int  r = (int)(i % ((long)oh * ow));
  y[i]   = x[p * h * w + (long)rsl_upsample_nearest_src(r / ow, 2) * w + rsl_upsample_nearest_src(r % ow, 2)];
}

__global__ void k_concat(const float *a, int ca, const float *b, int cb, float *y, long total, long hw)
{
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= total) return;
  long per = (long)(ca + cb) * hw, n = i / per, r = i % per;
  y[i] = r < ca * hw ? a[n * ca * hw + r] : b[n * cb * hw + (r - ca * hw)];
}

__global__ void k_argmax(const float *logits, unsigned char *cls, long total, int c, long hw)
{
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= total) return;
  long n = i / hw, p = i % hw;
  cls[i] = (unsigned char)rsl_argmax_strided(logits + n * c * hw + p, c, hw);
}

__global__ void k_blend(const float *logits, int c, int tile, int margin, float *acc, float *wsum, int ch, int cw, int y0, int x0)
{
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= (long)tile * tile) return;
  int   ty = (int)(i / tile), tx = (int)(i % tile);
  float w  = rsl_tile_blend_weight(ty, tile, margin) * rsl_tile_blend_weight(tx, tile, margin);
  long  o  = (long)(y0 + ty) * cw + (x0 + tx);
  for (int k = 0; k < c; k++) acc[(long)k * ch * cw + o] += w * logits[(long)k * tile * tile + i];
  wsum[o] += w;
}

extern "C" int rsl_seg_cuda_epilogue(float *y, const float *bias, const float *res, long n, int c, long hw, int relu, void *s)
{
  long total = n * c * hw;
  k_epilogue<<<blocks_for(total, 256), 256, 0, STREAM(s)>>>(y, bias, res, total, c, hw, relu);
  return LAUNCHED();
}

extern "C" int rsl_seg_cuda_maxpool(const float *x, float *y, long planes, int h, int w, int oh, int ow, void *s)
{
  k_maxpool<<<blocks_for(planes * oh * ow, 256), 256, 0, STREAM(s)>>>(x, y, planes, h, w, oh, ow);
  return LAUNCHED();
}

extern "C" int rsl_seg_cuda_upsample2(const float *x, float *y, long planes, int h, int w, void *s)
{
  k_upsample2<<<blocks_for(planes * 4L * h * w, 256), 256, 0, STREAM(s)>>>(x, y, planes, h, w);
  return LAUNCHED();
}

extern "C" int rsl_seg_cuda_concat(const float *a, int ca, const float *b, int cb, float *y, long n, long hw, void *s)
{
  long total = n * (ca + cb) * hw;
  k_concat<<<blocks_for(total, 256), 256, 0, STREAM(s)>>>(a, ca, b, cb, y, total, hw);
  return LAUNCHED();
}

extern "C" int rsl_seg_cuda_argmax(const float *logits, unsigned char *cls, long n, int c, long hw, void *s)
{
  k_argmax<<<blocks_for(n * hw, 256), 256, 0, STREAM(s)>>>(logits, cls, n * hw, c, hw);
  return LAUNCHED();
}

extern "C" int rsl_seg_cuda_blend(const float *logits, int c, int tile, int margin, float *acc, float *wsum, int ch, int cw, int y0, int x0, void *s)
{
  k_blend<<<blocks_for((long)tile * tile, 256), 256, 0, STREAM(s)>>>(logits, c, tile, margin, acc, wsum, ch, cw, y0, x0);
  return LAUNCHED();
}
