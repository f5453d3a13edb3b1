/* rsl_cbrt (kernels/swe_flux.h) against libm's cbrt over a log sweep 1e-12 .. 1e12: within
 * 3 ulps everywhere (the bound its comment promises). */
#include "kernels/swe_flux.h"
#include "kcheck.h"

int main(void)
{
  double worst = 0, at = 0;

  for (int k = 0; k <= 2000000; k++) {
    double x = pow(10.0, -12.0 + 24.0 * k / 2000000.0), r = cbrt(x), y = rsl_cbrt(x);
    double ulp = nextafter(r, INFINITY) - r, e = fabs(y - r) / ulp;
    if (e > worst) worst = e, at = x;
  }
  printf("largest error at x = %.17g\n", at);
  kcheck("rsl_cbrt vs cbrt, 2e6 points 1e-12..1e12: largest error (ulp)", worst, 3);
  return kdone();
}
