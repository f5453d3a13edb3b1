/* seg/backend_host: the host-memory operations shared by the ref and cpu backends
 * (allocation, max-pool, nearest upsampling, concatenation, conv epilogue). Each loop
 * calls the single-source formulas of kernels/ so the CUDA kernels compute the same. */
#include "seg/backend.h"
#include "kernels/conv_epilogue.h"
#include "kernels/seg_pointwise.h"
#include <string.h>

static size_t numel(const RslSegTensor *t)
{
  return (size_t)t->n * (size_t)t->c * (size_t)t->h * (size_t)t->w;
}

PetscErrorCode RslSegHostAlloc(RslSegBackend be, RslSegTensor *t)
{
  PetscFunctionBegin;
  PetscCall(PetscMallocA(1, PETSC_FALSE, __LINE__, PETSC_FUNCTION_NAME, __FILE__, numel(t) * sizeof(float), &t->data));
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
  memcpy(t->data, host, numel(t) * sizeof(float));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegHostDownload(RslSegBackend be, const RslSegTensor *t, float *host)
{
  PetscFunctionBegin;
  memcpy(host, t->data, numel(t) * sizeof(float));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegHostMaxpool(RslSegBackend be, const RslSegTensor *x, RslSegTensor *y)
{
  PetscInt planes = x->n * x->c;

  PetscFunctionBegin;
#pragma omp parallel for schedule(static)
  for (PetscInt p = 0; p < planes; p++) {
    const float *in  = x->data + (size_t)p * x->h * x->w;
    float       *out = y->data + (size_t)p * y->h * y->w;
    for (int oy = 0; oy < (int)y->h; oy++)
      for (int ox = 0; ox < (int)y->w; ox++) out[(size_t)oy * y->w + ox] = rsl_maxpool_window(in, (int)x->h, (int)x->w, oy, ox, 3, 2, 1);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegHostUpsample2(RslSegBackend be, const RslSegTensor *x, RslSegTensor *y)
{
  PetscInt planes = x->n * x->c;

  PetscFunctionBegin;
#pragma omp parallel for schedule(static)
  for (PetscInt p = 0; p < planes; p++) {
    const float *in  = x->data + (size_t)p * x->h * x->w;
    float       *out = y->data + (size_t)p * y->h * y->w;
    for (int oy = 0; oy < (int)y->h; oy++) {
      const float *row = in + (size_t)rsl_upsample_nearest_src(oy, 2) * x->w;
      for (int ox = 0; ox < (int)y->w; ox++) out[(size_t)oy * y->w + ox] = row[rsl_upsample_nearest_src(ox, 2)];
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegHostConcat(RslSegBackend be, const RslSegTensor *a, const RslSegTensor *b, RslSegTensor *y)
{
  size_t hw = (size_t)y->h * y->w, na = (size_t)a->c * hw, nb = (size_t)b->c * hw;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < y->n; i++) {
    memcpy(y->data + i * (na + nb), a->data + i * na, na * sizeof(float));
    memcpy(y->data + i * (na + nb) + na, b->data + i * nb, nb * sizeof(float));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegHostEpilogue(const float *bias, const RslSegTensor *res, PetscBool relu, RslSegTensor *y)
{
  PetscInt planes = y->n * y->c;
  size_t   hw     = (size_t)y->h * y->w;

  PetscFunctionBegin;
#pragma omp parallel for schedule(static)
  for (PetscInt p = 0; p < planes; p++) {
    float       *v = y->data + (size_t)p * hw;
    const float *r = res ? res->data + (size_t)p * hw : NULL;
    float        b = bias[p % y->c];
    for (size_t i = 0; i < hw; i++) v[i] = rsl_conv_epilogue(v[i], b, r ? r[i] : 0.0f, (int)relu);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
