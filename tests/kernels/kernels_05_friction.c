/* Implicit Manning friction (rsl_swe_friction_factor): Q = f q solves
 * Q + dt g n^2 Q^2 / h^(7/3) = q to round-off (h^(7/3) from pow here, an independent
 * evaluation), f is in (0, 1], and f = 1 without roughness or at the dry depth. */
#include "kernels/swe_flux.h"
#include "kcheck.h"

int main(void)
{
  const double g = 9.81, hdry = 1e-6;
  uint64_t     s = 5;
  double       eres = 0, fmin_ = 1, fmax_ = 0, edry = 0;

  for (int k = 0; k < 200000; k++) {
    double h = pow(10, kuniform(&s, -5, 1)), q = pow(10, kuniform(&s, -6, 2)), n = kuniform(&s, 0.01, 0.2), dt = pow(10, kuniform(&s, -3, 1));
    double f = rsl_swe_friction_factor(h, q, n, g, dt, hdry), Q = f * q;
    double res = (Q + dt * g * n * n * Q * Q / pow(h, 7.0 / 3.0) - q) / q;
    eres       = fmax(eres, fabs(res));
    fmin_      = fmin(fmin_, f);
    fmax_      = fmax(fmax_, f);
    edry       = fmax(edry, fabs(rsl_swe_friction_factor(h, q, 0.0, g, dt, hdry) - 1) + fabs(rsl_swe_friction_factor(0.5 * hdry, q, n, g, dt, hdry) - 1));
  }
  kcheck("2e5 states: largest |Q + dt g n^2 Q^2/h^(7/3) - q| / q", eres, 1e-12);
  kcheck("smallest factor f (> 0)", fmin_ > 0 ? 0 : 1, 0);
  kcheck("largest factor f - 1 (<= 0)", fmax_ > 1 ? fmax_ - 1 : 0, 0);
  kcheck("n = 0 or dry: |f - 1| (exact 1)", edry, 0);
  return kdone();
}
