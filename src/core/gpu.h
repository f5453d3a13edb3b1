/* GPU binding: one CUDA device per MPI rank of a node. */
#pragma once
#include <petscsys.h>

/* Select this rank's CUDA device: its rank among the ranks of its node (MPI_COMM_TYPE_SHARED)
 * modulo the node's device count, so that N ranks on a node with N GPUs use one each and more
 * ranks than GPUs share them round-robin. Collective on comm. Without CUDA in the build, or
 * with no usable device on some rank, a clear error on every rank naming `option` (the option
 * that asked for the GPU, e.g. "-swe_backend cuda"). *device: the device chosen (may be NULL). */
PetscErrorCode RslGPUBind(MPI_Comm comm, const char option[], int *device);
