/* scenario/rain internals: what a rain source is (rain.c and the sources rain_<name>.c). */
#pragma once
#include "scenario/rain.h"
#include "core/series.h"


typedef struct {
  /* read the source's options (inside PetscOptionsBegin/End, whether it is chosen or not);
   * set s->given when its selecting option s->option is given */
  PetscErrorCode (*options)(RslRainSource s, PetscOptionItems *PetscOptionsObject);
  /* the source is chosen: check its options (no grid yet) */
  PetscErrorCode (*check)(RslRainSource s);
  /* read the inputs (s->rain->grid is set); a uniform source fills s->rain->series */
  PetscErrorCode (*setup)(RslRainSource s);
  /* a source varying in space: the rain (mm/h per cell, da1 Vec owned by the source) valid
   * on [t, next break), or NULL for none; and the next break after t */
  PetscErrorCode (*field)(RslRainSource s, PetscReal t, Vec *mm_per_h);
  PetscErrorCode (*next_break)(RslRainSource s, PetscReal t, PetscReal *tnext);
  PetscErrorCode (*view)(RslRainSource s, PetscViewer viewer);
  PetscErrorCode (*destroy)(RslRainSource s); /* what data holds; data itself is freed by rain.c */
} RslRainOps;

struct _p_RslRainSource {
  char        name[32];
  const char *option; /* the option that selects it */
  RslRain     rain;
  PetscBool   given;
  void       *data;
  RslRainOps  ops;
};

struct _p_RslRain {
  MPI_Comm          comm;
  const RslGrid    *grid;
  PetscReal         cfactor; /* the scenario's factor on intensities, applied in RslRainGetRate only */
  PetscInt          n;
  RslRainSource    *src;    /* every registered source, in registration order */
  RslRainSource     active; /* the chosen one, NULL for no rain */
  RslSeries         series; /* uniform sources: the rate (mm/h) as a step series */
  PetscViewer       viewer; /* -rain_view */
  PetscViewerFormat format;
};

/* mm/h before the climate factor -> m/s after it: the one place the factor is applied. */
static inline double RainToSI(double mm_per_h, double cfactor) { return mm_per_h * cfactor / 3.6e6; }
