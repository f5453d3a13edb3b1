/* output internals: the operations a writer (-out_type) fills in its RslOutputCreate_<type>. */
#pragma once
#include "output/output.h"

/* The per-cell fields the run adds: where a writer puts them (hdf5: /params/NAME,
 * /landcover/NAME, /fields/NAME). */
typedef enum { RSL_OUTPUT_PARAMS, RSL_OUTPUT_LANDCOVER, RSL_OUTPUT_FIELDS } RslOutputPart;
typedef enum { RSL_OUTPUT_DOUBLE, RSL_OUTPUT_INT, RSL_OUTPUT_STRING } RslOutputType;

typedef struct {
  PetscErrorCode (*setup)(RslOutput, const char file[]);
  PetscErrorCode (*snapshot)(RslOutput, PetscInt k, PetscReal t, Vec U);
  PetscErrorCode (*flush)(RslOutput); /* before a checkpoint: the snapshots so far on disk */
  PetscErrorCode (*results)(RslOutput);
  /* what the run adds (output.h) */
  PetscErrorCode (*field)(RslOutput, RslOutputPart, const char name[], Vec);
  PetscErrorCode (*record)(RslOutput, RslOutputRecord, const char name[], RslOutputType, PetscInt n, const void *v);
  PetscErrorCode (*zones)(RslOutput, RslZones, Vec z, double nodata, double flood_threshold);
  PetscErrorCode (*fingerprint)(RslOutput, RslCheckpoint);
  PetscErrorCode (*completed)(RslOutput, RslCheckpoint, const char file[], PetscInt n, const char *const names[], double values[], PetscBool *done, char msg[], size_t len);
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
