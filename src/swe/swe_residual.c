/* The finite-volume residual L(U): one pass over the owned rows. Each row of cells is turned
 * once into row buffers — active flags, primitive values (h, u, v, z) and, at second order,
 * MUSCL face values — so velocities and reconstructions are computed once per cell, not once
 * per face side. x-face fluxes of the row go to a buffer, y-face fluxes roll from one row to
 * the next, so every face is computed once per rank and identically on every rank that needs
 * it (decomposition independence). A row of faces is first computed as plain fluxes in a
 * vectorized loop; the faces that do not join two active cells are then redone through the
 * boundary conditions. */
#include "swe/swe_impl.h"
#include "kernels/swe_cell.h"

/* Face values {h, un, ut, z} of a row of cells towards one side, as structure of arrays. */
typedef struct {
  double *h, *un, *ut, *z;
} Side;

/* One buffered row of cells, columns xs-2 .. xe+1 at index i - xs + 2. */
typedef struct {
  char  *act;            /* active */
  double *wet;           /* 1 when active with h > hdry, else 0 */
  double *ext;           /* 1 when inactive (outside the domain or nodata), else 0 */
  double *h, *u, *v, *z; /* primitive values */
  Side   xm, xp, ym, yp; /* face values towards west, east, south, north */
  PetscInt k0, k1;       /* active owned cells: buffer indices [k0, k1) (k0 = k1: none) */
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
  const double       *fval; /* boundary forcing values at the residual's time */
  PetscBool           o2;
  Row                 row[4]; /* ring of rows: row r in slot (r - ys + 2) % 4 */
} Ctx;

static inline Row *RowOf(Ctx *c, PetscInt r) { return &c->row[(r - c->ys + 2) & 3]; }

/* Cells along a direction: depth, normal and tangential velocities, bed, wet and inactive
 * flags (1/0). */
typedef struct {
  const double *h, *un, *ut, *z, *w, *x;
} Cells;

/* MUSCL face values towards minus (fm*) and plus (fp*) of n cells o from their neighbours m
 * and p along the direction (rsl_swe_muscl_cell: ghost cells for missing neighbours, first
 * order next to dry ones). Branch-free, so the compiler vectorizes it. */
RSL_MULTIVERSION static void MusclLoop(PetscInt n, const double *restrict mh, const double *restrict mun, const double *restrict mut, const double *restrict mz, const double *restrict mw, const double *restrict mx, const double *restrict oh, const double *restrict oun, const double *restrict out, const double *restrict oz, const double *restrict ow, const double *restrict ph, const double *restrict pun, const double *restrict put, const double *restrict pz, const double *restrict pw, const double *restrict px, double *restrict fmh, double *restrict fmun, double *restrict fmut, double *restrict fmz, double *restrict fph, double *restrict fpun, double *restrict fput, double *restrict fpz)
{
  for (PetscInt q = 0; q < n; q++) {
    double fm[4], fp[4];
    double m[6] = {mh[q], mun[q], mut[q], mz[q], mw[q], mx[q]}, o[5] = {oh[q], oun[q], out[q], oz[q], ow[q]}, p[6] = {ph[q], pun[q], put[q], pz[q], pw[q], px[q]};
    rsl_swe_muscl_cell(m, o, p, fm, fp);
    fmh[q]  = fm[0];
    fmun[q] = fm[1];
    fmut[q] = fm[2];
    fmz[q]  = fm[3];
    fph[q]  = fp[0];
    fpun[q] = fp[1];
    fput[q] = fp[2];
    fpz[q]  = fp[3];
  }
}

/* Face values fm, fp at index k0.. of n cells: cell k0+q of o with neighbours km+q of m and
 * kp+q of p. */
static void Muscl(PetscInt n, Cells m, PetscInt km, Cells o, PetscInt ko, Cells p, PetscInt kp, const Side *fm, const Side *fp, PetscInt k0)
{
  MusclLoop(n, m.h + km, m.un + km, m.ut + km, m.z + km, m.w + km, m.x + km, o.h + ko, o.un + ko, o.ut + ko, o.z + ko, o.w + ko, p.h + kp, p.un + kp, p.ut + kp, p.z + kp, p.w + kp, p.x + kp, fm->h + k0, fm->un + k0, fm->ut + k0, fm->z + k0, fp->h + k0, fp->un + k0, fp->ut + k0, fp->z + k0);
}

