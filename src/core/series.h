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

/* Collective. `option` and `path` name the input in error messages. Rows `time_s,value`
 * (',' or ';'), '#' comments, a first line whose time is not a number is a header; checked
 * by the validation layer (core/validate.h): two finite decimal fields and nothing else,
 * times >= 0 and strictly increasing, values >= 0 when nonneg is true. */
PetscErrorCode RslSeriesRead(MPI_Comm comm, const char option[], const char path[], PetscBool linear, PetscBool nonneg, RslSeries *s);
/* The same from the text of the file (modified in place), for readers that have it and the
 * fuzz targets. */
PetscErrorCode RslSeriesParse(MPI_Comm comm, const char option[], const char path[], char *text, PetscBool linear, PetscBool nonneg, RslSeries *s);
void           RslSeriesConstant(double value, RslSeries *s);
PetscErrorCode RslSeriesFree(RslSeries *s);
double         RslSeriesEval(const RslSeries *s, double t);
/* Mean of the series over [t0, t1] (exact for both kinds). */
double RslSeriesMean(const RslSeries *s, double t0, double t1);
/* First time strictly after t at which the series has a breakpoint (PETSC_MAX_REAL if none). */
double RslSeriesNextBreak(const RslSeries *s, double t);
