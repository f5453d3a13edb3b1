/* -grid_balance active: ownership ranges that give every rank about the same number of
 * active cells, for domains that are mostly sea or outside the territory (a coastline).
 *
 * A DMDA layout is rectilinear: m column cuts and n row cuts shared by all ranks. Balancing
 * the column and row marginals separately is not enough (on a coastline the block loads of
 * a 2 x 2 layout differ by 2x), so the layout is chosen as in rectilinear partitioning
 * (Nicol, J. Parallel Distrib. Comput. 23, 1994; Manne & Sorevik 1996): with the column cuts
 * fixed, the row cuts minimising the largest block load are found by bisection on that load
 * (a greedy probe decides whether a bound is feasible), then the roles swap, a few times;
 * every factorisation m x n of the rank count is tried and the least loaded one kept.
 * The loads are integer counts on a coarse histogram of active cells (at most RSL_BAL_BINS
 * bins per direction, summed over ranks), so every rank computes the same layout. */
#include "grid/balance.h"
#include <petscdmda.h>

#define RSL_BAL_BINS 1024
#define RSL_BAL_ROUNDS 6

typedef struct {
  PetscInt  nb[2];   /* bins along x (0) and y (1) */
  PetscInt *edge[2]; /* bin k of direction d covers cells [edge[d][k], edge[d][k+1]) */
  int64_t  *h;       /* active cells of bin (kx, ky) at h[ky * nb[0] + kx] */
  PetscInt  sw;      /* smallest range, cells (the DMDA stencil width) */
} Hist;

/* Load of every (strip of the other direction, bin of direction d): L[s * nb[d] + k]. */
static void StripLoads(const Hist *H, int d, PetscInt nstrip, const PetscInt *cut, int64_t *L)
{
  PetscInt nb = H->nb[d], no = H->nb[1 - d];
  for (PetscInt s = 0; s < nstrip; s++)
    for (PetscInt k = 0; k < nb; k++) {
      int64_t sum = 0;
      for (PetscInt o = cut[s]; o < cut[s + 1]; o++) sum += d == 0 ? H->h[o * nb + k] : H->h[k * no + o];
      L[s * nb + k] = sum;
    }
}

/* Greedy probe: cuts of direction d (bin indices, cut[0] = 0 ... cut[p] = nb) such that no
 * block load exceeds B; PETSC_FALSE when p ranges of at least sw cells cannot do it. */
static PetscBool Probe(const Hist *H, int d, PetscInt nstrip, const int64_t *L, int64_t B, PetscInt p, PetscInt *cut, int64_t *cur)
{
  PetscInt nb = H->nb[d], np = 0;
  const PetscInt *e = H->edge[d];

  for (PetscInt s = 0; s < nstrip; s++) cur[s] = 0;
  cut[0] = 0;
  for (PetscInt k = 0; k < nb; k++) {
    PetscBool over = PETSC_FALSE;
    for (PetscInt s = 0; s < nstrip; s++) over = over || cur[s] + L[s * nb + k] > B;
    if (over) { /* close the range before bin k */
      if (e[k] - e[cut[np]] < H->sw || np + 1 >= p) return PETSC_FALSE;
      cut[++np] = k;
      for (PetscInt s = 0; s < nstrip; s++) cur[s] = 0;
    }
    for (PetscInt s = 0; s < nstrip; s++) {
      cur[s] += L[s * nb + k];
      if (cur[s] > B) return PETSC_FALSE; /* one bin alone is over the bound */
    }
  }
  if (e[nb] - e[cut[np]] < H->sw) return PETSC_FALSE;
  cut[++np] = nb;
  /* fewer ranges than ranks: split the widest ones (loads only decrease) */
  while (np < p) {
    PetscInt w = -1, wid = 0;
    for (PetscInt r = 0; r < np; r++)
      if (e[cut[r + 1]] - e[cut[r]] > wid && cut[r + 1] - cut[r] >= 2) {
        wid = e[cut[r + 1]] - e[cut[r]];
        w   = r;
      }
    if (w < 0) return PETSC_FALSE;
    PetscInt mid = cut[w] + (cut[w + 1] - cut[w]) / 2;
    if (e[mid] - e[cut[w]] < H->sw || e[cut[w + 1]] - e[mid] < H->sw) return PETSC_FALSE;
    for (PetscInt r = np; r > w; r--) cut[r + 1] = cut[r];
    cut[w + 1] = mid;
    np++;
  }
  return PETSC_TRUE;
}

