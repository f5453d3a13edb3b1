/* scenario/rain internals shared by rain.c, rain_design.c and rain_raster.c. */
#pragma once
#include "scenario/rain.h"
#include "core/series.h"
#include "io/raster.h"

typedef enum {
  RAIN_NONE,
  RAIN_CONSTANT,
  RAIN_HYETOGRAPH,
  RAIN_DESIGN,
  RAIN_RASTER
} RainKind;

typedef struct {
  PetscInt   n;       /* files */
  char     **path;
  PetscReal *t;       /* n + 1 times: file k holds on [t[k], t[k+1]) */
  PetscReal  scale;   /* pixel value -> mm/h */
  PetscBool  nodata_zero;
  PetscBool  same_crs;
  RslRasterInfo info0; /* header of the first file: every file must match it */
  PetscInt  *pc, *pr;  /* reprojected: pixel (col, row) of each owned cell, -1 outside */
  PetscInt   bb[4];    /* reprojected: pixel box [bb0,bb1) x [bb2,bb3) hit by all cells */
  PetscInt   loaded;  /* index of the file in field, -1 none */
  Vec        field;   /* mm/h per cell, before the climate factor */
} RainRaster;

struct _p_RslRain {
  MPI_Comm       comm;
  RainKind       kind;
  const RslGrid *grid;
  PetscReal      cfactor; /* climate factor, applied in RslRainGetRate only */
  PetscReal      dT, cc_rate;
  /* uniform sources: a step series in mm/h */
  RslSeries      series;
  char           file[PETSC_MAX_PATH_LEN];
  /* design storm */
  char           design[32];
  PetscReal      idf_a, idf_b, duration, dt, peak, intense;
  PetscBool      idf_mm_per_h;
  /* raster series */
  char           spec[PETSC_MAX_PATH_LEN];
  PetscReal      raster_dt, raster_start;
  RainRaster     raster;
};

/* mm/h before the climate factor -> m/s after it: the one place the factor is applied. */
static inline double RainToSI(double mm_per_h, double cfactor) { return mm_per_h * cfactor / 3.6e6; }

PetscErrorCode RslRainDesignBuild(RslRain rain);
PetscErrorCode RslRainRasterSetUp(RslRain rain);
PetscErrorCode RslRainRasterLoad(RslRain rain, PetscInt k);
PetscErrorCode RslRainRasterDestroy(RainRaster *r);
