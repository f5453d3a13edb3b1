/* Single-source shallow-water formulas (CPU loops in src/swe and kernels/swe.cu both call
 * these). States are written in a face-normal frame: h depth, un normal velocity, ut
 * tangential velocity, z bed. See docs/theory.md for the equations and references. */
#pragma once
#include "kernels/rsl_hd.h"
#include <math.h>

/* max and min as comparisons: inlined, where libm's fmax/fmin are function calls in the CPU
 * build; equal to fmax/fmin for the non-NaN values met here. */
RSL_HD double rsl_max(double a, double b) { return a > b ? a : b; }
RSL_HD double rsl_min(double a, double b) { return a < b ? a : b; }

/* The functions below use selects rather than branches, so that CPU loops over faces vectorize
 * and GPU threads do not diverge; a denominator a discarded lane would divide by is guarded. */

/* Velocity from momentum; zero below the wet/dry threshold so that a film of water
 * never produces a division by a vanishing depth. Written as q times the reciprocal of h, so
 * that the two velocities of a cell share one division once inlined. */
RSL_HD double rsl_swe_vel(double h, double q, double hdry) { return h > hdry ? q * (1.0 / (h > hdry ? h : 1.0)) : 0.0; }

RSL_HD double rsl_minmod(double a, double b)
{
  double m = fabs(a) < fabs(b) ? a : b;
  return a * b <= 0.0 ? 0.0 : m;
}

/* max(0, t) as (t + |t|)/2, exact for any finite t (2t and 0 are exact): arithmetic, not a
 * select, which GCC's vectorizer needs when the result is compared later on. */
RSL_HD double rsl_pos(double t) { return 0.5 * (t + fabs(t)); }

/* HLL flux (Harten, Lax, van Leer 1983) with Toro's dry-bed wave speeds; the tangential
 * momentum is upwinded with the mass flux (contact wave of HLLC). f = {mass, normal
 * momentum, tangential momentum}. Returns the largest wave speed magnitude. */
RSL_HD double rsl_swe_hll(double hl, double ul, double vl, double hr, double ur, double vr, double g, double f[3])
{
  double hmax = rsl_max(hl, hr); /* <= 0: both sides dry, no flux */
  double cl = sqrt(g * hl), cr = sqrt(g * hr);
  double sl = hl <= 0.0 ? ur - 2.0 * cr : hr <= 0.0 ? ul - cl : rsl_min(ul - cl, ur - cr);
  double sr = hl <= 0.0 ? ur + cr : hr <= 0.0 ? ul + 2.0 * cl : rsl_max(ul + cl, ur + cr);
  double ml = hl * ul, mr = hr * ur;
  double pl = ml * ul + 0.5 * g * hl * hl, pr = mr * ur + 0.5 * g * hr * hr;
  double inv = 1.0 / (sl >= 0.0 ? 1.0 : sr <= 0.0 ? 1.0 : hmax <= 0.0 ? 1.0 : sr - sl);
  double m   = (sr * ml - sl * mr + sl * sr * (hr - hl)) * inv;
  double p   = (sr * pl - sl * pr + sl * sr * (mr - ml)) * inv;
  m          = sl >= 0.0 ? ml : sr <= 0.0 ? mr : m; /* supercritical: upwind flux */
  p          = sl >= 0.0 ? pl : sr <= 0.0 ? pr : p;
  f[0]       = hmax <= 0.0 ? 0.0 : m;
  f[1]       = hmax <= 0.0 ? 0.0 : p;
  f[2]       = hmax <= 0.0 ? 0.0 : m * (m > 0.0 ? vl : vr);
  return hmax <= 0.0 ? 0.0 : rsl_max(fabs(sl), fabs(sr));
}

