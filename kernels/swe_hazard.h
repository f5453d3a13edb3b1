/* Single-source per-cell flood-hazard formulas: how long and from when a cell is flooded
 * (depth above the "flooded" threshold H, -hazard_threshold), and the hazard class of its
 * maximum depth and speed. The CPU solver calls them in its fused update sweep
 * (src/swe/swe_step.c) and at output (src/swe/swe_hazard.c); see docs/theory.md, section 13. */
#pragma once
#include "kernels/rsl_hd.h"

/* Time at which the depth, taken linear in time from h0 at t to h1 at t + dt, crosses the
 * flooded threshold H, rising or falling (the caller calls it only when h0 and h1 are on
 * either side of H, so h1 != h0). Exact for a depth that varies linearly within the step
 * (rain on a closed flat basin). */
RSL_HD double rsl_crossing_time(double t, double dt, double h0, double h1, double H) { return t + dt * (H - h0) / (h1 - h0); }

/* Hazard class of a cell from its maximum depth hmax and maximum speed smax: 0 when hmax <= H
 * (never flooded), else matrix[i * (nspeed + 1) + j] with i the number of depth breaks <= hmax
 * and j the number of speed breaks <= smax (classes closed below: 0.5 m is in "0.5 to 1 m"),
 * j = 0 when hmax < speed_depth (films too thin for their speed to endanger anyone). */
RSL_HD unsigned char rsl_hazard_class(double hmax, double smax, double H, double speed_depth, int ndepth, const double *depth_breaks, int nspeed, const double *speed_breaks, const unsigned char *matrix)
{
  int i = 0, j = 0;
  for (int k = 0; k < ndepth; k++) i += hmax >= depth_breaks[k];
  for (int k = 0; k < nspeed; k++) j += smax >= speed_breaks[k];
  if (hmax < speed_depth) j = 0;
  return hmax > H ? matrix[i * (nspeed + 1) + j] : (unsigned char)0;
}
