/* io/h5out: the result file's lifecycle (PATH.part, rename on success), groups,
 * attributes and small replicated tables. Fields are in h5field.c. */
#include "io/h5_util.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Rank 0: why PATH.part cannot be written ("" when it can). Creates the empty .part. */
static void CheckWritable(const char path[], const char part[], char why[], size_t len)
{
  char        dir[PETSC_MAX_PATH_LEN];
  const char *slash = strrchr(path, '/');
  struct stat st;
  FILE       *fp;

  why[0] = 0;
  if (!path[0]) {
    snprintf(why, len, "empty file name");
    return;
  }
  if (!slash) snprintf(dir, sizeof(dir), ".");
  else if (slash == path) snprintf(dir, sizeof(dir), "/");
  else snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
  if (stat(dir, &st) != 0) snprintf(why, len, "directory does not exist");
  else if (!S_ISDIR(st.st_mode)) snprintf(why, len, "parent is not a directory");
  else if (access(dir, W_OK) != 0) snprintf(why, len, "directory not writable");
  else if (!(fp = fopen(part, "w"))) snprintf(why, len, "directory not writable: %s", strerror(errno));
  else fclose(fp);
}

hid_t RslH5FileAccess(MPI_Comm comm)
{
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  H5Pset_all_coll_metadata_ops(fapl, 1);
  H5Pset_coll_metadata_write(fapl, 1);
  return fapl;
}

