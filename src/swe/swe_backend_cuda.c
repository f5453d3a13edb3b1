/* -swe_backend cuda: the state, the per-cell records and the losses' state live on the
 * device (one per rank, core/gpu.h); kernels/swe.cu runs the cell work with the very functions
 * the CPU sweeps call. Halos go through the DMDA with host staging: the owned block is copied
 * down, DMGlobalToLocal runs on the host, the ghosted block is copied up (CUDA-aware MPI is not
 * used). The time step (largest rate and its cell) and the budget terms (boundary discharge per
 * side, rain and losses) are reduced on the device in the CPU's order, then over ranks as the
 * CPU does. Host readers (outputs, gauges, checkpoints) get the Vecs through the download op.
 * The same host side with host memory and swe_cells_host.c's loops is -swe_backend cudasim,
 * which runs here. The CUDA device table is compiled when the build has CUDA; it is never run
 * on the development machines (no GPU). */
#include "swe/swe_impl.h"
#include "core/gpu.h"
#include "kernels/swe_cuda.h"
#include <stdlib.h>
#include <string.h>
#if defined(RSL_HAVE_CUDA)
  #include <cuda_runtime_api.h>
#endif

/* Where the block lives and what runs on it: the GPU (kernels/swe.cu) or, for tests, host
 * memory and the same per-cell functions in loops (swe_cells_host.c). Calls return 0 or an
 * error code that error() names. */
typedef struct {
  const char *name;
  int (*alloc)(void **p, size_t bytes);
  int (*release)(void *p);
  int (*copy)(void *dst, const void *src, size_t bytes, int up); /* up: host to device */
  int (*zero)(void *p, size_t bytes);
  const char *(*error)(int e);
  int (*reduce_work)(void);
  int (*residual)(RSL_SWE_RESIDUAL_ARGS);
  int (*min_depth)(RSL_SWE_MIN_DEPTH_ARGS);
  int (*stage)(RSL_SWE_STAGE_ARGS);
  int (*losses)(RSL_SWE_LOSSES_ARGS);
} Device;

#if defined(RSL_HAVE_CUDA)
static int         CudaAlloc(void **p, size_t n) { return (int)cudaMalloc(p, n); }
static int         CudaRelease(void *p) { return (int)cudaFree(p); }
static int         CudaCopy(void *d, const void *s, size_t n, int up) { return (int)cudaMemcpy(d, s, n, up ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost); }
static int         CudaZero(void *p, size_t n) { return (int)cudaMemset(p, 0, n); }
static const char *CudaError(int e) { return cudaGetErrorString((cudaError_t)e); }
static const Device Cuda_ = {"CUDA", CudaAlloc, CudaRelease, CudaCopy, CudaZero, CudaError, rsl_cuda_swe_reduce_work, rsl_cuda_swe_residual, rsl_cuda_swe_min_depth, rsl_cuda_swe_stage, rsl_cuda_swe_losses};
#endif
static int         HostAlloc(void **p, size_t n) { return !(*p = malloc(n)); }
static int         HostRelease(void *p) { return free(p), 0; }
static int         HostCopy(void *d, const void *s, size_t n, int up) { return (void)up, memcpy(d, s, n), 0; }
static int         HostZero(void *p, size_t n) { return memset(p, 0, n), 0; }
static const char *HostError(int e) { return e ? "out of memory" : "no error"; }
static int         HostWork(void) { return 1; }
static const Device Host_ = {"cudasim", HostAlloc, HostRelease, HostCopy, HostZero, HostError, HostWork, rsl_host_swe_residual, rsl_host_swe_min_depth, rsl_host_swe_stage, rsl_host_swe_losses};

