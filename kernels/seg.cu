// Segmentation engine kernels: thin launchers around the single-source formulas of
// kernels/conv_epilogue.h and kernels/seg_pointwise.h (the CPU backends call the same
// functions). Activations are NHWC (what cuDNN's tensor-core kernels read) in float,
// half or bfloat16; every kernel loads to float, applies the formula, stores in the
// tensor's type. Compiled for sm_80/sm_90; never run on the development machines.
#include "kernels/conv_epilogue.h"
#include "kernels/seg_pointwise.h"
#include "kernels/seg_launch.h"
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

static inline unsigned blocks_for(long n, int t) { return (unsigned)((n + t - 1) / t); }
#define STREAM(s) ((cudaStream_t)(s))
#define LAUNCHED() ((int)cudaGetLastError())
#define THREADS 256

__device__ __forceinline__ float tof(float v) { return v; }
__device__ __forceinline__ float tof(__half v) { return __half2float(v); }
__device__ __forceinline__ float tof(__nv_bfloat16 v) { return __bfloat162float(v); }
template <typename T> __device__ __forceinline__ T fromf(float v);
template <> __device__ __forceinline__ float fromf<float>(float v) { return v; }
template <> __device__ __forceinline__ __half fromf<__half>(float v) { return __float2half_rn(v); }
template <> __device__ __forceinline__ __nv_bfloat16 fromf<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }

/* Dispatch a templated launch on a storage type code (RslSegDtype: 0 f32, 1 bf16, 2 f16). */
#define DISPATCH(dt, T, ...) \
  do { \
    if ((dt) == 0) { typedef float T; __VA_ARGS__; } \
    else if ((dt) == 1) { typedef __nv_bfloat16 T; __VA_ARGS__; } \
    else { typedef __half T; __VA_ARGS__; } \
  } while (0)

/* y = act(y + bias[c]): cuDNN has already added the residual (beta = 1) */
template <typename T> __global__ void k_epilogue(T *y, const float *bias, long total, int c, int relu)
{
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= total) return;
  y[i] = fromf<T>(rsl_conv_epilogue(tof(y[i]), bias[i % c], 0.0f, relu));
}

template <typename T> __global__ void k_maxpool(const T *x, T *y, int n, int c, int h, int w, int oh, int ow)
{
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= (long)n * oh * ow * c) return;
  int  ch = (int)(i % c), ox = (int)((i / c) % ow), oy = (int)((i / c / ow) % oh);
  long img = i / ((long)c * ow * oh);
  int  y0, y1, x0, x1;
  rsl_pool_range(oy, h, 3, 2, 1, &y0, &y1);
  rsl_pool_range(ox, w, 3, 2, 1, &x0, &x1);
  float m = tof(x[((img * h + y0) * w + x0) * c + ch]);
  for (int yy = y0; yy < y1; yy++)
    for (int xx = x0; xx < x1; xx++) m = fmaxf(m, tof(x[((img * h + yy) * w + xx) * c + ch]));
  y[i] = fromf<T>(m);
}

/* y = [upsample2(x); skip] along channels, NHWC */
template <typename T> __global__ void k_upcat(const T *x, int cx, const T *skip, int cs, T *y, int n, int oh, int ow)
{
  int  c = cx + cs;
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= (long)n * oh * ow * c) return;
  int  ch = (int)(i % c), ox = (int)((i / c) % ow), oy = (int)((i / c / ow) % oh);
  long img = i / ((long)c * ow * oh);
  if (ch < cx) y[i] = x[((img * (oh / 2) + rsl_upsample_nearest_src(oy, 2)) * (ow / 2) + rsl_upsample_nearest_src(ox, 2)) * cx + ch];
  else y[i] = skip[((img * oh + oy) * ow + ox) * cs + (ch - cx)];
}

/* NCHW float32 <-> NHWC of T (network input and logits) */
template <typename T> __global__ void k_to_nhwc(const float *in, T *out, long n, int c, long hw)
{
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n * c * hw) return;
  long img = i / (c * hw), p = (i / c) % hw;
  out[i]   = fromf<T>(in[(img * c + i % c) * hw + p]);
}

template <typename T> __global__ void k_to_nchw(const T *in, float *out, long n, int c, long hw)
{
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n * c * hw) return;
  long img = i / (c * hw), p = (i / c) % hw;
  out[(img * c + i % c) * hw + p] = tof(in[i]);
}

template <typename A, typename B> __global__ void k_convert(const A *in, B *out, long total)
{
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < total) out[i] = fromf<B>(tof(in[i]));
}

extern "C" int rsl_seg_cuda_epilogue(int dt, void *y, const float *bias, long n, int c, long hw, int relu, void *s)
{
  long total = n * c * hw;
  DISPATCH(dt, T, k_epilogue<T><<<blocks_for(total, THREADS), THREADS, 0, STREAM(s)>>>((T *)y, bias, total, c, relu));
  return LAUNCHED();
}

extern "C" int rsl_seg_cuda_maxpool(int dt, const void *x, void *y, int n, int c, int h, int w, int oh, int ow, void *s)
{
  DISPATCH(dt, T, k_maxpool<T><<<blocks_for((long)n * oh * ow * c, THREADS), THREADS, 0, STREAM(s)>>>((const T *)x, (T *)y, n, c, h, w, oh, ow));
  return LAUNCHED();
}

extern "C" int rsl_seg_cuda_upcat(int dt, const void *x, int cx, const void *skip, int cs, void *y, int n, int oh, int ow, void *s)
{
  DISPATCH(dt, T, k_upcat<T><<<blocks_for((long)n * oh * ow * (cx + cs), THREADS), THREADS, 0, STREAM(s)>>>((const T *)x, cx, (const T *)skip, cs, (T *)y, n, oh, ow));
  return LAUNCHED();
}

extern "C" int rsl_seg_cuda_to_nhwc(int dt, const float *in, void *out, long n, int c, long hw, void *s)
{
  DISPATCH(dt, T, k_to_nhwc<T><<<blocks_for(n * c * hw, THREADS), THREADS, 0, STREAM(s)>>>(in, (T *)out, n, c, hw));
  return LAUNCHED();
}

extern "C" int rsl_seg_cuda_to_nchw(int dt, const void *in, float *out, long n, int c, long hw, void *s)
{
  DISPATCH(dt, T, k_to_nchw<T><<<blocks_for(n * c * hw, THREADS), THREADS, 0, STREAM(s)>>>((const T *)in, out, n, c, hw));
  return LAUNCHED();
}

extern "C" int rsl_seg_cuda_convert(int from, const void *in, int to, void *out, long total, void *s)
{
  DISPATCH(from, A, DISPATCH(to, B, k_convert<A, B><<<blocks_for(total, THREADS), THREADS, 0, STREAM(s)>>>((const A *)in, (B *)out, total)));
  return LAUNCHED();
}
