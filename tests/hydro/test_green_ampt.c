/* Green-Ampt kernel: (1) a long ponded run with irregular steps, printed for
 * check_green_ampt.py to compare with the analytic curve; (2) water-limited and mixed
 * loss steps checked here for exact conservation and positivity. */
#include "kernels/green_ampt.h"
#include <stdio.h>
#include <stdlib.h>

static int fails;
#define EXPECT(c, ...) \
  do { \
    if (!(c) && ++fails <= 20) { \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__); \
      fprintf(stderr, "\n"); \
    } \
  } while (0)

/* Deterministic pseudo-random numbers in [0,1). */
static double rnd(unsigned long long *s)
{
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*s >> 11) / 9007199254740992.0;
}

static void ponded_run(double Ks, double S, double T)
{
  unsigned long long seed = 42;
  double             t = 0, F = 0, next_print = 60;
  printf("case %.17g %.17g\n", Ks, S);
  while (t < T) {
    double dt = 0.2 + 40.0 * rnd(&seed) * rnd(&seed); /* 0.2 .. 40 s, many small steps */
    if (t + dt > next_print) dt = next_print - t;
    F += rsl_green_ampt_infiltrate(1e9, F, Ks, S, dt); /* ponded: water never limits */
    t += dt;
    if (t >= next_print) {
      printf("%.17g %.17g\n", t, F);
      next_print *= 1.5;
    }
  }
}

static void limited_cases(void)
{
  unsigned long long seed = 7;
  for (int k = 0; k < 100000; k++) {
    double h  = rnd(&seed) < 0.1 ? 0.0 : 1e-3 * rnd(&seed) * rnd(&seed);
    double F  = rnd(&seed) < 0.2 ? 0.0 : 0.05 * rnd(&seed);
    double ia = rnd(&seed) < 0.5 ? 0.0 : 2e-3 * rnd(&seed);
    double imp = rnd(&seed) < 0.3 ? 0.0 : (rnd(&seed) < 0.2 ? 1.0 : rnd(&seed));
    double Ks = 1e-7 + 3e-5 * rnd(&seed), S = 0.3 * rnd(&seed), dt = 0.01 + 10 * rnd(&seed);
    double h0 = h, F0 = F, ia0 = ia;
    double d = rsl_cell_losses(&h, &F, &ia, imp, Ks, S, dt);
    EXPECT(h >= 0.0 && ia >= 0.0 && F >= F0, "negative state: h %g ia %g", h, ia);
    EXPECT(d >= 0.0 && d <= h0, "removed %g outside [0, h0=%g]", d, h0);
    EXPECT(fabs(h0 - d - h) <= 1.2e-16 * h0, "removed %.17g + left %.17g != h0 %.17g", d, h, h0);
    /* abstraction and infiltration account for the removal (round-off of F0 + dF) */
    EXPECT(fabs((ia0 - ia) + (F - F0) * (1.0 - imp) - d) <= 4e-16 * (h0 + F + ia0), "loss split does not add up: ia %g->%g F %g->%g imp %g d %g diff %g", ia0, ia, F0, F, imp, d, (ia0 - ia) + (F - F0) * (1.0 - imp) - d);
    if (imp == 0.0 && ia0 == 0.0 && rsl_green_ampt_ponded(F0, Ks, S, dt) >= h0) EXPECT(h == 0.0 && d == h0, "limited case not emptied exactly: h %g", h);
  }
  /* Edge cases: no conductivity, zero suction, zero step, dry cell, fully impervious. */
  EXPECT(rsl_green_ampt_ponded(0, 0, 0.1, 10) == 0.0, "Ks=0");
  EXPECT(rsl_green_ampt_ponded(0.01, 1e-6, 0, 10) == 1e-6 * 10.0, "S=0 must give Ks dt");
  EXPECT(rsl_green_ampt_ponded(0, 1e-6, 0.1, 0) == 0.0, "dt=0");
  {
    double h = 0, F = 0, ia = 1e-3;
    EXPECT(rsl_cell_losses(&h, &F, &ia, 0.0, 1e-5, 0.1, 1.0) == 0.0 && ia == 1e-3, "dry cell");
    h = 2e-3;
    rsl_cell_losses(&h, &F, &ia, 1.0, 1e-5, 0.1, 1.0);
    EXPECT(h == 1e-3 && ia == 0.0, "impervious cell: abstraction only (h %g ia %g)", h, ia);
  }
}

int main(void)
{
  ponded_run(1e-6, 0.11 * 0.3, 48 * 3600.0);   /* loam-like, two days */
  ponded_run(3.3e-5, 0.0495 * 0.29, 6 * 3600.0); /* sand */
  ponded_run(8.3e-8, 0.316 * 0.27, 72 * 3600.0); /* clay */
  limited_cases();
  if (fails) fprintf(stderr, "%d failures\n", fails);
  return fails ? 1 : 0;
}
