/* Boundary faces (rsl_swe_boundary_face) against their analytic fluxes: critical depth
 * (discharge h sqrt(g h) out), normal depth (Manning h^(5/3) sqrt(S)/n out), inflow (exactly q
 * in, momentum q u + g h^2/2 with u = q / max(h, (q^2/g)^(1/3))), closed (no mass through,
 * pressure of the still water g h^2/2), stage at the cell's own level (no mass through), free
 * with an inflowing velocity (nothing drawn in). Both orientations (nout = +-1). */
#include "kernels/swe_cell.h"
#include "kcheck.h"

static double rel(double a, double b) { return fabs(a - b) / fmax(fabs(b), 1e-300); }

int main(void)
{
  const double g = 9.81, hdry = 1e-6, S = 0.004, n = 0.03;
  uint64_t     s = 6;
  double       e[7] = {0};

  for (int k = 0; k < 50000; k++) {
    double h = pow(10, kuniform(&s, -4, 0.7)), u = kuniform(&s, -3, 3), v = kuniform(&s, -1, 1), z = kuniform(&s, -2, 2), q = kuniform(&s, 0, 5);
    for (int sgn = -1; sgn <= 1; sgn += 2) {
      double nout = sgn, fi[4] = {h, u, v, z}, out[4];
      rsl_swe_boundary_face(RSL_BC_CRITICAL, fi, 0, nout, hdry, g, n, S, 0, out);
      e[0] = fmax(e[0], rel(out[0], nout * h * sqrt(g * h)) + rel(out[1], g * h * h + 0.5 * g * h * h));
      rsl_swe_boundary_face(RSL_BC_NORMAL, fi, 0, nout, hdry, g, n, S, 0, out);
      double un = pow(h, 2.0 / 3.0) * sqrt(S) / n;
      e[1] = fmax(e[1], rel(out[0], nout * h * un) + rel(out[1], h * un * un + 0.5 * g * h * h));
      rsl_swe_boundary_face(RSL_BC_INFLOW, fi, 0, nout, hdry, g, n, S, q, out);
      double hb = fmax(h, pow(q * q / g, 1.0 / 3.0)), ui = q / hb;
      e[2] = fmax(e[2], fabs(out[0] + nout * q) + rel(out[1], q * ui + 0.5 * g * h * h));
      double still[4] = {h, 0, v, z};
      rsl_swe_boundary_face(RSL_BC_CLOSED, fi, 0, nout, hdry, g, n, S, 0, out);
      e[3] = fmax(e[3], fabs(out[0]));
      rsl_swe_boundary_face(RSL_BC_CLOSED, still, 0, nout, hdry, g, n, S, 0, out);
      e[4] = fmax(e[4], rel(out[1], 0.5 * g * h * h) + rel(out[2], 0.5 * g * h * h));
      double zs = ldexp(round(ldexp(z, 10)), -10), hs = ldexp(round(ldexp(h, 20)), -20), lake[4] = {hs, 0, v, zs}; /* hs + zs exact */
      rsl_swe_boundary_face(RSL_BC_STAGE, lake, 0, nout, hdry, g, n, S, hs + zs, out);
      e[5] = fmax(e[5], fabs(out[0]) + rel(out[1], 0.5 * g * hs * hs));
      double in[4] = {h, -nout * fabs(u), v, z}; /* moving into the domain */
      rsl_swe_boundary_face(RSL_BC_FREE, in, 0, nout, hdry, g, n, S, 0, out);
      e[6] = fmax(e[6], nout * out[0] > 0 ? nout * out[0] : 0); /* must not flow out... */
    }
  }
  kcheck("critical: relative error of discharge + momentum flux", e[0], 1e-14);
  kcheck("normal depth: relative error of discharge + momentum flux", e[1], 1e-14);
  kcheck("inflow: |mass flux + nout q| + rel. error of momentum flux", e[2], 1e-13);
  kcheck("closed: |mass flux| (exact 0)", e[3], 0);
  kcheck("closed, still water: rel. error of the pressure g h^2/2", e[4], 1e-14);
  kcheck("stage at the cell's level, still water: |mass| + rel. pressure error", e[5], 1e-14);
  kcheck("free, water moving inwards: outward mass flux (exact 0)", e[6], 0);
  return kdone();
}