/* One face with the hydrostatic reconstruction of Audusse et al. (2004): the face values
 * (h, un, ut, z) of the left and right cells are lowered to the common bed max(zl, zr)
 * before the HLL flux, and the pressure difference is given back to each side, which
 * makes a lake at rest exact and keeps depths positive under the CFL condition.
 * The bed step dz = |zl - zr| of the face is then a momentum source g dz (h_low + h_low*)/2
 * for the lower cell (h_low^* its lowered depth), short of the trapezoidal g dz (h_high +
 * h_low)/2 of a wet step by g dz (eta_high - eta_low)/2 (eta = h + z): 3 % of the slope
 * force for a 5 cm step under 0.75 m of water, the main error of first-order steady flows.
 * That difference is added, limited to g dz h_low^* / 2 so that it vanishes continuously where
 * the water does not cover the step (h_low^* = 0: shorelines, films thinner than the step),
 * and it is zero at rest (eta_high = eta_low): well-balancing, positivity (mass fluxes are
 * unchanged) and conservation of mass hold as before (docs/theory.md, section 3).
 * out = {mass, normal momentum seen by the left cell, normal momentum seen by the right
 * cell, tangential momentum}. Returns the largest wave speed magnitude. */
RSL_HD double rsl_swe_face(double hl, double ul, double vl, double zl, double hr, double ur, double vr, double zr, double g, double out[4])
{
  double zs = rsl_max(zl, zr);
  double hls = rsl_pos(hl + zl - zs), hrs = rsl_pos(hr + zr - zs), f[3];
  double a  = rsl_swe_hll(hls, ul, vl, hrs, ur, vr, g, f);
  double dz = zl - zr, de = (hl + zl) - (hr + zr); /* bed step and surface drop, left to right */
  double step = 0.5 * g * fabs(dz) * rsl_min(dz > 0.0 ? de : -de, (dz > 0.0 ? hrs : hls) + 2.0 * rsl_min(hl, hr));
  out[0]   = f[0];
  out[1]   = f[1] + 0.5 * g * (hl * hl - hls * hls) + (dz < 0.0 ? step : 0.0);
  out[2]   = f[1] + 0.5 * g * (hr * hr - hrs * hrs) + (dz > 0.0 ? step : 0.0);
  out[3]   = f[2];
  return a;
}

/* CFL rate (1/s) of a cell from the wave speeds of its west, east, south and north faces:
 * max(aw, ae)/dx + max(as, an)/dy. A time step dt <= C / rate with C <= 1 makes the first-order
 * update of the depth a convex combination for this cell (the 2D update is the average of two
 * 1D updates, each positive at Courant number <= 1 with the HLL flux): the condition bounds
 * each cell by its own faces, not by the fastest x- and y-faces of the whole domain. */
RSL_HD double rsl_swe_cell_rate(double aw, double ae, double as, double an, double idx, double idy)
{
  return rsl_max(aw, ae) * idx + rsl_max(as, an) * idy;
}

/* MUSCL face value of a cell towards side s (+1: plus side, -1: minus side) from its state
 * (h0, u0, v0, z0) and its limited slopes of depth dh, free surface de, velocities du, dv. */
RSL_HD void rsl_swe_muscl_face(double h0, double u0, double v0, double z0, double dh, double de, double du, double dv, double s, double face[4])
{
  double hf = h0 + 0.5 * s * dh;
  face[0]   = hf;
  face[1]   = u0 + 0.5 * s * du;
  face[2]   = v0 + 0.5 * s * dv;
  face[3]   = (h0 + z0 + 0.5 * s * de) - hf;
}

/* MUSCL face values of cell 0 towards its minus (fm) and plus (fp) sides from the cells m, 0,
 * p (depth h, velocities u (normal), v (tangential), bed z). Depth, free surface, and
 * velocities are limited with minmod; z at the face follows from eta - h so a lake at rest
 * stays at rest. face = {h, un, ut, z}. rsl_swe_muscl_cell below chooses the neighbours and
 * when to fall back to first order. */
