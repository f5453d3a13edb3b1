/* scenario/rain: the rain forcing of a run, in m/s per cell, and the 2050 climate factor
 * applied to it. One source is chosen by the options (-rain_ prefix; at most one):
 *   -rain_rate MMH            constant rate (mm/h, >= 0) from t = 0 on;
 *   -rain_hyetograph FILE.csv `time_s,mm_per_h` rows after a header line ('#' comments):
 *                             a step series, each rate holding on [t_k, t_{k+1}); 0 before
 *                             the first time; the LAST ROW'S RATE HOLDS for t >= t_last
 *                             (end a storm with a final `T,0` row);
 *   -rain_raster_series SPEC  gridded rain: a comma-separated list of rasters, a glob
 *                             pattern (sorted by name), or a .txt file of lines `path` or
 *                             `time_s,path` (paths relative to the .txt's folder); file k
 *                             holds on [t_k, t_{k+1}) and the last one for -rain_raster_dt,
 *                             then 0. Without explicit times t_k = -rain_raster_start +
 *                             k * -rain_raster_dt (default 0 and 3600 s). Pixel values are
 *                             multiplied by -rain_raster_scale to give mm/h (default 1; the
 *                             Météo-France radar files of the Cance case are in 0.1 mm/h:
 *                             0.1). Resampling: same CRS as the grid -> overlap-area-
 *                             weighted mean of the valid pixels under each cell (volume-
 *                             conservative); another CRS -> cell centres reprojected by GDAL
 *                             (OGR) and the pixel containing each taken; a CRS GDAL cannot
 *                             transform, or no overlap -> error naming the file. Nodata
 *                             (the band's nodata value, NaN, or < 0 -- radar convention) is
 *                             ignored; a cell without any valid pixel takes the mean of the
 *                             valid pixels under the whole grid (overlap-area weighted), or
 *                             0 with -rain_raster_nodata zero, so a gap neither creates nor
 *                             removes rain on average;
 *   -rain_design block|chicago|double_triangle  design storm from Montana IDF coefficients
 *                             i(t) = a t^-b, t in minutes, i in mm/min (Météo-France's
 *                             convention: depth H(t) = a t^(1-b) mm), or in mm/h with
 *                             -rain_idf_units mm_per_h; -rain_idf_a A -rain_idf_b B (0<B<1),
 *                             -rain_duration D (s), -rain_dt S (s, default 300),
 *                             -rain_peak_position R (0..1, default 0.5),
 *                             -rain_intense_duration D1 (s, double triangle, default D/4).
 *                             block: i(D) over [0, D). chicago (Keifer & Chu 1957): every
 *                             window of duration d around the peak (fraction R before it)
 *                             holds a d^(1-b); steps are aligned so that the peak step
 *                             [tp - R dt, tp + (1-R) dt] holds exactly i(dt) dt, tp = R D.
 *                             double_triangle (Desbordes 1974): piecewise linear, 0 at 0 and
 *                             D, i1 at the ends of the intense period [ts, ts + D1]
 *                             (ts = R (D - D1)), peak at ts + R D1; depth H(D1) within the
 *                             intense period and H(D) in total.
 *   none of them: no rain.
 * Every step-rate is the exact mean of the storm's intensity over the step.
 * Climate: intensities are multiplied by the factor of scenario.h, exactly once, in
 * RslRainGetRate (and RslRainGetUniformRate).
 * Per-cell rates depend only on the cell's global index and the inputs: identical for any
 * rank count. */
#pragma once
#include "grid/grid.h"

typedef struct _p_RslRain *RslRain;

PetscErrorCode RslRainCreate(MPI_Comm comm, RslRain *rain);
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
PetscErrorCode RslRainGetClimateFactor(RslRain rain, PetscReal *factor);
PetscErrorCode RslRainView(RslRain rain, PetscViewer viewer);
PetscErrorCode RslRainDestroy(RslRain *rain);

/* The same as callbacks with ctx = RslRain (the shapes of RslSWERain in swe/swe.h). */
PetscErrorCode RslRainRateCallback(void *ctx, PetscReal t, Vec rate);
PetscErrorCode RslRainNextBreakCallback(void *ctx, PetscReal t, PetscReal *tnext);
