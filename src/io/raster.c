/* io/raster: GDAL header reads (rank 0 + broadcast), windowed reads, GeoTIFF writes. */
#include "io/gdal_util.h"
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <ogr_srs_api.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

void RslGDALRegister(void)
{
  static int registered;
  if (!registered) {
    GDALAllRegister();
    /* Each rank reads its window once: GDAL's default cache (5% of RAM per process) would
     * only multiply memory by the ranks per node. GDAL_CACHEMAX still overrides. */
    if (!CPLGetConfigOption("GDAL_CACHEMAX", NULL)) GDALSetCacheMax64((GIntBig)64 << 20);
    registered = 1;
  }
}

/* GDAL's reason for the last failure; GDALOpen sets none for an unknown format. */
static const char *GDALWhy(void)
{
  return CPLGetLastErrorMsg()[0] ? CPLGetLastErrorMsg() : "not a raster format GDAL recognises";
}

PetscErrorCode RslGDALOpen(const char path[], GDALDatasetH *ds)
{
  PetscFunctionBegin;
  RslGDALRegister();
  CPLErrorReset();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  *ds = GDALOpenEx(path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
  CPLPopErrorHandler();
  PetscCheck(*ds, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open '%s' as a raster (%s)", path, GDALWhy());
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The header as rank 0 saw it, broadcast as bytes (all ranks run the same binary). */
typedef struct {
  char   err[512]; /* empty when the file opened */
  int    nx, ny, nbands, projected, has_nodata, has_gt, wkt_len;
  double gt[6], linear_units, nodata;
} RasterHeader;

/* CRS properties of a WKT: projected flag and metres per linear unit (0 when unknown). */
static void CRSUnits(const char *wkt, int *projected, double *units)
{
  OGRSpatialReferenceH srs;

  *projected = 0;
  *units     = 0;
  if (!wkt[0]) return;
  srs = OSRNewSpatialReference(NULL);
  if (OSRSetFromUserInput(srs, wkt) == OGRERR_NONE) {
    *projected = OSRIsProjected(srs);
    if (*projected || OSRIsLocal(srs)) *units = OSRGetLinearUnits(srs, NULL);
  }
  OSRDestroySpatialReference(srs);
}

/* Rank 0: fill h from the file; *wkt is CPLStrdup'ed (caller frees with CPLFree). */
static void HeaderRead(const char *option, const char *path, RasterHeader *h, char **wkt)
{
  GDALDatasetH ds;
  struct stat  st;

  memset(h, 0, sizeof(*h));
  *wkt = NULL;
  if (!path || !path[0]) {
    snprintf(h->err, sizeof(h->err), "%s: no file name given", option);
    return;
  }
  RslGDALRegister();
  CPLErrorReset();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  ds = GDALOpenEx(path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
  CPLPopErrorHandler();
  if (!ds) {
    /* GDAL also opens non-files (/vsicurl/, connection strings): stat only to explain. */
    if (stat(path, &st) != 0) snprintf(h->err, sizeof(h->err), "%s: cannot open '%s' (no such file)", option, path);
    else snprintf(h->err, sizeof(h->err), "%s: cannot open '%s' as a raster (%s)", option, path, GDALWhy());
    return;
  }
  h->nx     = GDALGetRasterXSize(ds);
  h->ny     = GDALGetRasterYSize(ds);
  h->nbands = GDALGetRasterCount(ds);
  if (h->nbands < 1) snprintf(h->err, sizeof(h->err), "%s: '%s' has no raster band", option, path);
  else {
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    h->nodata         = GDALGetRasterNoDataValue(b, &h->has_nodata);
  }
  if (!h->err[0]) { /* a truncated file often has a complete header: read its corners */
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    double          v;
    CPLErrorReset();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    if (GDALRasterIO(b, GF_Read, 0, 0, 1, 1, &v, 1, 1, GDT_Float64, 0, 0) != CE_None || GDALRasterIO(b, GF_Read, h->nx - 1, h->ny - 1, 1, 1, &v, 1, 1, GDT_Float64, 0, 0) != CE_None)
      snprintf(h->err, sizeof(h->err), "%s: '%s' is truncated or corrupt: its pixels cannot be read (%s)", option, path, GDALWhy());
    CPLPopErrorHandler();
  }
  h->has_gt = GDALGetGeoTransform(ds, h->gt) == CE_None;
  *wkt      = CPLStrdup(GDALGetProjectionRef(ds) ? GDALGetProjectionRef(ds) : "");
  h->wkt_len = (int)strlen(*wkt);
  CRSUnits(*wkt, &h->projected, &h->linear_units);
  GDALClose(ds);
}

PetscErrorCode RslRasterInfoRead(MPI_Comm comm, const char option[], const char path[], RslRasterInfo *info)
{
  PetscMPIInt  rank;
  RasterHeader h;
  char        *wkt0 = NULL;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(info, sizeof(*info)));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!option) option = "raster";
  if (rank == 0) HeaderRead(option, path, &h, &wkt0);
  PetscCallMPI(MPI_Bcast(&h, (PetscMPIInt)sizeof(h), MPI_BYTE, 0, comm));
  if (h.err[0]) CPLFree(wkt0);
  RSLCHECK(comm, !h.err[0], "%s", h.err);
  PetscCall(PetscMalloc1(h.wkt_len + 1, &info->crs_wkt));
  if (rank == 0) PetscCall(PetscMemcpy(info->crs_wkt, wkt0, (size_t)h.wkt_len + 1));
  CPLFree(wkt0);
  PetscCallMPI(MPI_Bcast(info->crs_wkt, h.wkt_len + 1, MPI_CHAR, 0, comm));
  info->nx               = h.nx;
  info->ny               = h.ny;
  info->nbands           = h.nbands;
  info->projected        = h.projected ? PETSC_TRUE : PETSC_FALSE;
  info->linear_units     = h.linear_units;
  info->has_nodata       = h.has_nodata ? PETSC_TRUE : PETSC_FALSE;
  info->nodata           = h.nodata;
  info->has_geotransform = h.has_gt ? PETSC_TRUE : PETSC_FALSE;
  for (int k = 0; k < 6; k++) info->gt[k] = h.gt[k];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRasterInfoFree(RslRasterInfo *info)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(info->crs_wkt));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void RslRasterStatsInit(RslRasterStats *st)
{
  st->min    = PETSC_MAX_REAL;
  st->max    = -PETSC_MAX_REAL;
  st->nvalid = st->nnan = st->ninf = 0;
}

PetscErrorCode RslGDALReadWindow(GDALDatasetH ds, const char path[], int band, PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, double fill, double *buf, RslRasterStats *st)
{
  GDALRasterBandH b;
  PetscInt        nx = GDALGetRasterXSize(ds), ny = GDALGetRasterYSize(ds);
  PetscInt        c0 = PetscMax(col0, 0), c1 = PetscMin(col0 + ncols, nx);
  PetscInt        r0 = PetscMax(row0, 0), r1 = PetscMin(row0 + nrows, ny);
  int             has_nd = 0;
  double          nd;

  PetscFunctionBegin;
  PetscCheck(band >= 1 && band <= GDALGetRasterCount(ds), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "'%s' has %d band(s), band %d requested", path, GDALGetRasterCount(ds), band);
  for (size_t k = 0; k < (size_t)ncols * (size_t)nrows; k++) buf[k] = fill;
  if (c1 <= c0 || r1 <= r0) PetscFunctionReturn(PETSC_SUCCESS);
  b = GDALGetRasterBand(ds, band);
  {
    double *dst = buf + (size_t)(r0 - row0) * (size_t)ncols + (size_t)(c0 - col0);
    CPLErr  e;
    CPLErrorReset();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    e = GDALRasterIOEx(b, GF_Read, (int)c0, (int)r0, (int)(c1 - c0), (int)(r1 - r0), dst, (int)(c1 - c0), (int)(r1 - r0), GDT_Float64, (GSpacing)sizeof(double), (GSpacing)(ncols * sizeof(double)), NULL);
    CPLPopErrorHandler();
    PetscCheck(e == CE_None, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "reading '%s' band %d, window %" PetscInt_FMT "x%" PetscInt_FMT " at (%" PetscInt_FMT ",%" PetscInt_FMT "): %s", path, band, c1 - c0, r1 - r0, c0, r0, CPLGetLastErrorMsg());
  }
  nd = GDALGetRasterNoDataValue(b, &has_nd);
  if (GDALGetRasterDataType(b) == GDT_Float32) nd = (double)(float)nd; /* compare as stored */
  for (PetscInt r = r0; r < r1; r++) {
    double *row = buf + (size_t)(r - row0) * (size_t)ncols;
    for (PetscInt c = c0; c < c1; c++) {
      double v = row[c - col0];
      if (has_nd && (v == nd || (isnan(v) && isnan(nd)))) row[c - col0] = fill;
      else if (!isfinite(v)) {
        row[c - col0] = fill;
        if (st && isnan(v)) st->nnan++;
        else if (st) st->ninf++;
      } else if (st) {
        st->nvalid++;
        st->min = PetscMin(st->min, v);
        st->max = PetscMax(st->max, v);
      }
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

struct _p_RslRaster {
  GDALDatasetH ds;
  char        *path;
};

PetscErrorCode RslRasterOpen(const char path[], RslRaster *raster)
{
  GDALDatasetH ds;

  PetscFunctionBegin;
  PetscCall(RslGDALOpen(path, &ds));
  PetscCall(PetscNew(raster));
  (*raster)->ds = ds;
  PetscCall(PetscStrallocpy(path, &(*raster)->path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRasterClose(RslRaster *raster)
{
  PetscFunctionBegin;
  if (!*raster) PetscFunctionReturn(PETSC_SUCCESS);
  GDALClose((*raster)->ds);
  PetscCall(PetscFree((*raster)->path));
  PetscCall(PetscFree(*raster));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRasterReadWindowFrom(RslRaster r, int band, PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, double fill, double *buf)
{
  PetscFunctionBegin;
  PetscCall(RslGDALReadWindow(r->ds, r->path, band, col0, row0, ncols, nrows, fill, buf, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRasterReadResampledWindowFrom(RslRaster r, int band, const double grid_gt[6], PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, const char resampling[], double fill, double *buf)
{
  PetscFunctionBegin;
  PetscCall(RslResampleOpen(r->ds, r->path, band, grid_gt, col0, row0, ncols, nrows, resampling, fill, buf, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRasterReadWindow(const char path[], int band, PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, double fill, double *buf)
{
  RslRaster      r;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(RslRasterOpen(path, &r));
  ierr = RslRasterReadWindowFrom(r, band, col0, row0, ncols, nrows, fill, buf);
  PetscCall(RslRasterClose(&r));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The local read of a collective one, errors returned silently with their message. */
static PetscErrorCode ReadQuiet(const char path[], int band, const double *grid_gt, PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, const char resampling[], double fill, double *buf, RslRasterStats *st, char msg[], size_t len)
{
  GDALDatasetH   ds   = NULL;
  PetscErrorCode ierr = PETSC_SUCCESS;

  msg[0] = 0;
  if (ncols <= 0 || nrows <= 0) return PETSC_SUCCESS;
  if (PetscPushErrorHandler(PetscReturnErrorHandler, NULL)) return PETSC_ERR_LIB;
  ierr = RslGDALOpen(path, &ds);
  if (!ierr) {
    ierr = grid_gt ? RslResampleOpen(ds, path, band, grid_gt, col0, row0, ncols, nrows, resampling, fill, buf, st) : RslGDALReadWindow(ds, path, band, col0, row0, ncols, nrows, fill, buf, st);
    GDALClose(ds);
  }
  if (PetscPopErrorHandler()) return PETSC_ERR_LIB;
  if (ierr) {
    char *specific = NULL;
    PetscErrorMessage(ierr, NULL, &specific);
    snprintf(msg, len, "%s", specific && specific[0] ? specific : "GDAL read error");
  }
  return ierr;
}

/* The collective reads: the local one (grid_gt NULL: a plain window), then a collective
 * check of every rank's outcome and the stats reduced over comm (when given). */
static PetscErrorCode ReadAll(MPI_Comm comm, const char option[], const char path[], int band, const double *grid_gt, PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, const char resampling[], double fill, double *buf, RslRasterStats *st)
{
  char           msg[512], full[768];
  PetscErrorCode ierr;

  PetscFunctionBegin;
  if (st) RslRasterStatsInit(st);
  ierr = ReadQuiet(path, band, grid_gt, col0, row0, ncols, nrows, resampling, fill, buf, st, msg, sizeof msg);
  PetscCall(PetscSNPrintf(full, sizeof full, "%s: %s", option, msg));
  PetscCall(RslCheckCollective(comm, ierr ? PETSC_TRUE : PETSC_FALSE, full));
  if (st) {
    double     mm[2] = {st->min, -st->max};
    PetscInt64 n[3]  = {st->nvalid, st->nnan, st->ninf};
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, mm, 2, MPI_DOUBLE, MPI_MIN, comm));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, n, 3, MPIU_INT64, MPI_SUM, comm));
    st->min    = mm[0];
    st->max    = -mm[1];
    st->nvalid = n[0];
    st->nnan   = n[1];
    st->ninf   = n[2];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRasterReadWindowAll(MPI_Comm comm, const char option[], const char path[], int band, PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, double fill, double *buf, RslRasterStats *stats)
{
  PetscFunctionBegin;
  PetscCall(ReadAll(comm, option, path, band, NULL, col0, row0, ncols, nrows, NULL, fill, buf, stats));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRasterReadResampledWindowAll(MPI_Comm comm, const char option[], const char path[], int band, const double grid_gt[6], PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, const char resampling[], double fill, double *buf, RslRasterStats *stats)
{
  PetscFunctionBegin;
  PetscCall(ReadAll(comm, option, path, band, grid_gt, col0, row0, ncols, nrows, resampling, fill, buf, stats));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRasterStatsCheck(MPI_Comm comm, const char option[], const char path[], const RslRasterStats *s, const char what[], RslRange r)
{
  char want[64];

  PetscFunctionBegin;
  RSLCHECK(comm, !s->ninf, "%s: '%s' holds %" PetscInt64_FMT " infinite pixels", option, path, s->ninf);
  RSLCHECK(comm, !s->nnan, "%s: '%s' holds %" PetscInt64_FMT " NaN pixels and does not declare NaN as its nodata value (e.g. gdal_edit.py -a_nodata nan)", option, path, s->nnan);
  RslRangeText(r, want, sizeof want);
  if (s->nvalid) {
    RSLCHECK(comm, r.lo_open ? s->min > r.lo : s->min >= r.lo, "%s: '%s' holds %s values down to %g; they must be %s", option, path, what, s->min, want);
    RSLCHECK(comm, r.hi_open ? s->max < r.hi : s->max <= r.hi, "%s: '%s' holds %s values up to %g; they must be %s", option, path, what, s->max, want);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

struct _p_RslRasterOut {
  GDALDatasetH ds;
  PetscInt     nbands;
  char         path[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN];
};

PetscErrorCode RslRasterCreate(const char path[], const char type[], PetscInt ncols, PetscInt nrows, PetscInt nbands, const double gt[6], const char *crs_wkt, PetscBool has_nodata, double nodata, RslRasterOut *out)
{
  GDALDataType t = GDALGetDataTypeByName(type);
  GDALDriverH  drv;
  GDALDatasetH ds;
  char         tmp[PETSC_MAX_PATH_LEN];
  char       **opts = NULL;
  CPLErr       e    = CE_None;

  PetscFunctionBegin;
  *out = NULL;
  PetscCheck(t != GDT_Unknown, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "writing '%s': unknown raster type '%s'", path, type);
  RslGDALRegister();
  drv = GDALGetDriverByName("GTiff");
  PetscCheck(drv, PETSC_COMM_SELF, PETSC_ERR_LIB, "GDAL has no GTiff driver");
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s.part.tif", path));
  opts = CSLSetNameValue(opts, "TILED", "YES");
  opts = CSLSetNameValue(opts, "COMPRESS", "DEFLATE");
  opts = CSLSetNameValue(opts, "BIGTIFF", "IF_SAFER");
  if (nbands > 1) opts = CSLSetNameValue(opts, "INTERLEAVE", "BAND");
  CPLErrorReset();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  ds = GDALCreate(drv, tmp, (int)ncols, (int)nrows, (int)nbands, t, opts);
  CSLDestroy(opts);
  if (ds) {
    e = GDALSetGeoTransform(ds, (double *)gt);
    if (e == CE_None && crs_wkt && crs_wkt[0]) e = GDALSetProjection(ds, crs_wkt);
    for (int b = 1; e == CE_None && has_nodata && b <= nbands; b++) e = GDALSetRasterNoDataValue(GDALGetRasterBand(ds, b), nodata);
    if (e != CE_None) {
      GDALClose(ds);
      (void)remove(tmp);
    }
  }
  CPLPopErrorHandler();
  PetscCheck(ds && e == CE_None, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot create '%s': %s", tmp, CPLGetLastErrorMsg()[0] ? CPLGetLastErrorMsg() : "GDALCreate failed");
  PetscCall(PetscNew(out));
  (*out)->ds     = ds;
  (*out)->nbands = nbands;
  PetscCall(PetscStrncpy((*out)->path, path, sizeof((*out)->path)));
  PetscCall(PetscStrncpy((*out)->tmp, tmp, sizeof((*out)->tmp)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRasterWriteWindow(RslRasterOut o, PetscInt col0, PetscInt row0, PetscInt ncols, PetscInt nrows, const char buftype[], const void *buf)
{
  GDALDataType t = GDALGetDataTypeByName(buftype);
  GSpacing     px, line;
  CPLErr       e;

  PetscFunctionBegin;
  PetscCheck(t != GDT_Unknown, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "writing '%s': unknown buffer type '%s'", o->path, buftype);
  if (ncols <= 0 || nrows <= 0) PetscFunctionReturn(PETSC_SUCCESS);
  px   = GDALGetDataTypeSizeBytes(t);
  line = px * ncols;
  CPLErrorReset();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  e = GDALDatasetRasterIOEx(o->ds, GF_Write, (int)col0, (int)row0, (int)ncols, (int)nrows, (void *)buf, (int)ncols, (int)nrows, t, (int)o->nbands, NULL, px, line, line * nrows, NULL);
  CPLPopErrorHandler();
  PetscCheck(e == CE_None, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "writing '%s', window %" PetscInt_FMT "x%" PetscInt_FMT " at (%" PetscInt_FMT ",%" PetscInt_FMT "): %s", o->tmp, ncols, nrows, col0, row0, CPLGetLastErrorMsg());
  PetscFunctionReturn(PETSC_SUCCESS);
}

int RslRasterOverviewFactors(PetscInt nx, PetscInt ny, int f[40])
{
  int n = 0;

  for (PetscInt level = PetscMax(nx, ny); level > 256 && n < 40; level = (level + 1) / 2) f[n] = 1 << (n + 1), n++;
  return n;
}

PetscErrorCode RslRasterBuildOverviews(RslRasterOut out, const char resampling[], PetscInt nx, PetscInt ny)
{
  int    f[40], n = RslRasterOverviewFactors(nx, ny, f);
  CPLErr e;

  PetscFunctionBegin;
  if (!n) PetscFunctionReturn(PETSC_SUCCESS);
  CPLErrorReset();
  e = GDALBuildOverviews(out->ds, resampling, n, f, 0, NULL, NULL, NULL);
  PetscCheck(e == CE_None, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot build the overviews of raster '%s' (%s)", out->path, CPLGetLastErrorMsg());
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRasterFinish(RslRasterOut *out, PetscBool ok)
{
  RslRasterOut o = *out;
  char         why[512] = "", path[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  if (!o) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscStrncpy(path, o->path, sizeof path));
  CPLErrorReset();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  GDALClose(o->ds); /* flushes: a late write error shows in the error state */
  if (ok && CPLGetLastErrorType() >= CE_Failure) snprintf(why, sizeof why, "%s", CPLGetLastErrorMsg());
  CPLPopErrorHandler();
  if (ok && !why[0] && rename(o->tmp, o->path) != 0) PetscCall(PetscSNPrintf(why, sizeof why, "cannot rename '%s' to '%s'", o->tmp, o->path));
  if (!ok || why[0]) (void)remove(o->tmp);
  PetscCall(PetscFree(*out));
  PetscCheck(!why[0], PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write raster '%s' (%s)", path, why);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRasterWrite(const char path[], const char type[], PetscInt ncols, PetscInt nrows, const double gt[6], const char *crs_wkt, PetscBool has_nodata, double nodata, const double *buf)
{
  RslRasterOut   o;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(RslRasterCreate(path, type, ncols, nrows, 1, gt, crs_wkt, has_nodata, nodata, &o));
  ierr = RslRasterWriteWindow(o, 0, 0, ncols, nrows, "Float64", buf);
  PetscCall(RslRasterFinish(&o, ierr ? PETSC_FALSE : PETSC_TRUE));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscBool RslCRSSame(const char *wkt_a, const char *wkt_b)
{
  OGRSpatialReferenceH a, b;
  PetscBool            same;

  if (!wkt_a) wkt_a = "";
  if (!wkt_b) wkt_b = "";
  if (!wkt_a[0] || !wkt_b[0]) return (!wkt_a[0] && !wkt_b[0]) ? PETSC_TRUE : PETSC_FALSE;
  if (!strcmp(wkt_a, wkt_b)) return PETSC_TRUE;
  RslGDALRegister();
  a    = OSRNewSpatialReference(NULL);
  b    = OSRNewSpatialReference(NULL);
  same = (OSRSetFromUserInput(a, wkt_a) == OGRERR_NONE && OSRSetFromUserInput(b, wkt_b) == OGRERR_NONE && OSRIsSame(a, b)) ? PETSC_TRUE : PETSC_FALSE;
  OSRDestroySpatialReference(a);
  OSRDestroySpatialReference(b);
  return same;
}
