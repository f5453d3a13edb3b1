/* seg/model: the FLAIR U-Net inference engine (RslSegModel), architecture-exact with
 * segmentation_models_pytorch Unet(encoder_name="resnet34"|"resnet18", in_channels=5,
 * classes=N), with an optional channel-width multiplier for small demo models.
 *
 * Owns: the layer graph, weight loading by PyTorch state-dict names from safetensors
 * (a common prefix such as "model." is tolerated; missing, extra or mis-shaped tensors
 * are errors naming the tensor), batch-norm folding (eps 1e-5) and the forward pass on a
 * backend (seg/backend.h). It does not own tiling, imagery or normalisation (seg/segment).
 *
 * Options: -seg_arch unet_resnet34|unet_resnet18, -seg_classes N, -seg_width_mult W,
 * -seg_backend ref|cpu|cuda, -seg_weights FILE.safetensors, -seg_weights_prefix P. */
#pragma once
#include "core/rsl.h"

typedef struct _p_RslSegModel *RslSegModel;

PetscErrorCode RslSegModelCreate(MPI_Comm comm, RslSegModel *m);
PetscErrorCode RslSegModelSetFromOptions(RslSegModel m);
/* Programmatic equivalents of the options (before SetUp). */
PetscErrorCode RslSegModelSetArch(RslSegModel m, const char arch[]);
PetscErrorCode RslSegModelSetNumClasses(RslSegModel m, PetscInt classes);
PetscErrorCode RslSegModelSetWidthMult(RslSegModel m, PetscReal width_mult);
PetscErrorCode RslSegModelSetBackend(RslSegModel m, const char backend[]);
PetscErrorCode RslSegModelSetWeights(RslSegModel m, const char file[], const char prefix[]);
/* Build the graph, load and fold the weights, prepare the backend (collective). */
PetscErrorCode RslSegModelSetUp(RslSegModel m);
/* logits (n x C x H x W) of in (n x 5 x H x W, already normalised); H, W multiples of 32. */
PetscErrorCode RslSegModelForward(RslSegModel m, PetscInt n, PetscInt H, PetscInt W, const float *in, float *logits);
PetscErrorCode RslSegModelGetNumClasses(RslSegModel m, PetscInt *classes);
PetscErrorCode RslSegModelGetInputBands(RslSegModel m, PetscInt *bands);
PetscErrorCode RslSegModelView(RslSegModel m, PetscViewer viewer);
PetscErrorCode RslSegModelDestroy(RslSegModel *m);
