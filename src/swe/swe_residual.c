/* The finite-volume residual L(U): one pass over the owned rows. Each row of cells is turned
 * once into row buffers — active flags, primitive values (h, u, v, z) and, at second order,
 * MUSCL face values — so velocities and reconstructions are computed once per cell, not once
 * per face side. x-face fluxes of the row go to a buffer, y-face fluxes roll from one row to
 * the next, so every face is computed once per rank and identically on every rank that needs
 * it (decomposition independence). A row of faces is first computed as plain fluxes in a
 * vectorized loop; the faces that do not join two active cells are then redone through the
 * boundary conditions. */
#include "swe/swe_impl.h"
#include "kernels/swe_flux.h"

/* Face values {h, un, ut, z} of a row of cells towards one side, as structure of arrays. */
typedef struct {
  double *h, *un, *ut, *z;
} Side;

/* One buffered row of cells, columns xs-2 .. xe+1 at index i - xs + 2. */
typedef struct {
  char  *act;            /* active */
  double *wet;           /* 1 when active with h > hdry, else 0 */
  double *h, *u, *v, *z; /* primitive values */
  Side   xm, xp, ym, yp; /* face values towards west, east, south, north */
} Row;

/* Fluxes of a row of faces (rsl_swe_face's out[4]) and wave speeds, structure of arrays. */
typedef struct {
  double *m, *pl, *pr, *t, *a;
} Flux;

typedef struct {
  RslSWE              swe;
  const RslSWEField **U;
  const PetscScalar **z, **act, **n;
  PetscInt            nx, ny, xs, xe, ys, ye, w; /* grid size, owned range, buffered row width */
  double              hdry, g;
  PetscBool           o2;
  Row                 row[4]; /* ring of rows: row r in slot (r - ys + 2) % 4 */
} Ctx;

static inline Row *RowOf(Ctx *c, PetscInt r) { return &c->row[(r - c->ys + 2) & 3]; }

/* Cells along a direction: depth, normal and tangential velocities, bed, wet flag (1/0). */
typedef struct {
  const double *h, *un, *ut, *z, *w;
} Cells;

/* MUSCL face values towards minus (fm*) and plus (fp*) of n cells o from their neighbours m
 * and p along the direction: the reconstruction where the three cells are wet and active,
 * the cell's own values (first order) elsewhere. Branch-free, so the compiler vectorizes it. */
RSL_MULTIVERSION static void MusclLoop(PetscInt n, const double *restrict mh, const double *restrict mun, const double *restrict mut, const double *restrict mz, const double *restrict mw, const double *restrict oh, const double *restrict oun, const double *restrict out, const double *restrict oz, const double *restrict ow, const double *restrict ph, const double *restrict pun, const double *restrict put, const double *restrict pz, const double *restrict pw, double *restrict fmh, double *restrict fmun, double *restrict fmut, double *restrict fmz, double *restrict fph, double *restrict fpun, double *restrict fput, double *restrict fpz)
{
  for (PetscInt q = 0; q < n; q++) {
    double fm[4], fp[4], ok = mw[q] + ow[q] + pw[q]; /* 3: second order */
    rsl_swe_muscl_pair(mh[q], mun[q], mut[q], mz[q], oh[q], oun[q], out[q], oz[q], ph[q], pun[q], put[q], pz[q], fm, fp);
    fmh[q]  = ok > 2.5 ? fm[0] : oh[q];
    fmun[q] = ok > 2.5 ? fm[1] : oun[q];
    fmut[q] = ok > 2.5 ? fm[2] : out[q];
    fmz[q]  = ok > 2.5 ? fm[3] : oz[q];
    fph[q]  = ok > 2.5 ? fp[0] : oh[q];
    fpun[q] = ok > 2.5 ? fp[1] : oun[q];
    fput[q] = ok > 2.5 ? fp[2] : out[q];
    fpz[q]  = ok > 2.5 ? fp[3] : oz[q];
  }
}

/* Face values fm, fp at index k0.. of n cells: cell k0+q of o with neighbours km+q of m and
 * kp+q of p. */