#define DEVCALL(dev, call) \
  do { \
    int e_ = (call); \
    PetscCheck(!e_, PETSC_COMM_SELF, PETSC_ERR_LIB, "%s: %s: %s", (dev)->name, #call, (dev)->error(e_)); \
  } while (0)

/* Per-cell device arrays copied from / to a host Vec of the same layout. */
enum { D_ACT, D_N, D_RAIN, D_HMAX, D_SMAX, D_QMAX, D_TARR, D_TUP, D_DUR, D_F, D_IA, D_IMP, D_KS, D_S, D_REMOVED, D_NCELL };

typedef struct {
  const Device      *dev;
  RslSweBlock        b;
  int                ncell, nbface;
  double            *U[2], *R, *Ul, *zl, *actl, *nl, *rate, *bq, *bsum, *fval, *dh, *hmin, *rowsum;
  double            *cell[D_NCELL];
  int               *type[4], *forcing[4], *bface, *bside, *srccell;
  RslSweArgmax      *work, *best;
  unsigned long long *neg;
  double            *host; /* rows (ym) or removed depths (ncell) */
  PetscInt           rain_version; /* of the device copy of the rain field */
} Block;

static PetscErrorCode Copy(const Device *dev, void *dst, const void *src, size_t bytes, int up)
{
  PetscFunctionBegin;
  if (bytes) DEVCALL(dev, dev->copy(dst, src, bytes, up));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A host Vec and a per-cell device array of the same layout: up copies the Vec to d. */
static PetscErrorCode VecTransfer(const Device *dev, Vec v, double *d, int up)
{
  PetscScalar *a;
  PetscInt     n;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(v, &n));
  PetscCall(VecGetArray(v, &a));
  PetscCall(up ? Copy(dev, d, a, (size_t)n * sizeof(double), 1) : Copy(dev, a, d, (size_t)n * sizeof(double), 0));
  PetscCall(VecRestoreArray(v, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Alloc(const Device *dev, void *p, size_t bytes)
{
  PetscFunctionBegin;
  DEVCALL(dev, dev->alloc((void **)p, bytes ? bytes : 1));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The boundary faces whose interior cell is owned, in the order the CPU residual meets them
 * (swe_residual.c: the y faces below row ys, then per row its x faces and the y faces above
 * it), as slots 4 c + {W, E, S, N} of bq and their sides. */
static PetscErrorCode BoundaryList(RslSWE swe, Block *d)
{
  RslGrid            *g = swe->grid;
  const PetscScalar **act;
  int                 n = 0, cap = 4 * d->ncell + 4, *slot, *side;
  const int           xs = (int)g->xs, xe = (int)(g->xs + g->xm), ys = (int)g->ys, ye = (int)(g->ys + g->ym), xm = (int)g->xm;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(cap, &slot, cap, &side));
  PetscCall(DMDAVecGetArrayRead(g->da1, swe->actloc, (void *)&act));
  #define ACTIVE(i, j) ((i) >= 0 && (i) < g->nx && (j) >= 0 && (j) < g->ny && act[j][i] > 0.5)
  #define ADD(i, j, d_, io, jo, alongx, aa) (slot[n] = 4 * (((j) - ys) * xm + (i) - xs) + (d_), side[n++] = rsl_swe_edge_side(io, jo, (int)g->nx, (int)g->ny, alongx, aa))
  for (int j = ys - 1; j < ye; j++) {
    if (j >= ys)
      for (int i = xs; i <= xe; i++) { /* x faces (i-1 | i) */
        int l = ACTIVE(i - 1, j), r = ACTIVE(i, j);
        if (l && !r && i - 1 >= xs) ADD(i - 1, j, RSL_E, i, j, 1, 1);
        if (r && !l && i < xe) ADD(i, j, RSL_W, i - 1, j, 1, 0);
      }
    for (int i = xs; i < xe; i++) { /* y faces (j | j+1) */
      int l = ACTIVE(i, j), r = ACTIVE(i, j + 1);
      if (l && !r && j >= ys) ADD(i, j, RSL_N, i, j + 1, 0, 1);
      if (r && !l && j + 1 < ye) ADD(i, j + 1, RSL_S, i, j, 0, 0);
    }
  }
  #undef ADD
  #undef ACTIVE
  PetscCall(DMDAVecRestoreArrayRead(g->da1, swe->actloc, (void *)&act));
  d->nbface = n;
  PetscCall(Alloc(d->dev, &d->bface, (size_t)n * sizeof(int)));
  PetscCall(Alloc(d->dev, &d->bside, (size_t)n * sizeof(int)));
  PetscCall(Copy(d->dev, d->bface, slot, (size_t)n * sizeof(int), 1));
  PetscCall(Copy(d->dev, d->bside, side, (size_t)n * sizeof(int), 1));
  PetscCall(PetscFree2(slot, side));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Boundary types and forcing indices of each side, point-source cells: fixed for the run. */
static PetscErrorCode Tables(RslSWE swe, Block *d)
{
  RslGrid *g = swe->grid;
  int     *t, *f, *sc;

  PetscFunctionBegin;
  for (int s = 0; s < 4; s++) {
    PetscInt nf = s < 2 ? g->ny : g->nx;
    PetscCall(PetscMalloc2(nf, &t, nf, &f));
    for (PetscInt k = 0; k < nf; k++) t[k] = (int)swe->side[s].type[k], f[k] = (int)swe->side[s].forcing[k];
    PetscCall(Alloc(d->dev, &d->type[s], (size_t)nf * sizeof(int)));
    PetscCall(Alloc(d->dev, &d->forcing[s], (size_t)nf * sizeof(int)));
    PetscCall(Copy(d->dev, d->type[s], t, (size_t)nf * sizeof(int), 1));
    PetscCall(Copy(d->dev, d->forcing[s], f, (size_t)nf * sizeof(int), 1));
    PetscCall(PetscFree2(t, f));
    d->b.type[s] = d->type[s], d->b.forcing[s] = d->forcing[s], d->b.slope[s] = swe->slope[s];
  }
  PetscCall(PetscMalloc1(swe->nsrc, &sc));
  for (PetscInt k = 0; k < swe->nsrc; k++) {
    const RslPointSource *p   = &swe->src[k];
    PetscBool             own = p->i >= g->xs && p->i < g->xs + g->xm && p->j >= g->ys && p->j < g->ys + g->ym;
    sc[k]                     = own ? (int)((p->j - g->ys) * g->xm + p->i - g->xs) : -1;
  }
  PetscCall(Alloc(d->dev, &d->srccell, (size_t)swe->nsrc * sizeof(int)));
  PetscCall(Alloc(d->dev, &d->dh, (size_t)swe->nsrc * sizeof(double)));
  PetscCall(Copy(d->dev, d->srccell, sc, (size_t)swe->nsrc * sizeof(int), 1));
  PetscCall(PetscFree(sc));
  PetscCall(Alloc(d->dev, &d->fval, (size_t)swe->nforcing * sizeof(double)));
  d->b.fval = d->fval;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Halo exchange of slot s by host staging; then L(U) on the device. */
static PetscErrorCode Residual(RslSWE swe, RslSWESlot s, PetscReal t, double *rate, PetscInt *cell)
{
  Block        *d = (Block *)swe->be_data;
  Vec           X = RslSWESlotVec(swe, s);
  double        bsum[2 * RSL_NSIDES], *fval;
  RslSweArgmax  best;
  PetscScalar  *a;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(swe->ev_halo, 0, 0, 0, 0));
  PetscCall(VecTransfer(d->dev, X, d->U[s], 0));
  PetscCall(DMGlobalToLocal(swe->grid->da, X, INSERT_VALUES, swe->Uloc));
  PetscCall(VecGetArray(swe->Uloc, &a));
  PetscCall(Copy(d->dev, d->Ul, a, (size_t)3 * d->b.gxm * d->b.gym * sizeof(double), 1));
  PetscCall(VecRestoreArray(swe->Uloc, &a));
  PetscCall(PetscLogEventEnd(swe->ev_halo, 0, 0, 0, 0));
  PetscCall(RslSWEWorkBegin(swe, swe->ev_flux));
  PetscCall(PetscMalloc1(swe->nforcing, &fval));
  RslSWEForcingValues(swe, t, fval);
  PetscCall(Copy(d->dev, d->fval, fval, (size_t)swe->nforcing * sizeof(double), 1));
  PetscCall(PetscFree(fval));
  DEVCALL(d->dev, d->dev->residual(&d->b, d->Ul, d->zl, d->actl, d->nl, d->R, d->rate, d->bq, d->nbface, d->bface, d->bside, d->bsum, d->work, d->best));
  PetscCall(Copy(d->dev, bsum, d->bsum, sizeof bsum, 0));
  PetscCall(Copy(d->dev, &best, d->best, sizeof best, 0));
  for (int k = 0; k < RSL_NSIDES; k++) swe->bflux[k] = bsum[k], swe->bflux_in[k] = bsum[RSL_NSIDES + k];
  *rate = best.r;
  *cell = (PetscInt)best.c;
  PetscCall(RslSWEWorkEnd(swe, swe->ev_flux));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode MinDepth(RslSWE swe, RslSWESlot x, PetscBool avg, PetscReal dt, double *hmin)
{
  Block *d = (Block *)swe->be_data;

  PetscFunctionBegin;
  DEVCALL(d->dev, d->dev->min_depth(d->ncell, d->U[x], d->R, avg ? d->U[RSL_SWE_U] : NULL, d->cell[D_ACT], dt, d->hmin + 1, d->hmin));
  PetscCall(Copy(d->dev, hmin, d->hmin, sizeof(double), 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Stage(RslSWE swe, PetscReal dt, RslSWESlot w, RslSWESlot x, const double *dhsrc, PetscBool final, PetscBool avg)
{
  Block             *d = (Block *)swe->be_data;
  RslGrid           *g = swe->grid;
  unsigned long long neg = 0;
  PetscBool          rain = swe->have_rain;

  PetscFunctionBegin;
  PetscCall(RslSWEWorkBegin(swe, final ? swe->ev_source : swe->ev_update));
  if (rain) { /* the rain field changes at the series' breaks only */
    if (swe->rain_version != d->rain_version) PetscCall(VecTransfer(d->dev, swe->rain, d->cell[D_RAIN], 1));
    d->rain_version = swe->rain_version;
  }
  PetscCall(Copy(d->dev, d->dh, dhsrc, (size_t)swe->nsrc * sizeof(double), 1));
  if (final) DEVCALL(d->dev, d->dev->zero(d->neg, sizeof *d->neg));
  /* without rain, the CPU multiplies the Manning field by 0: the same here */
  DEVCALL(d->dev, d->dev->stage((int)g->xm, (int)g->ym, dt, swe->g, swe->hdry, d->U[w], d->U[x], d->R, (int)swe->nsrc, d->srccell, d->dh, d->cell[rain ? D_RAIN : D_N], rain ? dt : 0.0, d->cell[D_ACT], d->cell[D_N], final, avg, d->U[RSL_SWE_U], d->cell[D_HMAX], d->cell[D_SMAX], d->cell[D_QMAX], swe->hazard_threshold, swe->t, d->cell[D_TARR], d->cell[D_TUP], d->cell[D_DUR], d->neg, final && rain ? d->rowsum : NULL));
  if (final) {
    PetscCall(Copy(d->dev, &neg, d->neg, sizeof neg, 0));
    swe->negative_cells += (PetscInt)neg;
  }
  if (final && rain) { /* rows in order, compensated across rows: RslSWEStageCPU's sum */
    RslKahan rainv = {0, 0};
    PetscCall(Copy(d->dev, d->host, d->rowsum, (size_t)g->ym * sizeof(double), 0));
    for (PetscInt j = 0; j < g->ym; j++) RslKahanAdd(&rainv, d->host[j] * dt);
    RslKahanAdd(&swe->rain_vol, rainv.sum * g->dx * g->dy);
  }
  PetscCall(RslSWEWorkEnd(swe, final ? swe->ev_source : swe->ev_update));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The removed depths come back to the host to be summed in RslSWELossesCPU's order (one
 * running sum over the rank's cells), the one per-step transfer of a whole field. */
static PetscErrorCode Losses(RslSWE swe, PetscReal dt)
{
  Block *d       = (Block *)swe->be_data;
  double removed = 0;

  PetscFunctionBegin;
  if (!swe->soil.ks) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(RslSWEWorkBegin(swe, swe->ev_source));
  DEVCALL(d->dev, d->dev->losses(d->ncell, d->U[RSL_SWE_U], d->cell[D_F], d->cell[D_IA], d->cell[D_IMP], d->cell[D_KS], d->cell[D_S], d->cell[D_ACT], dt, swe->hdry, d->cell[D_REMOVED]));
  PetscCall(Copy(d->dev, d->host, d->cell[D_REMOVED], (size_t)d->ncell * sizeof(double), 0));
  for (int c = 0; c < d->ncell; c++) removed += d->host[c];
  RslKahanAdd(&swe->infil_vol, removed * swe->grid->dx * swe->grid->dy);
  PetscCall(RslSWEWorkEnd(swe, swe->ev_source));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The Vecs that the step changes, host <-> device. */
static PetscErrorCode Transfer(RslSWE swe, PetscBool up)
{
  Block *d     = (Block *)swe->be_data;
  Vec   v[9]  = {swe->U, swe->hmax, swe->smax, swe->qmax, swe->tarr, swe->tup, swe->dur, swe->F, swe->ia_left};
  int   id[9] = {-1, D_HMAX, D_SMAX, D_QMAX, D_TARR, D_TUP, D_DUR, D_F, D_IA};

  PetscFunctionBegin;
  for (int k = 0; k < 9; k++) {
    double *p = id[k] < 0 ? d->U[RSL_SWE_U] : d->cell[id[k]];
    PetscCall(VecTransfer(d->dev, v[k], p, up));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Upload(RslSWE swe)
{
  PetscFunctionBegin;
  PetscCall(Transfer(swe, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Download(RslSWE swe)
{
  PetscFunctionBegin;
  PetscCall(Transfer(swe, PETSC_FALSE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy(RslSWE swe)
{
  Block *d = (Block *)swe->be_data;

  PetscFunctionBegin;
  if (!d) PetscFunctionReturn(PETSC_SUCCESS);
  void *p[] = {d->U[0], d->U[1], d->R, d->Ul, d->zl, d->actl, d->nl, d->rate, d->bq, d->bsum, d->fval, d->dh, d->hmin, d->rowsum, d->bface, d->bside, d->srccell, d->work, d->best, d->neg};
  for (size_t k = 0; k < sizeof p / sizeof p[0]; k++) DEVCALL(d->dev, d->dev->release(p[k]));
  for (int k = 0; k < D_NCELL; k++) DEVCALL(d->dev, d->dev->release(d->cell[k]));
  for (int s = 0; s < 4; s++) {
    DEVCALL(d->dev, d->dev->release(d->type[s]));
    DEVCALL(d->dev, d->dev->release(d->forcing[s]));
  }
  PetscCall(PetscFree(d->host));
  PetscCall(PetscFree(swe->be_data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Create(RslSWE swe, const Device *dev)
{
  RslGrid *g = swe->grid;
  Block   *d;
  PetscInt gxs, gys, gxm, gym;
  Vec      zero;
  Vec      cellv[D_NCELL] = {swe->act, swe->nman, NULL, swe->hmax, swe->smax, swe->qmax, swe->tarr, swe->tup, swe->dur, swe->F, swe->ia_left, swe->soil.impervious, swe->soil.ks, swe->soil.psi_dtheta, NULL};

  PetscFunctionBegin;
  PetscCall(PetscNew(&d));
  swe->be_data = d;
  d->dev       = dev;
  PetscCall(DMDAGetGhostCorners(g->da, &gxs, &gys, NULL, &gxm, &gym, NULL));
  d->b = (RslSweBlock){.nx = (int)g->nx, .ny = (int)g->ny, .gxs = (int)gxs, .gys = (int)gys, .gxm = (int)gxm, .gym = (int)gym, .xs = (int)g->xs, .ys = (int)g->ys, .xm = (int)g->xm, .ym = (int)g->ym, .o2 = swe->order == 2, .nodata_bc = (int)swe->nodata_bc, .dx = g->dx, .dy = g->dy, .idx = 1.0 / g->dx, .idy = 1.0 / g->dy, .g = swe->g, .hdry = swe->hdry};
  d->ncell      = (int)(g->xm * g->ym);
  d->rain_version = -1;
  size_t nc = (size_t)d->ncell, ng = (size_t)gxm * gym;
  for (int k = 0; k < 2; k++) PetscCall(Alloc(d->dev, &d->U[k], 3 * nc * sizeof(double)));
  PetscCall(Alloc(d->dev, &d->R, 3 * nc * sizeof(double)));
  PetscCall(Alloc(d->dev, &d->Ul, 3 * ng * sizeof(double)));
  PetscCall(Alloc(d->dev, &d->zl, ng * sizeof(double)));
  PetscCall(Alloc(d->dev, &d->actl, ng * sizeof(double)));
  PetscCall(Alloc(d->dev, &d->nl, ng * sizeof(double)));
  PetscCall(Alloc(d->dev, &d->rate, nc * sizeof(double)));
  PetscCall(Alloc(d->dev, &d->bq, 4 * nc * sizeof(double)));
  PetscCall(Alloc(d->dev, &d->bsum, 2 * RSL_NSIDES * sizeof(double)));
  PetscCall(Alloc(d->dev, &d->hmin, (1 + (size_t)d->dev->reduce_work()) * sizeof(double)));
  PetscCall(Alloc(d->dev, &d->work, (size_t)d->dev->reduce_work() * sizeof(RslSweArgmax)));
  PetscCall(Alloc(d->dev, &d->best, sizeof(RslSweArgmax)));
  PetscCall(Alloc(d->dev, &d->neg, sizeof(unsigned long long)));
  PetscCall(Alloc(d->dev, &d->rowsum, (size_t)g->ym * sizeof(double)));
  PetscCall(PetscMalloc1(nc > (size_t)g->ym ? nc : (size_t)g->ym, &d->host));
  PetscCall(VecTransfer(d->dev, swe->zloc, d->zl, 1));
  PetscCall(VecTransfer(d->dev, swe->actloc, d->actl, 1));
  PetscCall(VecTransfer(d->dev, swe->nmanloc, d->nl, 1));
  PetscCall(VecDuplicate(swe->act, &zero)); /* soil fields absent: zeros, never read */
  PetscCall(VecZeroEntries(zero));
  for (int k = 0; k < D_NCELL; k++) {
    PetscCall(Alloc(d->dev, &d->cell[k], nc * sizeof(double)));
    if (k != D_RAIN && k != D_REMOVED) PetscCall(VecTransfer(d->dev, cellv[k] ? cellv[k] : zero, d->cell[k], 1));
  }
  PetscCall(VecDestroy(&zero));
  PetscCall(Tables(swe, d));
  PetscCall(BoundaryList(swe, d));
  swe->be.residual  = Residual;
  swe->be.min_depth = MinDepth;
  swe->be.stage     = Stage;
  swe->be.losses    = Losses;
  swe->be.upload    = Upload;
  swe->be.download  = Download;
  swe->be.destroy   = Destroy;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEBackendCreate_CUDA(RslSWE swe)
{
  PetscFunctionBegin;
  PetscCall(RslGPUBind(swe->comm, "-swe_backend cuda", NULL)); /* a clear error without CUDA or GPU */
#if defined(RSL_HAVE_CUDA)
  PetscCall(Create(swe, &Cuda_));
#endif
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEBackendCreate_CUDASim(RslSWE swe)
{
  PetscFunctionBegin;
  PetscCall(Create(swe, &Host_));
  PetscFunctionReturn(PETSC_SUCCESS);
}
