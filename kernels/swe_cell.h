/* Single-source per-cell and per-boundary-face formulas of the shallow-water solver: the CPU
 * row sweeps of src/swe (swe_residual.c, swe_step.c, swe_losses.c) and the CUDA kernels of
 * kernels/swe.cu call exactly these functions, in the same order of operations, so that both
 * give the same bits (docs/hpc.md, "SWE on the GPU"). Face fluxes, MUSCL and friction are in
 * kernels/swe_flux.h, crossing times in kernels/swe_hazard.h, Green-Ampt in kernels/green_ampt.h.
 * Values that vary in time but not per cell (inflow or stage forcing, rain of a series) are
 * evaluated on the host once per step and passed as scalars. */
#pragma once
#include "kernels/swe_flux.h"
#include "kernels/swe_hazard.h"
#include "kernels/green_ampt.h"

/* Boundary types of a face: the sides' -swe_bc_* and -swe_nodata_bc. */
typedef enum { RSL_BC_CLOSED, RSL_BC_FREE, RSL_BC_CRITICAL, RSL_BC_NORMAL, RSL_BC_INFLOW, RSL_BC_STAGE, RSL_BC_NTYPES } RslBCType;

/* Sides of the domain, and the edges of nodata cells inside it. */
enum { RSL_W, RSL_E, RSL_S, RSL_N, RSL_NODATA, RSL_NSIDES };

/* Primitive values of a cell read from its state (u0, u1, u2) = (h, hu, hv), bed zk and
 * activity a (1/0): inactive cells read as dry flat zeros (their values never reach a flux, but
 * the plain face pass computes with them: a nodata bed may be NaN). p = {wet, ext, h, u, v, z}. */
RSL_HD void rsl_swe_cell_load(int a, double u0, double u1, double u2, double zk, double hdry, double p[6])
{
  double hk = a ? u0 : 0.0;
  p[0]      = a & (hk > hdry) ? 1.0 : 0.0;
  p[1]      = a ? 0.0 : 1.0;
  p[2]      = hk;
  p[3]      = rsl_swe_vel(hk, a ? u1 : 0.0, hdry);
  p[4]      = rsl_swe_vel(hk, a ? u2 : 0.0, hdry);
  p[5]      = a ? zk : 0.0;
}

/* Side of the face between an active cell and the cell (io, jo) beyond it: the domain side it
 * crosses, or RSL_NODATA when (io, jo) is a nodata cell inside the grid. alongx: an x face;
 * aa: the active cell is on the face's negative side. */
RSL_HD int rsl_swe_edge_side(int io, int jo, int nx, int ny, int alongx, int aa)
{
  int outside = io < 0 || jo < 0 || io >= nx || jo >= ny;
  return outside ? (alongx ? (aa ? RSL_E : RSL_W) : (aa ? RSL_N : RSL_S)) : RSL_NODATA;
}

/* First order: the bed step dzg >= 0 from the interior cell (bed zin) to a ghost cell that
 * continues the interior slope outwards (zbeyond: the cell on the other side of the interior
 * one), used by rsl_swe_inflow_face. */
RSL_HD double rsl_swe_ghost_step(double zin, double zbeyond)
{
  double d = zin - zbeyond;
  return d > 0 ? d : 0.0;
}

/* Flux through a boundary face of type `type` of the interior cell with face value fi = {h,
 * un, ut, z}; nout = +1 when the outside lies on the positive side. nman: the cell's Manning
 * n; slope: the side's normal-depth slope; value: the forcing of the face at this time (inflow
 * q, m2/s, or stage, m), evaluated on the host; dzg: rsl_swe_ghost_step (0 at second order).
 * out as rsl_swe_face. Returns the wave speed. The normal-depth rating calls pow, which libm
 * and CUDA round differently: the one formula whose bits may differ between CPU and GPU. */
RSL_HD double rsl_swe_boundary_face(int type, const double fi[4], double dzg, double nout, double hdry, double g, double nman, double slope, double value, double out[4])
{
  double h = fi[0], un = fi[1], ut = fi[2], z = fi[3], gh[4] = {h, un, ut, z};

  switch (type) {
  case RSL_BC_CLOSED:
    gh[1] = -un;
    break;
  case RSL_BC_FREE: /* transmissive for outflow, no inflow drawn from outside */
    gh[1] = nout > 0 ? (un < 0.0 ? 0.0 : un) : (un < 0.0 ? un : 0.0);
    break;
  case RSL_BC_CRITICAL:
    return rsl_swe_rating_face(h, ut, h > hdry ? sqrt(g * h) : 0.0, 0.5, g, nout, out);
  case RSL_BC_NORMAL:
    return rsl_swe_rating_face(h, ut, h > hdry && nman > 0 ? pow(h, 2.0 / 3.0) * sqrt(slope) / nman : 0.0, 2.0 / 3.0, g, nout, out);
  case RSL_BC_INFLOW:
    return rsl_swe_inflow_face(h, value, dzg, g, nout, out);
  case RSL_BC_STAGE:
    gh[0] = 0.0 < value - z ? value - z : 0.0;
    break;
  default:
    break;
  }
  if (nout > 0) return rsl_swe_face(h, un, ut, z, gh[0], gh[1], gh[2], gh[3], g, out);
  return rsl_swe_face(gh[0], gh[1], gh[2], gh[3], h, un, ut, z, g, out);
}

