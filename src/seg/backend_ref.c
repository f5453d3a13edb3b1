/* seg/backend_ref: the oracle. Direct convolution in plain C loops, one output plane at a
 * time, float accumulation as PyTorch, NCHW float32 tensors; no blocking, no threads
 * beyond the host helpers. */
#include "seg/backend.h"
#include <string.h>

/* Accumulate one (input plane, kernel tap) contribution into an output plane. */
static void conv_tap(const float *in, PetscInt H, PetscInt W, float wv, PetscInt ky, PetscInt kx, PetscInt s, PetscInt pad, float *out, PetscInt OH, PetscInt OW)
{
  /* output columns whose input column ox*s - pad + kx lies inside [0, W) */
  PetscInt x_lo = pad > kx ? (pad - kx + s - 1) / s : 0, x_hi = (W - 1 + pad - kx) / s + 1;
  if (x_hi > OW) x_hi = OW;
  for (PetscInt oy = 0; oy < OH; oy++) {
    PetscInt iy = oy * s - pad + ky;
    if (iy < 0 || iy >= H) continue;
    const float *row = in + iy * W;
    float       *o   = out + oy * OW;
    PetscInt     off = kx - pad;
    if (s == 1)
      for (PetscInt ox = x_lo; ox < x_hi; ox++) o[ox] += wv * row[ox + off];
    else
      for (PetscInt ox = x_lo; ox < x_hi; ox++) o[ox] += wv * row[ox * s + off];
  }
}

/* Direct convolution into a fresh buffer, then the epilogue with the old contents of y as
 * the residual (accumulate): y = act(conv(x) + b [+ y_old]). */
static PetscErrorCode RefConv(RslSegBackend be, const RslSegConv *cv, const RslSegTensor *x, PetscBool accumulate, PetscBool relu, RslSegTensor *y)
{
  PetscInt     k = cv->k, ohw = y->h * y->w, ihw = x->h * x->w;
  float       *acc;
  const float *xd = (const float *)x->data;

  PetscFunctionBegin;
  PetscCheck(x->dtype == RSL_SEG_F32 && y->dtype == RSL_SEG_F32 && cv->prec == RSL_SEG_PREC_FP32, PETSC_COMM_SELF, PETSC_ERR_PLIB, "ref backend: float32 only");
  PetscCall(PetscMalloc1(RslSegTensorNumel(y), &acc));
  for (PetscInt n = 0; n < x->n; n++) {
    for (PetscInt oc = 0; oc < cv->cout; oc++) {
      float *out = acc + (n * y->c + oc) * ohw;
      memset(out, 0, (size_t)ohw * sizeof(float));
      for (PetscInt ic = 0; ic < cv->cin; ic++) {
        const float *in = xd + (n * x->c + ic) * ihw;
        const float *w  = cv->w + (oc * cv->cin + ic) * k * k;
        for (PetscInt ky = 0; ky < k; ky++)
          for (PetscInt kx = 0; kx < k; kx++) conv_tap(in, x->h, x->w, w[ky * k + kx], ky, kx, cv->stride, cv->pad, out, y->h, y->w);
      }
    }
  }
  { /* the result takes the fresh buffer; the old one (the residual) is read, then freed */
    float *old = (float *)y->data;
    y->data    = acc;
    PetscCall(RslSegHostEpilogue(cv->b, accumulate ? old : NULL, relu, y));
    PetscCall(PetscFree(old));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The oracle computes in float32 only. */
static PetscErrorCode RefPrecision(RslSegBackend be, RslSegPrecision req, PetscBool calibrated, RslSegPrecision *p, char why[], size_t len)
{
  PetscFunctionBegin;
  RSLCHECK(be->comm, req == RSL_SEG_PREC_FP32 || req == RSL_SEG_PREC_AUTO, "-seg_precision %s: the ref backend computes in fp32 only (use -seg_backend cpu)", RslSegPrecisions[req]);
  *p = RSL_SEG_PREC_FP32;
  PetscCall(PetscStrncpy(why, "the ref backend is the float32 oracle", len));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode NoConvData(RslSegBackend be, RslSegConv *cv)
{
  PetscFunctionBegin;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegBackendCreate_Ref(RslSegBackend be)
{
  PetscFunctionBegin;
  be->ops.name         = "ref";
  be->ops.precision    = RefPrecision;
  be->ops.setup_conv   = NoConvData;
  be->ops.destroy_conv = NoConvData;
  be->ops.alloc        = RslSegHostAlloc;
  be->ops.free         = RslSegHostFree;
  be->ops.upload       = RslSegHostUpload;
  be->ops.download     = RslSegHostDownload;
  be->ops.conv         = RefConv;
  be->ops.maxpool      = RslSegHostMaxpool;
  be->ops.upcat        = RslSegHostUpcat;
  PetscFunctionReturn(PETSC_SUCCESS);
}
