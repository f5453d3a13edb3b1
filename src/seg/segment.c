#include "seg/segment.h"
#include "seg/model.h"
#include "seg/modelcard.h"
#include "seg/tiling.h"
#include "io/raster.h"
#include "kernels/seg_pointwise.h"
#include <math.h>

#define MB RSL_SEG_MAX_BANDS

struct _p_RslSegment {
  MPI_Comm       comm;
  const RslGrid *grid;
  char           image[PETSC_MAX_PATH_LEN], dsm[PETSC_MAX_PATH_LEN], dtm[PETSC_MAX_PATH_LEN], dem[PETSC_MAX_PATH_LEN];
  char           output[PETSC_MAX_PATH_LEN], probs[PETSC_MAX_PATH_LEN], card_file[PETSC_MAX_PATH_LEN];
  RslSegModelCard card;              /* -seg_model (card.nbands 0: none) */
  PetscInt       nb;                 /* the model's input bands */
  RslSegBand     band[MB];           /* what each input band is, in the model's order */
  PetscInt       src[MB];            /* the image band (1-based) feeding it; 0: nDSM from DSM - DTM */
  PetscInt       opt_bands[MB], n_opt_bands, n_mean, n_std;
  char          *image_bands[MB];    /* -seg_image_bands: names of the image's bands */
  PetscInt       n_image_bands;
  PetscReal      mean[MB], std[MB], ndsm_scale;
  PetscInt       tile, margin, batch;
  RslRasterInfo  info;
  RslSegModel    model;
  PetscInt       nclasses;
  RslClassMap   *classes, *prob;
  PetscInt64    *histogram; /* global pixel count per class, + nodata last */
  PetscInt64     ntiles[2];      /* over all ranks: tiles computed, tiles skipped (no valid pixel) */
  PetscInt64     ntiles_rank[2]; /* tiles computed: min and max over the ranks */
  double         t_read, t_infer;
  PetscBool      setup, ran;
};

static PetscLogEvent SEG_Read, SEG_Infer, SEG_Write, SEG_Fractions;

