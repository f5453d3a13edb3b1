/* seg/backend_cpu: the fast host backend. Activations are channels-last (NHWC: a pixel's
 * channels contiguous, the layout oneDNN's brgemm convolutions read and write natively, so
 * no reorder between layers) in FP32, BF16 or u8 (INT8). Convolutions by oneDNN
 * (backend_cpu_dnnl.c: bias, residual and ReLU fused as post-ops) or, FP32 only, as
 * im2col + sgemm (OpenBLAS) over chunks of output pixels with the single-source epilogue
 * (-seg_cpu_conv dnnl|gemm; default dnnl when available: faster by measurement, see
 * jobs/bench/seg_bench.sh). Max-pool and the fused upsampling + concatenation are OpenMP
 * loops over pixels using the single-source index functions of kernels/seg_pointwise.h;
 * u8 tensors of different scales are requantized through a 256-entry table.
 *
 * Threads: -seg_threads N (default OMP_NUM_THREADS when set, else the CPUs this rank may
 * run on, sched_getaffinity: under mpiexec's default binding of one core per rank, 1),
 * one OpenMP runtime (libgomp) for oneDNN and the loops, spent over tiles (default: each
 * thread runs whole tiles on its own, no synchronisation inside a forward pass, so a
 * descheduled thread delays only its tile; the model runs min(N, tiles) passes at once)
 * or over layers (-seg_threads_over layers: every primitive and loop on all N threads, one
 * tile at a time: less memory, needs the cores to itself). */
#if !defined(_GNU_SOURCE)
  #define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#endif
#include "seg/backend.h"
#include "kernels/conv_epilogue.h"
#include "kernels/seg_pointwise.h"
#include <math.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#if defined(_OPENMP)
  #include <omp.h>
#endif
#if defined(RSL_HAVE_BLAS)
  #include <cblas.h>
#endif

#define COL_CAP (4 << 20) /* floats of im2col scratch per chunk (16 MB) */

typedef enum { CONV_GEMM, CONV_DNNL } ConvImpl;

typedef struct {
  ConvImpl           impl;
  PetscInt           threads, cores; /* used; CPUs in the affinity mask */
  PetscBool          over_tiles;
  float             *col, *acc;      /* gemm scratch */
  size_t             cap, acap;
  struct RslSegDnnl *dnnl;
} CPUData;

/* ---- storage types ----------------------------------------------------------------- */
static inline float bf16_to_f32(uint16_t b)
{
  uint32_t u = (uint32_t)b << 16;
  float    f;
  memcpy(&f, &u, 4);
  return f;
}

static inline uint16_t f32_to_bf16(float f) /* round to nearest even, as oneDNN */
{
  uint32_t u;
  memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40); /* quiet NaN */
  u += 0x7fffu + ((u >> 16) & 1u);
  return (uint16_t)(u >> 16);
}

static inline float quantize(float v, float inv_scale, float lo, float hi) /* nearest, saturated */
{
  float q = nearbyintf(v * inv_scale);
  return q < lo ? lo : q > hi ? hi : q;
}
#define quantize_u8(v, inv) ((uint8_t)quantize(v, inv, 0.0f, 255.0f))

/* n values from src (type sdt, scale ss) to dst (type ddt, scale ds), converted. */
static void convert_row(const void *src, RslSegDtype sdt, float ss, void *dst, RslSegDtype ddt, float ds, size_t n, const uint8_t *lut)
{
  if (sdt == ddt && ((sdt != RSL_SEG_U8 && sdt != RSL_SEG_S8) || ss == ds)) {
    memcpy(dst, src, n * RslSegDtypeSize(sdt));
    return;
  }
  if (lut) { /* u8 -> u8 of another scale */
    for (size_t i = 0; i < n; i++) ((uint8_t *)dst)[i] = lut[((const uint8_t *)src)[i]];
    return;
  }
  for (size_t i = 0; i < n; i++) {
    float v = sdt == RSL_SEG_F32 ? ((const float *)src)[i] : sdt == RSL_SEG_BF16 ? bf16_to_f32(((const uint16_t *)src)[i]) : sdt == RSL_SEG_U8 ? ss * (float)((const uint8_t *)src)[i] : ss * (float)((const int8_t *)src)[i];
    if (ddt == RSL_SEG_F32) ((float *)dst)[i] = v;
    else if (ddt == RSL_SEG_BF16) ((uint16_t *)dst)[i] = f32_to_bf16(v);
    else if (ddt == RSL_SEG_U8) ((uint8_t *)dst)[i] = quantize_u8(v, 1.0f / ds);
    else ((int8_t *)dst)[i] = (int8_t)quantize(v, 1.0f / ds, -128.0f, 127.0f);
  }
}

