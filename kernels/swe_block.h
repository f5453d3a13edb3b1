/* The CUDA backend's per-cell work on one rank's block, single-source: kernels/swe.cu runs each
 * function below as one thread per cell, and src/swe/swe_cells_host.c runs the very same
 * functions in host loops (-swe_backend cudasim), which is how the GPU algorithm is tested
 * where there is no GPU. Every formula comes from kernels/swe_cell.h and kernels/swe_flux.h,
 * in the order of operations of the CPU row sweeps (src/swe/swe_residual.c, swe_step.c,
 * swe_losses.c), so the results are the CPU's bitwise. A face is computed by both of its
 * cells, identically: no thread writes another's cell. Sums that the CPU makes in a fixed
 * order (boundary discharge per side, rain per row) are made in that order here. */
#pragma once
#include "kernels/swe_cell.h"

/* Layout: the DMDA local (ghosted) block gxm x gym from global (gxs, gys) for the state Ul
 * (h, hu, hv per cell), bed, mask (1/0) and Manning; owned arrays (state, residual, records)
 * row-major over the owned block xm x ym. */
typedef struct {
  int    nx, ny;                 /* global grid */
  int    gxs, gys, gxm, gym;     /* ghosted block of the DMDA local arrays */
  int    xs, ys, xm, ym;         /* owned block */
  int    o2;                     /* second order (MUSCL) */
  int    nodata_bc;              /* -swe_nodata_bc (RslBCType) */
  double dx, dy, idx, idy, g, hdry;
  double slope[4];               /* normal-depth slope per side */
  const int    *type[4];         /* boundary type per face of each side W, E, S, N (indexed along it) */
  const int    *forcing[4];      /* forcing index per face, -1: none */
  const double *fval;            /* forcing values at the residual's time */
} RslSweBlock;

/* (rate, global cell) of the largest CFL rate, the first cell in global order on ties. */
typedef struct {
  double    r;
  long long c;
} RslSweArgmax;

/* A cell of the ghosted block as the CPU row buffers hold it: {wet, ext, h, u, v, z}. */
RSL_HD void rsl_swe_block_load(const RslSweBlock *b, const double *U, const double *z, const double *act, int i, int j, double p[6])
{
  int k = (j - b->gys) * b->gxm + (i - b->gxs);
  int a = (i >= 0) & (i < b->nx) & (j >= 0) & (j < b->ny) & (act[k] > 0.5);
  rsl_swe_cell_load(a, U[3 * k], U[3 * k + 1], U[3 * k + 2], z[k], b->hdry, p);
}

/* Cell in the face frame of a direction: {h, un, ut, z, wet, ext}. */
RSL_HD void rsl_swe_block_frame(const double p[6], int alongx, double c[6])
{
  c[0] = p[2], c[1] = alongx ? p[3] : p[4], c[2] = alongx ? p[4] : p[3], c[3] = p[5], c[4] = p[0], c[5] = p[1];
}

/* Face values {h, un, ut, z} of cell (i, j) towards its minus (fm) and plus (fp) sides along a
 * direction: the cell's own values at first order, rsl_swe_muscl_cell at second order. */
RSL_HD void rsl_swe_block_face_values(const RslSweBlock *b, const double *U, const double *z, const double *act, int i, int j, int alongx, double fm[4], double fp[4])
{
  double p[6], o[6];
  rsl_swe_block_load(b, U, z, act, i, j, p);
  rsl_swe_block_frame(p, alongx, o);
  if (!b->o2) {
    for (int k = 0; k < 4; k++) fm[k] = fp[k] = o[k];
    return;
  }
  double pm[6], pp[6], m[6], q[6];
  rsl_swe_block_load(b, U, z, act, alongx ? i - 1 : i, alongx ? j : j - 1, pm);
  rsl_swe_block_load(b, U, z, act, alongx ? i + 1 : i, alongx ? j : j + 1, pp);
  rsl_swe_block_frame(pm, alongx, m);
  rsl_swe_block_frame(pp, alongx, q);
  rsl_swe_muscl_cell(m, o, q, fm, fp);
}

