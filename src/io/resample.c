/* io/resample: a raster read onto another north-up grid of the same CRS (nearest, bilinear,
 * area-weighted average, mode). Computed here from the source pixels rather than by GDAL's
 * RasterIO resampling so that each target cell depends only on its own footprint (global
 * index) and the source pixels: results are identical whatever the rank decomposition. */
#include "io/gdal_util.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
  RS_NEAREST,
  RS_BILINEAR,
  RS_AVERAGE,
  RS_MODE
} RsMethod;

/* Source pixels held in memory: [c0, c0+nc) x [r0, r0+nr), NaN = missing. */
typedef struct {
  PetscInt c0, r0, nc, nr;
  double  *v;
} SrcWin;

typedef struct {
  double v, w;
} ValW;

/* Edge positions in source pixel units, snapped to integers when within round-off, so
 * integer-aligned and scaled grids get exact unit weights. */
static double Snap(double u)
{
  double n = floor(u + 0.5);
  return fabs(u - n) < 1e-6 ? n : u;
}

static double SrcAt(const SrcWin *s, PetscInt c, PetscInt r)
{
  if (c < s->c0 || r < s->r0 || c >= s->c0 + s->nc || r >= s->r0 + s->nr) return NAN;
  return s->v[(size_t)(r - s->r0) * (size_t)s->nc + (size_t)(c - s->c0)];
}

static int CmpValW(const void *a, const void *b)
{
  double x = ((const ValW *)a)->v, y = ((const ValW *)b)->v;
  return (x > y) - (x < y);
}

/* Value of the target cell with footprint [u0,u1) x [v0,v1) (source pixel units); NaN when
 * no valid source pixel contributes. work holds room for every pixel of the footprint. */
