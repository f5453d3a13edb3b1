/* kernels/seg_launch: C-callable launchers of kernels/seg.cu (device pointers, stream as
 * void * = cudaStream_t, dt = storage type code of RslSegDtype: 0 f32, 1 bf16, 2 f16).
 * Tensors are NHWC. Each kernel only maps threads to elements and calls the single-source
 * functions of kernels/conv_epilogue.h and kernels/seg_pointwise.h. Launchers return 0 or
 * the cudaError_t of the launch. */
#pragma once
#ifdef __cplusplus
extern "C" {
#endif
/* y = act(y + bias[c]) over n x hw x c (the residual is already in y) */
int rsl_seg_cuda_epilogue(int dt, void *y, const float *bias, long n, int c, long hw, int relu, void *stream);
/* 3x3 / stride 2 / pad 1 max-pool of n x h x w x c into n x oh x ow x c */
int rsl_seg_cuda_maxpool(int dt, const void *x, void *y, int n, int c, int h, int w, int oh, int ow, void *stream);
/* y (n x oh x ow x (cx + cs)) = [nearest x2 upsampling of x (n x oh/2 x ow/2 x cx); skip] */
int rsl_seg_cuda_upcat(int dt, const void *x, int cx, const void *skip, int cs, void *y, int n, int oh, int ow, void *stream);
/* float32 NCHW (host layout, on the device) <-> NHWC of type dt */
int rsl_seg_cuda_to_nhwc(int dt, const float *in, void *out, long n, int c, long hw, void *stream);
int rsl_seg_cuda_to_nchw(int dt, const void *in, float *out, long n, int c, long hw, void *stream);
/* out[i] = in[i] converted from type `from` to type `to` */
int rsl_seg_cuda_convert(int from, const void *in, int to, void *out, long total, void *stream);
#ifdef __cplusplus
}
#endif