PetscErrorCode RslSegmentCreate(MPI_Comm comm, RslSegment *seg)
{
  RslSegment s;

  PetscFunctionBegin;
  PetscCall(RslLogEventRegister("SegRead", &SEG_Read));
  PetscCall(RslLogEventRegister("SegInfer", &SEG_Infer));
  PetscCall(RslLogEventRegister("SegWrite", &SEG_Write));
  PetscCall(RslLogEventRegister("SegFractions", &SEG_Fractions));
  PetscCall(PetscNew(&s));
  s->comm       = comm;
  s->ndsm_scale = 5.0;
  s->tile       = 512;
  s->margin     = 128;
  s->batch      = 0; /* default: the tiles the model runs at once */
  PetscCall(RslSegModelCreate(comm, &s->model));
  *seg = s;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegmentSetGrid(RslSegment s, const RslGrid *grid)
{
  PetscFunctionBegin;
  s->grid = grid;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegmentSetDomain(RslSegment s, const char dem[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(s->dem, dem ? dem : "", sizeof(s->dem)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegmentSetFromOptions(RslSegment s)
{
  PetscBool has_card, set[4];

  PetscFunctionBegin;
  s->n_opt_bands = s->n_mean = s->n_std = s->n_image_bands = MB;
  PetscOptionsBegin(s->comm, NULL, "Segmentation stage (imagery -> land-cover classes)", "seg");
  PetscCall(PetscOptionsString("-seg_model", "model card (JSON): architecture, input bands and their normalisation, classes, weights", NULL, s->card_file, s->card_file, sizeof(s->card_file), &has_card));
  PetscCall(PetscOptionsString("-seg_image", "imagery, any GDAL raster or VRT (the model's bands, e.g. R,G,B,NIR,nDSM)", NULL, s->image, s->image, sizeof(s->image), NULL));
  PetscCall(PetscOptionsIntArray("-seg_bands", "image bands (1-based) giving the model's input bands in its order (without the nDSM with -seg_ndsm_dsm)", NULL, s->opt_bands, &s->n_opt_bands, &set[0]));
  PetscCall(PetscOptionsStringArray("-seg_image_bands", "names of the image's bands (e.g. NIR,R,G for IRC imagery): the model's bands are found by name", NULL, s->image_bands, &s->n_image_bands, &set[1]));
  PetscCall(PetscOptionsString("-seg_ndsm_dsm", "surface model: nDSM band = (DSM - DTM) * scale", NULL, s->dsm, s->dsm, sizeof(s->dsm), NULL));
  PetscCall(PetscOptionsString("-seg_ndsm_dtm", "terrain model for the nDSM band", NULL, s->dtm, s->dtm, sizeof(s->dtm), NULL));
  PetscCall(PetscOptionsReal("-seg_ndsm_scale", "nDSM units per metre (FLAIR: 5, i.e. 0.2 m)", NULL, s->ndsm_scale, &s->ndsm_scale, NULL));
  PetscCall(PetscOptionsRealArray("-seg_mean", "normalisation means of the model's bands (default: the model card's, else FLAIR's)", NULL, s->mean, &s->n_mean, &set[2]));
  PetscCall(PetscOptionsRealArray("-seg_std", "normalisation standard deviations of the model's bands", NULL, s->std, &s->n_std, &set[3]));
  PetscCall(PetscOptionsInt("-seg_tile", "tile size, pixels (multiple of 32)", NULL, s->tile, &s->tile, NULL));
  PetscCall(PetscOptionsInt("-seg_margin", "margin dropped around each tile's centre, pixels (0 = plain tiling)", NULL, s->margin, &s->margin, NULL));
  PetscCall(PetscOptionsInt("-seg_batch", "tiles per forward call (default: as many as the model runs at once, -seg_threads over tiles)", NULL, s->batch, &s->batch, NULL));
  PetscCall(PetscOptionsString("-seg_output", "class map GeoTIFF (uint8 class index)", NULL, s->output, s->output, sizeof(s->output), NULL));
  PetscCall(PetscOptionsString("-seg_probabilities", "class probabilities GeoTIFF (uint8, 255 = 1)", NULL, s->probs, s->probs, sizeof(s->probs), NULL));
  PetscOptionsEnd();
  if (!set[0]) s->n_opt_bands = 0; /* not given: none */
  if (!set[1]) s->n_image_bands = 0;
  if (!set[2]) s->n_mean = 0;
  if (!set[3]) s->n_std = 0;
  RSLCHECK(s->comm, (s->dsm[0] != 0) == (s->dtm[0] != 0), "-seg_ndsm_dsm and -seg_ndsm_dtm go together");
  RSLCHECK(s->comm, !s->n_opt_bands || !s->n_image_bands, "-seg_bands and -seg_image_bands: give one of them");
  RSLCHECK(s->comm, !s->output[0] || strcmp(s->output, s->image), "-seg_output: the same file as -seg_image (%s) would be overwritten", s->image);
  RSLCHECK(s->comm, s->tile >= 32 && s->tile % 32 == 0, "-seg_tile %" PetscInt_FMT ": must be a positive multiple of 32", s->tile);
  RSLCHECK(s->comm, s->margin >= 0 && 2 * s->margin < s->tile, "-seg_margin %" PetscInt_FMT ": must be >= 0 and < tile/2 (%" PetscInt_FMT ")", s->margin, s->tile / 2);
  RSLCHECK(s->comm, s->batch >= 0, "-seg_batch %" PetscInt_FMT ": must be >= 1 (0: the default)", s->batch);
  if (has_card && s->card_file[0]) { /* the card's values are defaults that the model's own options override */
    RslSegModelCard *c = &s->card;
    PetscCall(RslSegModelCardRead(s->comm, s->card_file, c));
    if (c->arch[0]) PetscCall(RslSegModelSetArch(s->model, c->arch));
    if (c->width > 0) PetscCall(RslSegModelSetWidthMult(s->model, c->width));
    if (c->classes) PetscCall(RslSegModelSetNumClasses(s->model, c->classes));
    PetscCall(RslSegModelSetNumBands(s->model, c->nbands));
    PetscCall(RslSegModelSetWeights(s->model, c->weights, NULL));
    if (c->calibration[0]) PetscCall(RslSegModelSetCalibration(s->model, c->calibration));
  }
  PetscCall(RslSegModelSetFromOptions(s->model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The model's bands (from its card, or by count: R,G,B[,NIR[,nDSM]]), the image band feeding
 * each, and their normalisation; checked against the imagery. */
static PetscErrorCode ResolveBands(RslSegment s)
{
  static const RslSegBand by_count[5] = {RSL_BAND_R, RSL_BAND_G, RSL_BAND_B, RSL_BAND_NIR, RSL_BAND_NDSM};
  PetscInt                ndsm = -1, nread, k = 0;
  char                    names[MB * 8] = "";

  PetscFunctionBegin;
  PetscCall(RslSegModelGetInputBands(s->model, &s->nb));
  RSLCHECK(s->comm, s->nb <= MB, "seg: the model takes %" PetscInt_FMT " input bands (at most %d)", s->nb, MB);
  for (PetscInt b = 0; b < s->nb; b++) {
    s->band[b] = s->card.nbands ? s->card.band[b] : s->nb <= 5 ? by_count[b] : RSL_BAND_OTHER;
    if (s->band[b] == RSL_BAND_NDSM) ndsm = b;
    PetscCall(PetscStrlcat(names, b ? "," : "", sizeof names));
    PetscCall(PetscStrlcat(names, RslSegBandName(s->band[b]), sizeof names));
  }
  RSLCHECK(s->comm, !s->dsm[0] || ndsm >= 0, "-seg_ndsm_dsm: the model has no nDSM/elevation band (its bands: %s)", names);
  nread = s->dsm[0] ? s->nb - 1 : s->nb;
  if (s->n_image_bands) { /* by name: the image's bands are declared */
    for (PetscInt b = 0; b < s->nb; b++) {
      s->src[b] = 0;
      if (s->dsm[0] && b == ndsm) continue;
      for (PetscInt i = 0; i < s->n_image_bands; i++)
        if (RslSegBandFromName(s->image_bands[i]) == s->band[b] && s->band[b] != RSL_BAND_OTHER) s->src[b] = i + 1;
      RSLCHECK(s->comm, s->src[b], "-seg_image_bands: no image band is %s, which the model needs (its bands: %s)", RslSegBandName(s->band[b]), names);
    }
  } else {
    RSLCHECK(s->comm, !s->n_opt_bands || s->n_opt_bands == nread, "-seg_bands: %" PetscInt_FMT " bands given, %" PetscInt_FMT " expected (the model's %s%s)", s->n_opt_bands, nread, names, s->dsm[0] ? "; nDSM from -seg_ndsm_dsm/-seg_ndsm_dtm" : "");
    for (PetscInt b = 0; b < s->nb; b++) s->src[b] = (s->dsm[0] && b == ndsm) ? 0 : s->n_opt_bands ? s->opt_bands[k++] : ++k;
  }
  RSLCHECK(s->comm, !s->n_mean || s->n_mean == s->nb, "-seg_mean: %" PetscInt_FMT " values expected (the model's %s), %" PetscInt_FMT " given", s->nb, names, s->n_mean);
  RSLCHECK(s->comm, !s->n_std || s->n_std == s->nb, "-seg_std: %" PetscInt_FMT " values expected (the model's %s), %" PetscInt_FMT " given", s->nb, names, s->n_std);
  for (PetscInt b = 0; b < s->nb; b++) {
    PetscReal m, sd;
    if (s->card.nbands) m = s->card.mean[b], sd = s->card.std[b];
    else RslSegBandFlairNorm(s->band[b], &m, &sd);
    if (!s->n_mean) s->mean[b] = m;
    if (!s->n_std) s->std[b] = sd;
    RSLCHECK(s->comm, s->std[b] > 0, "-seg_std: value %" PetscInt_FMT " must be > 0", b + 1);
    RSLCHECK(s->comm, s->src[b] == 0 || (s->src[b] >= 1 && s->src[b] <= s->info.nbands), "-seg_image '%s' has %" PetscInt_FMT " band(s): band %" PetscInt_FMT " (%s) is missing; the model needs %" PetscInt_FMT " bands %s (see -seg_bands, -seg_image_bands, -seg_ndsm_dsm)", s->image, s->info.nbands, s->src[b], RslSegBandName(s->band[b]), nread, names);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Checks against the DEM grid, then this rank's block of image pixels. */
static PetscErrorCode Decompose(RslSegment s, PetscInt *c0, PetscInt *r0, PetscInt *nc, PetscInt *nr)
{
  const double *gi = s->info.gt;
  PetscInt      nxi = s->info.nx, nyi = s->info.ny;

  PetscFunctionBegin;
  if (s->grid) {
    const RslGrid *g  = s->grid;
    const double  *gg = g->gt;
    double ix0 = gi[0], ix1 = gi[0] + nxi * gi[1], iy1 = gi[3], iy0 = gi[3] + nyi * gi[5];
    double gx0 = gg[0], gx1 = gg[0] + g->nx * gg[1], gy1 = gg[3], gy0 = gg[3] + g->ny * gg[5];
    RSLCHECK(s->comm, s->info.has_geotransform && gi[1] > 0 && gi[5] < 0 && gi[2] == 0 && gi[4] == 0, "-seg_image '%s': not a north-up georeferenced raster (geotransform %g %g %g %g %g %g)", s->image, gi[0], gi[1], gi[2], gi[3], gi[4], gi[5]);
    RSLCHECK(s->comm, RslCRSSame(s->info.crs_wkt, g->crs_wkt), "-seg_image '%s': its CRS differs from the DEM's (reproject the imagery to the DEM's CRS, e.g. gdalwarp -t_srs)", s->image);
    RSLCHECK(s->comm, ix0 < gx1 && gx0 < ix1 && iy0 < gy1 && gy0 < iy1, "-seg_image '%s': extent x %.2f..%.2f, y %.2f..%.2f does not overlap the DEM's (x %.2f..%.2f, y %.2f..%.2f)", s->image, ix0, ix1, iy0, iy1, gx0, gx1, gy0, gy1);
    RslGridPixelBlock(g, gi, nxi, nyi, c0, r0, nc, nr);
  } else {
    PetscMPIInt rank, size, dims[2] = {0, 0};
    PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
    PetscCallMPI(MPI_Comm_size(s->comm, &size));
    PetscCallMPI(MPI_Dims_create(size, 2, dims)); /* dims[0] >= dims[1]: more splits along the longer axis */
    {
      PetscInt py = nyi >= nxi ? dims[0] : dims[1], px = size / py, ir = rank / px, ic = rank % px;
      *c0 = nxi * ic / px;
      *nc = nxi * (ic + 1) / px - *c0;
      *r0 = nyi * ir / py;
      *nr = nyi * (ir + 1) / py - *r0;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegmentSetUp(RslSegment s)
{
  PetscInt c0, r0, nc, nr;

  PetscFunctionBegin;
  if (s->setup) PetscFunctionReturn(PETSC_SUCCESS);
  RSLCHECK(s->comm, s->image[0], "-seg_image: no imagery given (the seg stage needs it)");
  RSLCHECK(s->comm, !s->dem[0] || s->grid, "RslSegmentSetDomain: the DEM's grid must be given too (RslSegmentSetGrid)");
  PetscCall(RslRasterInfoRead(s->comm, "-seg_image", s->image, &s->info));
  if (s->card.nbands) PetscCall(ResolveBands(s)); /* the card knows the bands before the weights are read */
  if (s->dsm[0]) {
    RslRasterInfo d;
    const char   *opt[2] = {"-seg_ndsm_dsm", "-seg_ndsm_dtm"}, *path[2] = {s->dsm, s->dtm};
    for (int k = 0; k < 2; k++) {
      PetscCall(RslRasterInfoRead(s->comm, opt[k], path[k], &d));
      RSLCHECK(s->comm, RslCRSSame(d.crs_wkt, s->info.crs_wkt), "%s '%s': its CRS differs from the imagery's", opt[k], path[k]);
      PetscCall(RslRasterInfoFree(&d));
    }
  }
  PetscCall(Decompose(s, &c0, &r0, &nc, &nr));
  PetscCall(RslSegModelSetUp(s->model));
  PetscCall(RslSegModelGetNumClasses(s->model, &s->nclasses));
  if (!s->batch) PetscCall(RslSegModelGetConcurrency(s->model, &s->batch));
  if (!s->card.nbands) PetscCall(ResolveBands(s)); /* bands from the weights */
  RSLCHECK(s->comm, s->nclasses <= 255, "seg: %" PetscInt_FMT " classes do not fit a uint8 class map", s->nclasses);
  PetscCall(RslClassMapCreate(s->comm, s->info.nx, s->info.ny, 1, c0, r0, nc, nr, s->info.gt, s->info.crs_wkt, &s->classes));
  if (s->probs[0]) PetscCall(RslClassMapCreate(s->comm, s->info.nx, s->info.ny, s->nclasses, c0, r0, nc, nr, s->info.gt, s->info.crs_wkt, &s->prob));
  PetscCall(PetscCalloc1(s->nclasses + 1, &s->histogram));
  s->setup = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Normalised network input of one tile row: the window [wc0, wc0+wnc) x [wr0, wr0+T) of
 * every band into win (nb x T x wnc); valid[] marks pixels with data in every band. Only
 * the columns [rc0, rc0+rnc) are read (the tiles worth computing), the others are left
 * without data. */
static PetscErrorCode ReadStrip(RslSegment s, RslRaster src[3], PetscInt64 wc0, PetscInt64 wr0, PetscInt64 wnc, PetscInt64 rc0, PetscInt64 rnc, float *win, unsigned char *valid, double *buf, double *buf2)
{
  const PetscInt T = s->tile;
  const size_t   np = (size_t)T * wnc, nr = (size_t)T * rnc;

  PetscFunctionBegin;
  for (size_t k = 0; k < np; k++) valid[k] = 1;
  for (PetscInt b = 0; b < s->nb; b++) {
    if (rnc <= 0) { /* nothing to read: no data */
    } else if (s->src[b]) PetscCall(RslRasterReadWindowFrom(src[0], (int)s->src[b], rc0, wr0, rnc, T, NAN, buf));
    else { /* nDSM = (DSM - DTM) * scale, both resampled bilinearly on the image's pixel grid */
      PetscCall(RslRasterReadResampledWindowFrom(src[1], 1, s->info.gt, rc0, wr0, rnc, T, "bilinear", NAN, buf));
      PetscCall(RslRasterReadResampledWindowFrom(src[2], 1, s->info.gt, rc0, wr0, rnc, T, "bilinear", NAN, buf2));
      for (size_t k = 0; k < nr; k++) buf[k] = PetscMin(PetscMax(floor((buf[k] - buf2[k]) * s->ndsm_scale + 0.5), 0.0), 255.0);
    }
    for (size_t k = 0; k < np; k++) {
      PetscInt64 c = wc0 + (PetscInt64)(k % wnc);
      double     v = c >= rc0 && c < rc0 + rnc ? buf[(k / wnc) * rnc + (c - rc0)] : NAN;
      if (isnan(v)) valid[k] = 0;
      win[(size_t)b * np + k] = (float)((v - s->mean[b]) / s->std[b]);
    }
  }
  /* Outside the image or nodata in any band: zero input (the band means), no class. */
  for (size_t k = 0; k < np; k++)
    if (!valid[k])
      for (PetscInt b = 0; b < s->nb; b++) win[(size_t)b * np + k] = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Grid column / DEM row of the cell holding the centre of image pixel column c / row r (as
 * RslGridLocate). */
static PetscInt64 CellCol(RslSegment s, PetscInt64 c) { return (PetscInt64)floor((s->info.gt[0] + (c + 0.5) * s->info.gt[1] - s->grid->gt[0]) / s->grid->gt[1]); }
static PetscInt64 CellRow(RslSegment s, PetscInt64 r) { return (PetscInt64)floor((s->info.gt[3] + (r + 0.5) * s->info.gt[5] - s->grid->gt[3]) / s->grid->gt[5]); }

/* The pixels [*a, *b) of an image axis of n pixels whose centres fall in the n_cells cells
 * (cell(p) is non-decreasing): two bisections. */
static void DomainPixels(RslSegment s, PetscInt64 (*cell)(RslSegment, PetscInt64), PetscInt64 n, PetscInt64 ncells, PetscInt64 *a, PetscInt64 *b)
{
  PetscInt64 lo = 0, hi = n;
  while (lo < hi) { /* first pixel with cell >= 0 */
    PetscInt64 mid = (lo + hi) / 2;
    if (cell(s, mid) >= 0) hi = mid;
    else lo = mid + 1;
  }
  *a = lo, hi = n;
  while (lo < hi) { /* first pixel with cell >= ncells */
    PetscInt64 mid = (lo + hi) / 2;
    if (cell(s, mid) >= ncells) hi = mid;
    else lo = mid + 1;
  }
  *b = lo;
}

/* With a DEM domain: clear valid[] (strip T x wnc at (wr0, wc0)) where the pixel centre is
 * not in a DEM cell with data; the input stays as read, so the kept pixels are unchanged. */
static PetscErrorCode MaskDomain(RslSegment s, RslRaster dem, PetscInt64 wc0, PetscInt64 wr0, PetscInt64 wnc, unsigned char *valid)
{
  const PetscInt T = s->tile;
  PetscInt64     ca, cb, ra, rb;
  double        *z;

  PetscFunctionBegin;
  if (wnc <= 0) PetscFunctionReturn(PETSC_SUCCESS);
  ca = CellCol(s, wc0), cb = CellCol(s, wc0 + wnc - 1) + 1;
  ra = CellRow(s, wr0), rb = CellRow(s, wr0 + T - 1) + 1;
  PetscCall(PetscMalloc1((size_t)(cb - ca) * (rb - ra), &z));
  PetscCall(RslRasterReadWindowFrom(dem, 1, ca, ra, cb - ca, rb - ra, NAN, z)); /* nodata and outside: NaN */
  for (PetscInt64 r = 0; r < T; r++) {
    const double *zr = z + (size_t)(CellRow(s, wr0 + r) - ra) * (cb - ca);
    for (PetscInt64 c = 0; c < wnc; c++)
      if (isnan(zr[CellCol(s, wc0 + c) - ca])) valid[(size_t)r * wnc + c] = 0;
  }
  PetscCall(PetscFree(z));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The pixels of rectangle d of the tile at (tr0, tc0) (logits C x T x T; NULL for a tile
 * with no valid pixel): argmax class, probabilities; nodata where the strip's mask valid
 * (T x wnc, origin (tr0, wc0)) has none. */
static void KeepRect(RslSegment s, const float *logits, PetscInt64 tr0, PetscInt64 tc0, const unsigned char *valid, PetscInt64 wc0, PetscInt64 wnc, const RslSegRect *d)
{
  const PetscInt T = s->tile, C = s->nclasses;
  const size_t   tt = (size_t)T * T;

  for (PetscInt64 r = d->ra; r < d->rz; r++)
    for (PetscInt64 c = d->ca; c < d->cz; c++) {
      size_t   t = (size_t)(r - tr0) * T + (c - tc0), o = (size_t)(r - d->ra) * d->ld + (c - d->ca);
      PetscInt best;
      if (!valid[(size_t)(r - tr0) * wnc + (c - wc0)]) {
        d->cls[o] = RSL_SEG_NODATA;
        for (PetscInt k = 0; d->prob && k < C; k++) d->prob[k * d->pstride + o] = 0;
        continue;
      }
      best      = rsl_argmax_strided(logits + t, (int)C, (long)tt); /* ties to the lowest index */
      d->cls[o] = (unsigned char)best;
      if (d->prob) { /* softmax, shifted by the max for range */
        double sum = 0, mx = logits[best * tt + t];
        for (PetscInt k = 0; k < C; k++) sum += exp((double)logits[k * tt + t] - mx);
        for (PetscInt k = 0; k < C; k++) d->prob[k * d->pstride + o] = (unsigned char)floor(255.0 * exp((double)logits[k * tt + t] - mx) / sum + 0.5);
      }
    }
}

/* Whether the kept centre of the tile at column tc0 of the strip has a valid pixel. */
static PetscBool CentreHasData(RslSegment s, PetscInt64 tc0, const unsigned char *valid, PetscInt64 wc0, PetscInt64 wnc)
{
  const PetscInt T = s->tile, M = s->margin;

  for (PetscInt64 r = M; r < T - M; r++)
    for (PetscInt64 c = tc0 + M; c < tc0 + T - M; c++)
      if (valid[(size_t)r * wnc + (c - wc0)]) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* The pending tiles of a strip: inference of those with data, then every tile's centre to
 * its targets, in tile order. */
static PetscErrorCode Flush(RslSegment s, RslSegTiling tl, PetscInt64 kr, PetscInt64 kc_first, PetscInt npend, const PetscBool *has, PetscInt nin, const float *in, float *logits, const unsigned char *valid, PetscInt64 wc0, PetscInt64 wnc)
{
  const PetscInt T = s->tile, M = s->margin, C = s->nclasses;
  double         t0;

  PetscFunctionBegin;
  if (nin) {
    PetscCall(PetscLogEventBegin(SEG_Infer, 0, 0, 0, 0));
    t0 = RslWallTime();
    PetscCall(RslSegModelForward(s->model, nin, T, T, in, logits));
    s->t_infer += RslWallTime() - t0;
    PetscCall(PetscLogEventEnd(SEG_Infer, 0, 0, 0, 0));
  }
  for (PetscInt p = 0, k = 0; p < npend; p++) {
    PetscInt64        tc0 = rsl_tile_origin(kc_first + p, (int)T, (int)M);
    PetscInt          n;
    const RslSegRect *d;
    PetscCall(RslSegTilingTargets(tl, kr, kc_first + p, &n, &d));
    for (PetscInt i = 0; i < n; i++) KeepRect(s, has[p] ? logits + (size_t)k * C * T * T : NULL, rsl_tile_origin(kr, (int)T, (int)M), tc0, valid, wc0, wnc, &d[i]);
    if (has[p]) k++;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegmentRun(RslSegment s)
{
  RslClassMap   *m;
  RslSegTiling   tl;
  const PetscInt T = s->tile, M = s->margin, C = s->nclasses;
  PetscInt64     kr0, kr1, kc0, kc1, wnc, wc0, counts[2] = {0, 0}, range[2];
  PetscInt64     dom[4] = {0, s->info.ny, 0, s->info.nx}; /* pixel rows, columns worth classifying */
  long           dr0, dr1, dc0, dc1;
  PetscInt       nin = 0, npend = 0;
  PetscBool     *has;
  float         *win, *in, *logits;
  unsigned char *valid;
  double        *buf, *buf2, t0;
  RslRaster      src[4] = {NULL, NULL, NULL, NULL}; /* image, DSM, DTM, DEM: opened once for all strips */

  PetscFunctionBegin;
  PetscCall(RslSegmentSetUp(s));
  m = s->classes;
  PetscCall(RslSegTilingCreate(m, s->prob, T, M, &tl));
  RslSegTilingOwned(tl, &kr0, &kr1, &kc0, &kc1);
  if (s->dem[0]) { /* only the tiles whose centre meets the DEM's extent are read */
    DomainPixels(s, CellRow, s->info.ny, s->grid->ny, &dom[0], &dom[1]);
    DomainPixels(s, CellCol, s->info.nx, s->grid->nx, &dom[2], &dom[3]);
  }
  rsl_tile_range(dom[0], dom[1] - dom[0], (int)T, (int)M, &dr0, &dr1);
  rsl_tile_range(dom[2], dom[3] - dom[2], (int)T, (int)M, &dc0, &dc1);
  dc0 = PetscMax(dc0, kc0), dc1 = PetscMin(dc1, kc1);
  if (kr1 > kr0 && kc1 > kc0) {
    PetscCall(RslRasterOpen(s->image, &src[0]));
    if (s->dsm[0]) PetscCall(RslRasterOpen(s->dsm, &src[1]));
    if (s->dsm[0]) PetscCall(RslRasterOpen(s->dtm, &src[2]));
    if (s->dem[0]) PetscCall(RslRasterOpen(s->dem, &src[3]));
  }
  /* the strip of imagery the owned tiles read: this block plus the tile margins */
  wc0 = rsl_tile_origin(kc0, (int)T, (int)M);
  wnc = kc1 > kc0 ? rsl_tile_origin(kc1 - 1, (int)T, (int)M) + T - wc0 : 0;
  PetscCall(PetscMalloc4((size_t)s->nb * T * PetscMax(wnc, 1), &win, (size_t)T * PetscMax(wnc, 1), &valid, (size_t)T * PetscMax(wnc, 1), &buf, (size_t)T * PetscMax(wnc, 1), &buf2));
  PetscCall(PetscMalloc3((size_t)s->batch * s->nb * T * T, &in, (size_t)s->batch * C * T * T, &logits, PetscMax(kc1 - kc0, 1), &has));
  for (PetscInt64 kr = kr0; kr < kr1; kr++) {
    PetscInt64 wr0 = rsl_tile_origin(kr, (int)T, (int)M), kfirst = kc0, rc0 = 0, rnc = 0;
    if (kr >= dr0 && kr < dr1 && dc1 > dc0) rc0 = rsl_tile_origin(dc0, (int)T, (int)M), rnc = rsl_tile_origin(dc1 - 1, (int)T, (int)M) + T - rc0;
    PetscCall(PetscLogEventBegin(SEG_Read, 0, 0, 0, 0));
    t0 = RslWallTime();
    PetscCall(ReadStrip(s, src, wc0, wr0, wnc, rc0, rnc, win, valid, buf, buf2));
    if (s->dem[0] && rnc > 0) PetscCall(MaskDomain(s, src[3], wc0, wr0, wnc, valid));
    s->t_read += RslWallTime() - t0;
    PetscCall(PetscLogEventEnd(SEG_Read, 0, 0, 0, 0));
    for (PetscInt64 kc = kc0; kc < kc1; kc++) {
      PetscInt64 tc0 = rsl_tile_origin(kc, (int)T, (int)M);
      has[npend] = CentreHasData(s, tc0, valid, wc0, wnc); /* no valid pixel: nodata, no inference */
      if (has[npend]) {
        for (PetscInt b = 0; b < s->nb; b++) /* copy the tile out of the strip */
          for (PetscInt r = 0; r < T; r++) PetscCall(PetscArraycpy(in + (((size_t)nin * s->nb + b) * T + r) * T, win + ((size_t)b * T + r) * wnc + (tc0 - wc0), T));
        nin++;
      }
      counts[has[npend] ? 0 : 1]++;
      npend++;
      if (nin == s->batch || kc == kc1 - 1) {
        PetscCall(Flush(s, tl, kr, kfirst, npend, has, nin, in, logits, valid, wc0, wnc));
        kfirst += npend;
        nin = npend = 0;
      }
    }
  }
  for (int k = 0; k < 4; k++) PetscCall(RslRasterClose(&src[k]));
  PetscCall(PetscFree4(win, valid, buf, buf2));
  PetscCall(PetscFree3(in, logits, has));
  PetscCall(RslSegTilingExchange(tl));
  PetscCall(RslSegTilingDestroy(&tl));
  for (size_t k = 0; k < (size_t)m->nr * m->nc; k++) s->histogram[m->data[k] == RSL_SEG_NODATA ? C : m->data[k]]++;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, s->histogram, (PetscMPIInt)(C + 1), MPIU_INT64, MPI_SUM, s->comm));
  PetscCallMPI(MPI_Allreduce(counts, s->ntiles, 2, MPIU_INT64, MPI_SUM, s->comm));
  range[0] = counts[0], range[1] = -counts[0];
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, range, 2, MPIU_INT64, MPI_MIN, s->comm));
  s->ntiles_rank[0] = range[0], s->ntiles_rank[1] = -range[1];
  PetscCall(RslSegModelWriteCalibration(s->model)); /* -seg_calibration_out runs */
  PetscCall(PetscLogEventBegin(SEG_Write, 0, 0, 0, 0));
  if (s->output[0]) PetscCall(RslClassMapWrite(s->classes, "-seg_output", s->output, PETSC_TRUE, RSL_SEG_NODATA));
  if (s->probs[0]) PetscCall(RslClassMapWrite(s->prob, "-seg_probabilities", s->probs, PETSC_FALSE, 0));
  PetscCall(PetscLogEventEnd(SEG_Write, 0, 0, 0, 0));
  s->ran = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegmentClassFractions(RslSegment s, const RslGrid *g, PetscInt *nclasses, Vec **fractions)
{
  const PetscInt C = s->nclasses;
  double        *count; /* pixels per owned cell and class */

  PetscFunctionBegin;
  RSLCHECK(s->comm, s->ran, "RslSegmentClassFractions: call RslSegmentRun first");
  RSLCHECK(s->comm, g == s->grid, "RslSegmentClassFractions: the grid must be the one given to RslSegmentSetGrid before SetUp");
  PetscCall(PetscLogEventBegin(SEG_Fractions, 0, 0, 0, 0));
  PetscCall(PetscCalloc1((size_t)C * g->xm * g->ym, &count));
  PetscCall(RslClassMapCountCells(s->classes, g, C, count));
  PetscCall(RslCellFractions(g, C, count, fractions));
  PetscCall(PetscFree(count));
  *nclasses = C;
  PetscCall(PetscLogEventEnd(SEG_Fractions, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegmentView(RslSegment s, PetscViewer v)
{
  PetscInt64 total = 0;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "seg: imagery '%s' %" PetscInt_FMT " x %" PetscInt_FMT " px; model bands:", s->image, s->info.nx, s->info.ny));
  for (PetscInt b = 0; b < s->nb; b++) {
    if (s->src[b]) PetscCall(PetscViewerASCIIPrintf(v, " %s=band %" PetscInt_FMT, RslSegBandName(s->band[b]), s->src[b]));
    else PetscCall(PetscViewerASCIIPrintf(v, " %s=('%s' - '%s') x %g", RslSegBandName(s->band[b]), s->dsm, s->dtm, (double)s->ndsm_scale));
    PetscCall(PetscViewerASCIIPrintf(v, " (mean %g, std %g)", (double)s->mean[b], (double)s->std[b]));
  }
  PetscCall(PetscViewerASCIIPrintf(v, "%s%s\n", s->card.nbands ? "; model card " : "", s->card.nbands ? s->card_file : ""));
  PetscCall(PetscViewerASCIIPrintf(v, "seg: tiles %" PetscInt_FMT " px, margin %" PetscInt_FMT ", batch %" PetscInt_FMT ", decomposition %s\n", s->tile, s->margin, s->batch, s->grid ? "from the DEM grid" : "2D split of the image"));
  PetscCall(RslSegModelView(s->model, v));
  if (!s->ran) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k <= s->nclasses; k++) total += s->histogram[k];
  PetscCall(PetscViewerASCIIPrintf(v, "seg: %" PetscInt64_FMT " tiles computed (each once; per rank %" PetscInt64_FMT "..%" PetscInt64_FMT "), %" PetscInt64_FMT " skipped (no valid pixel); rank 0: read %.3f s, inference %.3f s\n", s->ntiles[0], s->ntiles_rank[0], s->ntiles_rank[1], s->ntiles[1], s->t_read, s->t_infer));
  PetscCall(PetscViewerASCIIPrintf(v, "seg: class fractions of the image:"));
  for (PetscInt k = 0; k < s->nclasses; k++)
    if (s->histogram[k]) PetscCall(PetscViewerASCIIPrintf(v, " %" PetscInt_FMT ":%.4f", k, (double)s->histogram[k] / (double)total));
  PetscCall(PetscViewerASCIIPrintf(v, " nodata:%.4f\n", (double)s->histogram[s->nclasses] / (double)total));
  if (s->output[0]) PetscCall(PetscViewerASCIIPrintf(v, "seg: class map written to %s\n", s->output));
  if (s->probs[0]) PetscCall(PetscViewerASCIIPrintf(v, "seg: probabilities written to %s\n", s->probs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegmentDestroy(RslSegment *seg)
{
  RslSegment s = *seg;

  PetscFunctionBegin;
  if (!s) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(RslSegModelDestroy(&s->model));
  for (PetscInt i = 0; i < s->n_image_bands; i++) PetscCall(PetscFree(s->image_bands[i]));
  PetscCall(RslClassMapDestroy(&s->classes));
  PetscCall(RslClassMapDestroy(&s->prob));
  PetscCall(PetscFree(s->histogram));
  if (s->info.crs_wkt) PetscCall(RslRasterInfoFree(&s->info));
  PetscCall(PetscFree(*seg));
  PetscFunctionReturn(PETSC_SUCCESS);
}
