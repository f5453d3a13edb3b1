/* io/h5out: the run's result file — one HDF5 file written collectively by all ranks
 * (MPI-IO, collective hyperslabs, chunked datasets). The file is created as PATH.part and
 * renamed to PATH only by RslH5Close(..., success=PETSC_TRUE); on failure it is removed.
 * Arrays are ny x nx with row 0 = north edge (the grid's j is flipped on write). */
#pragma once
#include "grid/grid.h"

typedef struct _p_RslH5 *RslH5;

/* Create PATH.part collectively. Checks the directory is writable (collective error naming
 * `option` and the path). */
PetscErrorCode RslH5Create(MPI_Comm comm, const char option[], const char path[], RslH5 *f);
/* Finish: close, then rename PATH.part -> PATH when success, else delete it. Collective. */
PetscErrorCode RslH5Close(RslH5 *f, PetscBool success);
const char    *RslH5Path(RslH5 f); /* final path */

/* /grid group with attributes nx, ny, dx, dy, geotransform, crs_wkt. */
PetscErrorCode RslH5WriteGrid(RslH5 f, const RslGrid *g);
/* Write a dof-1 global Vec of g->da1 as dataset `dset` (e.g. "/fields/h"; parent groups are
 * created), float64, chunked, collective. */
PetscErrorCode RslH5WriteField(RslH5 f, const char dset[], const RslGrid *g, Vec v);
/* Same, stored as float32 (snapshots). */
PetscErrorCode RslH5WriteFieldFloat(RslH5 f, const char dset[], const RslGrid *g, Vec v);
/* Read back a field dataset into a dof-1 global Vec (restart, tests). */
PetscErrorCode RslH5ReadField(MPI_Comm comm, const char path[], const char dset[], const RslGrid *g, Vec v);

/* Attributes on an object (group created when missing). Same value on every rank. */
PetscErrorCode RslH5SetAttrDouble(RslH5 f, const char obj[], const char name[], PetscInt n, const double *v);
PetscErrorCode RslH5SetAttrInt(RslH5 f, const char obj[], const char name[], PetscInt n, const PetscInt *v);
PetscErrorCode RslH5SetAttrString(RslH5 f, const char obj[], const char name[], const char *value);
/* A small table (nrows x ncols doubles, same on every rank) with a "columns" attribute
 * (comma-separated names): time series, hydrographs. */
PetscErrorCode RslH5WriteTable(RslH5 f, const char dset[], PetscInt nrows, PetscInt ncols, const double *data, const char columns[]);
/* uint8 class map per cell etc.: a dof-1 Vec written as uint8. */
PetscErrorCode RslH5WriteFieldByte(RslH5 f, const char dset[], const RslGrid *g, Vec v);

/* XDMF sidecar for ParaView: a temporal collection of the snapshots /snapshots/NNNNNN/{h,hu,hv}
 * (float32) plus the static /fields/z, over a 2D CoRectMesh in map coordinates. Rank 0 writes;
 * h5name is the HDF5 file name as seen from the .xmf's directory. */
PetscErrorCode RslXdmfWrite(MPI_Comm comm, const char xmf_path[], const char h5name[], const RslGrid *g, PetscInt nsnap, const double *times, const char *const fields[], PetscInt nfields);
