/* io/h5out: the run's result file — one HDF5 file written collectively by all ranks
 * (MPI-IO, collective hyperslabs, chunked datasets). The file is created as PATH.part and
 * renamed to PATH only by RslH5Close(..., success=PETSC_TRUE); on failure it is removed.
 * Arrays are ny x nx with row 0 = north edge (the grid's j is flipped on write).
 *
 * Fields are described by their 2-D DMDA (global nx x ny, each rank's owned block, dof):
 * io sits below grid and never sees RslGrid; callers pass g->da1 (or g->da). */
#pragma once
#include "core/rsl.h"
#include <petscdmda.h>

typedef struct _p_RslH5 *RslH5;

/* Create PATH.part collectively. Checks the directory is writable (collective error naming
 * `option` and the path). */
PetscErrorCode RslH5Create(MPI_Comm comm, const char option[], const char path[], RslH5 *f);
/* Finish: close, then rename PATH.part -> PATH when success, else delete it (a file opened
 * with RslH5OpenRead is only closed). Collective. */
PetscErrorCode RslH5Close(RslH5 *f, PetscBool success);
/* Close but keep PATH.part, consistent on disk, for a restart to resume (RslH5Resume). */
PetscErrorCode RslH5Suspend(RslH5 *f);
/* Reopen the PATH.part a suspended or killed run left, read-write; *f = NULL (and no error)
 * when it is missing or not a readable HDF5 file. Collective. */
PetscErrorCode RslH5Resume(MPI_Comm comm, const char path[], RslH5 *f);
/* Write everything cached to disk (collective): the file is consistent up to here. */
PetscErrorCode RslH5Flush(RslH5 f);
const char    *RslH5Path(RslH5 f); /* final path */

/* /grid group of an nx x ny grid with geotransform gt: attributes nx, ny, dx = |gt[1]|,
 * dy = |gt[5]| (the grid's cell sizes), geotransform, crs_wkt, and the coordinate
 * datasets /grid/x (nx cell-centre eastings, west to east), /grid/y (ny cell-centre
 * northings in file row order: north to south, descending), /grid/x_edges, /grid/y_edges
 * (nx+1, ny+1 cell edges, same orders; the XDMF mesh uses them). */
PetscErrorCode RslH5WriteGrid(RslH5 f, PetscInt nx, PetscInt ny, const double gt[6], const char *crs_wkt);
/* Fields written from now on are contiguous, not chunked: for files written once and read
 * whole (checkpoints: writes twice as fast as chunked, measured with 1 M cells). */
PetscErrorCode RslH5SetContiguous(RslH5 f);
/* Is deflate `level` usable (0 = none .. 9, and this HDF5 library has the deflate encoder)?
 * A collective error naming `option` if not: called when the option is read, before any run. */
PetscErrorCode RslH5CheckCompression(MPI_Comm comm, const char option[], PetscInt level);
/* Chunked datasets created from now on go through the shuffle and deflate filters at a
 * checked `level` (0: none), written collectively (parallel HDF5 >= 1.10.2 compresses each
 * chunk on one rank). Lossless: the values read back are the values written. */
PetscErrorCode RslH5SetCompression(RslH5 f, PetscInt level);
/* Write a global Vec of the dof-1 DMDA da as dataset `dset` (e.g. "/fields/h"; parent groups are
 * created), float64, chunked min(256,ny) x min(256,nx) (unless RslH5SetContiguous),
 * collective. Writing a dataset that exists (same shape) overwrites it in place. */
PetscErrorCode RslH5WriteField(RslH5 f, const char dset[], DM da, Vec v);
/* Same, stored as float32 (snapshots). */
PetscErrorCode RslH5WriteFieldFloat(RslH5 f, const char dset[], DM da, Vec v);
/* Read back a field dataset (any numeric type, ny x nx, row 0 = north) into a global Vec
 * of the dof-1 DMDA da (restart, tests). Collective; a missing file/dataset or a shape other than
 * ny x nx is a collective error naming the file and dataset. */
PetscErrorCode RslH5ReadField(MPI_Comm comm, const char path[], const char dset[], DM da, Vec v);

/* Snapshot k (0-based) is the group "/snapshots/%06d" (k): name it into buf. */
PetscErrorCode RslH5SnapshotName(PetscInt k, char buf[], size_t len);
/* Write snapshot k of the state U (global Vec of the DMDA da, dof components named
 * names[0..dof-1] by the caller: the solver knows its fields) as float32 datasets
 * <group>/<names[c]>, with attribute `time` on the group. */
PetscErrorCode RslH5WriteSnapshot(RslH5 f, PetscInt k, double time, DM da, Vec U, const char *const names[]);

/* Attributes on an object (groups along the path created when missing; an existing attribute
 * is replaced). Collective, same value on every rank. n = 1 gives a scalar attribute; strings
 * are variable-length UTF-8 (h5py reads them as str). */
