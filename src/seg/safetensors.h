/* seg/safetensors: reader of safetensors weight files (untrusted input).
 *
 * Layout: u64 little-endian header length N, N bytes of JSON
 * {name: {"dtype": D, "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}},
 * then the raw little-endian data; offsets are relative to the data region. Every header
 * field and offset is checked (header length vs file size and RSL_ST_MAX_HEADER, strict
 * JSON, known dtype, size == numel x dtype size, offsets inside the data region, no two
 * tensors overlapping); each error names the file and, when there is one, the tensor.
 * Rank 0 reads the file and broadcasts it; every rank parses the same bytes, so every
 * error is raised identically on all ranks of comm. */
#pragma once
#include "core/rsl.h"

#define RSL_ST_MAX_HEADER (100 * 1024 * 1024) /* bytes of JSON header accepted */
#define RSL_ST_MAX_DIMS   8

typedef enum { RSL_ST_F32, RSL_ST_F16, RSL_ST_BF16, RSL_ST_F64, RSL_ST_I64, RSL_ST_I32, RSL_ST_I16, RSL_ST_I8, RSL_ST_U8, RSL_ST_BOOL } RslSTDtype;

typedef struct {
  char      *name;
  RslSTDtype dtype;
  PetscInt   ndim;
  PetscInt64 shape[RSL_ST_MAX_DIMS];
  size_t     begin, end; /* byte range inside the data region */
} RslSTTensor;

typedef struct _p_RslSafetensors *RslSafetensors;

/* Read and validate path (collective on comm). */
PetscErrorCode RslSafetensorsOpen(MPI_Comm comm, const char path[], RslSafetensors *st);
/* Validate a copy of size bytes already in memory (every rank of comm holds the same);
 * `name` stands for the file in messages. */
PetscErrorCode RslSafetensorsOpenMemory(MPI_Comm comm, const char name[], const void *bytes, size_t size, RslSafetensors *st);
PetscErrorCode RslSafetensorsClose(RslSafetensors *st);
PetscErrorCode RslSafetensorsGetPath(RslSafetensors st, const char **path);
PetscErrorCode RslSafetensorsGetNumTensors(RslSafetensors st, PetscInt *n);
PetscErrorCode RslSafetensorsGetTensor(RslSafetensors st, PetscInt i, const RslSTTensor **t);
/* Index of the tensor called name, or -1 when absent. */
PetscErrorCode RslSafetensorsFind(RslSafetensors st, const char name[], PetscInt *index);
/* Product of the shape. */
PetscInt64 RslSTTensorNumel(const RslSTTensor *t);
/* Copy a floating tensor (F32, F16, BF16) into out[numel] as float; other dtypes are an
 * error naming the file and tensor. */
PetscErrorCode RslSafetensorsReadFloat(RslSafetensors st, const RslSTTensor *t, float *out);
const char    *RslSTDtypeName(RslSTDtype d);