RSL_HD void rsl_swe_muscl_pair(double hm, double um, double vm, double zm, double h0, double u0, double v0, double z0, double hp, double up, double vp, double zp, double fm[4], double fp[4])
{
  double dh = rsl_minmod(h0 - hm, hp - h0);
  double de = rsl_minmod((h0 + z0) - (hm + zm), (hp + zp) - (h0 + z0));
  double du = rsl_minmod(u0 - um, up - u0), dv = rsl_minmod(v0 - vm, vp - v0);
  rsl_swe_muscl_face(h0, u0, v0, z0, dh, de, du, dv, -1.0, fm);
  rsl_swe_muscl_face(h0, u0, v0, z0, dh, de, du, dv, +1.0, fp);
}

/* MUSCL face values of cell o towards its minus (fm) and plus (fp) sides, from the cells m, o, p
 * along a direction, each given as {h, un, ut, z, wet (1/0), ext (1/0)} (ext: outside the
 * domain or nodata). A missing neighbour (ext) is replaced by a ghost cell with the cell's own
 * depth and velocities and the bed extrapolated linearly, 2 z_o - z_other: the boundary cell
 * is then reconstructed too (zero depth and velocity slopes, free-surface slope
 * minmod(bed slope, surface slope)), so it gets the whole bed-slope source of its cell, like
 * every interior cell, instead of the half left to it by a first-order boundary cell facing a
 * reconstructed neighbour (docs/theory.md, section 4). The cell keeps its own state as face
 * values (first order) when it is dry, when a neighbour is active but dry, or when both
 * neighbours are missing: shorelines stay well-balanced and depths positive. */
RSL_HD void rsl_swe_muscl_cell(const double m[6], const double o[5], const double p[6], double fm[4], double fp[4])
{
  double mx = m[5], px = p[5];
  double hm = mx > 0.5 ? o[0] : m[0], um = mx > 0.5 ? o[1] : m[1], vm = mx > 0.5 ? o[2] : m[2], zm = mx > 0.5 ? 2.0 * o[3] - p[3] : m[3];
  double hp = px > 0.5 ? o[0] : p[0], up = px > 0.5 ? o[1] : p[1], vp = px > 0.5 ? o[2] : p[2], zp = px > 0.5 ? 2.0 * o[3] - m[3] : p[3];
  double ok = o[4] * (m[4] + mx) * (p[4] + px) * (2.0 - mx - px); /* > 0.5: second order */
  double a[4], b[4];
  rsl_swe_muscl_pair(hm, um, vm, zm, o[0], o[1], o[2], o[3], hp, up, vp, zp, a, b);
  for (int k = 0; k < 4; k++) {
    fm[k] = ok > 0.5 ? a[k] : o[k];
    fp[k] = ok > 0.5 ? b[k] : o[k];
  }
}

/* Second-order well-balanced centred source of Audusse et al. (2004) for one direction:
 * g (h_minus + h_plus)/2 (z_minus - z_plus) from the cell's two face values (minus side,
 * plus side). Zero at first order (faces equal the cell). */
RSL_HD double rsl_swe_centred_source(double hminus, double zminus, double hplus, double zplus, double g)
{
  return 0.5 * g * (hminus + hplus) * (zminus - zplus);
}

/* Boundary face with a prescribed outward velocity ub(h) = k h^p >= 0 (critical depth: sqrt(g h),
 * p = 1/2; normal depth: Manning h^(2/3) sqrt(S)/n, p = 2/3). The interior face state (h, un,
 * ut) is the left state, n_out = +1 when the boundary is on the positive side. out as
 * rsl_swe_face; the outside cell's momentum entry out[2] is unused. The fluxes depend on the
 * depth alone, so the speed that bounds the cell's time step through this face is that of the
 * rating curve, dq/dh = (1 + p) ub (a kinematic wave leaving the domain): the cell's depth
 * update stays monotone, and positive, when dt (1 + p) ub <= dx; the momentum flux does not
 * depend on the cell's momentum and sets no bound. */