PetscErrorCode RslH5SetAttrDouble(RslH5 f, const char obj[], const char name[], PetscInt n, const double *v);
PetscErrorCode RslH5SetAttrInt(RslH5 f, const char obj[], const char name[], PetscInt n, const PetscInt *v);
PetscErrorCode RslH5SetAttrString(RslH5 f, const char obj[], const char name[], const char *value);
/* A small table (nrows x ncols doubles, same on every rank) with a "columns" attribute
 * (comma-separated names): time series, hydrographs. */
PetscErrorCode RslH5WriteTable(RslH5 f, const char dset[], PetscInt nrows, PetscInt ncols, const double *data, const char columns[]);
/* A small array every rank holds identically: nrows x ncols doubles (ncols = 0: a 1-D array
 * of nrows), e.g. a checkpoint's series. */
PetscErrorCode RslH5WriteArray(RslH5 f, const char dset[], PetscInt nrows, PetscInt ncols, const double *data);
/* n fixed-length UTF-8 strings of width bytes each (NUL-padded, in buf, the same on every
 * rank) as a 1-D dataset: h5py reads them as bytes. */
PetscErrorCode RslH5WriteStrings(RslH5 f, const char dset[], PetscInt n, size_t width, const char *buf);
/* uint8 class map per cell etc.: a Vec of the dof-1 DMDA da written as uint8 (rounded, clamped to 0..255,
 * NaN -> 0). */
PetscErrorCode RslH5WriteFieldByte(RslH5 f, const char dset[], DM da, Vec v);

/* ---- reading back (checkpoints, resumed results; io/h5read.c). All collective on the
 * file's communicator; a missing object or a wrong size is a collective error naming the
 * file and the object. */
/* Open an existing HDF5 file read-only; a missing or unreadable file is a collective error
 * naming `option` and the path. */
PetscErrorCode RslH5OpenRead(MPI_Comm comm, const char option[], const char path[], RslH5 *f);
/* Read a ny x nx dataset into a global Vec of the dof-1 DMDA da (like RslH5ReadField). */
PetscErrorCode RslH5ReadFieldFrom(RslH5 f, const char dset[], DM da, Vec v);
/* Read a whole dataset of exactly n numbers (as doubles) onto every rank. */
PetscErrorCode RslH5ReadReplicated(RslH5 f, const char dset[], PetscInt n, double *data);
PetscErrorCode RslH5GetAttrDouble(RslH5 f, const char obj[], const char name[], PetscInt n, double *v);
PetscErrorCode RslH5GetAttrInt(RslH5 f, const char obj[], const char name[], PetscInt n, PetscInt *v);
/* A string attribute (caller frees). */
PetscErrorCode RslH5GetAttrString(RslH5 f, const char obj[], const char name[], char **value);
/* Names of the attributes of obj, in name order (free with PetscStrArrayDestroy). */
PetscErrorCode RslH5GetAttrNames(RslH5 f, const char obj[], PetscInt *n, char ***names);
PetscErrorCode RslH5Exists(RslH5 f, const char path[], PetscBool *exists);
/* Remove a link (dataset or group) when it exists. */
PetscErrorCode RslH5Delete(RslH5 f, const char path[]);

/* XDMF sidecar for ParaView (io/xdmf.c), written after the HDF5 file is complete: a
 * temporal collection of the snapshots k = 0..nsnap-1 at times[k] with their float32
 * <RslH5SnapshotName(k)>/<fields[i]>, or with nsnap = 0 one grid of the final
 * /fields/<fields[i]>; every grid also shows the datasets of `shown` that the file holds:
 * pairs {name, dataset} ending with NULL, a name listed twice in a row taking the first of
 * its datasets found (e.g. {"z", "/xdmf/z", "z", "/fields/z", NULL}: the caller knows its
 * fields, io does not). Cell data on a one-layer
 * 3DRectMesh of /grid/x_edges, /grid/y_edges (y descending like the rows: north-up with no
 * flip). The HDF5 file is referenced by its name (xmf_path and h5path in one directory);
 * the CRS is an Information element and a .prj beside (OUT.prj). Collective; rank 0 reads
 * h5path and writes xmf_path.part, then renames it. da: the dof-1 DMDA of the fields (NULL
 * is an error naming xmf_path); crs_wkt: the grid's CRS. */
PetscErrorCode RslXdmfWrite(MPI_Comm comm, const char xmf_path[], const char h5path[], DM da, const char *crs_wkt, const char *const shown[], PetscInt nsnap, const double *times, const char *const fields[], PetscInt nfields);
/* /xdmf/z: the bed z (Vec of the dof-1 DMDA da) as float32 with NaN on nodata cells, so viewers blank the
 * outside of the domain (Warp By Scalar no longer spans to -9999). Collective. */
PetscErrorCode RslXdmfWriteBed(RslH5 f, DM da, Vec z, double nodata);
