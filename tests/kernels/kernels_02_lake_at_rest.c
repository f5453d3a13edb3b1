/* Well-balancing (DESIGN invariant 3): flat water over a bed with steps, wet cells and dry
 * cells standing above the surface, at first and second order, gives a zero residual to
 * round-off (of the pressure terms, g h^2/2 / dx ~ 50 here, and of eta - z + z for the mass):
 * no velocity is created. */
#include "kgrid.h"
#include "kcheck.h"

int main(void)
{
  const double g = 9.81, hdry = 1e-6, eta = 1.0, dx = 0.5;
  uint64_t     s = 2;
  KGrid        G;
  static double R[KNY][KNX][3];

  for (int trial = 0; trial < 50; trial++) {
    for (int j = 0; j < KNY; j++)
      for (int i = 0; i < KNX; i++) {
        double z = kuniform(&s, -2.0, 1.3); /* about one cell in ten stands above the surface */
        if (trial % 2) z = ((i / 3 + j / 4) % 3) * 0.45 - 0.2 + 1e-3 * kuniform(&s, 0, 1); /* steps */
        G.z[j][i]  = z;
        G.h[j][i]  = eta - z > 0 ? eta - z : 0;
        G.hu[j][i] = G.hv[j][i] = 0;
      }
    for (int o2 = 0; o2 < 2; o2++) {
      double m = 0, mh = 0;
      kresidual(&G, o2, g, hdry, dx, R);
      for (int j = 0; j < KNY; j++)
        for (int i = 0; i < KNX; i++) {
          mh = fmax(mh, fabs(R[j][i][0]));
          m  = fmax(m, fmax(fabs(R[j][i][1]), fabs(R[j][i][2])));
        }
      if (trial < 2 || m > 1e-12 || mh > 1e-13) {
        char what[96];
        snprintf(what, sizeof what, "trial %d order %d: largest |momentum residual|", trial, o2 + 1);
        kcheck(what, m, 1e-12);
        snprintf(what, sizeof what, "trial %d order %d: largest |mass residual|", trial, o2 + 1);
        kcheck(what, mh, 1e-13);
      }
    }
  }
  return kdone();
}
