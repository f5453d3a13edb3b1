/* Single-source epilogue of a convolution (seg engine): folded batch-norm bias, optional
 * residual (ResNet BasicBlock shortcut) and ReLU, applied to the raw accumulator. The ref,
 * cpu and cuda backends all call this one function (DESIGN invariant 4). */
#pragma once
#include "kernels/rsl_hd.h"

/* y = act(acc + bias + res); relu != 0 selects ReLU (max(0, .)), else identity. */
RSL_HD float rsl_conv_epilogue(float acc, float bias, float res, int relu)
{
  float v = acc + bias + res;
  return (relu && v < 0.0f) ? 0.0f : v;
}

/* Output extent of a convolution or pooling window: floor((in + 2 pad - k) / stride) + 1. */
RSL_HD int rsl_conv_out_size(int in, int k, int stride, int pad)
{
  return (in + 2 * pad - k) / stride + 1;
}
