/* Single-source pointwise arithmetic of the segmentation engine besides the conv
 * epilogue: nearest x2 upsampling index map, max-pool window, argmax over classes and the
 * tile blending weight. CPU loops (src/seg) and CUDA kernels (kernels/seg.cu) call these. */
#pragma once
#include "kernels/rsl_hd.h"

/* Source index of output index dst for nearest upsampling by an integer factor, as
 * PyTorch's F.interpolate(scale_factor=s, mode="nearest"): floor(dst / s). */
RSL_HD int rsl_upsample_nearest_src(int dst, int scale)
{
  return dst / scale;
}

/* Max over the k x k window of output (oy, ox) for a stride/pad max-pool of a h x w
 * plane; padded positions are ignored (PyTorch pads with -inf). */
RSL_HD float rsl_maxpool_window(const float *plane, int h, int w, int oy, int ox, int k, int stride, int pad)
{
  float m  = -3.402823466e38f;
  int   y0 = oy * stride - pad, x0 = ox * stride - pad;
  for (int dy = 0; dy < k; dy++) {
    int y = y0 + dy;
    if (y < 0 || y >= h) continue;
    for (int dx = 0; dx < k; dx++) {
      int x = x0 + dx;
      if (x < 0 || x >= w) continue;
      float v = plane[(long)y * w + x];
      m       = v > m ? v : m;
    }
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

/* Blending weight of pixel i (0..tile-1) along one axis of a tile whose outer margin
 * pixels are less trusted: linear ramp (d + 0.5) / margin over the margin, 1 in the
 * centre, d the distance to the nearer tile edge; margin 0 gives 1 everywhere. A pixel's
 * weight is the product of its row and column weights. */
RSL_HD float rsl_tile_blend_weight(int i, int tile, int margin)
{
  int d = i < tile - 1 - i ? i : tile - 1 - i;
  if (margin <= 0 || d >= margin) return 1.0f;
  return ((float)d + 0.5f) / (float)margin;
}
