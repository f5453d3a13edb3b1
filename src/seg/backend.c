/* seg/backend: backend selection and tensor allocation (see backend.h). */
#include "seg/backend.h"

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
  be->comm = comm;
  if (ref) PetscCall(RslSegBackendCreate_Ref(be));
  else if (cpu) PetscCall(RslSegBackendCreate_CPU(be));
  else {
    PetscErrorCode ierr = RslSegBackendCreate_CUDA(be);
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

PetscErrorCode RslSegTensorAlloc(RslSegBackend be, RslSegTensor *t, PetscInt n, PetscInt c, PetscInt h, PetscInt w)
{
  PetscFunctionBegin;
  t->n    = n;
  t->c    = c;
  t->h    = h;
  t->w    = w;
  t->data = NULL;
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
