/* seg/modelcard: the JSON file that travels with a segmentation model (-seg_model
 * FILE.json; input/demo/demo_model.json is one): architecture, input bands in the model's
 * order with their normalisation, classes, and the weight and INT8 calibration files.
 *
 *   {"arch": "unet_resnet34", "width_mult": 1, "classes": 15,
 *    "bands": ["R", "G", "B", "NIR", "nDSM (0.2 m/unit)"],
 *    "norm_mean": [105.08, ...], "norm_std": [52.17, ...],
 *    "weights": "flair15.safetensors", "int8_calibration": "flair15.int8.safetensors"}
 *
 * Every key is optional except "bands" (its length is the model's input band count; a
 * "in_channels" given too must agree); other keys (description, training, ...) are
 * ignored. A band's name is its first word (case-insensitive, aliases: RED, GREEN, BLUE,
 * IR/PIR/INFRARED, ELEVATION/HEIGHT/DSM); without norm_mean/norm_std the FLAIR values of
 * the named bands are used. "weights" (default: the card's name with .safetensors) and
 * "int8_calibration" are relative to the card's directory. Rank 0 reads the file, every rank
 * parses the same bytes (json-c, strict mode, nothing after the object), so an error is
 * raised on every rank, naming the file and the key. */
#pragma once
#include "core/rsl.h"

#define RSL_SEG_MAX_BANDS 16

typedef enum { RSL_BAND_R, RSL_BAND_G, RSL_BAND_B, RSL_BAND_NIR, RSL_BAND_NDSM, RSL_BAND_OTHER } RslSegBand;

typedef struct {
  char       arch[32];
  PetscReal  width;   /* 0: not given */
  PetscInt   classes; /* 0: not given */
  PetscInt   nbands;
  RslSegBand band[RSL_SEG_MAX_BANDS];
  char       band_name[RSL_SEG_MAX_BANDS][32];
  PetscReal  mean[RSL_SEG_MAX_BANDS], std[RSL_SEG_MAX_BANDS];
  char       weights[PETSC_MAX_PATH_LEN], calibration[PETSC_MAX_PATH_LEN]; /* "" when not given */
} RslSegModelCard;

PetscErrorCode RslSegModelCardRead(MPI_Comm comm, const char path[], RslSegModelCard *card);
/* The band a name denotes (its first word, aliases included), RSL_BAND_OTHER if none. */
RslSegBand RslSegBandFromName(const char name[]);
const char *RslSegBandName(RslSegBand b);
/* FLAIR's normalisation of a band (mean 0, std 1 for RSL_BAND_OTHER). */
void RslSegBandFlairNorm(RslSegBand b, PetscReal *mean, PetscReal *std);
