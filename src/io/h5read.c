/* io/h5read: reading back what the writers wrote — checkpoints, a resumed result file:
 * attributes, small replicated arrays, links. Every rank reads the same bytes, so every rank
 * reaches the same verdict (collective errors naming the file and the object). */
#include "io/h5_util.h"
#include <stdlib.h>
#include <string.h>

PetscErrorCode RslH5OpenRead(MPI_Comm comm, const char option[], const char path[], RslH5 *f)
{
  RslH5 h;
  hid_t fapl = RslH5FileAccess(comm), file = -1;
  int   ok;

  PetscFunctionBegin;
  H5E_BEGIN_TRY
  {
    file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
  }
  H5E_END_TRY;
  H5Pclose(fapl);
  ok = file >= 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, comm));
  if (!ok && file >= 0) H5Fclose(file);
  RSLCHECK(comm, ok, "%s%scannot open '%s' as an HDF5 file", option ? option : "", option ? ": " : "", path);
  PetscCall(PetscNew(&h));
  h->comm     = comm;
  h->file     = file;
  h->readonly = PETSC_TRUE;
  PetscCall(PetscStrallocpy(path, &h->path));
  PetscCall(PetscStrallocpy(path, &h->part));
  h->dxpl = H5Pcreate(H5P_DATASET_XFER);
  H5CHK(comm, H5Pset_dxpl_mpio(h->dxpl, H5FD_MPIO_COLLECTIVE));
  *f = h;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5Exists(RslH5 f, const char path[], PetscBool *exists)
{
  char   buf[PETSC_MAX_PATH_LEN];
  htri_t e = 1;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(buf, path, sizeof buf));
  /* H5Lexists fails on a missing intermediate group: test each prefix */
  for (size_t k = 1; e > 0; k++) {
    char c = buf[k];
    if (c != '/' && c != 0) continue;
    buf[k] = 0;
    H5E_BEGIN_TRY
    {
      e = H5Lexists(f->file, buf, H5P_DEFAULT);
    }
    H5E_END_TRY;
    buf[k] = c;
    if (!c) break;
  }
  *exists = (PetscBool)(e > 0);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5Delete(RslH5 f, const char path[])
{
  PetscBool e;

  PetscFunctionBegin;
  PetscCall(RslH5Exists(f, path, &e));
  if (e) H5CHK(f->comm, H5Ldelete(f->file, path, H5P_DEFAULT));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5ReadReplicated(RslH5 f, const char dset[], PetscInt n, double *data)
{
  hid_t    d = -1, s;
  hssize_t np = -1;
  herr_t   e  = -1;

  PetscFunctionBegin;
  H5E_BEGIN_TRY
  {
    d = H5Dopen2(f->file, dset, H5P_DEFAULT);
    if (d >= 0) {
      s  = H5Dget_space(d);
      np = H5Sget_simple_extent_npoints(s);
      H5Sclose(s);
      if (np == (hssize_t)n) e = n ? H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : 0;
      H5Dclose(d);
    }
  }
  H5E_END_TRY;
  RSLCHECK(f->comm, e >= 0, "'%s': dataset %s missing or not of %" PetscInt_FMT " values", f->path, dset, n);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Open attribute name of obj and check it holds n elements; a < 0 when not. */
static hid_t OpenAttr(RslH5 f, const char obj[], const char name[], PetscInt n)
{
  hid_t a = -1, s;

  H5E_BEGIN_TRY
  {
    if (H5Aexists_by_name(f->file, obj, name, H5P_DEFAULT) > 0) a = H5Aopen_by_name(f->file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  }
  H5E_END_TRY;
  if (a < 0) return a;
  s = H5Aget_space(a);
  if (H5Sget_simple_extent_npoints(s) != (hssize_t)n) {
    H5Aclose(a);
    a = -1;
  }
  H5Sclose(s);
  return a;
}

static PetscErrorCode GetAttr(RslH5 f, const char obj[], const char name[], hid_t mtype, PetscInt n, void *buf)
{
  hid_t  a = OpenAttr(f, obj, name, n);
  herr_t e = -1;

  PetscFunctionBegin;
  if (a >= 0) {
    e = H5Aread(a, mtype, buf);
    H5Aclose(a);
  }
  RSLCHECK(f->comm, e >= 0, "'%s': attribute %s of %s missing or not of %" PetscInt_FMT " values", f->path, name, obj, n);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5GetAttrDouble(RslH5 f, const char obj[], const char name[], PetscInt n, double *v)
{
  PetscFunctionBegin;
  PetscCall(GetAttr(f, obj, name, H5T_NATIVE_DOUBLE, n, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5GetAttrInt(RslH5 f, const char obj[], const char name[], PetscInt n, PetscInt *v)
{
  int64_t *w;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n + 1, &w));
  PetscCall(GetAttr(f, obj, name, H5T_NATIVE_INT64, n, w));
  for (PetscInt k = 0; k < n; k++) v[k] = (PetscInt)w[k];
  PetscCall(PetscFree(w));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5GetAttrString(RslH5 f, const char obj[], const char name[], char **value)
{
  hid_t  a = OpenAttr(f, obj, name, 1), t = H5Tcopy(H5T_C_S1);
  char  *s = NULL;
  herr_t e = -1;

  PetscFunctionBegin;
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  if (a >= 0) {
    e = H5Aread(a, t, &s);
    H5Aclose(a);
  }
  H5Tclose(t);
  RSLCHECK(f->comm, e >= 0, "'%s': string attribute %s of %s missing", f->path, name, obj);
  PetscCall(PetscStrallocpy(s ? s : "", value));
  H5free_memory(s);
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  PetscInt n, cap;
  char   **names;
} NameList;

static herr_t AddName(hid_t loc, const char *name, const H5A_info_t *info, void *ctx)
{
  NameList *l = (NameList *)ctx;
  (void)loc;
  (void)info;
  if (l->n == l->cap) {
    l->cap   = l->cap ? 2 * l->cap : 16;
    l->names = (char **)realloc(l->names, (size_t)(l->cap + 1) * sizeof(char *));
    if (!l->names) return -1;
  }
  size_t len = strlen(name) + 1;
  if (!(l->names[l->n] = (char *)malloc(len))) return -1;
  memcpy(l->names[l->n++], name, len);
  return 0;
}

PetscErrorCode RslH5GetAttrNames(RslH5 f, const char obj[], PetscInt *n, char ***names)
{
  NameList l = {0, 0, NULL};
  hid_t    o = -1;
  herr_t   e = -1;

  PetscFunctionBegin;
  H5E_BEGIN_TRY
  {
    o = H5Oopen(f->file, obj, H5P_DEFAULT);
    if (o >= 0) {
      hsize_t idx = 0;
      e           = H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_INC, &idx, AddName, &l);
      H5Oclose(o);
    }
  }
  H5E_END_TRY;
  if (e < 0) {
    for (PetscInt k = 0; k < l.n; k++) free(l.names[k]);
    free(l.names);
  }
  RSLCHECK(f->comm, e >= 0, "'%s': no object %s", f->path, obj);
  *n = l.n;
  PetscCall(PetscMalloc1(l.n + 1, names));
  for (PetscInt k = 0; k < l.n; k++) {
    PetscCall(PetscStrallocpy(l.names[k], &(*names)[k]));
    free(l.names[k]);
  }
  (*names)[l.n] = NULL;
  free(l.names);
  PetscFunctionReturn(PETSC_SUCCESS);
}