RSL_HD double rsl_swe_rating_face(double h, double ut, double ub, double p, double g, double nout, double out[4])
{
  double q = h * ub;
  out[0]   = nout * q;
  out[1]   = q * ub + 0.5 * g * h * h;
  out[2]   = out[1];
  out[3]   = out[0] * ut;
  return (1.0 + p) * fabs(ub);
}

/* Imposed inflow of q >= 0 m2/s per unit width entering the domain: the mass flux is exactly
 * q, carried at the larger of the local and the critical depth of q (so a dry edge can take
 * the inflow without an infinite velocity). nout as above. While water enters, a bed step
 * dzg >= 0 to a ghost cell upstream (first order: the interior slope continued outwards, with
 * the cell's depth) adds the step's momentum source of rsl_swe_face: the inflow cell then
 * gets the bed slope of its upstream half like any cell gets it from its upstream face. */
RSL_HD double rsl_swe_inflow_face(double h, double q, double dzg, double g, double nout, double out[4])
{
  double hc = cbrt(q * q / g), hb = rsl_max(h, hc), u = hb > 0.0 ? q / hb : 0.0;
  double hs = rsl_pos(h - dzg), step = 0.5 * g * (h * h - hs * hs + dzg * rsl_min(dzg, hs));
  out[0]    = -nout * q;
  out[1]    = q * u + 0.5 * g * h * h + (q > 0.0 ? step : 0.0);
  out[2]    = out[1];
  out[3]    = 0.0;
  return u + sqrt(g * hb);
}

#include <stdint.h>
#include <string.h>
/* Cube root of a normal x > 0 within 3 ulps of cbrt: a first guess from a third of the high
 * word's bits (a few %), two Halley steps and a Newton step. Inline arithmetic, where libm's
 * cbrt is a call into frexp and ldexp that cost as much as the rest of the friction step;
 * the GPU runs the same arithmetic, so both paths give the same friction. */
RSL_HD double rsl_cbrt(double x)
{
  uint64_t i;
  double   y;
  memcpy(&i, &x, sizeof i);
  i = (uint64_t)((uint32_t)(i >> 32) / 3 + UINT32_C(0x2A9F7893)) << 32; /* 32-bit: vectorizes */
  memcpy(&y, &i, sizeof y);
  for (int k = 0; k < 2; k++) {
    double y3 = y * y * y;
    y         = y * (y3 + 2.0 * x) / (2.0 * y3 + x);
  }
  return y + (x / (y * y) - y) / 3.0;
}

/* Implicit Manning friction: the momentum magnitude q after the flux update becomes Q with
 * Q + dt g n^2 Q^2 / h^(7/3) = q, i.e. Q = f q with
 *     f = 2 / (1 + sqrt(1 + 4 dt g n^2 q / h^(7/3))) = 2 h^(7/3) / (h^(7/3) + sqrt(h^(14/3) + 4 dt g n^2 q h^(7/3))),
 * the friction term taken at the new time. f is in (0, 1]: friction never reverses the flow and
 * tends to zero, not to a blow-up, as h -> 0. A steady state then balances the flux and
 * bed-slope terms against g n^2 Q|Q| / h^(7/3) exactly, whatever dt: the semi-implicit factor
 * 1 / (1 + dt g n^2 q / h^(7/3)) balanced them against g n^2 Q q / h^(7/3), with q = Q plus the
 * step's whole drive, which for thin films on steep slopes (drive x dt >> Q) made friction
 * several times too strong (films 1.5 to 2 times too deep on the V-catchment's planes) and
 * made the MacDonald channels 2 % too rough (docs/theory.md, section 5). h^(7/3) = h^2 cbrt(h). */
RSL_HD double rsl_swe_friction_factor(double h, double q, double n, double g, double dt, double hdry)
{
  double hw  = h > hdry ? h : 1.0; /* a dry lane computes with 1 */
  double h73 = hw * hw * rsl_cbrt(hw);
  double f   = 2.0 * h73 / (h73 + sqrt(h73 * h73 + 4.0 * dt * g * n * n * q * h73));
  return h > hdry ? (n > 0.0 ? f : 1.0) : 1.0;
}
