/* core/series: a time series read from a CSV file (`time_s,value` rows after a header line),
 * read on rank 0 and broadcast. Evaluated as a step function (value holds until the next
 * time) or by linear interpolation; both hold the last value after the last time. */
#pragma once
#include "core/rsl.h"

typedef struct {
  PetscInt  n;      /* 0: a constant c */
  double   *t, *v;
  double    c;
  PetscBool linear;
} RslSeries;

/* Collective. `option` and `path` name the input in error messages; values must be >= 0
 * when nonneg is true; times must increase strictly. */
PetscErrorCode RslSeriesRead(MPI_Comm comm, const char option[], const char path[], PetscBool linear, PetscBool nonneg, RslSeries *s);
void           RslSeriesConstant(double value, RslSeries *s);
PetscErrorCode RslSeriesFree(RslSeries *s);
double         RslSeriesEval(const RslSeries *s, double t);
/* Mean of the series over [t0, t1] (exact for both kinds). */
double RslSeriesMean(const RslSeries *s, double t0, double t1);
/* First time strictly after t at which the series has a breakpoint (PETSC_MAX_REAL if none). */
double RslSeriesNextBreak(const RslSeries *s, double t);