/* A handle on comm for path (its .part name beside it) around an open file id. */
static PetscErrorCode NewHandle(MPI_Comm comm, const char path[], RslH5 *f)
{
  RslH5 h;

  PetscFunctionBegin;
  PetscCall(PetscNew(&h));
  h->comm = comm;
  PetscCall(PetscStrallocpy(path ? path : "", &h->path));
  PetscCall(PetscMalloc1(strlen(h->path) + 6, &h->part));
  PetscCall(PetscSNPrintf(h->part, strlen(h->path) + 6, "%s.part", h->path));
  h->dxpl = H5Pcreate(H5P_DATASET_XFER);
  H5CHK(comm, H5Pset_dxpl_mpio(h->dxpl, H5FD_MPIO_COLLECTIVE));
  *f = h;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FreeHandle(RslH5 *f)
{
  PetscFunctionBegin;
  H5Pclose((*f)->dxpl);
  PetscCall(PetscFree((*f)->path));
  PetscCall(PetscFree((*f)->part));
  PetscCall(PetscFree(*f));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5Create(MPI_Comm comm, const char option[], const char path[], RslH5 *f)
{
  PetscMPIInt rank;
  char        why[256];
  hid_t       fapl;
  RslH5       h;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(NewHandle(comm, path, &h));
  if (rank == 0) CheckWritable(h->path, h->part, why, sizeof(why));
  PetscCallMPI(MPI_Bcast(why, sizeof(why), MPI_CHAR, 0, comm));
  if (why[0]) PetscCall(FreeHandle(&h));
  RSLCHECK(comm, !why[0], "%s: cannot write '%s' (%s)", option ? option : "output", path ? path : "", why);
  fapl    = RslH5FileAccess(comm);
  h->file = H5Fcreate(h->part, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  if (h->file < 0) PetscCall(PetscSNPrintf(why, sizeof(why), "%s: cannot create '%s' (HDF5/MPI-IO error)", option ? option : "output", h->part));
  PetscCall(RslCheckCollective(comm, h->file < 0 ? PETSC_TRUE : PETSC_FALSE, why));
  *f = h;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5Resume(MPI_Comm comm, const char path[], RslH5 *f)
{
  RslH5 h;
  hid_t fapl = RslH5FileAccess(comm);
  int   ok;

  PetscFunctionBegin;
  PetscCall(NewHandle(comm, path, &h));
  H5E_BEGIN_TRY
  {
    h->file = H5Fopen(h->part, H5F_ACC_RDWR, fapl);
  }
  H5E_END_TRY;
  H5Pclose(fapl);
  ok = h->file >= 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, comm));
  if (!ok) {
    if (h->file >= 0) H5Fclose(h->file);
    PetscCall(FreeHandle(&h));
  }
  *f = h;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5SetContiguous(RslH5 f)
{
  PetscFunctionBegin;
  f->contiguous = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5CheckCompression(MPI_Comm comm, const char option[], PetscInt level)
{
  unsigned int info = 0;

  PetscFunctionBegin;
  RSLCHECK(comm, level >= 0 && level <= 9, "%s %d: the deflate level is 0 (none) to 9", option, (int)level);
  if (level > 0) {
    RSLCHECK(comm, H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0 && H5Zget_filter_info(H5Z_FILTER_DEFLATE, &info) >= 0 && (info & H5Z_FILTER_CONFIG_ENCODE_ENABLED), "%s %d: this HDF5 library has no deflate encoder; use %s 0", option, (int)level, option);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5SetCompression(RslH5 f, PetscInt level)
{
  PetscFunctionBegin;
  f->deflate = (int)level;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5Flush(RslH5 f)
{
  PetscFunctionBegin;
  H5CHK(f->comm, H5Fflush(f->file, H5F_SCOPE_GLOBAL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Close on every rank; keep (rename or leave) or remove the .part. */
static PetscErrorCode Finish(RslH5 *f, PetscBool success, PetscBool keep_part)
{
  RslH5       h = *f;
  PetscMPIInt rank;
  int         rc = 0, closed;
  char        msg[2 * PETSC_MAX_PATH_LEN + 64] = "";

  PetscFunctionBegin;
  if (!h) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCallMPI(MPI_Comm_rank(h->comm, &rank));
  closed = H5Fclose(h->file) >= 0;
  /* the rename must follow every rank's close: the file is complete only then */
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &closed, 1, MPI_INT, MPI_MIN, h->comm));
  if (rank == 0 && !h->readonly && !keep_part) {
    if (success && closed) rc = rename(h->part, h->path);
    else (void)remove(h->part);
  }
  PetscCallMPI(MPI_Bcast(&rc, 1, MPI_INT, 0, h->comm));
  if (!closed) PetscCall(PetscSNPrintf(msg, sizeof(msg), "cannot close '%s' (HDF5 error)%s", h->readonly ? h->path : h->part, h->readonly || keep_part ? "" : "; removed it"));
  else if (rc) PetscCall(PetscSNPrintf(msg, sizeof(msg), "cannot rename '%s' to '%s'", h->part, h->path));
  PetscCall(FreeHandle(f));
  RSLCHECK(PETSC_COMM_SELF, !msg[0], "%s", msg); /* same outcome on every rank */
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5Close(RslH5 *f, PetscBool success)
{
  PetscFunctionBegin;
  PetscCall(Finish(f, success, PETSC_FALSE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5Suspend(RslH5 *f)
{
  PetscFunctionBegin;
  PetscCall(Finish(f, PETSC_FALSE, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

const char *RslH5Path(RslH5 f) { return f->path; }

PetscErrorCode RslH5EnsureGroups(RslH5 f, const char path[], PetscBool with_last)
{
  char   buf[PETSC_MAX_PATH_LEN];
  size_t n = strlen(path);

  PetscFunctionBegin;
  PetscCheck(n < sizeof(buf), f->comm, PETSC_ERR_ARG_SIZ, "HDF5 path too long: %s", path);
  PetscCall(PetscStrncpy(buf, path, sizeof(buf)));
  for (size_t k = 1; k <= n; k++) {
    if (buf[k] != '/' && !(k == n && with_last)) continue;
    buf[k] = 0;
    if (H5Lexists(f->file, buf, H5P_DEFAULT) <= 0) {
      hid_t g = H5Gcreate2(f->file, buf, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5CHK(f->comm, g);
      H5Gclose(g);
    }
    buf[k] = '/';
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5DatasetOpenOrCreate(RslH5 f, const char dset[], hid_t ftype, int rank, const hsize_t dims[], const hsize_t chunk[], hid_t *d)
{
  hid_t space, dcpl;

  PetscFunctionBegin;
  PetscCall(RslH5EnsureGroups(f, dset, PETSC_FALSE));
  if (H5Lexists(f->file, dset, H5P_DEFAULT) > 0) {
    hsize_t old[2] = {0, 0};
    *d             = H5Dopen2(f->file, dset, H5P_DEFAULT);
    H5CHK(f->comm, *d);
    space = H5Dget_space(*d);
    PetscCheck(H5Sget_simple_extent_ndims(space) == rank, f->comm, PETSC_ERR_ARG_INCOMP, "%s: dataset %s exists with another rank", f->part, dset);
    H5Sget_simple_extent_dims(space, old, NULL);
    H5Sclose(space);
    for (int k = 0; k < rank; k++) PetscCheck(old[k] == dims[k], f->comm, PETSC_ERR_ARG_INCOMP, "%s: dataset %s exists with another shape", f->part, dset);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  space = H5Screate_simple(rank, dims, NULL);
  dcpl  = H5Pcreate(H5P_DATASET_CREATE);
  if (chunk) H5CHK(f->comm, H5Pset_chunk(dcpl, rank, chunk));
  if (chunk && f->deflate) {
    H5CHK(f->comm, H5Pset_shuffle(dcpl));
    H5CHK(f->comm, H5Pset_deflate(dcpl, (unsigned)f->deflate));
  }
  H5CHK(f->comm, H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER)); /* every element is written */
  *d = H5Dcreate2(f->file, dset, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  H5Pclose(dcpl);
  H5Sclose(space);
  H5CHK(f->comm, *d);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0 writes data (same on every rank) into dset of file type ftype, collectively. */
static PetscErrorCode WriteReplicatedTyped(RslH5 f, const char dset[], hid_t ftype, hid_t mtype, int rank, const hsize_t dims[], const void *data)
{
  PetscMPIInt r;
  hid_t       d = -1, fs, ms;
  hsize_t     n = 1;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(f->comm, &r));
  PetscCall(RslH5DatasetOpenOrCreate(f, dset, ftype, rank, dims, NULL, &d));
  for (int k = 0; k < rank; k++) n *= dims[k];
  if (n == 0) { /* an empty array (a checkpoint's series before the first sample): no write */
    H5Dclose(d);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  fs = H5Dget_space(d);
  ms = H5Screate_simple(1, &n, NULL);
  if (r != 0) {
    H5Sselect_none(fs);
    H5Sselect_none(ms);
  }
  H5CHK(f->comm, H5Dwrite(d, mtype, ms, fs, f->dxpl, data));
  H5Sclose(ms);
  H5Sclose(fs);
  H5Dclose(d);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5WriteReplicated(RslH5 f, const char dset[], int rank, const hsize_t dims[], const double *data)
{
  PetscFunctionBegin;
  PetscCall(WriteReplicatedTyped(f, dset, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, rank, dims, data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5WriteStrings(RslH5 f, const char dset[], PetscInt n, size_t width, const char *buf)
{
  hid_t   t   = H5Tcopy(H5T_C_S1);
  hsize_t dim = (hsize_t)n;

  PetscFunctionBegin;
  H5CHK(f->comm, H5Tset_size(t, width));
  H5CHK(f->comm, H5Tset_strpad(t, H5T_STR_NULLPAD));
  H5CHK(f->comm, H5Tset_cset(t, H5T_CSET_UTF8));
  PetscCall(WriteReplicatedTyped(f, dset, t, t, 1, &dim, buf));
  H5Tclose(t);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Create (replacing) attribute name on obj (groups created when missing). */
static PetscErrorCode SetAttr(RslH5 f, const char obj[], const char name[], hid_t ftype, hid_t mtype, PetscInt n, const void *buf)
{
  hid_t   o, s, a;
  hsize_t dim = (hsize_t)n;

  PetscFunctionBegin;
  if (strcmp(obj, "/")) PetscCall(RslH5EnsureGroups(f, obj, PETSC_TRUE));
  o = H5Oopen(f->file, obj, H5P_DEFAULT);
  H5CHK(f->comm, o);
  if (H5Aexists(o, name) > 0) H5CHK(f->comm, H5Adelete(o, name));
  s = n == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dim, NULL);
  a = H5Acreate2(o, name, ftype, s, H5P_DEFAULT, H5P_DEFAULT);
  H5CHK(f->comm, a);
  H5CHK(f->comm, H5Awrite(a, mtype, buf));
  H5Aclose(a);
  H5Sclose(s);
  H5Oclose(o);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5SetAttrDouble(RslH5 f, const char obj[], const char name[], PetscInt n, const double *v)
{
  PetscFunctionBegin;
  PetscCall(SetAttr(f, obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5SetAttrInt(RslH5 f, const char obj[], const char name[], PetscInt n, const PetscInt *v)
{
  int64_t *w;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n, &w));
  for (PetscInt k = 0; k < n; k++) w[k] = (int64_t)v[k];
  PetscCall(SetAttr(f, obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, n, w));
  PetscCall(PetscFree(w));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Variable-length UTF-8: h5py reads it as str, and long texts (WKT, options) do not count
 * against the 64 KiB object-header limit. */
PetscErrorCode RslH5SetAttrString(RslH5 f, const char obj[], const char name[], const char *value)
{
  hid_t       t = H5Tcopy(H5T_C_S1);
  const char *v = value ? value : "";

  PetscFunctionBegin;
  H5CHK(f->comm, H5Tset_size(t, H5T_VARIABLE));
  H5CHK(f->comm, H5Tset_cset(t, H5T_CSET_UTF8));
  PetscCall(SetAttr(f, obj, name, t, t, 1, &v));
  H5Tclose(t);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5WriteArray(RslH5 f, const char dset[], PetscInt nrows, PetscInt ncols, const double *data)
{
  hsize_t dims[2] = {(hsize_t)nrows, (hsize_t)ncols};

  PetscFunctionBegin;
  PetscCall(RslH5WriteReplicated(f, dset, ncols ? 2 : 1, dims, data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5WriteTable(RslH5 f, const char dset[], PetscInt nrows, PetscInt ncols, const double *data, const char columns[])
{
  hsize_t  dims[2] = {(hsize_t)nrows, (hsize_t)ncols};
  PetscInt names   = 1;

  PetscFunctionBegin;
  for (const char *c = columns; *c; c++) names += *c == ',';
  PetscCheck(names == ncols, f->comm, PETSC_ERR_ARG_SIZ, "table %s: %" PetscInt_FMT " columns but %" PetscInt_FMT " names in '%s'", dset, ncols, names, columns);
  PetscCall(RslH5WriteReplicated(f, dset, 2, dims, data));
  PetscCall(RslH5SetAttrString(f, dset, "columns", columns));
  PetscFunctionReturn(PETSC_SUCCESS);
}