static double CellValue(const SrcWin *s, RsMethod m, double u0, double u1, double v0, double v1, ValW *work)
{
  double uc = 0.5 * (u0 + u1), vc = 0.5 * (v0 + v1);

  switch (m) {
  case RS_NEAREST:
    return SrcAt(s, (PetscInt)floor(uc), (PetscInt)floor(vc));
  case RS_BILINEAR: {
    double   x = uc - 0.5, y = vc - 0.5, sw = 0, sv = 0;
    PetscInt i = (PetscInt)floor(x), j = (PetscInt)floor(y);
    double   fx = x - i, fy = y - j;
    double   w[4] = {(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy};
    for (int k = 0; k < 4; k++) {
      double val = SrcAt(s, i + (k & 1), j + (k >> 1));
      if (w[k] > 0 && !isnan(val)) {
        sw += w[k];
        sv += w[k] * val;
      }
    }
    return sw > 0 ? sv / sw : NAN;
  }
  case RS_AVERAGE:
  case RS_MODE: {
    PetscInt ia = (PetscInt)floor(u0), ib = (PetscInt)ceil(u1), ja = (PetscInt)floor(v0), jb = (PetscInt)ceil(v1);
    size_t   n  = 0;
    double   sw = 0, sv = 0;
    for (PetscInt j = ja; j < jb; j++) {
      double wy = PetscMin(v1, (double)(j + 1)) - PetscMax(v0, (double)j);
      for (PetscInt i = ia; i < ib; i++) {
        double wx = PetscMin(u1, (double)(i + 1)) - PetscMax(u0, (double)i), val = SrcAt(s, i, j);
        if (wx <= 0 || wy <= 0 || isnan(val)) continue;
        sw += wx * wy;
        sv += wx * wy * val;
        work[n].v   = val;
        work[n++].w = wx * wy;
      }
    }
    if (!n) return NAN;
    if (m == RS_AVERAGE) return sv / sw;
    {
      double best = work[0].v, bestw = -1;
      qsort(work, n, sizeof(ValW), CmpValW);
      for (size_t a = 0, b; a < n; a = b) {
        double tw = 0;
        for (b = a; b < n && work[b].v == work[a].v; b++) tw += work[b].w;
        if (tw > bestw) { /* strict: among ties the smallest value (sorted first) wins */
          bestw = tw;
          best  = work[a].v;
        }
      }
      return best;
    }
  }
  }
  return NAN;
}

static PetscErrorCode ParseMethod(const char name[], RsMethod *m)
{
  const char *names[] = {"nearest", "bilinear", "average", "mode"};

  PetscFunctionBegin;
  for (int k = 0; k < 4; k++) {
    if (name && !strcmp(name, names[k])) {
      *m = (RsMethod)k;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "unknown resampling '%s' (nearest, bilinear, average, mode)", name ? name : "(null)");
}

/* Resample rows [ra, rb) of the window; ds is open, sgt its geotransform. */
static PetscErrorCode ResampleStrip(GDALDatasetH ds, const char path[], int band, const double sgt[6], const double ggt[6], RsMethod m, PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt ra, PetscInt rb, double fill, double *buf, RslRasterStats *st)
{
  SrcWin   s;
  double  *u, *v;
  ValW    *work;
  PetscInt maxc = 1, maxr = 1;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(ncols + 1, &u, rb - ra + 1, &v));
  /* origin offset first: map coordinates (~1e6 m) would cost digits in the subtraction */
  for (PetscInt c = 0; c <= ncols; c++) u[c] = Snap((ggt[0] - sgt[0]) / sgt[1] + (double)(col0 + c) * (ggt[1] / sgt[1]));
  for (PetscInt r = 0; r <= rb - ra; r++) v[r] = Snap((ggt[3] - sgt[3]) / sgt[5] + (double)(row0 + ra + r) * (ggt[5] / sgt[5]));
  for (PetscInt c = 0; c < ncols; c++) maxc = PetscMax(maxc, (PetscInt)(ceil(u[c + 1]) - floor(u[c])));
  for (PetscInt r = 0; r < rb - ra; r++) maxr = PetscMax(maxr, (PetscInt)(ceil(v[r + 1]) - floor(v[r])));
  /* one pixel of margin (bilinear reaches the neighbours of the centre's pixel), clipped to
   * the raster: pixels beyond it are missing anyway, and need no memory */
  s.c0 = PetscMax((PetscInt)floor(u[0]) - 1, 0);
  s.r0 = PetscMax((PetscInt)floor(v[0]) - 1, 0);
  s.nc = PetscMax(PetscMin((PetscInt)ceil(u[ncols]) + 1, (PetscInt)GDALGetRasterXSize(ds)) - s.c0, 0);
  s.nr = PetscMax(PetscMin((PetscInt)ceil(v[rb - ra]) + 1, (PetscInt)GDALGetRasterYSize(ds)) - s.r0, 0);
  PetscCall(PetscMalloc2((size_t)s.nc * (size_t)s.nr, &s.v, (size_t)maxc * (size_t)maxr, &work));
  PetscCall(RslGDALReadWindow(ds, path, band, s.c0, s.r0, s.nc, s.nr, NAN, s.v, st));
  for (PetscInt r = ra; r < rb; r++) {
    for (PetscInt c = 0; c < ncols; c++) {
      double val = CellValue(&s, m, u[c], u[c + 1], v[r - ra], v[r - ra + 1], work);
      buf[(size_t)r * (size_t)ncols + (size_t)c] = isnan(val) ? fill : val;
    }
  }
  PetscCall(PetscFree2(s.v, work));
  PetscCall(PetscFree2(u, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslResampleOpen(GDALDatasetH ds, const char path[], int band, const double ggt[6], PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, const char resampling[], double fill, double *buf, RslRasterStats *st)
{
  double   sgt[6];
  double   sx, sy;
  PetscInt step;
  RsMethod m = RS_NEAREST;

  PetscFunctionBegin;
  PetscCall(ParseMethod(resampling, &m));
  if (ncols <= 0 || nrows <= 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(GDALGetGeoTransform(ds, sgt) == CE_None, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "cannot resample '%s': it has no geotransform", path);
  PetscCheck(sgt[2] == 0 && sgt[4] == 0 && ggt[2] == 0 && ggt[4] == 0, PETSC_COMM_SELF, PETSC_ERR_SUP, "cannot resample '%s': rotated geotransforms are not supported", path);
  sx = ggt[1] / sgt[1];
  sy = ggt[5] / sgt[5];
  PetscCheck(sx > 0 && sy > 0, PETSC_COMM_SELF, PETSC_ERR_SUP, "cannot resample '%s': target and raster axes point in different directions", path);
  /* strips of target rows keep the source window near 4 M pixels */
  step = (PetscInt)PetscMax(1.0, 4.0e6 / ((ncols * sx + 3) * (sy + 3)));
  for (PetscInt ra = 0; ra < nrows; ra += step) PetscCall(ResampleStrip(ds, path, band, sgt, ggt, m, col0, row0, ncols, ra, PetscMin(ra + step, nrows), fill, buf, st));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRasterReadResampledWindow(const char path[], int band, const double grid_gt[6], PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, const char resampling[], double fill, double *buf)
{
  GDALDatasetH   ds;
  RsMethod       m;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(ParseMethod(resampling, &m));
  if (ncols <= 0 || nrows <= 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(RslGDALOpen(path, &ds));
  ierr = RslResampleOpen(ds, path, band, grid_gt, col0, row0, ncols, nrows, resampling, fill, buf, NULL);
  GDALClose(ds);
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRasterReadResampled(const char path[], int band, const double tgt_gt[6], PetscInt ncols, PetscInt nrows, const char resampling[], double fill, double *buf)
{
  PetscFunctionBegin;
  PetscCall(RslRasterReadResampledWindow(path, band, tgt_gt, 0, 0, ncols, nrows, resampling, fill, buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}
