/* A small closed basin assembled with the single-source kernels, as the solver does it: face
 * values (own values at first order, rsl_swe_muscl_cell at second), plain faces between active
 * cells, closed boundary faces (rsl_swe_boundary_face) at the edges, rsl_swe_cell_residual. */
#pragma once
#include "kernels/swe_cell.h"

enum { KNX = 12, KNY = 10 };

typedef struct {
  double h[KNY][KNX], hu[KNY][KNX], hv[KNY][KNX], z[KNY][KNX];
} KGrid;

/* Cell (i, j) in the frame of a direction: {h, un, ut, z, wet, ext}; outside: ext = 1. */
static void kcell(const KGrid *G, int i, int j, int alongx, double hdry, double c[6])
{
  int    a = i >= 0 && i < KNX && j >= 0 && j < KNY;
  double p[6];
  rsl_swe_cell_load(a, a ? G->h[j][i] : 0, a ? G->hu[j][i] : 0, a ? G->hv[j][i] : 0, a ? G->z[j][i] : 0, hdry, p);
  c[0] = p[2], c[1] = alongx ? p[3] : p[4], c[2] = alongx ? p[4] : p[3], c[3] = p[5], c[4] = p[0], c[5] = p[1];
}

static void kfaces(const KGrid *G, int i, int j, int alongx, int o2, double hdry, double fm[4], double fp[4])
{
  double m[6], o[6], p[6];
  kcell(G, i, j, alongx, hdry, o);
  if (!o2) {
    for (int k = 0; k < 4; k++) fm[k] = fp[k] = o[k];
    return;
  }
  kcell(G, alongx ? i - 1 : i, alongx ? j : j - 1, alongx, hdry, m);
  kcell(G, alongx ? i + 1 : i, alongx ? j : j + 1, alongx, hdry, p);
  rsl_swe_muscl_cell(m, o, p, fm, fp);
}

/* Face between (i, j) and its plus neighbour along a direction; returns the wave speed. */
static double kface(const KGrid *G, int i, int j, int alongx, int o2, double g, double hdry, double out[4])
{
  int    ir = alongx ? i + 1 : i, jr = alongx ? j : j + 1;
  int    al = i >= 0 && j >= 0, ar = ir < KNX && jr < KNY;
  double lm[4], lp[4], rm[4], rp[4];
  if (al) kfaces(G, i, j, alongx, o2, hdry, lm, lp);
  if (ar) kfaces(G, ir, jr, alongx, o2, hdry, rm, rp);
  if (al && ar) return rsl_swe_face(lp[0], lp[1], lp[2], lp[3], rm[0], rm[1], rm[2], rm[3], g, out);
  return rsl_swe_boundary_face(RSL_BC_CLOSED, al ? lp : rm, 0.0, al ? 1.0 : -1.0, hdry, g, 0.0, 0.0, 0.0, out);
}

/* Residual R[j][i][3] of every cell; returns the largest CFL rate. */
static double kresidual(const KGrid *G, int o2, double g, double hdry, double dx, double R[KNY][KNX][3])
{
  double rmax = 0;
  for (int j = 0; j < KNY; j++)
    for (int i = 0; i < KNX; i++) {
      double w[4], e[4], s[4], n[4], fm[4], fp[4], gm[4], gp[4];
      double aw = kface(G, i - 1, j, 1, o2, g, hdry, w), ae = kface(G, i, j, 1, o2, g, hdry, e);
      double as = kface(G, i, j - 1, 0, o2, g, hdry, s), an = kface(G, i, j, 0, o2, g, hdry, n);
      kfaces(G, i, j, 1, o2, hdry, fm, fp);
      kfaces(G, i, j, 0, o2, hdry, gm, gp);
      double r = rsl_swe_cell_residual(1.0, g, 1 / dx, 1 / dx, fm[0], fm[3], fp[0], fp[3], gm[0], gm[3], gp[0], gp[3], w[0], w[2], w[3], aw, e[0], e[1], e[3], ae, s[0], s[2], s[3], as, n[0], n[1], n[3], an, R[j][i]);
      rmax = r > rmax ? r : rmax;
    }
  return rmax;
}
