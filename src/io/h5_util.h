/* io/h5_util: private helpers shared by the HDF5 writers (not part of the public API). */
#pragma once
#include "io/h5out.h"
#include <hdf5.h>

struct _p_RslH5 {
  MPI_Comm  comm;
  hid_t     file, dxpl; /* dxpl: collective MPI-IO transfers */
  char     *path, *part;
  PetscBool readonly;   /* opened with RslH5OpenRead: closing only closes */
  PetscBool contiguous; /* fields unchunked (RslH5SetContiguous) */
  int       deflate;    /* chunked datasets: shuffle + deflate at this level (0: none) */
};

/* File access list of every open: MPI-IO on comm, collective metadata operations. */
hid_t RslH5FileAccess(MPI_Comm comm);

/* An HDF5 call that must not fail (inputs were checked before): a negative result is an
 * error on comm. HDF5 fails identically on every rank for collective metadata operations. */
#define H5CHK(comm, expr) \
  do { \
    if ((expr) < 0) SETERRQ((comm), PETSC_ERR_LIB, "HDF5 call failed: %s", #expr); \
  } while (0)

/* Create the groups along path (all of them when with_last, else all but the last name). */
PetscErrorCode RslH5EnsureGroups(RslH5 f, const char path[], PetscBool with_last);
/* Open dataset dset, or create it (parent groups too) with file type ftype, rank 1 or 2,
 * dims; chunk != NULL makes it chunked. An existing dataset must have the same shape. */
PetscErrorCode RslH5DatasetOpenOrCreate(RslH5 f, const char dset[], hid_t ftype, int rank, const hsize_t dims[], const hsize_t chunk[], hid_t *d);
/* Write a small array that every rank holds identically (rank 0 writes, collectively). */
PetscErrorCode RslH5WriteReplicated(RslH5 f, const char dset[], int rank, const hsize_t dims[], const double *data);
