/* Green-Ampt infiltration and initial abstraction: the per-cell loss step of the solver,
 * single-source (CPU loops, tests and kernels/swe.cu call these functions, through
 * rsl_swe_cell_losses of kernels/swe_cell.h).
 *
 * Per-cell parameters (RslHydro fields): imp = impervious fraction of the cell, Ks (m/s),
 * S = psi * dtheta (m, wetting-front suction times moisture deficit) of the pervious part,
 * ia = initial abstraction (m, interception + depression storage over the whole cell).
 * Per-cell state kept by the solver (two da1 Vecs): F = cumulative infiltrated depth on the
 * pervious part (m, starts at 0), ia_left = abstraction still unfilled (m, starts at ia).
 *
 * Contract of rsl_cell_losses (what the solver calls once per cell and step, after adding
 * the rain of the step to h):
 *   - h (cell-averaged depth, m) is lowered by the returned depth d, with 0 <= d <= h
 *     exactly in floating point, so depths never become negative and nothing is clipped;
 *   - the budget adds d * cell_area to infiltration_m3 (abstraction counts as a loss too);
 *   - first the abstraction store takes min(h, ia_left) over the whole cell, then the
 *     pervious part (fraction 1-imp) infiltrates dF = min(h', ponded Green-Ampt capacity
 *     over dt from F), so the cell loses dF*(1-imp); F += dF.
 * With water limited, the capacity is the ponded one from the current F (explicit in the
 * ponding state, exact in F), the usual choice of rain-on-grid codes. */
#pragma once
#include "kernels/rsl_hd.h"
#include <math.h>

/* Depth infiltrated over dt under continuous ponding, starting from cumulative depth F:
 * the root u = F_{n+1} - F_n of the integrated Green-Ampt equation
 *   u - S ln(1 + u / (F + S)) = Ks dt,
 * so chaining steps reproduces the analytic ponded curve F(t) whatever dt is.
 * g(u) = u - S log1p(u/(F+S)) - Ks dt is increasing and convex on u > 0, with its root in
 * [Ks dt, Ks dt + sqrt(2 S Ks dt)] (upper end: with y = sqrt(2 Ks dt / S),
 * ln(1 + y + y^2/2) <= y since e^y >= 1 + y + y^2/2). Newton started from the upper end of
 * a convex increasing function decreases monotonically to the root, so the iteration
 * stops when it no longer decreases (round-off floor); no bracket is ever left. */
RSL_HD double rsl_green_ampt_ponded(double F, double Ks, double S, double dt)
{
  double kdt, A, u;

  if (!(Ks > 0.0) || !(dt > 0.0)) return 0.0;
  kdt = Ks * dt;
  if (!(S > 0.0)) return kdt;
  A = (F > 0.0 ? F : 0.0) + S;
  u = kdt + sqrt(2.0 * S * kdt);
  for (int it = 0; it < 100; it++) {
    double g  = u - S * log1p(u / A) - kdt;
    double gp = (A - S + u) / (A + u); /* 1 - S/(A+u) > 0 */
    double un = u - g / gp;
    if (un < kdt) un = kdt;
    if (!(un < u)) break;
    u = un;
  }
  return u;
}

/* Depth infiltrated on the pervious part over dt with h (m) of water available on it:
 * min(h, ponded capacity), so 0 <= result <= h exactly. */
RSL_HD double rsl_green_ampt_infiltrate(double h, double F, double Ks, double S, double dt)
{
  double c;

  if (!(h > 0.0)) return 0.0;
  c = rsl_green_ampt_ponded(F, Ks, S, dt);
  return c < h ? c : h;
}

/* Initial abstraction: depth taken from h by a store with ia_left (m) still empty. */
RSL_HD double rsl_abstraction_take(double h, double ia_left)
{
  if (!(h > 0.0) || !(ia_left > 0.0)) return 0.0;
  return ia_left < h ? ia_left : h;
}

/* The loss step of one cell (see the contract above). Returns the cell-averaged depth
 * removed; updates *h, *F and *ia_left. */
RSL_HD double rsl_cell_losses(double *h, double *F, double *ia_left, double imp, double Ks, double S, double dt)
{
  double h0 = *h, a, h1, dF, h2;

  a = rsl_abstraction_take(h0, *ia_left);
  *ia_left -= a;
  h1 = h0 - a;                                            /* >= 0: a <= h0 */
  dF = rsl_green_ampt_infiltrate(h1, *F, Ks, S, dt);      /* <= h1 */
  *F += dF;
  h2 = h1 - dF * (1.0 - imp);                             /* >= 0: fl(dF*c) <= dF for c <= 1 */
  *h = h2;
  return h0 - h2;
}