/* Primitive values and flags of the w cells i0 + k of a row (u: their h, hu, hv; act, z: mask
 * and bed), active when the mask is set and the column is in [0, nx) (nx = 0: a row outside
 * the domain). Branch-free, so the compiler vectorizes it. */
RSL_MULTIVERSION static void LoadRowLoop(PetscInt w, PetscInt i0, PetscInt nx, double hdry, const double *restrict u, const double *restrict act, const double *restrict z, double *restrict wet, double *restrict ext, double *restrict h, double *restrict vu, double *restrict vv, double *restrict zz)
{
  for (PetscInt k = 0; k < w; k++) {
    PetscInt i = i0 + k;
    double   p[6];
    rsl_swe_cell_load((i >= 0) & (i < nx) & (act[k] > 0.5), u[3 * k], u[3 * k + 1], u[3 * k + 2], z[k], hdry, p);
    wet[k] = p[0];
    ext[k] = p[1];
    h[k]   = p[2];
    vu[k]  = p[3];
    vv[k]  = p[4];
    zz[k]  = p[5];
  }
}

/* Flags and primitive values of row r; at second order also its x-face values. */
static void LoadRow(Ctx *c, PetscInt r)
{
  Row     *b  = RowOf(c, r);
  PetscInt i0 = c->xs - 2, w = c->w;
  int      rin = r >= 0 && r < c->ny;

  /* inactive cells read as dry flat zeros: their values never reach a flux, but the plain
   * face pass computes with them (a nodata bed may be NaN); the local arrays hold every
   * column and row read here (stencil width 2), whether inside the domain or not */
  LoadRowLoop(w, i0, rin ? c->nx : 0, c->hdry, &c->U[r][i0].h, &c->act[r][i0], &c->z[r][i0], b->wet, b->ext, b->h, b->u, b->v, b->z);
  for (PetscInt k = 0; k < w; k++) b->act[k] = (char)(b->ext[k] < 0.5);
  b->k0 = b->k1 = 2;
  for (PetscInt k = 2; k < w - 2; k++)
    if (b->act[k]) {
      if (b->k1 == 2) b->k0 = k;
      b->k1 = k + 1;
    }
  if (!c->o2 || r < c->ys || r >= c->ye || b->k0 == b->k1) return;
  /* the faces of the active cells need the face values of cells k0-1 .. k1 */
  Cells x = {b->h, b->u, b->v, b->z, b->wet, b->ext};
  Muscl(b->k1 - b->k0 + 2, x, b->k0 - 2, x, b->k0 - 1, x, b->k0, &b->xm, &b->xp, b->k0 - 1);
}

/* The union of the active spans of rows a and b: [*k0, *k1). */
static void Union(const Row *a, const Row *b, PetscInt *k0, PetscInt *k1)
{
  *k0 = a->k0 == a->k1 ? b->k0 : b->k0 == b->k1 ? a->k0 : PetscMin(a->k0, b->k0);
  *k1 = a->k0 == a->k1 ? b->k1 : b->k0 == b->k1 ? a->k1 : PetscMax(a->k1, b->k1);
}

/* Second order: y-face values of row r (owned columns) from rows r-1, r, r+1. */
static void LoadRowY(Ctx *c, PetscInt r)
{
  Row     *m = RowOf(c, r - 1), *b = RowOf(c, r), *p = RowOf(c, r + 1);
  Row      mb;
  PetscInt k0, k1;

  /* the y faces of rows r-1 | r and r | r+1 where a cell is active */
  Union(m, b, &mb.k0, &mb.k1);
  Union(&mb, p, &k0, &k1);
  if (k0 == k1) return;
  Muscl(k1 - k0, (Cells){m->h, m->v, m->u, m->z, m->wet, m->ext}, k0, (Cells){b->h, b->v, b->u, b->z, b->wet, b->ext}, k0, (Cells){p->h, p->v, p->u, p->z, p->wet, p->ext}, k0, &b->ym, &b->yp, k0);
}

