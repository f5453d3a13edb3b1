/* seg/backend_cuda: C-callable launchers of kernels/seg.cu (device pointers, stream as
 * void * = cudaStream_t). Each kernel only maps threads to elements and calls the
 * single-source functions of kernels/conv_epilogue.h and kernels/seg_pointwise.h.
 * Launchers return 0 or the cudaError_t of the launch. */
#pragma once
#ifdef __cplusplus
extern "C" {
#endif
/* y = act(y + bias[c] (+ res)) over n x c x hw */
int rsl_seg_cuda_epilogue(float *y, const float *bias, const float *res, long n, int c, long hw, int relu, void *stream);
/* 3x3 / stride 2 / pad 1 max-pool of planes h x w into oh x ow */
int rsl_seg_cuda_maxpool(const float *x, float *y, long planes, int h, int w, int oh, int ow, void *stream);
/* nearest x2 upsampling of planes h x w */
int rsl_seg_cuda_upsample2(const float *x, float *y, long planes, int h, int w, void *stream);
/* y[n] = [a[n]; b[n]] along channels (ca + cb channels of hw) */
int rsl_seg_cuda_concat(const float *a, int ca, const float *b, int cb, float *y, long n, long hw, void *stream);
/* cls[n][p] = argmax_c logits[n][c][p] */
int rsl_seg_cuda_argmax(const float *logits, unsigned char *cls, long n, int c, long hw, void *stream);
/* Blend a c x tile x tile logit tile into canvas acc (c x ch x cw) at (y0, x0):
 * acc += w logits, wsum += w, w = rsl_tile_blend_weight(i) rsl_tile_blend_weight(j);
 * the tile must lie inside the canvas. */
int rsl_seg_cuda_blend(const float *logits, int c, int tile, int margin, float *acc, float *wsum, int ch, int cw, int y0, int x0, void *stream);
#ifdef __cplusplus
}
#endif
