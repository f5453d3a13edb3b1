/* seg/backend: the compute interface of the segmentation engine, in the libCEED manner:
 * one table of operations per backend (ref = plain C oracle, cpu = oneDNN or
 * im2col + BLAS with OpenMP, cuda = cuDNN + kernels/seg.cu). Tensors are NCHW float32
 * in the backend's memory space (host for ref/cpu, device for cuda); the model code
 * (seg/model.c) only calls these operations. */
#pragma once
#include "core/rsl.h"

typedef struct {
  PetscInt n, c, h, w;
  float   *data;
} RslSegTensor;

/* A convolution with batch-norm already folded in: y = act(w * x + b [+ residual]). */
typedef struct {
  PetscInt cin, cout, k, stride, pad;
  float   *w; /* host, cout x cin x k x k */
  float   *b; /* host, cout */
  void    *impl; /* backend data: packed weights, primitives, device copies */
} RslSegConv;

typedef struct _p_RslSegBackend *RslSegBackend;

typedef struct {
  const char *name;
  PetscErrorCode (*setup_conv)(RslSegBackend, RslSegConv *);
  PetscErrorCode (*destroy_conv)(RslSegBackend, RslSegConv *);
  PetscErrorCode (*alloc)(RslSegBackend, RslSegTensor *);
  PetscErrorCode (*free)(RslSegBackend, RslSegTensor *);
  PetscErrorCode (*upload)(RslSegBackend, const float *host, RslSegTensor *);
  PetscErrorCode (*download)(RslSegBackend, const RslSegTensor *, float *host);
  /* y = act(conv(x) + b + res), res NULL or shaped like y; y is allocated by the caller */
  PetscErrorCode (*conv)(RslSegBackend, const RslSegConv *, const RslSegTensor *x, const RslSegTensor *res, PetscBool relu, RslSegTensor *y);
  PetscErrorCode (*maxpool)(RslSegBackend, const RslSegTensor *x, RslSegTensor *y); /* 3x3, stride 2, pad 1 */
  PetscErrorCode (*upsample2)(RslSegBackend, const RslSegTensor *x, RslSegTensor *y); /* nearest x2 */
  PetscErrorCode (*concat)(RslSegBackend, const RslSegTensor *a, const RslSegTensor *b, RslSegTensor *y); /* channels */
  PetscErrorCode (*destroy)(RslSegBackend);
} RslSegBackendOps;

struct _p_RslSegBackend {
  MPI_Comm         comm;
  RslSegBackendOps ops;
  void            *data;
};

/* Create the backend called name ("ref", "cpu", "cuda"); a backend this build or machine
 * cannot run is a collective error naming it. */
PetscErrorCode RslSegBackendCreate(MPI_Comm comm, const char name[], RslSegBackend *be);
PetscErrorCode RslSegBackendDestroy(RslSegBackend *be);
/* Allocate t (shape already set) in the backend's memory. */
PetscErrorCode RslSegTensorAlloc(RslSegBackend be, RslSegTensor *t, PetscInt n, PetscInt c, PetscInt h, PetscInt w);
PetscErrorCode RslSegTensorFree(RslSegBackend be, RslSegTensor *t);

/* Backend constructors (backend_ref.c, backend_cpu.c, backend_cuda.c). The host helpers
 * are shared by ref and cpu. */
PetscErrorCode RslSegBackendCreate_Ref(RslSegBackend);
PetscErrorCode RslSegBackendCreate_CPU(RslSegBackend);
PetscErrorCode RslSegBackendCreate_CUDA(RslSegBackend);
PetscErrorCode RslSegHostAlloc(RslSegBackend, RslSegTensor *);
PetscErrorCode RslSegHostFree(RslSegBackend, RslSegTensor *);
PetscErrorCode RslSegHostUpload(RslSegBackend, const float *, RslSegTensor *);
PetscErrorCode RslSegHostDownload(RslSegBackend, const RslSegTensor *, float *);
PetscErrorCode RslSegHostMaxpool(RslSegBackend, const RslSegTensor *, RslSegTensor *);
PetscErrorCode RslSegHostUpsample2(RslSegBackend, const RslSegTensor *, RslSegTensor *);
PetscErrorCode RslSegHostConcat(RslSegBackend, const RslSegTensor *, const RslSegTensor *, RslSegTensor *);
/* The cpu backend's oneDNN convolution (backend_cpu_dnnl.c, when RSL_HAVE_DNNL), epilogue
 * included; cv->impl caches its primitives. */
struct RslSegDnnl;
PetscErrorCode RslSegDnnlCreate(struct RslSegDnnl **);
PetscErrorCode RslSegDnnlDestroy(struct RslSegDnnl **);
PetscErrorCode RslSegDnnlConvSetUp(RslSegConv *);
PetscErrorCode RslSegDnnlConv(struct RslSegDnnl *, const RslSegConv *, const RslSegTensor *x, const RslSegTensor *res, PetscBool relu, RslSegTensor *y);
PetscErrorCode RslSegDnnlConvDestroy(RslSegConv *);
/* The epilogue over a host NCHW tensor whose data holds raw accumulators (in place). */
PetscErrorCode RslSegHostEpilogue(const float *b, const RslSegTensor *res, PetscBool relu, RslSegTensor *y);
