/* scenario/landuse: the land-use components of the scenario on a class map (landuse.h). The
 * map is copied onto a DMDA (exact, by a VecScatter from its blocks) so the distance to the
 * urban fabric can grow by halo exchanges (RslLanduseGrow), and copied back. */
#include "scenario/landuse.h"
#include "scenario/scenario_impl.h"
#include <math.h>

#define MAXL 32

struct _p_RslLanduse {
  MPI_Comm    comm;
  RslScenario sc;
  PetscInt    seed;
  PetscInt    urban[MAXL], conv[MAXL], newc[MAXL], sealed[MAXL], desealed;
  PetscInt    nurban, nconv, nnew, nsealed;
  PetscReal   art_ha, des_ha; /* achieved */
};

static PetscLogEvent RSL_Landuse;

PetscErrorCode RslLanduseCreate(MPI_Comm comm, RslLanduse *lu)
{
  PetscFunctionBegin;
  PetscCall(RslLogEventRegister("RslLanduseApply", &RSL_Landuse));
  PetscCall(PetscNew(lu));
  (*lu)->comm     = comm;
  (*lu)->seed     = 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslLanduseSetScenario(RslLanduse lu, RslScenario sc)
{
  PetscFunctionBegin;
  lu->sc = sc;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void SetList(PetscInt *dst, PetscInt *n, const PetscInt *src, PetscInt m)
{
  for (PetscInt k = 0; k < m; k++) dst[k] = src[k];
  *n = m;
}

/* A class-list option (inside PetscOptionsBegin/End): replaces the default list if given. */
static PetscErrorCode ClassList(PetscOptionItems *PetscOptionsObject, const char opt[], const char help[], PetscInt *list, PetscInt *nlist)
{
  PetscInt  tmp[MAXL], n = MAXL;
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(PetscOptionsIntArray(opt, help, "RslLanduseSetFromOptions", tmp, &n, &set));
  if (set) SetList(list, nlist, tmp, n);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslLanduseSetFromOptions(RslLanduse lu)
{
  MPI_Comm          comm = lu->comm;
  const char       *noms[] = {"flair19", "naf"};
  PetscInt          inom = 0;
  static const PetscInt fl_urban[] = {0, 2, 12, 17}, fl_conv[] = {3, 5, 6, 7, 8, 9, 10, 11, 14, 15, 16}, fl_new[] = {0, 2}, fl_sealed[] = {2};
  static const PetscInt nf_urban[] = {1, 3, 4}, nf_conv[] = {5, 8, 9, 10, 11, 12, 13, 14}, nf_new[] = {1, 3}, nf_sealed[] = {3};

  PetscFunctionBegin;
  PetscOptionsBegin(comm, NULL, "Land-use change: class sets and allocation", "scenario");
  PetscCall(PetscOptionsInt("-scenario_seed", "Seed of the allocation", "RslLanduseSetFromOptions", lu->seed, &lu->seed, NULL));
  PetscCall(PetscOptionsEList("-scenario_nomenclature", "Class nomenclature of the map (default class sets)", "RslLanduseSetFromOptions", noms, 2, noms[0], &inom, NULL));
  if (inom == 0) {
    SetList(lu->urban, &lu->nurban, fl_urban, 4), SetList(lu->conv, &lu->nconv, fl_conv, 11), SetList(lu->newc, &lu->nnew, fl_new, 2), SetList(lu->sealed, &lu->nsealed, fl_sealed, 1);
    lu->desealed = 1;
  } else {
    SetList(lu->urban, &lu->nurban, nf_urban, 3), SetList(lu->conv, &lu->nconv, nf_conv, 8), SetList(lu->newc, &lu->nnew, nf_new, 2), SetList(lu->sealed, &lu->nsealed, nf_sealed, 1);
    lu->desealed = 2;
  }
  PetscCall(ClassList(PetscOptionsObject, "-scenario_urban_classes", "Urban fabric classes", lu->urban, &lu->nurban));
  PetscCall(ClassList(PetscOptionsObject, "-scenario_convertible_classes", "Agricultural/natural classes that may be urbanised", lu->conv, &lu->nconv));
  PetscCall(ClassList(PetscOptionsObject, "-scenario_new_classes", "Classes of urbanised pixels", lu->newc, &lu->nnew));
  PetscCall(ClassList(PetscOptionsObject, "-scenario_sealed_classes", "Classes de-sealing removes", lu->sealed, &lu->nsealed));
  PetscCall(PetscOptionsInt("-scenario_desealed_class", "Class of de-sealed pixels", "RslLanduseSetFromOptions", lu->desealed, &lu->desealed, NULL));
  PetscOptionsEnd();

  for (PetscInt k = 0; k < lu->nnew; k++) RSLCHECK(comm, lu->newc[k] >= 0 && lu->newc[k] < 255, "-scenario_new_classes: %" PetscInt_FMT " is not a class 0..254", lu->newc[k]);
  RSLCHECK(comm, lu->nnew > 0, "-scenario_new_classes: empty list");
  RSLCHECK(comm, lu->desealed >= 0 && lu->desealed < 255, "-scenario_desealed_class: %" PetscInt_FMT " is not a class 0..254", lu->desealed);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslLanduseIsActive(RslLanduse lu, PetscBool *active)
{
  PetscFunctionBegin;
  *active = PETSC_FALSE;
  for (PetscInt k = 0; lu->sc && k < lu->sc->n; k++)
    if (lu->sc->c[k]->on && lu->sc->c[k]->ops.landuse) *active = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

uint64_t RslLanduseMix(uint64_t x)
{
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t RslLanduseKey(PetscInt seed, uint64_t stream, uint64_t idx, int bits)
{
  uint64_t low = bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
  return (RslLanduseMix(RslLanduseMix((uint64_t)seed * 0x100000001b3ULL + stream) ^ idx) & ~low) | idx;
}

/* Index bits of a map of npix pixels: 32 up to 2^32 pixels (the keys of every map so far),
 * more beyond, so keys stay unique; the hash keeps the other bits. */
static int IndexBits(double npix)
{
  int b = 32;
  while (b < 63 && npix > ldexp(1.0, b)) b++;
  return b;
}

/* The DMDA's (PETSc) index of each pixel of the block [r0, r0+nr) x [c0, c0+nc) in natural
 * order, computed from the ownership ranges: what DMDAGetAO gives, without an AO holding
 * the whole map's ordering on every rank. */
static PetscErrorCode PetscIndices(DM da, PetscInt c0, PetscInt nc, PetscInt r0, PetscInt nr, PetscInt *idx)
{
  const PetscInt *lx, *ly;
  PetscInt        mp, np, nx, *xs, *ys;

  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(da, NULL, &nx, NULL, NULL, &mp, &np, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetOwnershipRanges(da, &lx, &ly, NULL));
  PetscCall(PetscMalloc2(mp + 1, &xs, np + 1, &ys));
  xs[0] = ys[0] = 0; /* first column / row of each block column / row */
  for (PetscInt p = 0; p < mp; p++) xs[p + 1] = xs[p] + lx[p];
  for (PetscInt p = 0; p < np; p++) ys[p + 1] = ys[p] + ly[p];
  for (PetscInt r = 0, pj = 0; r < nr; r++) {
    PetscInt j = r0 + r;
    while (j >= ys[pj + 1]) pj++;
    for (PetscInt q = 0, pi = 0; q < nc; q++) {
      PetscInt i = c0 + q;
      while (i >= xs[pi + 1]) pi++;
      /* ranks own blocks in row-major block order: the block rows above, then the blocks to the
       * left in this block row, then the pixel's place in its block */
      idx[r * nc + q] = ys[pj] * nx + ly[pj] * xs[pi] + (j - ys[pj]) * lx[pi] + (i - xs[pi]);
    }
  }
  PetscCall(PetscFree2(xs, ys));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslLanduseThreshold(MPI_Comm comm, PetscInt n, const uint64_t *keys, PetscInt64 need, uint64_t *T)
{
  uint64_t lo = 0, hi = UINT64_MAX;

  PetscFunctionBegin;
  while (lo < hi) {
    uint64_t   mid = lo + (hi - lo) / 2;
    PetscInt64 cnt = 0;
    for (PetscInt k = 0; k < n; k++) cnt += keys[k] <= mid;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &cnt, 1, MPIU_INT64, MPI_SUM, comm));
    if (cnt >= need) hi = mid;
    else lo = mid + 1;
  }
  *T = lo;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void Mark(PetscBool set[256], const PetscInt *l, PetscInt n)
{
  for (PetscInt k = 0; k < n; k++)
    if (l[k] >= 0 && l[k] < 256) set[l[k]] = PETSC_TRUE;
}

PetscErrorCode RslLanduseGrow(RslLanduseMap *m, PetscReal ha, PetscReal *done_ha)
{
  DM            da = m->da;
  PetscScalar **c = m->c;
  PetscInt64    need = (PetscInt64)llround(ha / m->pixel_ha);
  Vec           dg, dl;
  PetscScalar **d, **dln;
  PetscInt      xs, ys, xm, ym, mx, my, K = 0;
  PetscInt64    cum = 0, prev = 0;
  uint64_t     *keys, T = 0;
  PetscInt      nk = 0;

  PetscFunctionBegin;
  PetscCall(DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL));
  PetscCall(DMDAGetInfo(da, NULL, &mx, &my, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMCreateGlobalVector(da, &dg));
  PetscCall(DMCreateLocalVector(da, &dl));
  PetscCall(DMDAVecGetArray(da, dg, &d));
  for (PetscInt j = ys; j < ys + ym; j++)
    for (PetscInt i = xs; i < xs + xm; i++) d[j][i] = m->urban[(int)c[j][i]] ? 0 : -1;
  PetscCall(DMDAVecRestoreArray(da, dg, &d));
  /* grow rings of chessboard distance k until they hold `need` convertible pixels */
  for (PetscInt k = 1; cum < need; k++) {
    PetscInt64 cnt[2] = {0, 0}; /* pixels reached, convertible ones */
    PetscCall(DMGlobalToLocal(da, dg, INSERT_VALUES, dl));
    PetscCall(DMDAVecGetArray(da, dg, &d));
    PetscCall(DMDAVecGetArrayRead(da, dl, &dln));
    for (PetscInt j = ys; j < ys + ym; j++)
      for (PetscInt i = xs; i < xs + xm; i++) {
        PetscBool hit = PETSC_FALSE;
        if (d[j][i] >= 0) continue;
        for (PetscInt q = PetscMax(j - 1, 0); q <= PetscMin(j + 1, my - 1) && !hit; q++)
          for (PetscInt p = PetscMax(i - 1, 0); p <= PetscMin(i + 1, mx - 1); p++)
            if (dln[q][p] == k - 1) hit = PETSC_TRUE;
        if (!hit) continue;
        d[j][i] = k;
        cnt[0]++;
        if (m->conv[(int)c[j][i]]) cnt[1]++;
      }
    PetscCall(DMDAVecRestoreArrayRead(da, dl, &dln));
    PetscCall(DMDAVecRestoreArray(da, dg, &d));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, cnt, 2, MPIU_INT64, MPI_SUM, m->comm));
    if (!cnt[0]) break;
    prev = cum;
    cum += cnt[1];
    K = k;
  }
  if (cum < need) {
    PetscCall(VecDestroy(&dg));
    PetscCall(VecDestroy(&dl));
  }
  RSLCHECK(m->comm, cum >= need, "-scenario_artificialise_ha/-scenario_zan: %g ha requested but only %" PetscInt64_FMT " convertible pixels can be reached from the urban fabric%s", (double)ha, cum, K ? "" : " (the map has no urban class)");
  /* last ring: the need - prev pixels of smallest priority */
  PetscCall(DMDAVecGetArray(da, dg, &d));
  PetscCall(PetscMalloc1(xm * ym, &keys));
  for (PetscInt j = ys; j < ys + ym; j++)
    for (PetscInt i = xs; i < xs + xm; i++)
      if (d[j][i] == K && m->conv[(int)c[j][i]]) keys[nk++] = RslLanduseKey(m->seed, 1, (uint64_t)j * m->nx + i, m->idxbits);
  if (need > 0) PetscCall(RslLanduseThreshold(m->comm, nk, keys, need - prev, &T));
  for (PetscInt j = ys; j < ys + ym && need > 0; j++)
    for (PetscInt i = xs; i < xs + xm; i++) {
      uint64_t key = RslLanduseKey(m->seed, 1, (uint64_t)j * m->nx + i, m->idxbits);
      if (!m->conv[(int)c[j][i]] || d[j][i] < 1 || d[j][i] > K || (d[j][i] == K && key > T)) continue;
      c[j][i] = m->newc[(RslLanduseMix(key) >> 40) % (uint64_t)m->nnew];
    }
  PetscCall(DMDAVecRestoreArray(da, dg, &d));
  PetscCall(PetscFree(keys));
  PetscCall(VecDestroy(&dg));
  PetscCall(VecDestroy(&dl));
  *done_ha = need * m->pixel_ha;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslLanduseApply(RslLanduse lu, RslClassMap *map)
{
  MPI_Comm      comm = map->comm;
  Vec           blk, g, gorig;
  IS            isfrom, isto;
  VecScatter    sc;
  PetscInt     *idx, n = map->nc * map->nr, rstart;
  PetscScalar  *b;
  PetscBool     active;
  RslLanduseMap m = {.comm = comm, .nx = map->nx, .pixel_ha = fabs(map->gt[1] * map->gt[5]) / 1e4, .seed = lu->seed, .newc = lu->newc, .nnew = lu->nnew, .desealed = lu->desealed};

  PetscFunctionBegin;
  lu->art_ha = lu->des_ha = 0;
  PetscCall(RslLanduseIsActive(lu, &active));
  if (!active) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscLogEventBegin(RSL_Landuse, 0, 0, 0, 0));
  m.idxbits = IndexBits((double)map->nx * (double)map->ny);
  Mark(m.urban, lu->urban, lu->nurban), Mark(m.conv, lu->conv, lu->nconv), Mark(m.sealed, lu->sealed, lu->nsealed);
  m.urban[255] = m.conv[255] = m.sealed[255] = PETSC_FALSE;
  /* the map's blocks -> a DMDA over the whole map (i = column, j = row from the north) */
  PetscCall(DMDACreate2d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_BOX, map->nx, map->ny, PETSC_DECIDE, PETSC_DECIDE, 1, 1, NULL, NULL, &m.da));
  PetscCall(DMSetUp(m.da));
  PetscCall(DMCreateGlobalVector(m.da, &g));
  PetscCall(VecCreateMPI(comm, n, PETSC_DETERMINE, &blk));
  PetscCall(VecGetOwnershipRange(blk, &rstart, NULL));
  PetscCall(PetscMalloc1(n, &idx));
  PetscCall(VecGetArray(blk, &b));
  for (PetscInt k = 0; k < n; k++) b[k] = map->data[k];
  PetscCall(VecRestoreArray(blk, &b));
  PetscCall(PetscIndices(m.da, map->c0, map->nc, map->r0, map->nr, idx));
  PetscCall(ISCreateGeneral(comm, n, idx, PETSC_OWN_POINTER, &isto));
  PetscCall(ISCreateStride(comm, n, rstart, 1, &isfrom));
  PetscCall(VecScatterCreate(blk, isfrom, g, isto, &sc));
  PetscCall(VecScatterBegin(sc, blk, g, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, blk, g, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecDuplicate(g, &gorig));
  PetscCall(VecCopy(g, gorig));

  /* the components, in registration order, on the same map */
  PetscCall(DMDAVecGetArray(m.da, g, &m.c));
  PetscCall(DMDAVecGetArrayRead(m.da, gorig, &m.orig));
  for (PetscInt k = 0; k < lu->sc->n; k++) {
    RslScenarioComponent c = lu->sc->c[k];
    if (!c->on || !c->ops.landuse) continue;
    PetscCall(c->ops.landuse(c, &m));
    if (c->sealing > 0) lu->art_ha += c->changed_ha;
    else lu->des_ha += c->changed_ha;
  }
  PetscCall(DMDAVecRestoreArrayRead(m.da, gorig, &m.orig));
  PetscCall(DMDAVecRestoreArray(m.da, g, &m.c));

  PetscCall(VecScatterBegin(sc, g, blk, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecScatterEnd(sc, g, blk, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecGetArray(blk, &b));
  for (PetscInt k = 0; k < n; k++) map->data[k] = (unsigned char)b[k];
  PetscCall(VecRestoreArray(blk, &b));
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(ISDestroy(&isfrom));
  PetscCall(ISDestroy(&isto));
  PetscCall(VecDestroy(&blk));
  PetscCall(VecDestroy(&g));
  PetscCall(VecDestroy(&gorig));
  PetscCall(DMDestroy(&m.da));
  PetscCall(PetscLogEventEnd(RSL_Landuse, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslLanduseGetChanges(RslLanduse lu, PetscReal *artificialised_ha, PetscReal *desealed_ha)
{
  PetscFunctionBegin;
  if (artificialised_ha) *artificialised_ha = lu->art_ha;
  if (desealed_ha) *desealed_ha = lu->des_ha;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslLanduseView(RslLanduse lu, PetscViewer viewer)
{
  PetscBool active;

  PetscFunctionBegin;
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(lu->comm, &viewer));
  PetscCall(RslLanduseIsActive(lu, &active));
  if (!active) PetscCall(PetscViewerASCIIPrintf(viewer, "Land use: unchanged\n"));
  else PetscCall(PetscViewerASCIIPrintf(viewer, "Land use: %.6g ha artificialised, %.6g ha de-sealed, seed %" PetscInt_FMT "\n", (double)lu->art_ha, (double)lu->des_ha, lu->seed));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslLanduseDestroy(RslLanduse *lu)
{
  PetscFunctionBegin;
  if (!*lu) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree(*lu));
  PetscFunctionReturn(PETSC_SUCCESS);
}
