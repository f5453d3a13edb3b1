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

/* The backends by name: one registration line each (PETSc's PetscFunctionList, as for KSP types). */
static PetscFunctionList RslSegBackendList;

static PetscErrorCode RegistryFinalize(void)
{
  PetscFunctionBegin;
  PetscCall(PetscFunctionListDestroy(&RslSegBackendList));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegBackendRegister(const char name[], PetscErrorCode (*create)(RslSegBackend))
{
  PetscFunctionBegin;
  if (!RslSegBackendList) PetscCall(PetscRegisterFinalize(RegistryFinalize));
  PetscCall(PetscFunctionListAdd(&RslSegBackendList, name, create));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegBackendGetList(PetscFunctionList *list)
{
  PetscFunctionBegin;
  if (!RslSegBackendList) {
    PetscCall(RslSegBackendRegister("ref", RslSegBackendCreate_Ref));
    PetscCall(RslSegBackendRegister("cpu", RslSegBackendCreate_CPU));
    PetscCall(RslSegBackendRegister("cuda", RslSegBackendCreate_CUDA));
  }
  *list = RslSegBackendList;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegBackendNames(const char ***names, int *n)
{
  PetscFunctionList list;

  PetscFunctionBegin;
  PetscCall(RslSegBackendGetList(&list));
  PetscCall(PetscFunctionListGet(list, names, n));
  while (*n > 0 && (!(*names)[*n - 1] || !(*names)[*n - 1][0] || (*names)[*n - 1][0] == ' ')) (*n)--; /* PETSc's list ends with a blank entry */
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegBackendCheckName(MPI_Comm comm, const char name[])
{
  PetscFunctionList list;
  PetscErrorCode (*create)(RslSegBackend);
  const char **names;
  int          n;
  char         all[256] = "";

  PetscFunctionBegin;
  PetscCall(RslSegBackendGetList(&list));
  PetscCall(PetscFunctionListFind(list, name, &create));
  if (create) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(RslSegBackendNames(&names, &n));
  for (int k = 0; k < n; k++) {
    PetscCall(PetscStrlcat(all, k ? ", " : "", sizeof all));
    PetscCall(PetscStrlcat(all, names[k], sizeof all));
  }
  PetscCall(PetscFree(names));
  RSLCHECK(comm, 0, "-seg_backend %s: unknown backend (%s)", name, all);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegBackendCreate(MPI_Comm comm, const char name[], RslSegBackend *out)
{
  RslSegBackend     be;
  PetscFunctionList list;
  PetscErrorCode (*create)(RslSegBackend);

  PetscFunctionBegin;
  PetscCall(RslSegBackendCheckName(comm, name));
  PetscCall(RslSegBackendGetList(&list));
  PetscCall(PetscFunctionListFind(list, name, &create));
  PetscCall(PetscNew(&be));
  be->comm        = comm;
  be->concurrency = 1;
  {
    PetscErrorCode ierr = create(be);
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
