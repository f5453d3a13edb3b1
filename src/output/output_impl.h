/* output internals: the operations a writer (-out_type) fills in its RslOutputCreate_<type>. */
#pragma once
#include "output/output.h"

typedef struct {
  PetscErrorCode (*setup)(RslOutput, const char file[]);
  PetscErrorCode (*snapshot)(RslOutput, PetscInt k, PetscReal t, Vec U);
  PetscErrorCode (*flush)(RslOutput); /* before a checkpoint: the snapshots so far on disk */
  PetscErrorCode (*results)(RslOutput);
  PetscErrorCode (*finish)(RslOutput, RslOutputEnd how);
  PetscErrorCode (*view)(RslOutput, PetscViewer);
  PetscErrorCode (*destroy)(RslOutput);
} RslOutputOps;

struct _p_RslOutput {
  MPI_Comm      comm;
  RslSWE        swe;
  RslGrid      *grid;
  char          type[64];
  char          file[PETSC_MAX_PATH_LEN];
  PetscBool     open; /* set up and not finished */
  RslOutputOps  ops;
  void         *data;
  PetscLogEvent ev_results;
};

PetscErrorCode RslOutputCreate_HDF5(RslOutput out);