/* The requantization table u8 (scale ss) -> u8 (scale ds), or NULL when not needed. */
static const uint8_t *requant_lut(const RslSegTensor *s, const RslSegTensor *d, uint8_t lut[256])
{
  if (s->dtype != RSL_SEG_U8 || d->dtype != RSL_SEG_U8 || s->scale == d->scale) return NULL;
  for (int q = 0; q < 256; q++) lut[q] = quantize_u8(s->scale * (float)q, 1.0f / d->scale);
  return lut;
}

static PetscErrorCode check_dtype(RslSegDtype d)
{
  PetscFunctionBegin;
  PetscCheck(d != RSL_SEG_F16, PETSC_COMM_SELF, PETSC_ERR_SUP, "cpu backend: no float16 storage");
  PetscFunctionReturn(PETSC_SUCCESS);
}

#define AT(t, n, y, x) ((((size_t)(n) * (t)->h + (size_t)(y)) * (t)->w + (size_t)(x)) * (t)->c) /* NHWC offset, in elements */

/* Tiles allocate concurrently: plain aligned_alloc (PETSc's debugging allocator is not
 * thread-safe), 64-byte aligned (whole cache lines, aligned vector loads). */
static PetscErrorCode CPUAlloc(RslSegBackend be, RslSegTensor *t)
{
  size_t bytes = RslSegTensorNumel(t) * RslSegDtypeSize(t->dtype);

  PetscFunctionBegin;
  PetscCall(check_dtype(t->dtype));
  t->data = aligned_alloc(64, (bytes + 63) / 64 * 64);
  PetscCheck(t->data || !bytes, PETSC_COMM_SELF, PETSC_ERR_MEM, "seg: out of memory for a %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " tensor", t->n, t->c, t->h, t->w);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CPUFree(RslSegBackend be, RslSegTensor *t)
{
  PetscFunctionBegin;
  free(t->data);
  t->data = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* host NCHW float32 -> NHWC of t's type (the network input: F32 or BF16) */
static PetscErrorCode CPUUpload(RslSegBackend be, const float *host, RslSegTensor *t)
{
  size_t hw = (size_t)t->h * t->w, es = RslSegDtypeSize(t->dtype);

  PetscFunctionBegin;
  PetscCheck(t->dtype == RSL_SEG_F32 || t->dtype == RSL_SEG_BF16, PETSC_COMM_SELF, PETSC_ERR_PLIB, "cpu backend: the input is float");
#pragma omp parallel for collapse(2) schedule(static)
  for (PetscInt n = 0; n < t->n; n++)
    for (size_t p = 0; p < hw; p++) {
      float v[64];
      for (PetscInt c0 = 0; c0 < t->c; c0 += 64) { /* bands, gathered from their planes */
        PetscInt nc = PetscMin(64, t->c - c0);
        for (PetscInt c = 0; c < nc; c++) v[c] = host[((size_t)n * t->c + c0 + c) * hw + p];
        convert_row(v, RSL_SEG_F32, 1.0f, (char *)t->data + (((size_t)n * hw + p) * t->c + c0) * es, t->dtype, 1.0f, (size_t)nc, NULL);
      }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* NHWC of any type -> host NCHW float32 (the logits) */
static PetscErrorCode CPUDownload(RslSegBackend be, const RslSegTensor *t, float *host)
{
  size_t hw = (size_t)t->h * t->w, es = RslSegDtypeSize(t->dtype);

  PetscFunctionBegin;
#pragma omp parallel for collapse(2) schedule(static)
  for (PetscInt n = 0; n < t->n; n++)
    for (size_t p = 0; p < hw; p++) {
      float v[64];
      for (PetscInt c0 = 0; c0 < t->c; c0 += 64) {
        PetscInt nc = PetscMin(64, t->c - c0);
        convert_row((const char *)t->data + (((size_t)n * hw + p) * t->c + c0) * es, t->dtype, t->scale, v, RSL_SEG_F32, 1.0f, (size_t)nc, NULL);
        for (PetscInt c = 0; c < nc; c++) host[((size_t)n * t->c + c0 + c) * hw + p] = v[c];
      }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 3x3 / stride 2 / pad 1 max over each channel, in the storage type (order-preserving:
 * u8 codes of one scale, bf16 compared as float). */
#define MAXPOOL_NHWC(T, TOF) \
  do { \
    const T *X = (const T *)x->data; \
    T       *Y = (T *)y->data; \
    _Pragma("omp parallel for collapse(2) schedule(static)") for (PetscInt n = 0; n < y->n; n++) for (PetscInt oy = 0; oy < y->h; oy++) \
    { \
      int y0, y1, x0, x1; \
      rsl_pool_range((int)oy, (int)x->h, 3, 2, 1, &y0, &y1); \
      for (PetscInt ox = 0; ox < y->w; ox++) { \
        T *o = Y + AT(y, n, oy, ox); \
        rsl_pool_range((int)ox, (int)x->w, 3, 2, 1, &x0, &x1); \
        for (PetscInt c = 0; c < C; c++) o[c] = X[AT(x, n, y0, x0) + c]; \
        for (int iy = y0; iy < y1; iy++) \
          for (int ix = x0; ix < x1; ix++) { \
            const T *in = X + AT(x, n, iy, ix); \
            for (PetscInt c = 0; c < C; c++) \
              if (TOF(in[c]) > TOF(o[c])) o[c] = in[c]; \
          } \
      } \
    } \
  } while (0)
#define ID(v) (v)

static PetscErrorCode CPUMaxpool(RslSegBackend be, const RslSegTensor *x, RslSegTensor *y)
{
  PetscInt C = x->c;

  PetscFunctionBegin;
  PetscCheck(x->dtype == y->dtype, PETSC_COMM_SELF, PETSC_ERR_PLIB, "cpu maxpool: same storage type in and out");
  y->scale = x->scale;
  if (x->dtype == RSL_SEG_F32) MAXPOOL_NHWC(float, ID);
  else if (x->dtype == RSL_SEG_BF16) MAXPOOL_NHWC(uint16_t, bf16_to_f32);
  else MAXPOOL_NHWC(uint8_t, ID);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CPUUpcat(RslSegBackend be, const RslSegTensor *x, const RslSegTensor *skip, RslSegTensor *y)
{
  uint8_t        lx[256], ls[256];
  const uint8_t *tx = requant_lut(x, y, lx), *ts = skip ? requant_lut(skip, y, ls) : NULL;
  size_t         es = RslSegDtypeSize(y->dtype), esx = RslSegDtypeSize(x->dtype), ess = skip ? RslSegDtypeSize(skip->dtype) : 0;

  PetscFunctionBegin;
  PetscCheck(x->c + (skip ? skip->c : 0) == y->c && 2 * x->h == y->h && 2 * x->w == y->w, PETSC_COMM_SELF, PETSC_ERR_PLIB, "cpu upcat: shapes");
#pragma omp parallel for collapse(2) schedule(static)
  for (PetscInt n = 0; n < y->n; n++)
    for (PetscInt oy = 0; oy < y->h; oy++) {
      PetscInt sy = rsl_upsample_nearest_src((int)oy, 2);
      for (PetscInt ox = 0; ox < y->w; ox++) {
        char *o = (char *)y->data + AT(y, n, oy, ox) * es;
        convert_row((const char *)x->data + AT(x, n, sy, rsl_upsample_nearest_src((int)ox, 2)) * esx, x->dtype, x->scale, o, y->dtype, y->scale, (size_t)x->c, tx);
        if (skip) convert_row((const char *)skip->data + AT(skip, n, oy, ox) * ess, skip->dtype, skip->scale, o + (size_t)x->c * es, y->dtype, y->scale, (size_t)skip->c, ts);
      }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- im2col + sgemm (FP32) ----------------------------------------------------------- */
#if defined(RSL_HAVE_BLAS)
/* Rows [p0, p1) of the column matrix of image n: col[p - p0][(ky k + kx) cin + ic]. */
static void im2col_nhwc(const RslSegTensor *x, PetscInt n, PetscInt k, PetscInt s, PetscInt pad, PetscInt OW, PetscInt p0, PetscInt p1, float *col)
{
  PetscInt C = x->c, K = C * k * k;
  #pragma omp parallel for schedule(static)
  for (PetscInt p = p0; p < p1; p++) {
    PetscInt oy = p / OW, ox = p % OW;
    float   *o  = col + (size_t)(p - p0) * K;
    for (PetscInt ky = 0; ky < k; ky++)
      for (PetscInt kx = 0; kx < k; kx++, o += C) {
        PetscInt iy = oy * s - pad + ky, ix = ox * s - pad + kx;
        if (iy < 0 || iy >= x->h || ix < 0 || ix >= x->w) memset(o, 0, (size_t)C * sizeof(float));
        else memcpy(o, (const float *)x->data + AT(x, n, iy, ix), (size_t)C * sizeof(float));
      }
  }
}

static PetscErrorCode GemmConv(CPUData *d, const RslSegConv *cv, const RslSegTensor *x, PetscBool accumulate, PetscBool relu, RslSegTensor *y)
{
  PetscInt K = cv->cin * cv->k * cv->k, OHW = y->h * y->w, O = cv->cout;
  PetscInt rows = PetscMax(1, PetscMin(OHW, (PetscInt)(COL_CAP / K)));
  float   *wt = (float *)cv->impl; /* K x cout, rows in im2col order */

  PetscFunctionBegin;
  PetscCheck(x->dtype == RSL_SEG_F32 && y->dtype == RSL_SEG_F32, PETSC_COMM_SELF, PETSC_ERR_SUP, "-seg_cpu_conv gemm: float32 only");
  if ((size_t)K * rows > d->cap) {
    PetscCall(PetscFree(d->col));
    PetscCall(PetscMalloc1((size_t)K * rows, &d->col));
    d->cap = (size_t)K * rows;
  }
  if ((size_t)O * rows > d->acap) {
    PetscCall(PetscFree(d->acc));
    PetscCall(PetscMalloc1((size_t)O * rows, &d->acc));
    d->acap = (size_t)O * rows;
  }
  for (PetscInt n = 0; n < x->n; n++)
    for (PetscInt p0 = 0; p0 < OHW; p0 += rows) {
      PetscInt     p1  = PetscMin(OHW, p0 + rows), np = p1 - p0;
      float       *out = (float *)y->data + ((size_t)n * OHW + p0) * O;
      const float *a   = d->col;
      if (cv->k == 1 && cv->stride == 1) a = (const float *)x->data + ((size_t)n * OHW + p0) * K; /* already the column matrix */
      else im2col_nhwc(x, n, cv->k, cv->stride, cv->pad, y->w, p0, p1, d->col);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)np, (int)O, (int)K, 1.0f, a, (int)K, wt, (int)O, 0.0f, d->acc, (int)O);
  #pragma omp parallel for schedule(static)
      for (PetscInt p = 0; p < np; p++)
        for (PetscInt o = 0; o < O; o++) {
          size_t i = (size_t)p * O + o;
          out[i]   = rsl_conv_epilogue(d->acc[i], cv->b[o], accumulate ? out[i] : 0.0f, (int)relu);
        }
    }
  y->scale = 1.0f;
  PetscFunctionReturn(PETSC_SUCCESS);
}
#endif

static PetscErrorCode CPUConv(RslSegBackend be, const RslSegConv *cv, const RslSegTensor *x, PetscBool accumulate, PetscBool relu, RslSegTensor *y)
{
  CPUData *d = (CPUData *)be->data;

  PetscFunctionBegin;
#if defined(RSL_HAVE_DNNL)
  if (d->impl == CONV_DNNL) {
    PetscCall(RslSegDnnlConv(d->dnnl, cv, x, accumulate, relu, y));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
#endif
#if defined(RSL_HAVE_BLAS)
  PetscCall(GemmConv(d, cv, x, accumulate, relu, y));
#endif
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CPUConvSetUp(RslSegBackend be, RslSegConv *cv)
{
  CPUData *d = (CPUData *)be->data;

  PetscFunctionBegin;
#if defined(RSL_HAVE_DNNL)
  if (d->impl == CONV_DNNL) {
    PetscCall(RslSegDnnlConvSetUp(d->dnnl, cv));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
#endif
  { /* gemm: weights transposed to K x cout with K in im2col order (ky, kx, ic) */
    PetscInt K = cv->cin * cv->k * cv->k, kk = cv->k * cv->k;
    float   *wt;
    PetscCall(PetscMalloc1((size_t)K * cv->cout, &wt));
    for (PetscInt o = 0; o < cv->cout; o++)
      for (PetscInt i = 0; i < cv->cin; i++)
        for (PetscInt t = 0; t < kk; t++) wt[(t * cv->cin + i) * cv->cout + o] = cv->w[(o * cv->cin + i) * kk + t];
    cv->impl = wt;
    PetscCall(PetscFree(cv->w)); /* packed: the plain copy is not needed any more */
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CPUConvDestroy(RslSegBackend be, RslSegConv *cv)
{
  CPUData *d = (CPUData *)be->data;

  PetscFunctionBegin;
#if defined(RSL_HAVE_DNNL)
  if (d->impl == CONV_DNNL) {
    PetscCall(RslSegDnnlConvDestroy(cv));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
#endif
  PetscCall(PetscFree(cv->impl));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* auto: INT8 where the CPU has INT8 dot products (VNNI, AMX) and the model has activation
 * scales (the calibration is the user's opt-in: scales are specific to a model and its
 * imagery); else BF16 where its BF16 dot products are native (AVX512_BF16, AMX); else FP32:
 * oneDNN would emulate BF16 with FP32 FMAs plus conversions, and INT8 without VNNI with
 * 16-bit intermediate sums, slower than FP32 or barely faster. */
static PetscErrorCode CPUPrecision(RslSegBackend be, RslSegPrecision req, PetscBool calibrated, RslSegPrecision *p, char why[], size_t len)
{
  CPUData      *d   = (CPUData *)be->data;
  RslSegDnnlISA isa = {PETSC_FALSE, PETSC_FALSE, PETSC_FALSE, "unknown (no oneDNN)"};

  PetscFunctionBegin;
#if defined(RSL_HAVE_DNNL)
  PetscCall(RslSegDnnlGetISA(&isa));
#endif
  RSLCHECK(be->comm, req != RSL_SEG_PREC_FP16, "-seg_precision fp16: a GPU precision (-seg_backend cuda); on CPUs use bf16 or int8");
  RSLCHECK(be->comm, req == RSL_SEG_PREC_FP32 || req == RSL_SEG_PREC_AUTO || d->impl == CONV_DNNL, "-seg_precision %s needs oneDNN convolutions (-seg_cpu_conv dnnl); -seg_cpu_conv gemm computes in fp32", RslSegPrecisions[req]);
  RSLCHECK(be->comm, req != RSL_SEG_PREC_BF16 || isa.bf16_any, "-seg_precision bf16: oneDNN has no BF16 convolution on this CPU (ISA %s; it needs AVX-512), use fp32, int8 or auto", isa.isa);
  if (req != RSL_SEG_PREC_AUTO) {
    PetscBool emulated = (PetscBool)((req == RSL_SEG_PREC_BF16 && !isa.bf16) || (req == RSL_SEG_PREC_INT8 && !isa.int8));
    *p                 = req;
    PetscCall(PetscSNPrintf(why, len, "requested; CPU ISA %s%s", isa.isa, emulated ? ": no native dot products, EMULATED and slower than fp32" : ""));
  } else if (isa.int8 && calibrated && d->impl == CONV_DNNL) {
    *p = RSL_SEG_PREC_INT8;
    PetscCall(PetscSNPrintf(why, len, "CPU ISA %s has INT8 dot products and the model has activation scales", isa.isa));
  } else if (isa.bf16 && d->impl == CONV_DNNL) {
    *p = RSL_SEG_PREC_BF16;
    PetscCall(PetscSNPrintf(why, len, "CPU ISA %s has native BF16 dot products%s", isa.isa, isa.int8 ? " (INT8 needs activation scales: -seg_calibration)" : ""));
  } else {
    *p = RSL_SEG_PREC_FP32;
    if (d->impl == CONV_DNNL) PetscCall(PetscSNPrintf(why, len, "CPU ISA %s has no native BF16", isa.isa));
    else PetscCall(PetscStrncpy(why, "-seg_cpu_conv gemm computes in fp32", len));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CPUView(RslSegBackend be, PetscViewer v)
{
  CPUData *d = (CPUData *)be->data;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "  cpu backend: %s convolutions, %" PetscInt_FMT " thread(s) per rank over %s (%" PetscInt_FMT " CPU(s) in this rank's affinity mask)\n", d->impl == CONV_DNNL ? "oneDNN" : "im2col + BLAS", d->threads, be->concurrency > 1 ? "tiles" : "layers", d->cores));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CPUDestroy(RslSegBackend be)
{
  CPUData *d = (CPUData *)be->data;

  PetscFunctionBegin;
  PetscCall(PetscFree(d->col));
  PetscCall(PetscFree(d->acc));
#if defined(RSL_HAVE_DNNL)
  PetscCall(RslSegDnnlDestroy(&d->dnnl));
#endif
  PetscCall(PetscFree(be->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Threads: -seg_threads, else OMP_NUM_THREADS, else the CPUs of the affinity mask; over
 * tiles unless asked otherwise, or when it cannot be: im2col + BLAS (its own threads),
 * PETSc's debugging allocator or stack (not thread-safe). */
static PetscErrorCode SetThreads(RslSegBackend be, CPUData *d, PetscInt o, PetscBool given)
{
  PetscBool   mdebug = PETSC_FALSE;
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCall(PetscMallocGetDebug(&mdebug, NULL, NULL));
  d->over_tiles   = (PetscBool)(o == 1 && d->impl == CONV_DNNL && !mdebug && !(PetscDefined(USE_DEBUG) && !PetscDefined(HAVE_THREADSAFETY)));
  be->concurrency = d->over_tiles ? d->threads : 1;
#if defined(_OPENMP)
  omp_set_num_threads((int)d->threads);
#else
  d->threads = 1;
#endif
  PetscCallMPI(MPI_Comm_rank(be->comm, &rank));
  if (given && d->threads > d->cores && !rank)
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "seg: warning: -seg_threads %" PetscInt_FMT " but rank 0 may run on %" PetscInt_FMT " CPU(s) only (its affinity mask): threads will share cores; bind ranks to N cores (mpiexec --map-by slot:PE=N, srun --cpus-per-task=N)\n", d->threads, d->cores));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegBackendCreate_CPU(RslSegBackend be)
{
  CPUData    *d;
  const char *impls[] = {"gemm", "dnnl"}, *over[] = {"layers", "tiles"}, *env = getenv("OMP_NUM_THREADS");
  PetscInt    impl = 0, o = 1, threads, cores;
  PetscBool   given;
  cpu_set_t   set;

  PetscFunctionBegin;
#if !defined(RSL_HAVE_BLAS) && !defined(RSL_HAVE_DNNL)
  RSLCHECK(be->comm, 0, "-seg_backend cpu: this build has neither oneDNN nor BLAS (install libdnnl-dev or OpenBLAS and reconfigure), use -seg_backend ref");
#endif
#if defined(RSL_HAVE_DNNL)
  impl = CONV_DNNL;
#endif
  cores   = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
  threads = env && atoi(env) > 0 ? atoi(env) : cores;
  PetscOptionsBegin(be->comm, NULL, "Segmentation cpu backend", "RslSegBackend");
  PetscCall(PetscOptionsEList("-seg_cpu_conv", "Convolution implementation of -seg_backend cpu", "", impls, 2, impls[impl], &impl, NULL));
  PetscCall(PetscOptionsBoundedInt("-seg_threads", "Threads per rank for the segmentation (default: OMP_NUM_THREADS, else the CPUs of the rank's affinity mask)", "", threads, &threads, &given, 1));
  PetscCall(PetscOptionsEList("-seg_threads_over", "Spend the threads over tiles (each runs whole tiles) or layers (all on each convolution)", "", over, 2, over[o], &o, NULL));
  PetscOptionsEnd();
#if !defined(RSL_HAVE_DNNL)
  RSLCHECK(be->comm, impl == CONV_GEMM, "-seg_cpu_conv dnnl: this build has no oneDNN (libdnnl-dev); use -seg_cpu_conv gemm");
#endif
#if !defined(RSL_HAVE_BLAS)
  RSLCHECK(be->comm, impl == CONV_DNNL, "-seg_cpu_conv gemm: this build has no BLAS; use -seg_cpu_conv dnnl");
#endif
  PetscCall(PetscNew(&d));
  be->data = d;
  d->impl    = (ConvImpl)impl;
  d->threads = threads;
  d->cores   = cores;
  PetscCall(SetThreads(be, d, o, given));
#if defined(RSL_HAVE_DNNL)
  if (d->impl == CONV_DNNL) PetscCall(RslSegDnnlCreate(be->concurrency, &d->dnnl));
#endif
  be->ops.name         = "cpu";
  be->ops.precision    = CPUPrecision;
  be->ops.setup_conv   = CPUConvSetUp;
  be->ops.destroy_conv = CPUConvDestroy;
  be->ops.alloc        = CPUAlloc;
  be->ops.free         = CPUFree;
  be->ops.upload       = CPUUpload;
  be->ops.download     = CPUDownload;
  be->ops.conv         = CPUConv;
  be->ops.maxpool      = CPUMaxpool;
  be->ops.upcat        = CPUUpcat;
  be->ops.view         = CPUView;
  be->ops.destroy      = CPUDestroy;
  PetscFunctionReturn(PETSC_SUCCESS);
}
