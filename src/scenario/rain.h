/* scenario/rain: the rain forcing of a run, in m/s per cell, with the scenario's factor on
 * intensities (scenario.h, the "climate" component) applied exactly once, in RslRainGetRate
 * (and RslRainGetUniformRate). Options are prefixed -rain_.
 *
 * Sources are a registry (PetscFunctionList, RslRainRegister), one file each, chosen by
 * -rain_type NAME or, without it, by giving the source's own option (at most one of them):
 *   constant       rain_constant.c    -rain_rate MMH
 *   hyetograph     rain_hyetograph.c  -rain_hyetograph FILE.csv
 *   raster_series  rain_raster.c      -rain_raster_series SPEC (radar, gridded rain)
 *   design         rain_design.c      -rain_design block|chicago|double_triangle
 *   none of them: no rain (-rain_type none).
 * Their semantics are at the top of their files and in docs/user-guide.md; a source's
 * options are read whether it is chosen or not (-help lists them), checked when it is.
 * Every step-rate is the exact mean of the storm's intensity over the step. -rain_view
 * [VIEWER]: RslRainViewFromOptions prints the source, the rain depth (grid mean) and the
 * peak intensity.
 * Per-cell rates depend only on the cell's global index and the inputs: identical for any
 * rank count. */
#pragma once
#include "grid/grid.h"
#include "scenario/scenario.h"

typedef struct _p_RslRain       *RslRain;
typedef struct _p_RslRainSource *RslRainSource;

/* Add a source to the registry: create fills the source's operations (rain_impl.h). The
 * built-in ones (registry.c) are registered on the first RslRainCreate. */
PetscErrorCode RslRainRegister(const char name[], PetscErrorCode (*create)(RslRainSource));
PetscErrorCode RslRainCreate(MPI_Comm comm, RslRain *rain);
/* Take the factor on intensities from the scenario (after its SetFromOptions); without a
 * scenario the factor is 1. */
PetscErrorCode RslRainSetScenario(RslRain rain, RslScenario sc);
PetscErrorCode RslRainSetFromOptions(RslRain rain);
/* Reads the inputs (collective); the grid must outlive the object. */
PetscErrorCode RslRainSetUp(RslRain rain, const RslGrid *grid);
/* Rain rate (m/s) valid on [t, next break) into a dof-1 global Vec of grid->da1.
 * Collective (a raster series reads its next file here). */
PetscErrorCode RslRainGetRate(RslRain rain, PetscReal t, Vec rate);
/* First time > t at which the rate changes (PETSC_MAX_REAL when it never does). */
PetscErrorCode RslRainNextBreak(RslRain rain, PetscReal t, PetscReal *tnext);
/* Rain depth (m) fallen on each cell over [t0, t1] into a dof-1 global Vec: the sum over
 * the rate's constant pieces of rate x duration, the piecewise-constant forcing the solver
 * applies (cumulative rain per cell, for per-zone budgets). Collective. */
PetscErrorCode RslRainGetDepth(RslRain rain, PetscReal t0, PetscReal t1, Vec depth);
/* Uniform in space (every source but raster series). */
PetscErrorCode RslRainIsUniform(RslRain rain, PetscBool *uniform);
/* The rate (m/s) at t of a uniform rain (error for raster series). */
PetscErrorCode RslRainGetUniformRate(RslRain rain, PetscReal t, PetscReal *rate);
/* The source; after SetUp also the rain depth (grid mean) and peak intensity (cell max) over
 * the whole forcing (collective: a raster series reads every file). */
PetscErrorCode RslRainView(RslRain rain, PetscViewer viewer);
/* View with the viewer of -rain_view, when given (collective). */
PetscErrorCode RslRainViewFromOptions(RslRain rain);
PetscErrorCode RslRainDestroy(RslRain *rain);

/* The same as callbacks with ctx = RslRain (the shapes of RslSWERain in swe/swe.h). */
PetscErrorCode RslRainRateCallback(void *ctx, PetscReal t, Vec rate);
PetscErrorCode RslRainNextBreakCallback(void *ctx, PetscReal t, PetscReal *tnext);
