/* The finite-volume residual L(U): one pass over the owned rows, x-face fluxes of the row
 * in a buffer, y-face fluxes rolled from one row to the next, so every face is computed
 * once per rank and identically on every rank that needs it (decomposition independence). */
#include "swe/swe_impl.h"
#include "kernels/swe_flux.h"

typedef struct {
  RslSWE             swe;
  const RslSWEField **U;
  const PetscScalar **z, **act, **n;
  PetscInt           nx, ny, xs, xe, ys, ye; /* grid size, owned range */
  double             hdry, g;
  PetscBool          o2;
} Ctx;

static inline PetscBool Active(const Ctx *c, PetscInt i, PetscInt j)
{
  return i >= 0 && j >= 0 && i < c->nx && j < c->ny && c->act[j][i] > 0.5;
}

/* Second order only between three wet active cells along the direction. */
static inline PetscBool Smooth(const Ctx *c, PetscInt i, PetscInt j, PetscInt di, PetscInt dj)
{
  return c->o2 && Active(c, i - di, j - dj) && Active(c, i + di, j + dj) && c->U[j][i].h > c->hdry && c->U[j - dj][i - di].h > c->hdry && c->U[j + dj][i + di].h > c->hdry;
}

/* Face value {h, un, ut, z} of cell (i,j) towards side s along x (dx=1) or y (dx=0). */
static inline void FaceValue(const Ctx *c, PetscInt i, PetscInt j, int alongx, double s, double f[4])
{
  PetscInt di = alongx ? 1 : 0, dj = alongx ? 0 : 1;
  int      ok = Smooth(c, i, j, di, dj);
#define NRM(I, J) rsl_swe_vel(c->U[J][I].h, alongx ? c->U[J][I].hu : c->U[J][I].hv, c->hdry)
#define TAN(I, J) rsl_swe_vel(c->U[J][I].h, alongx ? c->U[J][I].hv : c->U[J][I].hu, c->hdry)
  if (!ok) {
    f[0] = c->U[j][i].h;
    f[1] = NRM(i, j);
    f[2] = TAN(i, j);
    f[3] = c->z[j][i];
    return;
  }
  rsl_swe_muscl(1, c->U[j - dj][i - di].h, NRM(i - di, j - dj), TAN(i - di, j - dj), c->z[j - dj][i - di], c->U[j][i].h, NRM(i, j), TAN(i, j), c->z[j][i], c->U[j + dj][i + di].h, NRM(i + di, j + dj), TAN(i + di, j + dj), c->z[j + dj][i + di], s, f);
#undef NRM
#undef TAN
}

/* Flux through a boundary face of the interior cell with face value fi; nout = +1 when the
 * outside lies on the positive side. Returns the wave speed. */
static double BoundaryFace(const Ctx *c, RslBCType type, PetscInt forcing, double t, double nman, PetscReal slope, const double fi[4], double nout, double out[4])
{
  RslSWE swe = c->swe;
  double h = fi[0], un = fi[1], ut = fi[2], z = fi[3], gh[4] = {h, un, ut, z};

  switch (type) {
  case RSL_BC_CLOSED:
    gh[1] = -un;
    break;
  case RSL_BC_FREE: /* transmissive for outflow, no inflow drawn from outside */
    gh[1] = nout > 0 ? PetscMax(un, 0.0) : PetscMin(un, 0.0);
    break;
  case RSL_BC_CRITICAL:
    return rsl_swe_rating_face(h, ut, h > c->hdry ? sqrt(c->g * h) : 0.0, c->g, nout, out);
  case RSL_BC_NORMAL:
    return rsl_swe_rating_face(h, ut, h > c->hdry && nman > 0 ? pow(h, 2.0 / 3.0) * sqrt(slope) / nman : 0.0, c->g, nout, out);
  case RSL_BC_INFLOW:
    return rsl_swe_inflow_face(h, RslSeriesEval(&swe->forcing[forcing], t), c->g, nout, out);
  case RSL_BC_STAGE:
    gh[0] = PetscMax(0.0, RslSeriesEval(&swe->forcing[forcing], t) - z);
    break;
  default:
    break;
  }
  if (nout > 0) return rsl_swe_face(h, un, ut, z, gh[0], gh[1], gh[2], gh[3], c->g, out);
  return rsl_swe_face(gh[0], gh[1], gh[2], gh[3], h, un, ut, z, c->g, out);
}

/* Face between cell a (negative side) and cell b (positive side) along x or y; `k` is the
 * index along the domain side for boundary faces. Accounts boundary discharge (m3/s). */
static double Face(Ctx *c, PetscInt ia, PetscInt ja, PetscInt ib, PetscInt jb, int alongx, double t, double len, double out[4])
{
  RslSWE    swe = c->swe;
  PetscBool aa = Active(c, ia, ja), ab = Active(c, ib, jb);
  double    fa[4], fb[4], a;
  int       side;
  RslBCType type;
  PetscInt  forcing = -1;

  if (aa && ab) {
    FaceValue(c, ia, ja, alongx, +1.0, fa);
    FaceValue(c, ib, jb, alongx, -1.0, fb);
    return rsl_swe_face(fa[0], fa[1], fa[2], fa[3], fb[0], fb[1], fb[2], fb[3], c->g, out);
  }
  out[0] = out[1] = out[2] = out[3] = 0.0;
  if (!aa && !ab) return 0.0;
  PetscInt ii = aa ? ia : ib, jj = aa ? ja : jb, io = aa ? ib : ia, jo = aa ? jb : ja;
  double   nout = aa ? 1.0 : -1.0;
  PetscBool outside = io < 0 || jo < 0 || io >= c->nx || jo >= c->ny;
  if (outside) {
    side    = alongx ? (aa ? RSL_E : RSL_W) : (aa ? RSL_N : RSL_S);
    PetscInt k = alongx ? jj : ii;
    type    = swe->side[side].type[k];
    forcing = swe->side[side].forcing[k];
  } else {
    side = RSL_NODATA;
    type = swe->nodata_bc;
  }
  FaceValue(c, ii, jj, alongx, nout, fa);
  a = BoundaryFace(c, type, forcing, t, c->n[jj][ii], side < 4 ? swe->slope[side] : 0.0, fa, nout, out);
  /* a face on a rank boundary is computed by both ranks; only the owner of the cell counts it */
  if (ii >= c->xs && ii < c->xe && jj >= c->ys && jj < c->ye) {
    double q = out[0] * nout * len; /* outward discharge */
    if (q > 0) swe->bflux[side] += q;
    else swe->bflux_in[side] -= q;
  }
  return a;
}

