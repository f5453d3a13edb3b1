/* seg/backend: backend selection, precisions and tensor allocation (see backend.h). */
#include "seg/backend.h"

const char *const RslSegPrecisions[] = {"fp32", "bf16", "fp16", "int8", "auto", "RslSegPrecision", "RSL_SEG_PREC_", NULL};

RslSegDtype RslSegPrecisionDtype(RslSegPrecision p)
{
  switch (p) {
  case RSL_SEG_PREC_BF16:
    return RSL_SEG_BF16;
  case RSL_SEG_PREC_FP16:
    return RSL_SEG_F16;
  case RSL_SEG_PREC_INT8:
    return RSL_SEG_U8;
  default:
    return RSL_SEG_F32;
  }
}

size_t RslSegDtypeSize(RslSegDtype d)
{
  return d == RSL_SEG_F32 ? 4 : (d == RSL_SEG_U8 || d == RSL_SEG_S8) ? 1 : 2;
}

const char *RslSegDtypeName(RslSegDtype d)
{
  static const char *const names[] = {"f32", "bf16", "f16", "u8", "s8"};
  return names[d];
}

size_t RslSegTensorNumel(const RslSegTensor *t)
{
  return (size_t)t->n * (size_t)t->c * (size_t)t->h * (size_t)t->w;
}

PetscErrorCode RslSegBackendCreate(MPI_Comm comm, const char name[], RslSegBackend *out)
{
  RslSegBackend be;
  PetscBool     ref, cpu, cuda;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(name, "ref", &ref));
  PetscCall(PetscStrcmp(name, "cpu", &cpu));
  PetscCall(PetscStrcmp(name, "cuda", &cuda));
  RSLCHECK(comm, ref || cpu || cuda, "-seg_backend %s: unknown backend (ref, cpu, cuda)", name);
  PetscCall(PetscNew(&be));
  be->comm        = comm;
  be->concurrency = 1;
  {
    PetscErrorCode ierr = ref ? RslSegBackendCreate_Ref(be) : cpu ? RslSegBackendCreate_CPU(be) : RslSegBackendCreate_CUDA(be);
    if (ierr) {
      PetscCall(PetscFree(be));
      PetscCall(ierr);
    }
  }
  *out = be;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegBackendDestroy(RslSegBackend *be)
{
  PetscFunctionBegin;
  if (!*be) PetscFunctionReturn(PETSC_SUCCESS);
  if ((*be)->ops.destroy) PetscCall((*be)->ops.destroy(*be));
  PetscCall(PetscFree(*be));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegTensorAlloc(RslSegBackend be, RslSegTensor *t, PetscInt n, PetscInt c, PetscInt h, PetscInt w, RslSegDtype dtype)
{
  PetscFunctionBegin;
  t->n     = n;
  t->c     = c;
  t->h     = h;
  t->w     = w;
  t->dtype = dtype;
  t->scale = 1.0f;
  t->data  = NULL;
  PetscCall(be->ops.alloc(be, t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegTensorFree(RslSegBackend be, RslSegTensor *t)
{
  PetscFunctionBegin;
  if (t->data) PetscCall(be->ops.free(be, t));
  t->data = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}
