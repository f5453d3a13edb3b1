/* HLL flux consistency and mirror symmetry (kernels/swe_flux.h): a face between two equal
 * states carries the exact physical flux {hu, hu^2 + g h^2/2, huv}; mirroring a face (swap the
 * sides, reverse the normal velocities) reverses the mass and tangential fluxes and swaps the
 * momentum fluxes seen by the two cells, bitwise. */
#include "kernels/swe_flux.h"
#include "kcheck.h"

int main(void)
{
  const double g = 9.81;
  uint64_t     s = 1;
  double       econs = 0, emirror = 0;

  for (int k = 0; k < 100000; k++) {
    double h = kuniform(&s, 1e-4, 5), u = kuniform(&s, -8, 8), v = kuniform(&s, -3, 3), f[3];
    rsl_swe_hll(h, u, v, h, u, v, g, f);
    double exact[3] = {h * u, h * u * u + 0.5 * g * h * h, h * u * v};
    for (int c = 0; c < 3; c++) econs = fmax(econs, fabs(f[c] - exact[c]) / (fabs(exact[c]) + g * h * h));

    double hl = kuniform(&s, 0, 3), hr = kuniform(&s, 0, 3), zl = kuniform(&s, -1, 1), zr = kuniform(&s, -1, 1);
    double ul = kuniform(&s, -5, 5), ur = kuniform(&s, -5, 5), vl = kuniform(&s, -2, 2), vr = kuniform(&s, -2, 2);
    if (k % 7 == 0) hl = 0, ul = vl = 0; /* dry sides */
    double a[4], b[4];
    rsl_swe_face(hl, ul, vl, zl, hr, ur, vr, zr, g, a);
    rsl_swe_face(hr, -ur, vr, zr, hl, -ul, vl, zl, g, b);
    double d[4] = {a[0] + b[0], a[1] - b[2], a[2] - b[1], a[3] + b[3]};
    for (int c = 0; c < 4; c++) emirror = fmax(emirror, fabs(d[c]));
  }
  kcheck("equal states: |HLL - physical flux| / (|flux| + g h^2), 1e5 states", econs, 4e-16 * 8);
  kcheck("mirrored faces: largest difference (bitwise: 0)", emirror, 0);
  return kdone();
}
