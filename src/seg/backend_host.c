/* seg/backend_host: host-memory allocation (any storage type) and the NCHW float32
 * operations of the ref backend (max-pool, upsampling + concatenation, conv epilogue).
 * Each loop calls the single-source formulas of kernels/ so the CUDA kernels compute the
 * same. */
#include "seg/backend.h"
#include "kernels/conv_epilogue.h"
#include "kernels/seg_pointwise.h"
#include <string.h>

PetscErrorCode RslSegHostAlloc(RslSegBackend be, RslSegTensor *t)
{
  PetscFunctionBegin;
  /* 64-byte aligned (PETSc's default): whole cache lines, aligned vector loads */
  PetscCall(PetscMallocA(1, PETSC_FALSE, __LINE__, PETSC_FUNCTION_NAME, __FILE__, RslSegTensorNumel(t) * RslSegDtypeSize(t->dtype), &t->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegHostFree(RslSegBackend be, RslSegTensor *t)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(t->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegHostUpload(RslSegBackend be, const float *host, RslSegTensor *t)
{
  PetscFunctionBegin;
  PetscCheck(t->dtype == RSL_SEG_F32, PETSC_COMM_SELF, PETSC_ERR_PLIB, "host NCHW tensors are float32");
  memcpy(t->data, host, RslSegTensorNumel(t) * sizeof(float));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegHostDownload(RslSegBackend be, const RslSegTensor *t, float *host)
{
  PetscFunctionBegin;
  PetscCheck(t->dtype == RSL_SEG_F32, PETSC_COMM_SELF, PETSC_ERR_PLIB, "host NCHW tensors are float32");
  memcpy(host, t->data, RslSegTensorNumel(t) * sizeof(float));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegHostMaxpool(RslSegBackend be, const RslSegTensor *x, RslSegTensor *y)
{
  PetscInt planes = x->n * x->c;

  PetscFunctionBegin;
#pragma omp parallel for schedule(static)
  for (PetscInt p = 0; p < planes; p++) {
    const float *in  = (const float *)x->data + (size_t)p * x->h * x->w;
    float       *out = (float *)y->data + (size_t)p * y->h * y->w;
    for (int oy = 0; oy < (int)y->h; oy++)
      for (int ox = 0; ox < (int)y->w; ox++) out[(size_t)oy * y->w + ox] = rsl_maxpool_window(in, (int)x->h, (int)x->w, oy, ox, 3, 2, 1);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegHostUpcat(RslSegBackend be, const RslSegTensor *x, const RslSegTensor *skip, RslSegTensor *y)
{
  size_t   hw = (size_t)y->h * y->w, cs = skip ? (size_t)skip->c : 0;
  PetscInt planes = x->n * x->c;

  PetscFunctionBegin;
#pragma omp parallel for schedule(static)
  for (PetscInt p = 0; p < planes; p++) { /* upsampled x: the first x->c channels of each image */
    PetscInt     n = p / x->c, c = p % x->c;
    const float *in  = (const float *)x->data + (size_t)p * x->h * x->w;
    float       *out = (float *)y->data + ((size_t)n * y->c + c) * hw;
    for (int oy = 0; oy < (int)y->h; oy++) {
      const float *row = in + (size_t)rsl_upsample_nearest_src(oy, 2) * x->w;
      for (int ox = 0; ox < (int)y->w; ox++) out[(size_t)oy * y->w + ox] = row[rsl_upsample_nearest_src(ox, 2)];
    }
  }
  for (PetscInt n = 0; skip && n < y->n; n++) memcpy((float *)y->data + ((size_t)n * y->c + x->c) * hw, (const float *)skip->data + (size_t)n * cs * hw, cs * hw * sizeof(float));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegHostEpilogue(const float *bias, const float *res, PetscBool relu, RslSegTensor *y)
{
  PetscInt planes = y->n * y->c;
  size_t   hw     = (size_t)y->h * y->w;

  PetscFunctionBegin;
#pragma omp parallel for schedule(static)
  for (PetscInt p = 0; p < planes; p++) {
    float       *v = (float *)y->data + (size_t)p * hw;
    const float *r = res ? res + (size_t)p * hw : NULL;
    float        b = bias[p % y->c];
    for (size_t i = 0; i < hw; i++) v[i] = rsl_conv_epilogue(v[i], b, r ? r[i] : 0.0f, (int)relu);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
