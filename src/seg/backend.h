/* seg/backend: the compute interface of the segmentation engine, in the libCEED manner:
 * one table of operations per backend (ref = plain C oracle, FP32 NCHW; cpu = oneDNN or
 * im2col + BLAS, channels-last, FP32/BF16/INT8; cuda = cuDNN + kernels/seg.cu,
 * FP32/FP16/BF16). A tensor's layout and storage type are the backend's business: the
 * model code (seg/model.c) only allocates tensors of a shape and storage type, calls these
 * operations, and moves data in and out as NCHW float32 (upload/download).
 *
 * Precision: every convolution carries its compute precision (RslSegPrecision) and the
 * storage type of its output, decided by the model's planner (model.c) from
 * -seg_precision and the backend's answer to ops.precision (what this build and CPU/GPU
 * run natively). INT8 tensors have one scale per tensor (value = scale * q): u8 for the
 * post-ReLU activations (>= 0), s8 for the one signed activation, the downsampled
 * shortcut of a ResNet block (batch-norm, no ReLU); weights s8 with one scale per output
 * channel. */
#pragma once
#include "core/rsl.h"

typedef enum { RSL_SEG_PREC_FP32, RSL_SEG_PREC_BF16, RSL_SEG_PREC_FP16, RSL_SEG_PREC_INT8, RSL_SEG_PREC_AUTO } RslSegPrecision;
extern const char *const RslSegPrecisions[]; /* "fp32", "bf16", "fp16", "int8", "auto", then PETSc's enum tail */

/* Storage type of activations: F32, BF16, F16 (2 bytes), U8 and S8 (1 byte, with a scale). */
typedef enum { RSL_SEG_F32, RSL_SEG_BF16, RSL_SEG_F16, RSL_SEG_U8, RSL_SEG_S8 } RslSegDtype;
/* The storage type a convolution of precision p reads. */
RslSegDtype RslSegPrecisionDtype(RslSegPrecision p);
size_t      RslSegDtypeSize(RslSegDtype d);
const char *RslSegDtypeName(RslSegDtype d);

typedef struct {
  PetscInt    n, c, h, w;
  RslSegDtype dtype;
  float       scale; /* U8, S8: real value = scale * q (set by whoever writes the tensor) */
  void       *data;
} RslSegTensor;

/* A convolution with batch-norm already folded in: y = act(w * x + b [+ y_old]). */
typedef struct {
  char            name[96]; /* state-dict prefix, e.g. "encoder.layer1.0.conv1" */
  PetscInt        id;       /* position in the model's fixed order of convolutions */
  PetscInt        cin, cout, k, stride, pad;
  float          *w; /* host, cout x cin x k x k (a backend may free it once packed) */
  float          *b; /* host, cout */
  RslSegPrecision prec;      /* compute precision (planner) */
  RslSegDtype     out_dtype; /* storage of the output (the consumers' input type) */
  float           amax;      /* calibrated clipping value of the output (after the activation), 0: none */
  void           *impl;      /* backend data: packed weights, primitives, device copies */
} RslSegConv;

typedef struct _p_RslSegBackend *RslSegBackend;

typedef struct {
  const char *name;
  /* Resolve the requested precision (RSL_SEG_PREC_AUTO included) to what this backend will
   * run; calibrated: INT8 activation scales are available; why: a short reason for the log.
   * A precision the backend cannot run at all is an error naming -seg_precision. */
  PetscErrorCode (*precision)(RslSegBackend, RslSegPrecision requested, PetscBool calibrated, RslSegPrecision *resolved, char why[], size_t len);
  PetscErrorCode (*setup_conv)(RslSegBackend, RslSegConv *); /* after the planner set prec, out_dtype, amax */
  PetscErrorCode (*destroy_conv)(RslSegBackend, RslSegConv *);
  PetscErrorCode (*alloc)(RslSegBackend, RslSegTensor *); /* shape and dtype already set */
  PetscErrorCode (*free)(RslSegBackend, RslSegTensor *);
  PetscErrorCode (*upload)(RslSegBackend, const float *host_nchw, RslSegTensor *);
  PetscErrorCode (*download)(RslSegBackend, const RslSegTensor *, float *host_nchw);
  /* y = act(conv(x) + b [+ y_old when accumulate]); y is allocated by the caller with
   * cv->out_dtype (when accumulating, it holds the residual, with its own type of the same
   * size, e.g. an s8 shortcut under a u8 output, and scale); on return y->dtype is
   * cv->out_dtype and y->scale the output's (U8: cv->amax / 255, S8: cv->amax / 127). */
  PetscErrorCode (*conv)(RslSegBackend, const RslSegConv *, const RslSegTensor *x, PetscBool accumulate, PetscBool relu, RslSegTensor *y);
  PetscErrorCode (*maxpool)(RslSegBackend, const RslSegTensor *x, RslSegTensor *y); /* 3x3, stride 2, pad 1; same dtype */
  /* y = [upsample2(x); skip] along channels (skip may be NULL): nearest x2 upsampling and the
   * U-Net concatenation in one pass; y->dtype and (U8) y->scale are set by the caller. */
  PetscErrorCode (*upcat)(RslSegBackend, const RslSegTensor *x, const RslSegTensor *skip, RslSegTensor *y);
  PetscErrorCode (*view)(RslSegBackend, PetscViewer); /* optional: threads, ISA, ... */
  PetscErrorCode (*destroy)(RslSegBackend);
} RslSegBackendOps;

