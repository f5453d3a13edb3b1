/* Single-source pointwise arithmetic of the segmentation engine besides the conv
 * epilogue: nearest x2 upsampling index map, pooling window and argmax over classes. CPU
 * loops (src/seg) and CUDA kernels (kernels/seg.cu) call these. */
#pragma once
#include "kernels/rsl_hd.h"

/* Source index of output index dst for nearest upsampling by an integer factor, as
 * PyTorch's F.interpolate(scale_factor=s, mode="nearest"): floor(dst / s). */
RSL_HD int rsl_upsample_nearest_src(int dst, int scale)
{
  return dst / scale;
}

/* The window of output index o of a k-wide, stride/pad pooling along an axis of n
 * inputs, clipped to the inputs: [*lo, *hi). Padded positions are ignored (PyTorch pads
 * max-pooling with -inf), so the window is never empty for pad < k. */
RSL_HD void rsl_pool_range(int o, int n, int k, int stride, int pad, int *lo, int *hi)
{
  int a = o * stride - pad, b = a + k;
  *lo   = a < 0 ? 0 : a;
  *hi   = b > n ? n : b;
}

/* Max over the k x k window of output (oy, ox) for a stride/pad max-pool of a h x w
 * plane (rsl_pool_range on each axis). */
RSL_HD float rsl_maxpool_window(const float *plane, int h, int w, int oy, int ox, int k, int stride, int pad)
{
  float m = -3.402823466e38f;
  int   y0, y1, x0, x1;
  rsl_pool_range(oy, h, k, stride, pad, &y0, &y1);
  rsl_pool_range(ox, w, k, stride, pad, &x0, &x1);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++) {
      float v = plane[(long)y * w + x];
      m       = v > m ? v : m;
    }
  return m;
}

/* Index of the largest of the n values v[0], v[stride], ...; ties go to the lowest index
 * (as torch.argmax). */
RSL_HD int rsl_argmax_strided(const float *v, int n, long stride)
{
  int   best = 0;
  float m    = v[0];
  for (int c = 1; c < n; c++) {
    float x = v[(long)c * stride];
    if (x > m) {
      m    = x;
      best = c;
    }
  }
  return best;
}

/* Tiling of the class map on the GLOBAL pixel grid: one rule for every backend and rank
 * count (the class map does not depend on either). Along an axis, tile k covers pixels
 * [k*s - m, k*s - m + t) with stride s = t - 2m; only its centre [k*s, (k+1)*s) is kept
 * (hard crop: each pixel comes from exactly one tile, no blending). */
RSL_HD long rsl_tile_origin(long k, int tile, int margin)
{
  return k * (long)(tile - 2 * margin) - margin;
}

/* The tiles [*k0, *k1) whose kept centre meets the pixels [a, a + n) (empty when n <= 0). */
RSL_HD void rsl_tile_range(long a, long n, int tile, int margin, long *k0, long *k1)
{
  long s = tile - 2 * margin;
  *k0    = n > 0 ? a / s : 0;
  *k1    = n > 0 ? (a + n - 1) / s + 1 : 0;
}

/* The tiles [*k0, *k1) whose centre STARTS in [a, a + n): the tiles the owner of those
 * pixels computes (each tile has one owner: the block holding its centre's first pixel). */
RSL_HD void rsl_tile_owned(long a, long n, int tile, int margin, long *k0, long *k1)
{
  long s = tile - 2 * margin;
  *k0    = n > 0 ? (a + s - 1) / s : 0;
  *k1    = n > 0 ? (a + n + s - 1) / s : 0;
}
