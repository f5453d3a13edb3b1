/* io/h5field: grid fields as ny x nx datasets, north row first, written and read with
 * collective hyperslabs (each rank its owned block), plus /grid and snapshots. */
#include "io/h5_util.h"
#include <stdint.h>
#include <stdio.h>

typedef enum {
  FT_F64,
  FT_F32,
  FT_U8
} FieldType;

/* What the writers need of a 2-D DMDA: global nx x ny, dof, this rank's owned block. */
typedef struct {
  PetscInt nx, ny, dof, xs, ys, xm, ym;
} Block;

static PetscErrorCode GetBlock(DM da, Block *b)
{
  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(da, NULL, &b->nx, &b->ny, NULL, NULL, NULL, NULL, &b->dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(da, &b->xs, &b->ys, NULL, &b->xm, &b->ym, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Select this rank's block in the file: grid rows [ys, ys+ym) are file rows
 * [ny-ys-ym, ny-ys) (j grows north, file row 0 is north). */
static void SelectBlock(const Block *g, hid_t fs, hid_t *ms)
{
  hsize_t start[2] = {(hsize_t)(g->ny - g->ys - g->ym), (hsize_t)g->xs};
  hsize_t count[2] = {(hsize_t)g->ym, (hsize_t)g->xm};

  *ms = H5Screate_simple(2, count, NULL);
  if (g->xm * g->ym > 0) H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
  else {
    H5Sselect_none(fs);
    H5Sselect_none(*ms);
  }
}

/* Write component comp of a global Vec of the DMDA da as dataset dset. */
static PetscErrorCode WriteComponent(RslH5 f, const char dset[], DM da, Vec v, PetscInt comp, FieldType t)
{
  const hid_t        ftypes[] = {H5T_IEEE_F64LE, H5T_IEEE_F32LE, H5T_STD_U8LE};
  const hid_t        mtypes[] = {H5T_NATIVE_DOUBLE, H5T_NATIVE_FLOAT, H5T_NATIVE_UINT8};
  const size_t       esize[]  = {sizeof(double), sizeof(float), 1};
  Block              blk, *g = &blk;
  hsize_t            dims[2], chunk[2];
  const PetscScalar *a;
  PetscInt           n, dof;
  char              *buf;
  hid_t              d, fs, ms;

  PetscFunctionBegin;
  PetscCall(GetBlock(da, g));
  dof      = g->dof;
  dims[0]  = (hsize_t)g->ny;
  dims[1]  = (hsize_t)g->nx;
  chunk[0] = (hsize_t)PetscMin(256, g->ny);
  chunk[1] = (hsize_t)PetscMin(256, g->nx);
  PetscCall(VecGetLocalSize(v, &n));
  PetscCheck(n == g->xm * g->ym * dof, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "%s: vector does not match the grid layout", dset);
  PetscCall(RslH5DatasetOpenOrCreate(f, dset, ftypes[t], 2, dims, f->contiguous ? NULL : chunk, &d));
  PetscCall(PetscMalloc1(esize[t] * (size_t)(g->xm * g->ym) + 1, &buf));
  PetscCall(VecGetArrayRead(v, &a));
  for (PetscInt jl = 0; jl < g->ym; jl++) {
    size_t out = (size_t)(g->ym - 1 - jl) * (size_t)g->xm; /* north row first */
    for (PetscInt il = 0; il < g->xm; il++) {
      double val = PetscRealPart(a[(jl * g->xm + il) * dof + comp]);
      size_t k   = out + (size_t)il;
      if (t == FT_F64) ((double *)buf)[k] = val;
      else if (t == FT_F32) ((float *)buf)[k] = (float)val;
      else ((uint8_t *)buf)[k] = (uint8_t)(val >= 255 ? 255 : val > 0 ? val + 0.5 : 0); /* NaN -> 0 */
    }
  }
  PetscCall(VecRestoreArrayRead(v, &a));
  fs = H5Dget_space(d);
  SelectBlock(g, fs, &ms);
  H5CHK(f->comm, H5Dwrite(d, mtypes[t], ms, fs, f->dxpl, buf));
  H5Sclose(ms);
  H5Sclose(fs);
  H5Dclose(d);
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A field: a Vec of a dof-1 DMDA. */
static PetscErrorCode WriteDof1(RslH5 f, const char dset[], DM da, Vec v, FieldType t)
{
  PetscInt dof;

  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCheck(dof == 1, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "%s: a field is written from a dof-1 DMDA, not dof %" PetscInt_FMT, dset, dof);
  PetscCall(WriteComponent(f, dset, da, v, 0, t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5WriteField(RslH5 f, const char dset[], DM da, Vec v)
{
  PetscFunctionBegin;
  PetscCall(WriteDof1(f, dset, da, v, FT_F64));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5WriteFieldFloat(RslH5 f, const char dset[], DM da, Vec v)
{
  PetscFunctionBegin;
  PetscCall(WriteDof1(f, dset, da, v, FT_F32));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5WriteFieldByte(RslH5 f, const char dset[], DM da, Vec v)
{
  PetscFunctionBegin;
  PetscCall(WriteDof1(f, dset, da, v, FT_U8));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5SnapshotName(PetscInt k, char buf[], size_t len)
{
  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(buf, len, "/snapshots/%06" PetscInt_FMT, k));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5WriteSnapshot(RslH5 f, PetscInt k, double time, DM da, Vec U, const char *const names[])
{
  char     grp[64], dset[80];
  PetscInt dof;

  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(RslH5SnapshotName(k, grp, sizeof(grp)));
  for (PetscInt c = 0; c < dof; c++) {
    PetscCall(PetscSNPrintf(dset, sizeof(dset), "%s/%s", grp, names[c]));
    PetscCall(WriteComponent(f, dset, da, U, c, FT_F32));
  }
  PetscCall(RslH5SetAttrDouble(f, grp, "time", 1, &time));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5WriteGrid(RslH5 f, PetscInt nx, PetscInt ny, const double gt[6], const char *crs_wkt)
{
  PetscInt n[2] = {nx, ny};
  double   d[2] = {PetscAbsReal(gt[1]), PetscAbsReal(gt[5])}, *x, *y; /* the grid's dx, dy */
  hsize_t  len;

  PetscFunctionBegin;
  PetscCall(RslH5SetAttrInt(f, "/grid", "nx", 1, &n[0]));
  PetscCall(RslH5SetAttrInt(f, "/grid", "ny", 1, &n[1]));
  PetscCall(RslH5SetAttrDouble(f, "/grid", "dx", 1, &d[0]));
  PetscCall(RslH5SetAttrDouble(f, "/grid", "dy", 1, &d[1]));
  PetscCall(RslH5SetAttrDouble(f, "/grid", "geotransform", 6, gt));
  PetscCall(RslH5SetAttrString(f, "/grid", "crs_wkt", crs_wkt));
  /* coordinates in file order: x west to east, y north to south (gt[5] < 0) */
  PetscCall(PetscMalloc2(nx + 1, &x, ny + 1, &y));
  for (PetscInt i = 0; i <= nx; i++) x[i] = gt[0] + i * gt[1];
  for (PetscInt r = 0; r <= ny; r++) y[r] = gt[3] + r * gt[5];
  len = (hsize_t)nx + 1;
  PetscCall(RslH5WriteReplicated(f, "/grid/x_edges", 1, &len, x));
  len = (hsize_t)ny + 1;
  PetscCall(RslH5WriteReplicated(f, "/grid/y_edges", 1, &len, y));
  for (PetscInt i = 0; i < nx; i++) x[i] = gt[0] + (i + 0.5) * gt[1];
  for (PetscInt r = 0; r < ny; r++) y[r] = gt[3] + (r + 0.5) * gt[5];
  len = (hsize_t)nx;
  PetscCall(RslH5WriteReplicated(f, "/grid/x", 1, &len, x));
  len = (hsize_t)ny;
  PetscCall(RslH5WriteReplicated(f, "/grid/y", 1, &len, y));
  PetscCall(PetscFree2(x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5ReadFieldFrom(RslH5 f, const char dset[], DM da, Vec v)
{
  Block        blk, *g = &blk;
  hid_t        d = -1, fs, ms;
  hsize_t      dims[2] = {0, 0};
  double      *buf;
  PetscScalar *a;
  PetscInt     n;
  herr_t       e;
  int          ok;

  PetscFunctionBegin;
  PetscCall(GetBlock(da, g));
  PetscCall(VecGetLocalSize(v, &n));
  PetscCheck(n == g->xm * g->ym, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "%s: vector is not a dof-1 vector of the grid", dset);
  H5E_BEGIN_TRY
  {
    d = H5Dopen2(f->file, dset, H5P_DEFAULT);
  }
  H5E_END_TRY;
  if (d >= 0) {
    fs = H5Dget_space(d);
    if (H5Sget_simple_extent_ndims(fs) == 2) H5Sget_simple_extent_dims(fs, dims, NULL);
    H5Sclose(fs);
  }
  ok = d >= 0 && dims[0] == (hsize_t)g->ny && dims[1] == (hsize_t)g->nx;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, f->comm));
  if (!ok && d >= 0) H5Dclose(d);
  RSLCHECK(f->comm, ok, "'%s': no dataset %s of %" PetscInt_FMT " x %" PetscInt_FMT " (ny x nx)", f->path, dset, g->ny, g->nx);
  PetscCall(PetscMalloc1((size_t)(g->xm * g->ym) + 1, &buf));
  fs = H5Dget_space(d);
  SelectBlock(g, fs, &ms);
  e = H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, f->dxpl, buf);
  H5Sclose(ms);
  H5Sclose(fs);
  H5Dclose(d);
  H5CHK(f->comm, e);
  PetscCall(VecGetArray(v, &a));
  for (PetscInt jl = 0; jl < g->ym; jl++)
    for (PetscInt il = 0; il < g->xm; il++) a[jl * g->xm + il] = buf[(size_t)(g->ym - 1 - jl) * (size_t)g->xm + (size_t)il];
  PetscCall(VecRestoreArray(v, &a));
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslH5ReadField(MPI_Comm comm, const char path[], const char dset[], DM da, Vec v)
{
  RslH5          f;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(RslH5OpenRead(comm, NULL, path, &f));
  ierr = RslH5ReadFieldFrom(f, dset, da, v);
  PetscCall(RslH5Close(&f, PETSC_FALSE));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}