/* Residual R = {h, hu, hv} and CFL rate of one cell (act 1/0: an inactive cell gets 0 through
 * the mask, exactly) from the fluxes of its faces — west (wm mass, wr momentum seen by the cell
 * on its right, wt tangential, wa wave speed), east (em, el seen by the cell on its left, et,
 * ea), south (sm, sr, st, sa), north (nm, nl, nt, na) — and the well-balanced centred sources
 * of its face values (x: minus side xmh, xmz, plus side xph, xpz; y likewise), exactly 0 at
 * first order where the face values are the cell's own. */
RSL_HD double rsl_swe_cell_residual(double act, double g, double idx, double idy, double xmh, double xmz, double xph, double xpz, double ymh, double ymz, double yph, double ypz, double wm, double wr, double wt, double wa, double em, double el, double et, double ea, double sm, double sr, double st, double sa, double nm, double nl, double nt, double na, double *R)
{
  double sx = rsl_swe_centred_source(xmh, xmz, xph, xpz, g);
  double sy = rsl_swe_centred_source(ymh, ymz, yph, ypz, g);
  R[0]      = act * (-(em - wm) * idx - (nm - sm) * idy);
  R[1]      = act * (-(el - wr - sx) * idx - (nt - st) * idy);
  R[2]      = act * (-(et - wt) * idx - (nl - sr - sy) * idy);
  return act * rsl_swe_cell_rate(wa, ea, sa, na, idx, idy);
}

/* Forward-Euler value x + dt r of one state entry. */
RSL_HD double rsl_swe_euler(double x, double dt, double r) { return x + dt * r; }

/* Point-wise sources of a cell u = {h, hu, hv} after its flux update: rain (rate rain x rdt,
 * times the activity act: an inactive cell keeps its depth) and implicit Manning friction; the
 * momentum of a cell at or below the dry depth is zeroed. */
RSL_HD void rsl_swe_cell_sources(double *u, double rain, double rdt, double act, double n, double g, double dt, double hdry)
{
  double h = u[0] + rain * rdt * act, hu = u[1], hv = u[2];
  double f = rsl_swe_friction_factor(h, sqrt(hu * hu + hv * hv), n, g, dt, hdry);
  u[0]     = h;
  u[1]     = h > hdry ? hu * f : 0.0;
  u[2]     = h > hdry ? hv * f : 0.0;
}

/* SSP-RK2 average of a cell: u = (u + w)/2, momentum zeroed at or below the dry depth. */
RSL_HD void rsl_swe_cell_average(double *u, const double *w, double hdry)
{
  double h  = 0.5 * u[0] + 0.5 * w[0];
  double hu = 0.5 * u[1] + 0.5 * w[1], hv = 0.5 * u[2] + 0.5 * w[2];
  u[0]      = h;
  u[1]      = h > hdry ? hu : 0.0;
  u[2]      = h > hdry ? hv : 0.0;
}

/* Per-cell maxima of the committed state u (activity act): depth, speed and unit discharge h|u|. */
RSL_HD void rsl_swe_cell_maxima(const double *u, double act, double hdry, double *hmax, double *smax, double *qmax)
{
  double h = u[0] * act, hu = u[1], hv = u[2];
  double q = h > hdry ? sqrt(hu * hu + hv * hv) : 0.0, s = q / (h > hdry ? h : 1.0);
  *hmax    = h > *hmax ? h : *hmax;
  *smax    = s > *smax ? s : *smax;
  *qmax    = q > *qmax ? q : *qmax;
}

/* Flooded intervals of a cell over the step [t, t + dt], h0 and h1 its depths at the start and
 * end times their activity: where the depth crosses the threshold H (depth linear in time within
 * the step), a rise opens an interval at the crossing time (and sets the arrival time tarr the
 * first time), a fall closes it and adds its length to the duration dur. */
RSL_HD void rsl_swe_cell_crossing(double h0, double h1, double H, double t, double dt, double *tarr, double *tup, double *dur)
{
  if ((h0 > H) == (h1 > H)) return;
  double tc = rsl_crossing_time(t, dt, h0, h1, H);
  if (h1 > H) {
    if (*tarr < 0) *tarr = tc;
    *tup = tc;
  } else {
    *dur += tc - *tup;
    *tup = -1;
  }
}

/* Losses of an active cell u = {h, hu, hv} over dt (rsl_cell_losses: abstraction, then
 * Green-Ampt), the momentum zeroed when the depth falls to the dry depth. Returns the depth
 * removed. */
RSL_HD double rsl_swe_cell_losses(double *u, double *F, double *ia, double imp, double ks, double S, double dt, double hdry)
{
  double h = u[0], removed = rsl_cell_losses(&h, F, ia, imp, ks, S, dt);
  u[0]     = h;
  if (h <= hdry) u[1] = u[2] = 0;
  return removed;
}