struct _p_RslSegBackend {
  MPI_Comm         comm;
  RslSegBackendOps ops;
  PetscInt         concurrency; /* forward passes (tiles) it can run at once on separate OpenMP threads (cpu: -seg_threads_over tiles); 1: one */
  void            *data;
};

/* Create the backend called name ("ref", "cpu", "cuda"); a backend this build or machine
 * cannot run is a collective error naming it. */
PetscErrorCode RslSegBackendCreate(MPI_Comm comm, const char name[], RslSegBackend *be);
/* The registry of backends (ref, cpu, cuda registered on first use): a new backend is its
 * file plus one RslSegBackendRegister line in RslSegBackendGetList (backend.c). */
PetscErrorCode RslSegBackendRegister(const char name[], PetscErrorCode (*create)(RslSegBackend));
PetscErrorCode RslSegBackendGetList(PetscFunctionList *list);
/* The registered names (PetscFree the array, not the names). */
PetscErrorCode RslSegBackendNames(const char ***names, int *n);
/* A collective error naming -seg_backend and the registered names when name is not one. */
PetscErrorCode RslSegBackendCheckName(MPI_Comm comm, const char name[]);
PetscErrorCode RslSegBackendDestroy(RslSegBackend *be);
/* Allocate t in the backend's memory: shape, storage type, scale 1. */
PetscErrorCode RslSegTensorAlloc(RslSegBackend be, RslSegTensor *t, PetscInt n, PetscInt c, PetscInt h, PetscInt w, RslSegDtype dtype);
PetscErrorCode RslSegTensorFree(RslSegBackend be, RslSegTensor *t);
size_t         RslSegTensorNumel(const RslSegTensor *t);

/* Backend constructors (backend_ref.c, backend_cpu.c, backend_cuda.c). */
PetscErrorCode RslSegBackendCreate_Ref(RslSegBackend);
PetscErrorCode RslSegBackendCreate_CPU(RslSegBackend);
PetscErrorCode RslSegBackendCreate_CUDA(RslSegBackend);
/* Host memory helpers (backend_host.c): allocation of any dtype, and the NCHW float32
 * operations of the ref backend. */
PetscErrorCode RslSegHostAlloc(RslSegBackend, RslSegTensor *);
PetscErrorCode RslSegHostFree(RslSegBackend, RslSegTensor *);
PetscErrorCode RslSegHostUpload(RslSegBackend, const float *, RslSegTensor *);
PetscErrorCode RslSegHostDownload(RslSegBackend, const RslSegTensor *, float *);
PetscErrorCode RslSegHostMaxpool(RslSegBackend, const RslSegTensor *, RslSegTensor *);
PetscErrorCode RslSegHostUpcat(RslSegBackend, const RslSegTensor *, const RslSegTensor *, RslSegTensor *);
/* NCHW float32 epilogue in place: y = act(acc + b + res), acc = y's contents, res NULL or
 * shaped like y. */
PetscErrorCode RslSegHostEpilogue(const float *b, const float *res, PetscBool relu, RslSegTensor *y);

/* The cpu backend's oneDNN side (backend_cpu_dnnl.c, when RSL_HAVE_DNNL): engine, ISA,
 * channels-last convolutions with fused bias/residual/ReLU post-ops, in FP32, BF16 or
 * INT8; cv->impl caches packed weights (reordered once at set-up) and primitives. */
struct RslSegDnnl;
typedef struct {
  PetscBool bf16, int8; /* native (not emulated) BF16 dot products; INT8 VNNI (or AMX) */
  PetscBool bf16_any;   /* BF16 convolutions at all, native or emulated (AVX-512 and up) */
  char      isa[64];
} RslSegDnnlISA;
PetscErrorCode RslSegDnnlCreate(PetscInt nslot, struct RslSegDnnl **); /* nslot: threads running tiles at once (1: layer-parallel) */
PetscErrorCode RslSegDnnlDestroy(struct RslSegDnnl **);
PetscErrorCode RslSegDnnlGetISA(RslSegDnnlISA *);
PetscErrorCode RslSegDnnlConvSetUp(struct RslSegDnnl *, RslSegConv *);
PetscErrorCode RslSegDnnlConv(struct RslSegDnnl *, const RslSegConv *, const RslSegTensor *x, PetscBool accumulate, PetscBool relu, RslSegTensor *y);
PetscErrorCode RslSegDnnlConvDestroy(RslSegConv *);