PetscErrorCode RslSWEResidual(RslSWE swe, Vec U, PetscReal t, double *ax, double *ay)
{
  RslGrid      *g = swe->grid;
  Ctx           c;
  RslSWEField **R;
  double      (*fx)[4], (*fy0)[4], (*fy1)[4], (*fyb)[4], (*fyt)[4], axl = 0, ayl = 0;
  const double  idx = 1.0 / g->dx, idy = 1.0 / g->dy;
  PetscInt      xs = g->xs, ys = g->ys, xm = g->xm, ym = g->ym;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(swe->ev_halo, 0, 0, 0, 0));
  PetscCall(DMGlobalToLocal(g->da, U, INSERT_VALUES, swe->Uloc));
  PetscCall(PetscLogEventEnd(swe->ev_halo, 0, 0, 0, 0));
  PetscCall(PetscLogEventBegin(swe->ev_flux, 0, 0, 0, 0));
  c.swe  = swe;
  c.nx   = g->nx;
  c.ny   = g->ny;
  c.hdry = swe->hdry;
  c.g    = swe->g;
  c.o2   = swe->order == 2;
  c.xs   = xs;
  c.xe   = xs + xm;
  c.ys   = ys;
  c.ye   = ys + ym;
  PetscCall(DMDAVecGetArrayRead(g->da, swe->Uloc, (void *)&c.U));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->zloc, (void *)&c.z));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->actloc, (void *)&c.act));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->nmanloc, (void *)&c.n));
  PetscCall(DMDAVecGetArray(g->da, swe->R, &R));
  PetscCall(PetscMalloc3(xm + 1, &fx, xm, &fy0, xm, &fy1));
  fyb = fy0;
  fyt = fy1;
  for (int s = 0; s < RSL_NSIDES; s++) swe->bflux[s] = swe->bflux_in[s] = 0;

  /* (fmax, not PetscMax: the macro would evaluate Face twice) */
  for (PetscInt i = xs; i < xs + xm; i++) ayl = fmax(ayl, Face(&c, i, ys - 1, i, ys, 0, t, g->dx, fyb[i - xs]));
  for (PetscInt j = ys; j < ys + ym; j++) {
    for (PetscInt i = xs - 1; i < xs + xm; i++) axl = fmax(axl, Face(&c, i, j, i + 1, j, 1, t, g->dy, fx[i - xs + 1]));
    for (PetscInt i = xs; i < xs + xm; i++) ayl = fmax(ayl, Face(&c, i, j, i, j + 1, 0, t, g->dx, fyt[i - xs]));
    for (PetscInt i = xs; i < xs + xm; i++) {
      const double *w = fx[i - xs], *e = fx[i - xs + 1], *s = fyb[i - xs], *n = fyt[i - xs];
      if (c.act[j][i] < 0.5) {
        R[j][i].h = R[j][i].hu = R[j][i].hv = 0;
        continue;
      }
      double sx = 0, sy = 0;
      if (c.o2) {
        double fw[4], fe[4], fs[4], fn[4];
        FaceValue(&c, i, j, 1, -1.0, fw);
        FaceValue(&c, i, j, 1, +1.0, fe);
        FaceValue(&c, i, j, 0, -1.0, fs);
        FaceValue(&c, i, j, 0, +1.0, fn);
        sx = rsl_swe_centred_source(fw[0], fw[3], fe[0], fe[3], c.g);
        sy = rsl_swe_centred_source(fs[0], fs[3], fn[0], fn[3], c.g);
      }
      R[j][i].h  = -(e[0] - w[0]) * idx - (n[0] - s[0]) * idy;
      R[j][i].hu = -(e[1] - w[2] - sx) * idx - (n[3] - s[3]) * idy;
      R[j][i].hv = -(e[3] - w[3]) * idx - (n[1] - s[2] - sy) * idy;
    }
    double(*tmp)[4] = fyb;
    fyb = fyt;
    fyt = tmp;
  }
  PetscCall(PetscFree3(fx, fy0, fy1));
  PetscCall(DMDAVecRestoreArray(g->da, swe->R, &R));
  PetscCall(DMDAVecRestoreArrayRead(g->da, swe->Uloc, (void *)&c.U));
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->zloc, (void *)&c.z));
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->actloc, (void *)&c.act));
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->nmanloc, (void *)&c.n));
  PetscCall(PetscLogFlops(120.0 * xm * ym * (swe->order == 2 ? 2 : 1)));
  PetscCall(PetscLogEventEnd(swe->ev_flux, 0, 0, 0, 0));
  *ax = axl;
  *ay = ayl;
  PetscFunctionReturn(PETSC_SUCCESS);
}