/* The cuts of direction d (p ranges) minimising the largest block load, the other
 * direction's nstrip strips fixed; PETSC_FALSE (cuts unchanged) when no cut is feasible. */
static PetscErrorCode OptimiseCuts(const Hist *H, int d, PetscInt nstrip, const PetscInt *other, PetscInt p, PetscInt *cut, PetscBool *ok)
{
  int64_t *L, *cur, lo = 0, hi = 0;
  PetscInt *trial;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(nstrip * H->nb[d], &L, nstrip, &cur, p + 1, &trial));
  StripLoads(H, d, nstrip, other, L);
  for (PetscInt i = 0; i < nstrip * H->nb[d]; i++) hi += L[i];
  *ok = Probe(H, d, nstrip, L, hi, p, trial, cur);
  if (*ok) { /* smallest feasible bound in (lo, hi] */
    while (hi - lo > 1) {
      int64_t B = lo + (hi - lo) / 2;
      if (Probe(H, d, nstrip, L, B, p, trial, cur)) hi = B;
      else lo = B;
    }
    (void)Probe(H, d, nstrip, L, hi, p, cut, cur);
  }
  PetscCall(PetscFree3(L, cur, trial));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int64_t MaxBlock(const Hist *H, PetscInt m, const PetscInt *cx, PetscInt n, const PetscInt *cy)
{
  int64_t worst = 0;
  for (PetscInt a = 0; a < m; a++)
    for (PetscInt b = 0; b < n; b++) {
      int64_t sum = 0;
      for (PetscInt ky = cy[b]; ky < cy[b + 1]; ky++)
        for (PetscInt kx = cx[a]; kx < cx[a + 1]; kx++) sum += H->h[ky * H->nb[0] + kx];
      worst = PetscMax(worst, sum);
    }
  return worst;
}

/* Even cuts in cells (the DMDA's own split), as bin indices of the nearest bin edges. */
static void EvenCuts(const Hist *H, int d, PetscInt p, PetscInt *cut)
{
  PetscInt nb = H->nb[d], k = 0, ncell = H->edge[d][nb];
  cut[0] = 0;
  for (PetscInt r = 1; r < p; r++) {
    PetscInt target = ncell * r / p;
    while (k < nb && H->edge[d][k] < target) k++;
    cut[r] = PetscMax(k, cut[r - 1] + 1);
  }
  cut[p] = nb;
}

/* Best cuts for an m x n layout: alternate row and column optimisation from even cuts,
 * while the largest block load goes down. */
static PetscErrorCode Layout(const Hist *H, PetscInt m, PetscInt n, PetscInt *cx, PetscInt *cy, int64_t *load)
{
  PetscInt *tx, *ty;
  PetscBool ok = PETSC_TRUE;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(m + 1, &tx, n + 1, &ty));
  EvenCuts(H, 0, m, cx);
  EvenCuts(H, 1, n, cy);
  *load = MaxBlock(H, m, cx, n, cy);
  PetscCall(PetscArraycpy(tx, cx, m + 1));
  PetscCall(PetscArraycpy(ty, cy, n + 1));
  for (int round = 0; round < RSL_BAL_ROUNDS && ok; round++) {
    PetscCall(OptimiseCuts(H, 1, m, tx, n, ty, &ok));
    if (ok) PetscCall(OptimiseCuts(H, 0, n, ty, m, tx, &ok));
    int64_t now = MaxBlock(H, m, tx, n, ty);
    if (now >= *load) break;
    *load = now;
    PetscCall(PetscArraycpy(cx, tx, m + 1));
    PetscCall(PetscArraycpy(cy, ty, n + 1));
  }
  PetscCall(PetscFree2(tx, ty));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The coarse histogram of active cells, summed over the ranks of g. */
