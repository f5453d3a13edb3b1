/* seg/calibration: INT8 activation scales (see calibration.h). */
#include "seg/calibration.h"
#include "seg/safetensors.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

void RslSegActStatsAdd(RslSegActStats *s, const float *v, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    float x = fabsf(v[i]); /* symmetric: the shortcut branch is signed */
    int   b;
    if (!(x >= ldexpf(1.0f, RSL_SEG_CAL_LO))) { /* the ReLU zeros */
      s->hist[0] += 1;
      continue;
    }
    s->max = PetscMax(s->max, (double)x);
    b      = (int)floor(RSL_SEG_CAL_PER * (log2((double)x) - RSL_SEG_CAL_LO)) + 1;
    s->hist[b < RSL_SEG_CAL_BINS ? b : RSL_SEG_CAL_BINS - 1] += 1;
  }
}

PetscErrorCode RslSegCalibrationRead(MPI_Comm comm, const char path[], RslSegCalibration *cal)
{
  RslSafetensors st;
  PetscInt       n;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(cal, sizeof *cal));
  PetscCall(RslSafetensorsOpen(comm, path, &st));
  PetscCall(RslSafetensorsGetNumTensors(st, &n));
  PetscCall(PetscCalloc2(n, &cal->name, n, &cal->stats));
  cal->n = n;
  for (PetscInt i = 0; i < n; i++) {
    const RslSTTensor *t;
    PetscCall(RslSafetensorsGetTensor(st, i, &t));
    PetscCall(PetscStrallocpy(t->name, &cal->name[i]));
    RSLCHECK(comm, t->dtype == RSL_ST_F32 && t->ndim == 1 && t->shape[0] == 1 + RSL_SEG_CAL_BINS, "-seg_calibration %s: tensor '%s' is not %d F32 values (an activation maximum and histogram)", path, t->name, 1 + RSL_SEG_CAL_BINS);
    PetscCall(PetscMalloc1(1 + RSL_SEG_CAL_BINS, &cal->stats[i]));
    PetscCall(RslSafetensorsReadFloat(st, t, cal->stats[i]));
    for (int b = 0; b <= RSL_SEG_CAL_BINS; b++) RSLCHECK(comm, isfinite(cal->stats[i][b]) && cal->stats[i][b] >= 0, "-seg_calibration %s: tensor '%s' value %d = %g: must be finite and >= 0", path, t->name, b, (double)cal->stats[i][b]);
  }
  PetscCall(RslSafetensorsClose(&st));
  PetscFunctionReturn(PETSC_SUCCESS);
}

float RslSegCalibrationClip(const RslSegCalibration *cal, const char name[], double q)
{
  for (PetscInt i = 0; i < cal->n; i++) {
    const float *s = cal->stats[i];
    double       total = 0, cum = 0;
    if (strcmp(cal->name[i], name)) continue;
    if (q >= 1) return s[0];
    for (int b = 0; b < RSL_SEG_CAL_BINS; b++) total += s[1 + b];
    for (int b = 0; b < RSL_SEG_CAL_BINS; b++) {
      cum += s[1 + b];
      if (cum >= q * total) return b ? (float)PetscMin((double)s[0], ldexp(1.0, RSL_SEG_CAL_LO) * exp2((double)b / RSL_SEG_CAL_PER)) : 0.0f; /* upper edge of the bin */
    }
    return s[0];
  }
  return -1.0f;
}

PetscErrorCode RslSegCalibrationFree(RslSegCalibration *cal)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < cal->n; i++) {
    PetscCall(PetscFree(cal->name[i]));
    PetscCall(PetscFree(cal->stats[i]));
  }
  PetscCall(PetscFree2(cal->name, cal->stats));
  cal->n = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* safetensors: u64 LE header length, JSON header padded with spaces to 8 bytes, data. */
static void write_file(const char path[], PetscInt n, const char *const name[], const float *data, char err[], size_t elen)
{
  const size_t per = 4 * (1 + RSL_SEG_CAL_BINS);
  char         tmp[PETSC_MAX_PATH_LEN + 8], *h;
  size_t       cap = 128 + (size_t)n * 256, len = 0;
  FILE        *f;

  h = (char *)malloc(cap);
  if (!h) {
    snprintf(err, elen, "out of memory");
    return;
  }
  len += (size_t)snprintf(h + len, cap - len, "{\"__metadata__\":{\"format\":\"ruissel int8 calibration: per convolution [max, log2 histogram of its output]\"}");
  for (PetscInt i = 0; i < n; i++) len += (size_t)snprintf(h + len, cap - len, ",\"%s\":{\"dtype\":\"F32\",\"shape\":[%d],\"data_offsets\":[%zu,%zu]}", name[i], 1 + RSL_SEG_CAL_BINS, per * (size_t)i, per * (size_t)(i + 1));
  len += (size_t)snprintf(h + len, cap - len, "}");
  while (len % 8) h[len++] = ' ';
  snprintf(tmp, sizeof tmp, "%s.part", path);
  f = fopen(tmp, "wb");
  if (!f) snprintf(err, elen, "cannot create %s", tmp);
  else {
    unsigned char hl[8];
    for (int b = 0; b < 8; b++) hl[b] = (unsigned char)(((unsigned long long)len >> (8 * b)) & 0xff);
    /* the data: little-endian float32 on the platforms we build for (x86-64, aarch64) */
    int ok = fwrite(hl, 1, 8, f) == 8 && fwrite(h, 1, len, f) == len && fwrite(data, per, (size_t)n, f) == (size_t)n;
    if (fclose(f) || !ok) snprintf(err, elen, "cannot write %s", tmp);
    else if (rename(tmp, path)) snprintf(err, elen, "cannot rename %s", tmp);
    if (err[0]) remove(tmp);
  }
  free(h);
}

PetscErrorCode RslSegCalibrationWrite(MPI_Comm comm, const char path[], PetscInt n, const char *const name[], RslSegActStats *stats[])
{
  PetscMPIInt rank;
  char        err[PETSC_MAX_PATH_LEN + 64] = "";
  double     *mx, *hs;
  float      *data;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscMalloc3(n, &mx, (size_t)n * RSL_SEG_CAL_BINS, &hs, (size_t)n * (1 + RSL_SEG_CAL_BINS), &data));
  for (PetscInt i = 0; i < n; i++) {
    mx[i] = stats[i]->max;
    PetscCall(PetscArraycpy(hs + (size_t)i * RSL_SEG_CAL_BINS, stats[i]->hist, RSL_SEG_CAL_BINS));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, mx, (PetscMPIInt)n, MPI_DOUBLE, MPI_MAX, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, hs, (PetscMPIInt)(n * RSL_SEG_CAL_BINS), MPI_DOUBLE, MPI_SUM, comm));
  for (PetscInt i = 0; i < n; i++) {
    data[(size_t)i * (1 + RSL_SEG_CAL_BINS)] = (float)mx[i];
    for (int b = 0; b < RSL_SEG_CAL_BINS; b++) data[(size_t)i * (1 + RSL_SEG_CAL_BINS) + 1 + b] = (float)hs[(size_t)i * RSL_SEG_CAL_BINS + b];
  }
  if (!rank) write_file(path, n, name, data, err, sizeof err);
  PetscCall(PetscFree3(mx, hs, data));
  PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
  RSLCHECK(comm, !err[0], "-seg_calibration_out %s: %s", path, err);
  PetscFunctionReturn(PETSC_SUCCESS);
}
