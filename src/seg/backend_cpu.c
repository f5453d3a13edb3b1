/* seg/backend_cpu: the fast host backend. Convolutions by oneDNN (backend_cpu_dnnl.c) or
 * as im2col + sgemm (OpenBLAS) over chunks of output rows (bounded scratch), chosen with
 * -seg_cpu_conv dnnl|gemm (default dnnl when available: faster by measurement, see
 * jobs/bench/seg_bench.sh); OpenMP for the packing and the single-source epilogue; the
 * other operations are the shared host loops. */
#include "seg/backend.h"
#include <string.h>
#if defined(RSL_HAVE_BLAS)
  #include <cblas.h>
#endif

#define COL_CAP (4 << 20) /* floats of im2col scratch per chunk (16 MB) */

typedef enum { CONV_GEMM, CONV_DNNL } ConvImpl;

typedef struct {
  ConvImpl           impl;
  float             *col;
  size_t             cap;
  struct RslSegDnnl *dnnl;
} CPUData;

#if defined(RSL_HAVE_BLAS)
/* Columns for output rows [oy0, oy1) of one image: col[(ic k + ky) k + kx][(oy - oy0) OW + ox]. */
static void im2col(const float *x, PetscInt C, PetscInt H, PetscInt W, PetscInt k, PetscInt s, PetscInt pad, PetscInt OW, PetscInt oy0, PetscInt oy1, float *col)
{
  PetscInt K = C * k * k, npix = (oy1 - oy0) * OW;
  #pragma omp parallel for schedule(static)
  for (PetscInt r = 0; r < K; r++) {
    PetscInt     ic = r / (k * k), ky = (r / k) % k, kx = r % k;
    const float *pl = x + (size_t)ic * H * W;
    float       *o  = col + (size_t)r * npix;
    for (PetscInt oy = oy0; oy < oy1; oy++, o += OW) {
      PetscInt iy = oy * s - pad + ky;
      if (iy < 0 || iy >= H) {
        memset(o, 0, (size_t)OW * sizeof(float));
        continue;
      }
      const float *row = pl + (size_t)iy * W;
      for (PetscInt ox = 0; ox < OW; ox++) {
        PetscInt ix = ox * s - pad + kx;
        o[ox]       = (ix >= 0 && ix < W) ? row[ix] : 0.0f;
      }
    }
  }
}

static PetscErrorCode CPUConv(RslSegBackend be, const RslSegConv *cv, const RslSegTensor *x, const RslSegTensor *res, PetscBool relu, RslSegTensor *y)
{
  CPUData *d = (CPUData *)be->data;
  PetscInt K = cv->cin * cv->k * cv->k, OW = y->w, OHW = y->h * y->w;

  PetscFunctionBegin;
  #if defined(RSL_HAVE_DNNL)
  if (d->impl == CONV_DNNL) {
    PetscCall(RslSegDnnlConv(d->dnnl, cv, x, res, relu, y));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  #endif
  for (PetscInt n = 0; n < x->n; n++) {
    const float *xn = x->data + (size_t)n * x->c * x->h * x->w;
    float       *yn = y->data + (size_t)n * y->c * OHW;
    if (cv->k == 1 && cv->stride == 1) { /* the input is already the column matrix */
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)cv->cout, (int)OHW, (int)K, 1.0f, cv->w, (int)K, xn, (int)OHW, 0.0f, yn, (int)OHW);
      continue;
    }
    PetscInt rows = PetscMax(1, PetscMin(y->h, (PetscInt)(COL_CAP / ((size_t)K * OW))));
    size_t   need = (size_t)K * rows * OW;
    if (need > d->cap) {
      PetscCall(PetscFree(d->col));
      PetscCall(PetscMalloc1(need, &d->col));
      d->cap = need;
    }
    for (PetscInt oy0 = 0; oy0 < y->h; oy0 += rows) {
      PetscInt oy1 = PetscMin(y->h, oy0 + rows), npix = (oy1 - oy0) * OW;
      im2col(xn, x->c, x->h, x->w, cv->k, cv->stride, cv->pad, OW, oy0, oy1, d->col);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)cv->cout, (int)npix, (int)K, 1.0f, cv->w, (int)K, d->col, (int)npix, 0.0f, yn + oy0 * OW, (int)OHW);
    }
  }
  PetscCall(RslSegHostEpilogue(cv->b, res, relu, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}
#endif

static PetscErrorCode CPUConvSetUp(RslSegBackend be, RslSegConv *cv)
{
  PetscFunctionBegin;
#if defined(RSL_HAVE_DNNL)
  if (((CPUData *)be->data)->impl == CONV_DNNL) PetscCall(RslSegDnnlConvSetUp(cv));
#endif
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CPUConvDestroy(RslSegBackend be, RslSegConv *cv)
{
  PetscFunctionBegin;
#if defined(RSL_HAVE_DNNL)
  PetscCall(RslSegDnnlConvDestroy(cv));
#endif
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CPUDestroy(RslSegBackend be)
{
  CPUData *d = (CPUData *)be->data;

  PetscFunctionBegin;
  PetscCall(PetscFree(d->col));
#if defined(RSL_HAVE_DNNL)
  PetscCall(RslSegDnnlDestroy(&d->dnnl));
#endif
  PetscCall(PetscFree(be->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegBackendCreate_CPU(RslSegBackend be)
{
  CPUData    *d;
  const char *impls[] = {"gemm", "dnnl"};
  PetscInt    impl    = 0;

  PetscFunctionBegin;
#if !defined(RSL_HAVE_BLAS)
  RSLCHECK(be->comm, 0, "-seg_backend cpu: this build has no BLAS (install OpenBLAS and reconfigure), use -seg_backend ref");
#else
  #if defined(RSL_HAVE_DNNL)
  impl = CONV_DNNL;
  #endif
  PetscOptionsBegin(be->comm, NULL, "Segmentation cpu backend", "RslSegBackend");
  PetscCall(PetscOptionsEList("-seg_cpu_conv", "Convolution implementation of -seg_backend cpu", "", impls, 2, impls[impl], &impl, NULL));
  PetscOptionsEnd();
  #if !defined(RSL_HAVE_DNNL)
  RSLCHECK(be->comm, impl == CONV_GEMM, "-seg_cpu_conv dnnl: this build has no oneDNN (libdnnl-dev); use -seg_cpu_conv gemm");
  #endif
  PetscCall(PetscNew(&d));
  d->impl = (ConvImpl)impl;
  #if defined(RSL_HAVE_DNNL)
  if (d->impl == CONV_DNNL) PetscCall(RslSegDnnlCreate(&d->dnnl));
  #endif
  be->data             = d;
  be->ops.name         = "cpu";
  be->ops.setup_conv   = CPUConvSetUp;
  be->ops.destroy_conv = CPUConvDestroy;
  be->ops.alloc        = RslSegHostAlloc;
  be->ops.free         = RslSegHostFree;
  be->ops.upload       = RslSegHostUpload;
  be->ops.download     = RslSegHostDownload;
  be->ops.conv         = CPUConv;
  be->ops.maxpool      = RslSegHostMaxpool;
  be->ops.upsample2    = RslSegHostUpsample2;
  be->ops.concat       = RslSegHostConcat;
  be->ops.destroy      = CPUDestroy;
#endif
  PetscFunctionReturn(PETSC_SUCCESS);
}