static PetscErrorCode HistCreate(RslGrid *g, Vec z, double nodata, Hist *H)
{
  const PetscScalar **za;
  PetscInt          n[2] = {g->nx, g->ny}, bs[2];

  PetscFunctionBegin;
  H->sw = g->sw;
  for (int d = 0; d < 2; d++) {
    bs[d]    = (n[d] + RSL_BAL_BINS - 1) / RSL_BAL_BINS;
    H->nb[d] = (n[d] + bs[d] - 1) / bs[d];
    PetscCall(PetscMalloc1(H->nb[d] + 1, &H->edge[d]));
    for (PetscInt k = 0; k <= H->nb[d]; k++) H->edge[d][k] = PetscMin(k * bs[d], n[d]);
  }
  PetscCall(PetscCalloc1(H->nb[0] * H->nb[1], &H->h));
  PetscCall(DMDAVecGetArrayRead(g->da1, z, (void *)&za));
  for (PetscInt j = g->ys; j < g->ys + g->ym; j++)
    for (PetscInt i = g->xs; i < g->xs + g->xm; i++)
      if (za[j][i] != nodata) H->h[(j / bs[1]) * H->nb[0] + i / bs[0]]++;
  PetscCall(DMDAVecRestoreArrayRead(g->da1, z, (void *)&za));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, H->h, (PetscMPIInt)(H->nb[0] * H->nb[1]), MPIU_INT64, MPI_SUM, g->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslGridBalance(RslGrid *g, Vec z, double nodata, PetscInt *m, PetscInt *n, PetscInt **lx, PetscInt **ly)
{
  Hist        H;
  PetscMPIInt size;
  PetscInt    px = PETSC_DECIDE, py = PETSC_DECIDE, *cx, *cy, *bx, *by;
  int64_t     best = -1;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(g->comm, &size));
  /* a layout the user imposed (-da_processors_x/_y) is kept; only its cuts are balanced */
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-da_processors_x", &px, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-da_processors_y", &py, NULL));
  PetscCall(HistCreate(g, z, nodata, &H));
  PetscCall(PetscMalloc4(size + 1, &cx, size + 1, &cy, size + 1, &bx, size + 1, &by));
  for (PetscInt a = 1; a <= size; a++) {
    PetscInt b = size / a;
    int64_t  load = 0;
    if (a * b != size || (px > 0 && a != px) || (py > 0 && b != py)) continue;
    if (a > H.nb[0] || b > H.nb[1] || a * g->sw > g->nx || b * g->sw > g->ny) continue;
    PetscCall(Layout(&H, a, b, cx, cy, &load));
    /* the least loaded layout; on a tie, the one with fewer halo cells */
    if (best < 0 || load < best || (load == best && a * g->ny + b * g->nx < *m * g->ny + *n * g->nx)) {
      best = load;
      *m   = a;
      *n   = b;
      PetscCall(PetscArraycpy(bx, cx, a + 1));
      PetscCall(PetscArraycpy(by, cy, b + 1));
    }
  }
  PetscCheck(best >= 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "-grid_balance active: no %d-rank layout fits a %" PetscInt_FMT " x %" PetscInt_FMT " grid", size, g->nx, g->ny);
  PetscCall(PetscMalloc2(*m, lx, *n, ly));
  for (PetscInt a = 0; a < *m; a++) (*lx)[a] = H.edge[0][bx[a + 1]] - H.edge[0][bx[a]];
  for (PetscInt b = 0; b < *n; b++) (*ly)[b] = H.edge[1][by[b + 1]] - H.edge[1][by[b]];
  PetscCall(PetscFree4(cx, cy, bx, by));
  PetscCall(PetscFree(H.edge[0]));
  PetscCall(PetscFree(H.edge[1]));
  PetscCall(PetscFree(H.h));
  PetscFunctionReturn(PETSC_SUCCESS);
}
