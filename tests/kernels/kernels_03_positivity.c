/* Positivity (DESIGN invariant 3): random states — dry cells, fast flows, bed steps — in a
 * closed basin; one first-order update at the CFL time step dt = 1 / (largest cell rate)
 * (rsl_swe_cell_rate, Courant number 1) leaves every depth >= 0, without clipping. */
#include "kgrid.h"
#include "kcheck.h"

int main(void)
{
  const double g = 9.81, hdry = 1e-6, dx = 1.0;
  uint64_t     s = 3;
  KGrid        G;
  static double R[KNY][KNX][3];
  double       hmin = INFINITY, worst = INFINITY;

  for (int trial = 0; trial < 2000; trial++) {
    for (int j = 0; j < KNY; j++)
      for (int i = 0; i < KNX; i++) {
        double h   = kuniform(&s, 0, 1) < 0.3 ? 0 : kuniform(&s, 0, 2) * pow(10, -kuniform(&s, 0, 4));
        G.h[j][i]  = h;
        G.hu[j][i] = h * kuniform(&s, -6, 6);
        G.hv[j][i] = h * kuniform(&s, -6, 6);
        G.z[j][i]  = kuniform(&s, 0, 1) < 0.5 ? kuniform(&s, -1, 1) : 0.1 * (i + j);
      }
    double rate = kresidual(&G, 0, g, hdry, dx, R), dt = rate > 0 ? 1.0 / rate : 0;
    for (int j = 0; j < KNY; j++)
      for (int i = 0; i < KNX; i++) {
        double h = rsl_swe_euler(G.h[j][i], dt, R[j][i][0]);
        hmin     = fmin(hmin, h);
        if (G.h[j][i] > 0) worst = fmin(worst, h / G.h[j][i]); /* how close to emptying */
      }
  }
  kcheck("2000 random basins: smallest depth after a CFL step (>= 0)", hmin < 0 ? hmin : 0, 0);
  printf("smallest remaining fraction of a wet cell's depth: %.3e\n", worst);
  return kdone();
}