/* Face between cell a (negative side, face value fa when active) and cell b (positive side,
 * fb) along x or y, with at most one of them active. Accounts boundary discharge (m3/s). */
static double EdgeFace(Ctx *c, PetscInt ia, PetscInt ja, int aa, const double fa[4], PetscInt ib, PetscInt jb, int ab, const double fb[4], double dzg, int alongx, double len, double out[4])
{
  RslSWE swe = c->swe;

  out[0] = out[1] = out[2] = out[3] = 0.0;
  if (!aa && !ab) return 0.0;
  PetscInt ii = aa ? ia : ib, jj = aa ? ja : jb, io = aa ? ib : ia, jo = aa ? jb : ja;
  double   nout = aa ? 1.0 : -1.0;
  int      side = rsl_swe_edge_side((int)io, (int)jo, (int)c->nx, (int)c->ny, alongx, aa);
  PetscInt k = alongx ? jj : ii, forcing = side < 4 ? swe->side[side].forcing[k] : -1;
  double   a = rsl_swe_boundary_face(side < 4 ? swe->side[side].type[k] : swe->nodata_bc, aa ? fa : fb, dzg, nout, c->hdry, c->g, c->n[jj][ii], side < 4 ? swe->slope[side] : 0.0, forcing >= 0 ? c->fval[forcing] : 0.0, out);
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
 * br (face values r); (il, jl), (ir, jr): global indices of cells kl and kr; ol, orr: the rows
 * of the cells beyond kl and kr (kol + q, kor + q). A first pass treats every face as joining two
 * active cells, a second redoes those that do not (boundary conditions, in face order). */
static void Faces(Ctx *c, const Row *bl, const Side *l, PetscInt kl, PetscInt il, PetscInt jl, const Row *br, const Side *r, PetscInt kr, PetscInt ir, PetscInt jr, const Row *ol, PetscInt kol, const Row *orr, PetscInt kor, PetscInt n, int alongx, double len, const Flux *f)
{
  PlainFacesLoop(n, c->g, l->h + kl, l->un + kl, l->ut + kl, l->z + kl, r->h + kr, r->un + kr, r->ut + kr, r->z + kr, f->m, f->pl, f->pr, f->t, f->a);
  const char *la = bl->act + kl, *ra = br->act + kr; /* locals: the stores below cannot alias them */
  for (PetscInt q = 0; q < n; q++) {
    int aa = la[q], ab = ra[q];
    if (!(aa && ab)) {
      double fa[4], fb[4], out[4];
      Get(l, kl + q, fa);
      Get(r, kr + q, fb);
      /* first order: the bed step to a ghost cell continuing the interior slope outwards */
      double dzg = 0;
      if (!c->o2 && aa && ol->act[kol + q]) dzg = rsl_swe_ghost_step(bl->z[kl + q], ol->z[kol + q]);
      if (!c->o2 && ab && orr->act[kor + q]) dzg = rsl_swe_ghost_step(br->z[kr + q], orr->z[kor + q]);
      f->a[q]  = EdgeFace(c, il + q, jl, aa, fa, ir + q, jr, ab, fb, dzg, alongx, len, out);
      f->m[q]  = out[0];
      f->pl[q] = out[1];
      f->pr[q] = out[2];
      f->t[q]  = out[3];
    }
  }
}

/* The flux rows from face q0 on. */
static Flux Shift(const Flux *f, PetscInt q0) { return (Flux){f->m + q0, f->pl + q0, f->pr + q0, f->t + q0, f->a + q0}; }

/* x faces of row j, between cells xs-1+q and xs+q (q = 0..xm): those of its active cells,
 * q = k0-2 .. k1-2 (the others join two inactive cells and no residual reads them). */
static void FacesX(Ctx *c, PetscInt j, double len, const Flux *fx)
{
  const Row *b  = RowOf(c, j);
  PetscInt   q0 = b->k0 - 2;
  Flux       f  = Shift(fx, q0);
  if (b->k0 < b->k1) Faces(c, b, &b->xp, 1 + q0, c->xs - 1 + q0, j, b, &b->xm, 2 + q0, c->xs + q0, j, b, q0, b, 3 + q0, b->k1 - b->k0 + 1, 1, len, &f);
}

/* y faces between rows j and j+1 at the owned columns where a cell of either row is active. */
static void FacesY(Ctx *c, PetscInt j, double len, const Flux *fy)
{
  const Row *b = RowOf(c, j), *p = RowOf(c, j + 1);
  PetscInt   k0, k1;
  Union(b, p, &k0, &k1);
  Flux f = Shift(fy, k0 - 2);
  if (k0 < k1) Faces(c, b, &b->yp, k0, c->xs + k0 - 2, j, p, &p->ym, k0, c->xs + k0 - 2, j + 1, RowOf(c, j - 1), k0, RowOf(c, j + 2), k0, k1 - k0, 0, len, &f);
}

/* Residual and CFL rate of the n owned cells of a row (k = q + 2 in the row buffers): flux
 * differences of the x faces fx (q, q+1) and y faces fs (south) and fn (north), and the
 * well-balanced centred sources of the face values (exactly 0 at first order, where the face
 * values are the cell's own). Inactive cells get 0 through the mask (their fluxes are finite).
 * Branch-free, so the compiler vectorizes it. */
RSL_MULTIVERSION static void RowResidual(PetscInt n, double g, double idx, double idy, const double *restrict ext, const double *restrict xmh, const double *restrict xmz, const double *restrict xph, const double *restrict xpz, const double *restrict ymh, const double *restrict ymz, const double *restrict yph, const double *restrict ypz, const double *restrict xm_, const double *restrict xpl, const double *restrict xpr, const double *restrict xt, const double *restrict xa, const double *restrict sm, const double *restrict spr, const double *restrict st, const double *restrict sa, const double *restrict nm, const double *restrict npl, const double *restrict nt, const double *restrict na, double *restrict R, double *restrict rate)
{
  for (PetscInt q = 0; q < n; q++) {
    PetscInt k = q + 2;
    rate[q]    = rsl_swe_cell_residual(1.0 - ext[k], g, idx, idy, xmh[k], xmz[k], xph[k], xpz[k], ymh[k], ymz[k], yph[k], ypz[k], xm_[q], xpr[q], xt[q], xa[q], xm_[q + 1], xpl[q + 1], xt[q + 1], xa[q + 1], sm[q], spr[q], st[q], sa[q], nm[q], npl[q], nt[q], na[q], R + 3 * q);
  }
}

/* Carve the row ring and the flux rows out of one allocation. At first order the face values
 * are the primitive values themselves (views, nothing copied). */
static PetscErrorCode SetUpBuffers(Ctx *c, PetscInt xm, double **work, char **flags, Flux *fx, Flux *fy0, Flux *fy1, double **rate)
{
  PetscInt w = c->w, nrow = c->o2 ? 22 : 6, n = 4 * nrow * w + 5 * (xm + 1) + 11 * xm;
  double  *p;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(n, work, 4 * w, flags));
  p = *work;
#define TAKE(ptr, len) (ptr = p, p += (len))
  for (int s = 0; s < 4; s++) {
    Row *b = &c->row[s];
    b->act = *flags + s * w;
    TAKE(b->wet, w), TAKE(b->ext, w), TAKE(b->h, w), TAKE(b->u, w), TAKE(b->v, w), TAKE(b->z, w);
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
  TAKE(*rate, xm);
#undef TAKE
  PetscFunctionReturn(PETSC_SUCCESS);
}

void RslSWEForcingValues(RslSWE swe, PetscReal t, double *fval)
{
  for (PetscInt k = 0; k < swe->nforcing; k++) fval[k] = RslSeriesEval(&swe->forcing[k], t);
}

PetscErrorCode RslSWEResidualCPU(RslSWE swe, RslSWESlot U, PetscReal t, double *rate, PetscInt *cell)
{
  RslGrid      *g = swe->grid;
  Ctx           c;
  RslSWEField **R;
  Flux          fx = {0}, fya = {0}, fyb = {0}, *fys = &fya, *fyn = &fyb;
  double       *work, rmax = 0, *crate = NULL, *fval;
  PetscInt      cmax = -1;
  char         *flags;
  const double  idx = 1.0 / g->dx, idy = 1.0 / g->dy;
  PetscInt      xs = g->xs, ys = g->ys, xm = g->xm, ym = g->ym;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(swe->ev_halo, 0, 0, 0, 0));
  PetscCall(DMGlobalToLocal(g->da, RslSWESlotVec(swe, U), INSERT_VALUES, swe->Uloc));
  PetscCall(PetscLogEventEnd(swe->ev_halo, 0, 0, 0, 0));
  PetscCall(RslSWEWorkBegin(swe, swe->ev_flux));
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
  PetscCall(PetscMalloc1(swe->nforcing, &fval));
  RslSWEForcingValues(swe, t, fval);
  c.fval = fval;
  PetscCall(DMDAVecGetArrayRead(g->da, swe->Uloc, (void *)&c.U));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->zloc, (void *)&c.z));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->actloc, (void *)&c.act));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->nmanloc, (void *)&c.n));
  PetscCall(DMDAVecGetArray(g->da, swe->R, &R));
  PetscCall(SetUpBuffers(&c, xm, &work, &flags, &fx, &fya, &fyb, &crate));
  for (int s = 0; s < RSL_NSIDES; s++) swe->bflux[s] = swe->bflux_in[s] = 0;

  /* row j needs the y-face values of rows j and j+1, which need the primitive values of rows
   * j-1 .. j+2: the ring holds those four */
  for (PetscInt r = ys - 2; r < ys + 2; r++) LoadRow(&c, r);
  if (c.o2) LoadRowY(&c, ys - 1), LoadRowY(&c, ys);
  FacesY(&c, ys - 1, g->dx, fys);
  for (PetscInt j = ys; j < ys + ym; j++) {
    const Row *b = RowOf(&c, j);
    LoadRow(&c, j + 2);
    if (c.o2) LoadRowY(&c, j + 1);
    FacesX(&c, j, g->dy, &fx);
    FacesY(&c, j, g->dx, fyn);
    /* the active span of the row, q = s .. s+n-1; an inactive cell's residual and rate are 0 */
    PetscInt s = b->k0 - 2, n = b->k1 - b->k0;
    RowResidual(n, c.g, idx, idy, b->ext + s, b->xm.h + s, b->xm.z + s, b->xp.h + s, b->xp.z + s, b->ym.h + s, b->ym.z + s, b->yp.h + s, b->yp.z + s, fx.m + s, fx.pl + s, fx.pr + s, fx.t + s, fx.a + s, fys->m + s, fys->pr + s, fys->t + s, fys->a + s, fyn->m + s, fyn->pl + s, fyn->t + s, fyn->a + s, &R[j][xs + s].h, crate + s);
    PetscCall(PetscArrayzero(&R[j][xs].h, 3 * s));
    PetscCall(PetscArrayzero(&R[j][xs + s + n].h, 3 * (xm - s - n)));
    PetscCall(PetscArrayzero(crate, s));
    PetscCall(PetscArrayzero(crate + s + n, xm - s - n));
    double rrow = 0;
    for (PetscInt q = 0; q < xm; q++) rrow = crate[q] > rrow ? crate[q] : rrow;
    if (rrow > rmax) /* the first cell in global order with the largest rate (rows come in order) */
      for (PetscInt q = 0; q < xm; q++)
        if (crate[q] == rrow) {
          rmax = rrow, cmax = j * g->nx + xs + q;
          break;
        }
    Flux *tmp = fys;
    fys       = fyn;
    fyn       = tmp;
  }
  PetscCall(PetscFree2(work, flags));
  PetscCall(PetscFree(fval));
  PetscCall(DMDAVecRestoreArray(g->da, swe->R, &R));
  PetscCall(DMDAVecRestoreArrayRead(g->da, swe->Uloc, (void *)&c.U));
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->zloc, (void *)&c.z));
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->actloc, (void *)&c.act));
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->nmanloc, (void *)&c.n));
  PetscCall(PetscLogFlops(120.0 * xm * ym * (swe->order == 2 ? 2 : 1)));
  PetscCall(RslSWEWorkEnd(swe, swe->ev_flux));
  *rate = rmax;
  *cell = cmax;
  PetscFunctionReturn(PETSC_SUCCESS);
}
