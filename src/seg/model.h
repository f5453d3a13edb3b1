/* seg/model: the FLAIR U-Net inference engine (RslSegModel), architecture-exact with
 * segmentation_models_pytorch Unet(encoder_name="resnet18"|"resnet34"|"resnet50",
 * in_channels=B, classes=N), with an optional channel-width multiplier for small demo
 * models.
 *
 * Owns: the layer graph (ResNet BasicBlock or Bottleneck encoder, U-Net decoder), weight
 * loading by PyTorch state-dict names from safetensors (a common prefix such as "model."
 * is tolerated; missing, extra or mis-shaped tensors are errors naming the tensor and the
 * expected shape; bands and classes not given are read from the first conv's and the
 * head's shapes), batch-norm folding (eps 1e-5), the precision plan (-seg_precision:
 * which convolutions run in FP32/BF16/FP16/INT8 and what type each activation is stored
 * in), INT8 calibration (recording activation maxima, reading them) and the forward pass
 * on a backend (seg/backend.h). It does not own tiling, imagery or normalisation
 * (seg/segment).
 *
 * Options: -seg_arch unet_resnet18|unet_resnet34|unet_resnet50, -seg_classes N (0: from
 * the weights), -seg_width_mult W, -seg_backend ref|cpu|cuda, -seg_weights FILE,
 * -seg_weights_prefix P, -seg_precision fp32|bf16|fp16|int8|auto, -seg_calibration FILE,
 * -seg_calibration_out FILE; the cpu backend's -seg_threads N, -seg_cpu_conv dnnl|gemm. */
#pragma once
#include "core/rsl.h"

typedef struct _p_RslSegModel *RslSegModel;

PetscErrorCode RslSegModelCreate(MPI_Comm comm, RslSegModel *m);
PetscErrorCode RslSegModelSetFromOptions(RslSegModel m);
/* Programmatic equivalents of the options (before SetUp). */
PetscErrorCode RslSegModelSetArch(RslSegModel m, const char arch[]);
PetscErrorCode RslSegModelSetNumClasses(RslSegModel m, PetscInt classes);
PetscErrorCode RslSegModelSetNumBands(RslSegModel m, PetscInt bands); /* 0: from the weights */
PetscErrorCode RslSegModelSetWidthMult(RslSegModel m, PetscReal width_mult);
PetscErrorCode RslSegModelSetBackend(RslSegModel m, const char backend[]);
PetscErrorCode RslSegModelSetWeights(RslSegModel m, const char file[], const char prefix[]);
/* precision "fp32", "bf16", "fp16", "int8" or "auto"; the INT8 activation scales file */
PetscErrorCode RslSegModelSetPrecision(RslSegModel m, const char precision[]);
PetscErrorCode RslSegModelSetCalibration(RslSegModel m, const char file[]);
/* Build the graph, load and fold the weights, plan the precision, prepare the backend
 * (collective). */
PetscErrorCode RslSegModelSetUp(RslSegModel m);
/* logits (n x C x H x W, float32) of in (n x B x H x W, float32, already normalised); H, W
 * multiples of 32. With threads over tiles (cpu backend) up to RslSegModelGetConcurrency
 * tiles run at once, each on one thread: pass at least that many. */
PetscErrorCode RslSegModelForward(RslSegModel m, PetscInt n, PetscInt H, PetscInt W, const float *in, float *logits);
PetscErrorCode RslSegModelGetConcurrency(RslSegModel m, PetscInt *tiles);
/* After the forward passes of a -seg_calibration_out run: reduce the activation maxima
 * over the ranks and write them (collective; nothing to do without the option). */
PetscErrorCode RslSegModelWriteCalibration(RslSegModel m);
PetscErrorCode RslSegModelGetNumClasses(RslSegModel m, PetscInt *classes);
PetscErrorCode RslSegModelGetInputBands(RslSegModel m, PetscInt *bands);
/* The precision that runs ("fp32", "bf16", "fp16", "int8"), after SetUp. */
PetscErrorCode RslSegModelGetPrecision(RslSegModel m, const char **precision);
PetscErrorCode RslSegModelView(RslSegModel m, PetscViewer viewer);
PetscErrorCode RslSegModelDestroy(RslSegModel *m);