/* The face between cells L = (il, jl) (minus side) and R (plus side): the plain face when both
 * are active, else the boundary face of the active one (EdgeFace of src/swe/swe_residual.c,
 * with its ghost bed step at first order). *q: the outward discharge when exactly one is active. */
RSL_HD double rsl_swe_block_face(const RslSweBlock *b, const double *U, const double *z, const double *act, const double *nman, int il, int jl, int alongx, double out[4], double *q)
{
  int    ir = alongx ? il + 1 : il, jr = alongx ? jl : jl + 1, di = alongx, dj = !alongx;
  double pl[6], pr[6], lm[4], lp[4], rm[4], rp[4];
  rsl_swe_block_load(b, U, z, act, il, jl, pl);
  rsl_swe_block_load(b, U, z, act, ir, jr, pr);
  rsl_swe_block_face_values(b, U, z, act, il, jl, alongx, lm, lp);
  rsl_swe_block_face_values(b, U, z, act, ir, jr, alongx, rm, rp);
  int aa = pl[1] < 0.5, ab = pr[1] < 0.5;
  *q     = 0.0;
  if (aa && ab) return rsl_swe_face(lp[0], lp[1], lp[2], lp[3], rm[0], rm[1], rm[2], rm[3], b->g, out);
  out[0] = out[1] = out[2] = out[3] = 0.0;
  if (!aa && !ab) return 0.0;
  double dzg = 0, po[6];
  if (!b->o2 && aa) {
    rsl_swe_block_load(b, U, z, act, il - di, jl - dj, po);
    if (po[1] < 0.5) dzg = rsl_swe_ghost_step(pl[5], po[5]);
  }
  if (!b->o2 && ab) {
    rsl_swe_block_load(b, U, z, act, ir + di, jr + dj, po);
    if (po[1] < 0.5) dzg = rsl_swe_ghost_step(pr[5], po[5]);
  }
  int    ii = aa ? il : ir, jj = aa ? jl : jr, io = aa ? ir : il, jo = aa ? jr : jl;
  double nout = aa ? 1.0 : -1.0;
  int    side = rsl_swe_edge_side(io, jo, b->nx, b->ny, alongx, aa), k = alongx ? jj : ii;
  int    forcing = side < 4 ? b->forcing[side][k] : -1;
  double nm = nman[(jj - b->gys) * b->gxm + (ii - b->gxs)];
  double a  = rsl_swe_boundary_face(side < 4 ? b->type[side][k] : b->nodata_bc, aa ? lp : rm, dzg, nout, b->hdry, b->g, nm, side < 4 ? b->slope[side] : 0.0, forcing >= 0 ? b->fval[forcing] : 0.0, out);
  *q        = out[0] * nout * (alongx ? b->dy : b->dx);
  return a;
}

/* Residual of owned cell c (rsl_swe_cell_residual from its four faces and its face values);
 * returns its CFL rate; bq[4 c + {W, E, S, N}]: outward discharge of its boundary faces. */
RSL_HD double rsl_swe_block_residual(const RslSweBlock *b, const double *U, const double *z, const double *act, const double *nman, int c, double *R, double *bq)
{
  int    i = b->xs + c % b->xm, j = b->ys + c / b->xm;
  double w[4], e[4], s[4], n[4], fm[4], fp[4], gm[4], gp[4], p[6];
  double aw = rsl_swe_block_face(b, U, z, act, nman, i - 1, j, 1, w, &bq[4 * c]);
  double ae = rsl_swe_block_face(b, U, z, act, nman, i, j, 1, e, &bq[4 * c + 1]);
  double as = rsl_swe_block_face(b, U, z, act, nman, i, j - 1, 0, s, &bq[4 * c + 2]);
  double an = rsl_swe_block_face(b, U, z, act, nman, i, j, 0, n, &bq[4 * c + 3]);
  rsl_swe_block_load(b, U, z, act, i, j, p);
  rsl_swe_block_face_values(b, U, z, act, i, j, 1, fm, fp);
  rsl_swe_block_face_values(b, U, z, act, i, j, 0, gm, gp);
  return rsl_swe_cell_residual(1.0 - p[1], b->g, b->idx, b->idy, fm[0], fm[3], fp[0], fp[3], gm[0], gm[3], gp[0], gp[3], w[0], w[2], w[3], aw, e[0], e[1], e[3], ae, s[0], s[2], s[3], as, n[0], n[1], n[3], an, R + 3 * c);
}