static void Muscl(PetscInt n, Cells m, PetscInt km, Cells o, PetscInt ko, Cells p, PetscInt kp, const Side *fm, const Side *fp, PetscInt k0)
{
  MusclLoop(n, m.h + km, m.un + km, m.ut + km, m.z + km, m.w + km, o.h + ko, o.un + ko, o.ut + ko, o.z + ko, o.w + ko, p.h + kp, p.un + kp, p.ut + kp, p.z + kp, p.w + kp, fm->h + k0, fm->un + k0, fm->ut + k0, fm->z + k0, fp->h + k0, fp->un + k0, fp->ut + k0, fp->z + k0);
}

/* Flags and primitive values of row r; at second order also its x-face values. */
static void LoadRow(Ctx *c, PetscInt r)
{
  Row     *b  = RowOf(c, r);
  PetscInt i0 = c->xs - 2, w = c->w;
  int      rin = r >= 0 && r < c->ny;

  /* inactive cells read as dry flat zeros: their values never reach a flux, but the plain
   * face pass computes with them (a nodata bed may be NaN) */
  for (PetscInt k = 0; k < w; k++) {
    PetscInt           i = i0 + k;
    const RslSWEField *u = &c->U[r][i];
    int                a = rin && i >= 0 && i < c->nx && c->act[r][i] > 0.5;
    double             h = a ? u->h : 0.0;
    b->act[k]            = (char)a;
    b->wet[k]            = a && h > c->hdry ? 1.0 : 0.0;
    b->h[k]              = h;
    b->u[k]              = rsl_swe_vel(h, a ? u->hu : 0.0, c->hdry);
    b->v[k]              = rsl_swe_vel(h, a ? u->hv : 0.0, c->hdry);
    b->z[k]              = a ? c->z[r][i] : 0.0;
  }
  if (!c->o2 || r < c->ys || r >= c->ye) return;
  Muscl(w - 2, (Cells){b->h, b->u, b->v, b->z, b->wet}, 0, (Cells){b->h, b->u, b->v, b->z, b->wet}, 1, (Cells){b->h, b->u, b->v, b->z, b->wet}, 2, &b->xm, &b->xp, 1);
}

