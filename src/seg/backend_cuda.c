/* seg/backend_cuda: cuDNN 9 convolutions on NHWC tensors followed by the single-source
 * epilogue kernel, and the kernels of kernels/seg.cu for max-pool, upsampling +
 * concatenation and layout/type conversions. Precisions: FP32 (FMA math: no TF32, so
 * parity with the oracle holds), FP16 and BF16 (tensor-core math, FP32 accumulation,
 * cuDNN's PSEUDO_HALF / PSEUDO_BFLOAT16 configurations). Tensors live on the device;
 * Forward uploads the input and downloads the logits. Compiled in CI, never run on the
 * development machines (no GPU): requesting it there is a clear collective error. */
#include "seg/backend.h"
#if defined(RSL_HAVE_CUDA)
  #include "seg/backend_cuda.h"
  #include "core/gpu.h"
  #include <cuda_runtime.h>
  #include <cudnn.h>

  #define CUDACALL(call) \
    do { \
      cudaError_t e_ = (call); \
      PetscCheck(e_ == cudaSuccess, PETSC_COMM_SELF, PETSC_ERR_LIB, "CUDA: %s: %s", #call, cudaGetErrorString(e_)); \
    } while (0)
  #define CUDNNCALL(call) \
    do { \
      cudnnStatus_t e_ = (call); \
      PetscCheck(e_ == CUDNN_STATUS_SUCCESS, PETSC_COMM_SELF, PETSC_ERR_LIB, "cuDNN: %s: %s", #call, cudnnGetErrorString(e_)); \
    } while (0)
  #define KERNEL(call) CUDACALL((cudaError_t)(call))

typedef struct {
  cudnnHandle_t h;
  cudaStream_t  stream;
  void         *ws; /* convolution workspace */
  size_t        ws_size;
  int           cc_major; /* compute capability */
} CudaData;

typedef struct {
  void                        *w; /* device, KRSC (NHWC filter) in the compute type */
  float                       *b; /* device */
  RslSegDtype                  ct; /* compute (storage) type of x, w and the conv's y */
  cudnnFilterDescriptor_t      fd;
  cudnnConvolutionDescriptor_t cd;
  cudnnTensorDescriptor_t      xd, yd;
  PetscInt                     n, h, w_; /* shape the algorithm was chosen for */
  cudnnConvolutionFwdAlgo_t    algo;
  size_t                       ws;
} CudaConv;

static cudnnDataType_t cudnn_type(RslSegDtype d)
{
  return d == RSL_SEG_F16 ? CUDNN_DATA_HALF : d == RSL_SEG_BF16 ? CUDNN_DATA_BFLOAT16 : CUDNN_DATA_FLOAT;
}

static PetscErrorCode CudaAlloc(RslSegBackend be, RslSegTensor *t)
{
  PetscFunctionBegin;
  PetscCheck(t->dtype == RSL_SEG_F32 || t->dtype == RSL_SEG_F16 || t->dtype == RSL_SEG_BF16, PETSC_COMM_SELF, PETSC_ERR_SUP, "cuda backend: float, half or bfloat16 tensors");
  /* stream-ordered allocator: freeing between layers neither synchronises nor returns
   * memory to the driver, so it acts as the activation pool */
  CUDACALL(cudaMallocAsync(&t->data, RslSegTensorNumel(t) * RslSegDtypeSize(t->dtype), ((CudaData *)be->data)->stream));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CudaFree(RslSegBackend be, RslSegTensor *t)
{
  PetscFunctionBegin;
  CUDACALL(cudaFreeAsync(t->data, ((CudaData *)be->data)->stream));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* host NCHW float32 -> device NHWC of t's type, through a float staging copy */
static PetscErrorCode CudaUpload(RslSegBackend be, const float *host, RslSegTensor *t)
{
  CudaData *d = (CudaData *)be->data;
  float    *tmp;
  size_t    n = RslSegTensorNumel(t);

  PetscFunctionBegin;
  CUDACALL(cudaMallocAsync((void **)&tmp, n * sizeof(float), d->stream));
  CUDACALL(cudaMemcpyAsync(tmp, host, n * sizeof(float), cudaMemcpyHostToDevice, d->stream));
  KERNEL(rsl_seg_cuda_to_nhwc((int)t->dtype, tmp, t->data, (long)t->n, (int)t->c, (long)t->h * t->w, d->stream));
  CUDACALL(cudaFreeAsync(tmp, d->stream));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CudaDownload(RslSegBackend be, const RslSegTensor *t, float *host)
{
  CudaData *d = (CudaData *)be->data;
  float    *tmp;
  size_t    n = RslSegTensorNumel(t);

  PetscFunctionBegin;
  CUDACALL(cudaMallocAsync((void **)&tmp, n * sizeof(float), d->stream));
  KERNEL(rsl_seg_cuda_to_nchw((int)t->dtype, t->data, tmp, (long)t->n, (int)t->c, (long)t->h * t->w, d->stream));
  CUDACALL(cudaMemcpyAsync(host, tmp, n * sizeof(float), cudaMemcpyDeviceToHost, d->stream));
  CUDACALL(cudaFreeAsync(tmp, d->stream));
  CUDACALL(cudaStreamSynchronize(d->stream));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CudaConvSetUp(RslSegBackend be, RslSegConv *cv)
{
  CudaData *d = (CudaData *)be->data;
  CudaConv *c;
  PetscInt  kk = cv->k * cv->k;
  size_t    nw = (size_t)cv->cout * cv->cin * kk;
  float    *krsc, *dw;

  PetscFunctionBegin;
  PetscCall(PetscNew(&c));
  cv->impl = c;
  c->ct    = RslSegPrecisionDtype(cv->prec);
  /* OIHW -> KRSC (out, kh, kw, in) for NHWC filters, then to the compute type on the device */
  PetscCall(PetscMalloc1(nw, &krsc));
  for (PetscInt o = 0; o < cv->cout; o++)
    for (PetscInt i = 0; i < cv->cin; i++)
      for (PetscInt t = 0; t < kk; t++) krsc[(o * kk + t) * cv->cin + i] = cv->w[(o * cv->cin + i) * kk + t];
  CUDACALL(cudaMalloc((void **)&dw, nw * sizeof(float)));
  CUDACALL(cudaMemcpy(dw, krsc, nw * sizeof(float), cudaMemcpyHostToDevice));
  PetscCall(PetscFree(krsc));
  if (c->ct == RSL_SEG_F32) c->w = dw;
  else {
    CUDACALL(cudaMalloc(&c->w, nw * RslSegDtypeSize(c->ct)));
    KERNEL(rsl_seg_cuda_convert((int)RSL_SEG_F32, dw, (int)c->ct, c->w, (long)nw, d->stream));
    CUDACALL(cudaStreamSynchronize(d->stream));
    CUDACALL(cudaFree(dw));
  }
  CUDACALL(cudaMalloc((void **)&c->b, (size_t)cv->cout * sizeof(float)));
  CUDACALL(cudaMemcpy(c->b, cv->b, (size_t)cv->cout * sizeof(float), cudaMemcpyHostToDevice));
  PetscCall(PetscFree(cv->w)); /* on the device now */
  CUDNNCALL(cudnnCreateFilterDescriptor(&c->fd));
  CUDNNCALL(cudnnSetFilter4dDescriptor(c->fd, cudnn_type(c->ct), CUDNN_TENSOR_NHWC, (int)cv->cout, (int)cv->cin, (int)cv->k, (int)cv->k));
  CUDNNCALL(cudnnCreateConvolutionDescriptor(&c->cd));
  CUDNNCALL(cudnnSetConvolution2dDescriptor(c->cd, (int)cv->pad, (int)cv->pad, (int)cv->stride, (int)cv->stride, 1, 1, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT)); /* FP32 accumulation */
  CUDNNCALL(cudnnSetConvolutionMathType(c->cd, c->ct == RSL_SEG_F32 ? CUDNN_FMA_MATH : CUDNN_TENSOR_OP_MATH));
  CUDNNCALL(cudnnCreateTensorDescriptor(&c->xd));
  CUDNNCALL(cudnnCreateTensorDescriptor(&c->yd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CudaConvDestroy(RslSegBackend be, RslSegConv *cv)
{
  CudaConv *c = (CudaConv *)cv->impl;

  PetscFunctionBegin;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  CUDACALL(cudaFree(c->w));
  CUDACALL(cudaFree(c->b));
  CUDNNCALL(cudnnDestroyFilterDescriptor(c->fd));
  CUDNNCALL(cudnnDestroyConvolutionDescriptor(c->cd));
  CUDNNCALL(cudnnDestroyTensorDescriptor(c->xd));
  CUDNNCALL(cudnnDestroyTensorDescriptor(c->yd));
  PetscCall(PetscFree(cv->impl));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y = act(conv(x) + b [+ y_old]): cuDNN accumulates the residual (beta = 1) in FP32, the
 * epilogue kernel adds the bias and applies the ReLU. An output wanted in another type
 * than the compute type (FP32 first conv under FP16, the FP32 head's input) is computed
 * into a scratch tensor and converted. */
static PetscErrorCode CudaConvRun(RslSegBackend be, const RslSegConv *cv, const RslSegTensor *x, PetscBool accumulate, PetscBool relu, RslSegTensor *y)
{
  CudaData    *d = (CudaData *)be->data;
  CudaConv    *c = (CudaConv *)cv->impl;
  const float  one = 1.0f, beta = accumulate ? 1.0f : 0.0f;
  RslSegTensor out = *y;

  PetscFunctionBegin;
  PetscCheck(x->dtype == c->ct, PETSC_COMM_SELF, PETSC_ERR_PLIB, "conv %s: input storage does not match its precision", cv->name);
  PetscCheck(!accumulate || y->dtype == c->ct, PETSC_COMM_SELF, PETSC_ERR_PLIB, "conv %s: residual of another type", cv->name);
  if (c->n != x->n || c->h != x->h || c->w_ != x->w) { /* choose the algorithm for this shape */
    cudnnConvolutionFwdAlgoPerf_t perf[8];
    int                           got = 0;
    CUDNNCALL(cudnnSetTensor4dDescriptor(c->xd, CUDNN_TENSOR_NHWC, cudnn_type(c->ct), (int)x->n, (int)x->c, (int)x->h, (int)x->w));
    CUDNNCALL(cudnnSetTensor4dDescriptor(c->yd, CUDNN_TENSOR_NHWC, cudnn_type(c->ct), (int)y->n, (int)y->c, (int)y->h, (int)y->w));
    CUDNNCALL(cudnnGetConvolutionForwardAlgorithm_v7(d->h, c->xd, c->fd, c->cd, c->yd, 8, &got, perf));
    PetscCheck(got > 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "cuDNN: no forward algorithm for %s", cv->name);
    c->algo = perf[0].algo;
    CUDNNCALL(cudnnGetConvolutionForwardWorkspaceSize(d->h, c->xd, c->fd, c->cd, c->yd, c->algo, &c->ws));
    c->n  = x->n;
    c->h  = x->h;
    c->w_ = x->w;
  }
  if (c->ws > d->ws_size) {
    CUDACALL(cudaStreamSynchronize(d->stream)); /* queued convolutions may use the old one */
    CUDACALL(cudaFree(d->ws));
    CUDACALL(cudaMalloc(&d->ws, c->ws));
    d->ws_size = c->ws;
  }
  if (y->dtype != c->ct) {
    out.dtype = c->ct;
    PetscCall(CudaAlloc(be, &out));
  }
  CUDNNCALL(cudnnConvolutionForward(d->h, &one, c->xd, x->data, c->fd, c->w, c->cd, c->algo, d->ws, c->ws, &beta, c->yd, out.data));
  KERNEL(rsl_seg_cuda_epilogue((int)c->ct, out.data, c->b, (long)y->n, (int)y->c, (long)y->h * y->w, (int)relu, d->stream));
  if (y->dtype != c->ct) {
    KERNEL(rsl_seg_cuda_convert((int)c->ct, out.data, (int)y->dtype, y->data, (long)RslSegTensorNumel(y), d->stream));
    PetscCall(CudaFree(be, &out));
  }
  y->dtype = cv->out_dtype;
  y->scale = 1.0f;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CudaMaxpool(RslSegBackend be, const RslSegTensor *x, RslSegTensor *y)
{
  PetscFunctionBegin;
  KERNEL(rsl_seg_cuda_maxpool((int)x->dtype, x->data, y->data, (int)x->n, (int)x->c, (int)x->h, (int)x->w, (int)y->h, (int)y->w, ((CudaData *)be->data)->stream));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CudaUpcat(RslSegBackend be, const RslSegTensor *x, const RslSegTensor *skip, RslSegTensor *y)
{
  PetscFunctionBegin;
  PetscCheck(x->dtype == y->dtype && (!skip || skip->dtype == y->dtype), PETSC_COMM_SELF, PETSC_ERR_PLIB, "cuda upcat: one storage type");
  KERNEL(rsl_seg_cuda_upcat((int)y->dtype, x->data, (int)x->c, skip ? skip->data : NULL, skip ? (int)skip->c : 0, y->data, (int)y->n, (int)y->h, (int)y->w, ((CudaData *)be->data)->stream));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* auto: FP16 on tensor-core GPUs (compute capability >= 7.0; 11-bit significand, more
 * precise than BF16, and the activations of these models stay far below 65504), else FP32.
 * INT8 is the CPU's (oneDNN) only. */
static PetscErrorCode CudaPrecision(RslSegBackend be, RslSegPrecision req, PetscBool calibrated, RslSegPrecision *p, char why[], size_t len)
{
  CudaData *d = (CudaData *)be->data;

  PetscFunctionBegin;
  RSLCHECK(be->comm, req != RSL_SEG_PREC_INT8, "-seg_precision int8: the cpu backend's (oneDNN); on GPUs use fp16 or bf16");
  RSLCHECK(be->comm, req != RSL_SEG_PREC_BF16 || d->cc_major >= 8, "-seg_precision bf16: needs a GPU of compute capability >= 8.0 (this one: %d.x); use fp16", d->cc_major);
  if (req != RSL_SEG_PREC_AUTO) *p = req;
  else *p = d->cc_major >= 7 ? RSL_SEG_PREC_FP16 : RSL_SEG_PREC_FP32;
  PetscCall(PetscSNPrintf(why, len, "%s; GPU compute capability %d.x%s", req == RSL_SEG_PREC_AUTO ? "auto" : "requested", d->cc_major, d->cc_major >= 7 ? " (tensor cores)" : ""));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CudaDestroy(RslSegBackend be)
{
  CudaData *d = (CudaData *)be->data;

  PetscFunctionBegin;
  CUDACALL(cudaStreamSynchronize(d->stream));
  CUDACALL(cudaFree(d->ws));
  CUDNNCALL(cudnnDestroy(d->h));
  CUDACALL(cudaStreamDestroy(d->stream));
  PetscCall(PetscFree(be->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}
#endif

PetscErrorCode RslSegBackendCreate_CUDA(RslSegBackend be)
{
  PetscFunctionBegin;
#if !defined(RSL_HAVE_CUDA)
  RSLCHECK(be->comm, 0, "-seg_backend cuda: this build has no CUDA/cuDNN support (rebuild with nvcc and cuDNN 9, or use -seg_backend cpu)");
#else
  PetscCall(RslGPUBind(be->comm, "-seg_backend cuda", NULL)); /* device: local rank modulo the node's count */
  CudaData *d;
  PetscCall(PetscNew(&d));
  be->data = d;
  CUDACALL(cudaStreamCreate(&d->stream));
  { /* keep freed activations in the pool across forward passes */
    cudaMemPool_t pool;
    uint64_t      keep = UINT64_MAX;
    int           dev;
    CUDACALL(cudaGetDevice(&dev));
    CUDACALL(cudaDeviceGetAttribute(&d->cc_major, cudaDevAttrComputeCapabilityMajor, dev));
    CUDACALL(cudaDeviceGetDefaultMemPool(&pool, dev));
    CUDACALL(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep));
  }
  CUDNNCALL(cudnnCreate(&d->h));
  CUDNNCALL(cudnnSetStream(d->h, d->stream));
  be->ops.name         = "cuda";
  be->ops.precision    = CudaPrecision;
  be->ops.setup_conv   = CudaConvSetUp;
  be->ops.destroy_conv = CudaConvDestroy;
  be->ops.alloc        = CudaAlloc;
  be->ops.free         = CudaFree;
  be->ops.upload       = CudaUpload;
  be->ops.download     = CudaDownload;
  be->ops.conv         = CudaConvRun;
  be->ops.maxpool      = CudaMaxpool;
  be->ops.upcat        = CudaUpcat;
  be->ops.destroy      = CudaDestroy;
#endif
  PetscFunctionReturn(PETSC_SUCCESS);
}