/* Boundary discharge per side, bsum = {out[5], in[5]}, over the faces listed in the CPU's
 * order (bface: slots of bq, bside: their sides): one sequential sum, as the CPU makes it. */
RSL_HD void rsl_swe_block_boundary_sums(int nbface, const int *bface, const int *bside, const double *bq, double *bsum)
{
  for (int s = 0; s < 2 * RSL_NSIDES; s++) bsum[s] = 0.0;
  for (int f = 0; f < nbface; f++) {
    double q = bq[bface[f]];
    if (q > 0) bsum[bside[f]] += q;
    else bsum[RSL_NSIDES + bside[f]] -= q;
  }
}

/* The larger of two (rate, cell) pairs, the first cell on ties (NaN rates never win). */
RSL_HD RslSweArgmax rsl_swe_argmax(RslSweArgmax a, RslSweArgmax b) { return b.r > a.r || (b.r == a.r && b.c < a.c) ? b : a; }

/* Global index of owned cell c. */
RSL_HD long long rsl_swe_block_global(const RslSweBlock *b, int c) { return (long long)(b->ys + c / b->xm) * b->nx + b->xs + c % b->xm; }

/* Depth of owned cell c that a stage would commit, x + dt R or (u + x + dt R)/2 (u not NULL). */
RSL_HD double rsl_swe_block_stage_depth(const double *x, const double *R, const double *u, double dt, int c)
{
  double e = rsl_swe_euler(x[3 * c], dt, R[3 * c]);
  return u ? 0.5 * u[3 * c] + 0.5 * e : e;
}

/* One stage of owned cell c (RslSWEStageCPU): w = x + dt R, the point sources of the cell
 * (srccell[k] == c, in source order), rain x rdt and friction; when final the commit into u
 * (the average with w when avg), the maxima and the crossing times. Returns 1 when final
 * leaves an active cell with a negative depth (counted, must stay 0). */
RSL_HD int rsl_swe_block_stage(int c, double dt, double g, double hdry, double *w, const double *x, const double *R, int nsrc, const int *srccell, const double *dh, const double *rain, double rdt, const double *act, const double *n, int final, int avg, double *u, double *hmax, double *smax, double *qmax, double H, double t, double *tarr, double *tup, double *dur)
{
  double h0 = final ? u[3 * c] : 0.0;
  for (int k = 0; k < 3; k++) w[3 * c + k] = rsl_swe_euler(x[3 * c + k], dt, R[3 * c + k]);
  for (int k = 0; k < nsrc; k++)
    if (dh[k] != 0 && srccell[k] == c) w[3 * c] += dh[k];
  rsl_swe_cell_sources(w + 3 * c, rain[c], rdt, act[c], n[c], g, dt, hdry);
  if (!final) return 0;
  if (avg) rsl_swe_cell_average(u + 3 * c, w + 3 * c, hdry);
  rsl_swe_cell_maxima(u + 3 * c, act[c], hdry, hmax + c, smax + c, qmax + c);
  rsl_swe_cell_crossing(h0 * act[c], u[3 * c] * act[c], H, t, dt, tarr + c, tup + c, dur + c);
  return u[3 * c] < 0.0 && act[c] > 0.5;
}

/* Rain rate of the active cells of owned row j, summed in column order (RowTally's order). */
RSL_HD double rsl_swe_block_rain_row(int xm, int j, const double *rain, const double *act)
{
  double s = 0;
  for (int c = j * xm; c < (j + 1) * xm; c++) s += rain[c] * act[c];
  return s;
}

/* Losses of owned cell c: the depth removed (0 for an inactive cell, which is left alone). */
RSL_HD double rsl_swe_block_losses(int c, double *u, double *F, double *ia, const double *imp, const double *ks, const double *S, const double *act, double dt, double hdry)
{
  return act[c] < 0.5 ? 0.0 : rsl_swe_cell_losses(u + 3 * c, F + c, ia + c, imp[c], ks[c], S[c], dt, hdry);
}
