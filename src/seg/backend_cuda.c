/* seg/backend_cuda: cuDNN 9 convolutions (FP32 FMA math: no TF32, so parity with the
 * oracle holds) followed by the single-source epilogue kernel, and the kernels of
 * kernels/seg.cu for max-pool, upsampling and concatenation. Tensors live on the device;
 * Forward uploads the input and downloads the logits. Compiled in CI, never run on the
 * development machines (no GPU): requesting it there is a clear collective error. */
#include "seg/backend.h"
#if defined(RSL_HAVE_CUDA)
  #include "seg/backend_cuda.h"
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
  cudnnHandle_t     h;
  cudaStream_t      stream;
  void             *ws; /* convolution workspace */
  size_t            ws_size;
} CudaData;

typedef struct {
  float                       *w, *b; /* device copies */
  cudnnFilterDescriptor_t      fd;
  cudnnConvolutionDescriptor_t cd;
  cudnnTensorDescriptor_t      xd, yd;
  PetscInt                     n, h, w_; /* shape the algorithm was chosen for */
  cudnnConvolutionFwdAlgo_t    algo;
  size_t                       ws;
} CudaConv;

static size_t numel(const RslSegTensor *t)
{
  return (size_t)t->n * (size_t)t->c * (size_t)t->h * (size_t)t->w;
}