/* Second order: y-face values of row r (owned columns) from rows r-1, r, r+1. */
static void LoadRowY(Ctx *c, PetscInt r)
{
  Row *m = RowOf(c, r - 1), *b = RowOf(c, r), *p = RowOf(c, r + 1);

  Muscl(c->w - 4, (Cells){m->h, m->v, m->u, m->z, m->wet}, 2, (Cells){b->h, b->v, b->u, b->z, b->wet}, 2, (Cells){p->h, p->v, p->u, p->z, p->wet}, 2, &b->ym, &b->yp, 2);
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

/* Face between cell a (negative side, face value fa when active) and cell b (positive side,
 * fb) along x or y, with at most one of them active. Accounts boundary discharge (m3/s). */
static double EdgeFace(Ctx *c, PetscInt ia, PetscInt ja, int aa, const double fa[4], PetscInt ib, PetscInt jb, int ab, const double fb[4], int alongx, double t, double len, double out[4])
{
  RslSWE    swe = c->swe;
  double    a;
  int       side;
  RslBCType type;
  PetscInt  forcing = -1;

  out[0] = out[1] = out[2] = out[3] = 0.0;
  if (!aa && !ab) return 0.0;
  PetscInt  ii = aa ? ia : ib, jj = aa ? ja : jb, io = aa ? ib : ia, jo = aa ? jb : ja;
  double    nout    = aa ? 1.0 : -1.0;
  PetscBool outside = io < 0 || jo < 0 || io >= c->nx || jo >= c->ny;
  if (outside) {
    side       = alongx ? (aa ? RSL_E : RSL_W) : (aa ? RSL_N : RSL_S);
    PetscInt k = alongx ? jj : ii;
    type       = swe->side[side].type[k];
    forcing    = swe->side[side].forcing[k];
  } else {
    side = RSL_NODATA;
    type = swe->nodata_bc;
  }
  a = BoundaryFace(c, type, forcing, t, c->n[jj][ii], side < 4 ? swe->slope[side] : 0.0, aa ? fa : fb, nout, out);
  /* a face on a rank boundary is computed by both ranks; only the owner of the cell counts it */
  if (ii >= c->xs && ii < c->xe && jj >= c->ys && jj < c->ye) {
    double q = out[0] * nout * len; /* outward discharge */
    if (q > 0) swe->bflux[side] += q;
    else swe->bflux_in[side] -= q;
  }
  return a;
}

static inline void Get(const Side *s, PetscInt k, double v[4])
{
  v[0] = s->h[k];
  v[1] = s->un[k];
  v[2] = s->ut[k];
  v[3] = s->z[k];
}

/* n faces as if both cells were active: a loop without branches, which the compiler
 * vectorizes (restrict parameters: no run-time alias checks). */
RSL_MULTIVERSION static void PlainFacesLoop(PetscInt n, double g, const double *restrict lh, const double *restrict lun, const double *restrict lut, const double *restrict lz, const double *restrict rh, const double *restrict run, const double *restrict rut, const double *restrict rz, double *restrict m, double *restrict pl, double *restrict pr, double *restrict t, double *restrict a)
{
  for (PetscInt q = 0; q < n; q++) {
    double out[4];
    a[q]  = rsl_swe_face(lh[q], lun[q], lut[q], lz[q], rh[q], run[q], rut[q], rz[q], g, out);
    m[q]  = out[0];
    pl[q] = out[1];
    pr[q] = out[2];
    t[q]  = out[3];
  }
}

/* Faces q = 0..n-1 of a row, between cell kl+q of row bl (face values l) and cell kr+q of row
 * br (face values r); (il, jl), (ir, jr): global indices of cells kl and kr. A first pass
 * treats every face as joining two active cells, a second redoes those that do not (boundary
 * conditions, in face order). Returns the max wave speed. */
static double Faces(Ctx *c, const Row *bl, const Side *l, PetscInt kl, PetscInt il, PetscInt jl, const Row *br, const Side *r, PetscInt kr, PetscInt ir, PetscInt jr, PetscInt n, int alongx, double t, double len, const Flux *f)
{
  double amax = 0;

  PlainFacesLoop(n, c->g, l->h + kl, l->un + kl, l->ut + kl, l->z + kl, r->h + kr, r->un + kr, r->ut + kr, r->z + kr, f->m, f->pl, f->pr, f->t, f->a);
  for (PetscInt q = 0; q < n; q++) {
    int aa = bl->act[kl + q], ab = br->act[kr + q];
    if (!(aa && ab)) {
      double fa[4], fb[4], out[4];
      Get(l, kl + q, fa);
      Get(r, kr + q, fb);
      f->a[q]  = EdgeFace(c, il + q, jl, aa, fa, ir + q, jr, ab, fb, alongx, t, len, out);
      f->m[q]  = out[0];
      f->pl[q] = out[1];
      f->pr[q] = out[2];
      f->t[q]  = out[3];
    }
    amax = f->a[q] > amax ? f->a[q] : amax;
  }
  return amax;
}

/* x faces of row j, between cells xs-1+q and xs+q for q = 0..xm. */
static double FacesX(Ctx *c, PetscInt j, double t, double len, const Flux *fx)
{
  const Row *b = RowOf(c, j);
  return Faces(c, b, &b->xp, 1, c->xs - 1, j, b, &b->xm, 2, c->xs, j, c->w - 3, 1, t, len, fx);
}

/* y faces between rows j and j+1 at the owned columns. */
static double FacesY(Ctx *c, PetscInt j, double t, double len, const Flux *fy)
{
  const Row *b = RowOf(c, j), *p = RowOf(c, j + 1);
  return Faces(c, b, &b->yp, 2, c->xs, j, p, &p->ym, 2, c->xs, j + 1, c->w - 4, 0, t, len, fy);
}

/* Carve the row ring and the flux rows out of one allocation. At first order the face values
 * are the primitive values themselves (views, nothing copied). */
static PetscErrorCode SetUpBuffers(Ctx *c, PetscInt xm, double **work, char **flags, Flux *fx, Flux *fy0, Flux *fy1)
{
  PetscInt w = c->w, nrow = c->o2 ? 21 : 5, n = 4 * nrow * w + 5 * (xm + 1) + 10 * xm;
  double  *p;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(n, work, 4 * w, flags));
  p = *work;
#define TAKE(ptr, len) (ptr = p, p += (len))
  for (int s = 0; s < 4; s++) {
    Row *b = &c->row[s];
    b->act = *flags + s * w;
    TAKE(b->wet, w), TAKE(b->h, w), TAKE(b->u, w), TAKE(b->v, w), TAKE(b->z, w);
    if (c->o2) {
      Side *sd[4] = {&b->xm, &b->xp, &b->ym, &b->yp};
      for (int q = 0; q < 4; q++) TAKE(sd[q]->h, w), TAKE(sd[q]->un, w), TAKE(sd[q]->ut, w), TAKE(sd[q]->z, w);
    } else {
      b->xm = b->xp = (Side){b->h, b->u, b->v, b->z};
      b->ym = b->yp = (Side){b->h, b->v, b->u, b->z};
    }
  }
  TAKE(fx->m, xm + 1), TAKE(fx->pl, xm + 1), TAKE(fx->pr, xm + 1), TAKE(fx->t, xm + 1), TAKE(fx->a, xm + 1);
  TAKE(fy0->m, xm), TAKE(fy0->pl, xm), TAKE(fy0->pr, xm), TAKE(fy0->t, xm), TAKE(fy0->a, xm);
  TAKE(fy1->m, xm), TAKE(fy1->pl, xm), TAKE(fy1->pr, xm), TAKE(fy1->t, xm), TAKE(fy1->a, xm);
#undef TAKE
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEResidual(RslSWE swe, Vec U, PetscReal t, double *ax, double *ay)
{
  RslGrid      *g = swe->grid;
  Ctx           c;
  RslSWEField **R;
  Flux          fx = {0}, fya = {0}, fyb = {0}, *fys = &fya, *fyn = &fyb;
  double       *work, axl = 0, ayl = 0, a;
  char         *flags;
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
  c.w    = xm + 4;
  PetscCall(DMDAVecGetArrayRead(g->da, swe->Uloc, (void *)&c.U));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->zloc, (void *)&c.z));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->actloc, (void *)&c.act));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->nmanloc, (void *)&c.n));
  PetscCall(DMDAVecGetArray(g->da, swe->R, &R));
  PetscCall(SetUpBuffers(&c, xm, &work, &flags, &fx, &fya, &fyb));
  for (int s = 0; s < RSL_NSIDES; s++) swe->bflux[s] = swe->bflux_in[s] = 0;

  /* row j needs the y-face values of rows j and j+1, which need the primitive values of rows
   * j-1 .. j+2: the ring holds those four */
  for (PetscInt r = ys - 2; r < ys + 2; r++) LoadRow(&c, r);
  if (c.o2) LoadRowY(&c, ys - 1), LoadRowY(&c, ys);
  ayl = FacesY(&c, ys - 1, t, g->dx, fys);
  for (PetscInt j = ys; j < ys + ym; j++) {
    const Row *b = RowOf(&c, j);
    LoadRow(&c, j + 2);
    if (c.o2) LoadRowY(&c, j + 1);
    a   = FacesX(&c, j, t, g->dy, &fx);
    axl = a > axl ? a : axl;
    a   = FacesY(&c, j, t, g->dx, fyn);
    ayl = a > ayl ? a : ayl;
    for (PetscInt i = xs; i < xs + xm; i++) {
      PetscInt k = i - xs + 2, f = i - xs;
      if (!b->act[k]) {
        R[j][i].h = R[j][i].hu = R[j][i].hv = 0;
        continue;
      }
      double sx = 0, sy = 0;
      if (c.o2) {
        sx = rsl_swe_centred_source(b->xm.h[k], b->xm.z[k], b->xp.h[k], b->xp.z[k], c.g);
        sy = rsl_swe_centred_source(b->ym.h[k], b->ym.z[k], b->yp.h[k], b->yp.z[k], c.g);
      }
      R[j][i].h  = -(fx.m[f + 1] - fx.m[f]) * idx - (fyn->m[f] - fys->m[f]) * idy;
      R[j][i].hu = -(fx.pl[f + 1] - fx.pr[f] - sx) * idx - (fyn->t[f] - fys->t[f]) * idy;
      R[j][i].hv = -(fx.t[f + 1] - fx.t[f]) * idx - (fyn->pl[f] - fys->pr[f] - sy) * idy;
    }
    Flux *tmp = fys;
    fys       = fyn;
    fyn       = tmp;
  }
  PetscCall(PetscFree2(work, flags));
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
