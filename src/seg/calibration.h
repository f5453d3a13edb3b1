/* seg/calibration: INT8 activation scales of a model. An FP32 run with -seg_calibration_out
 * records, for every convolution, the histogram of its output magnitudes (after its ReLU) over
 * the calibration imagery; the file stores them as safetensors (validated reader, any tool
 * can inspect it): one F32 tensor per convolution, named by its state-dict prefix
 * ("encoder.layer1.0.conv1"), [max, count of bin 0, ..., count of bin B-1]. Histograms are
 * summed and maxima maxed over the ranks, so the file does not depend on the rank count.
 * An INT8 run (-seg_calibration FILE) clips each output at the value below which a
 * fraction q of its values lie (-seg_calibration_quantile q; q = 1: the maximum) and
 * quantizes [0, clip] to u8. */
#pragma once
#include "core/rsl.h"

/* log2 bins: bin 0 holds v < 2^LO (the ReLU zeros), bin b >= 1 holds
 * [2^(LO + (b-1)/PER), 2^(LO + b/PER)), the last bin everything above */
#define RSL_SEG_CAL_LO   (-20)
#define RSL_SEG_CAL_PER  16
#define RSL_SEG_CAL_BINS (1 + RSL_SEG_CAL_PER * 44)

typedef struct {
  double max, hist[RSL_SEG_CAL_BINS];
} RslSegActStats;

void RslSegActStatsAdd(RslSegActStats *s, const float *v, size_t n);

typedef struct {
  PetscInt n;
  char   **name;
  float  **stats; /* [max, hist...] per convolution */
} RslSegCalibration;

/* Read path (collective): every tensor must hold 1 + RSL_SEG_CAL_BINS finite values >= 0. */
PetscErrorCode RslSegCalibrationRead(MPI_Comm comm, const char path[], RslSegCalibration *cal);
/* The clipping value of convolution name at quantile q in (0, 1], or -1 when absent. */
float RslSegCalibrationClip(const RslSegCalibration *cal, const char name[], double q);
/* Reduce the n statistics over comm and write them to path from rank 0 (a temporary name
 * renamed on success). */
PetscErrorCode RslSegCalibrationWrite(MPI_Comm comm, const char path[], PetscInt n, const char *const name[], RslSegActStats *stats[]);
PetscErrorCode RslSegCalibrationFree(RslSegCalibration *cal);