static PetscErrorCode CudaAlloc(RslSegBackend be, RslSegTensor *t)
{
  PetscFunctionBegin;
  /* stream-ordered allocator: freeing between layers neither synchronises nor returns
   * memory to the driver, so it acts as the activation pool */
  CUDACALL(cudaMallocAsync((void **)&t->data, numel(t) * sizeof(float), ((CudaData *)be->data)->stream));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CudaFree(RslSegBackend be, RslSegTensor *t)
{
  PetscFunctionBegin;
  CUDACALL(cudaFreeAsync(t->data, ((CudaData *)be->data)->stream));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CudaUpload(RslSegBackend be, const float *host, RslSegTensor *t)
{
  PetscFunctionBegin;
  CUDACALL(cudaMemcpyAsync(t->data, host, numel(t) * sizeof(float), cudaMemcpyHostToDevice, ((CudaData *)be->data)->stream));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CudaDownload(RslSegBackend be, const RslSegTensor *t, float *host)
{
  CudaData *d = (CudaData *)be->data;

  PetscFunctionBegin;
  CUDACALL(cudaMemcpyAsync(host, t->data, numel(t) * sizeof(float), cudaMemcpyDeviceToHost, d->stream));
  CUDACALL(cudaStreamSynchronize(d->stream));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CudaConvSetUp(RslSegBackend be, RslSegConv *cv)
{
  CudaConv *c;
  size_t    nw = (size_t)cv->cout * cv->cin * cv->k * cv->k;

  PetscFunctionBegin;
  PetscCall(PetscNew(&c));
  cv->impl = c;
  CUDACALL(cudaMalloc((void **)&c->w, nw * sizeof(float)));
  CUDACALL(cudaMalloc((void **)&c->b, (size_t)cv->cout * sizeof(float)));
  CUDACALL(cudaMemcpy(c->w, cv->w, nw * sizeof(float), cudaMemcpyHostToDevice));
  CUDACALL(cudaMemcpy(c->b, cv->b, (size_t)cv->cout * sizeof(float), cudaMemcpyHostToDevice));
  CUDNNCALL(cudnnCreateFilterDescriptor(&c->fd));
  CUDNNCALL(cudnnSetFilter4dDescriptor(c->fd, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, (int)cv->cout, (int)cv->cin, (int)cv->k, (int)cv->k));
  CUDNNCALL(cudnnCreateConvolutionDescriptor(&c->cd));
  CUDNNCALL(cudnnSetConvolution2dDescriptor(c->cd, (int)cv->pad, (int)cv->pad, (int)cv->stride, (int)cv->stride, 1, 1, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
  CUDNNCALL(cudnnSetConvolutionMathType(c->cd, CUDNN_FMA_MATH));
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

static PetscErrorCode CudaConvRun(RslSegBackend be, const RslSegConv *cv, const RslSegTensor *x, const RslSegTensor *res, PetscBool relu, RslSegTensor *y)
{
  CudaData   *d = (CudaData *)be->data;
  CudaConv   *c = (CudaConv *)cv->impl;
  const float one = 1.0f, zero = 0.0f;

  PetscFunctionBegin;
  if (c->n != x->n || c->h != x->h || c->w_ != x->w) { /* choose the algorithm for this shape */
    cudnnConvolutionFwdAlgoPerf_t perf[8];
    int                           got = 0;
    CUDNNCALL(cudnnSetTensor4dDescriptor(c->xd, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, (int)x->n, (int)x->c, (int)x->h, (int)x->w));
    CUDNNCALL(cudnnSetTensor4dDescriptor(c->yd, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, (int)y->n, (int)y->c, (int)y->h, (int)y->w));
    CUDNNCALL(cudnnGetConvolutionForwardAlgorithm_v7(d->h, c->xd, c->fd, c->cd, c->yd, 8, &got, perf));
    PetscCheck(got > 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "cuDNN: no forward algorithm for a %dx%d convolution", (int)cv->k, (int)cv->k);
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
  CUDNNCALL(cudnnConvolutionForward(d->h, &one, c->xd, x->data, c->fd, c->w, c->cd, c->algo, d->ws, c->ws, &zero, c->yd, y->data));
  KERNEL(rsl_seg_cuda_epilogue(y->data, c->b, res ? res->data : NULL, (long)y->n, (int)y->c, (long)y->h * y->w, (int)relu, d->stream));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CudaMaxpool(RslSegBackend be, const RslSegTensor *x, RslSegTensor *y)
{
  PetscFunctionBegin;
  KERNEL(rsl_seg_cuda_maxpool(x->data, y->data, (long)x->n * x->c, (int)x->h, (int)x->w, (int)y->h, (int)y->w, ((CudaData *)be->data)->stream));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CudaUpsample2(RslSegBackend be, const RslSegTensor *x, RslSegTensor *y)
{
  PetscFunctionBegin;
  KERNEL(rsl_seg_cuda_upsample2(x->data, y->data, (long)x->n * x->c, (int)x->h, (int)x->w, ((CudaData *)be->data)->stream));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CudaConcat(RslSegBackend be, const RslSegTensor *a, const RslSegTensor *b, RslSegTensor *y)
{
  PetscFunctionBegin;
  KERNEL(rsl_seg_cuda_concat(a->data, (int)a->c, b->data, (int)b->c, y->data, (long)y->n, (long)y->h * y->w, ((CudaData *)be->data)->stream));
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
  {
    int         ndev = 0;
    cudaError_t e    = cudaGetDeviceCount(&ndev);
    PetscBool   bad  = (PetscBool)(e != cudaSuccess || ndev < 1);
    char        msg[256];
    PetscCall(PetscSNPrintf(msg, sizeof msg, "-seg_backend cuda: no usable CUDA device on this machine (%s); use -seg_backend cpu", e != cudaSuccess ? cudaGetErrorString(e) : "0 devices"));
    PetscCall(RslCheckCollective(be->comm, bad, msg));
  }
  CudaData *d;
  PetscCall(PetscNew(&d));
  be->data = d;
  CUDACALL(cudaStreamCreate(&d->stream));
  { /* keep freed activations in the pool across forward passes */
    cudaMemPool_t pool;
    uint64_t      keep = UINT64_MAX;
    int           dev;
    CUDACALL(cudaGetDevice(&dev));
    CUDACALL(cudaDeviceGetDefaultMemPool(&pool, dev));
    CUDACALL(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep));
  }
  CUDNNCALL(cudnnCreate(&d->h));
  CUDNNCALL(cudnnSetStream(d->h, d->stream));
  be->ops.name         = "cuda";
  be->ops.setup_conv   = CudaConvSetUp;
  be->ops.destroy_conv = CudaConvDestroy;
  be->ops.alloc        = CudaAlloc;
  be->ops.free         = CudaFree;
  be->ops.upload       = CudaUpload;
  be->ops.download     = CudaDownload;
  be->ops.conv         = CudaConvRun;
  be->ops.maxpool      = CudaMaxpool;
  be->ops.upsample2    = CudaUpsample2;
  be->ops.concat       = CudaConcat;
  be->ops.destroy      = CudaDestroy;
#endif
  PetscFunctionReturn(PETSC_SUCCESS);
}
