#define _POSIX_C_SOURCE 200809L /* glob, strtok_r */
/* rain source "raster_series": gridded rain (radar), -rain_raster_series SPEC: a
 * comma-separated list of rasters, a glob pattern (sorted by name), or a .txt file of lines
 * `path` or `time_s,path` (paths relative to the .txt's folder); file k holds on
 * [t_k, t_{k+1}) and the last one for -rain_raster_dt, then 0. Without explicit times
 * t_k = -rain_raster_start + k * -rain_raster_dt (default 0 and 3600 s). Pixel values are
 * multiplied by -rain_raster_scale to give mm/h (default 1; the Météo-France radar files of
 * the Cance case are in 0.1 mm/h: 0.1). Resampling: same CRS as the grid -> overlap-area-
 * weighted mean of the valid pixels under each cell (volume-conservative); another CRS ->
 * cell centres reprojected by GDAL (OGR) and the pixel containing each taken; a CRS GDAL
 * cannot transform, or no overlap -> error naming the file. Nodata (the band's nodata
 * value, NaN, or < 0 -- radar convention) is ignored; a cell without any valid pixel takes
 * the mean of the valid pixels under the whole grid (overlap-area weighted), or 0 with
 * -rain_raster_nodata zero, so a gap neither creates nor removes rain on average.
 * Pixels are averaged here rather than by io/resample because negative values (the radar
 * products' nodata convention, even when the file declares another nodata value) must be
 * dropped before averaging. Every cell's value depends only on its global footprint and the
 * pixels: identical for any rank count. */
#include "scenario/rain_impl.h"
#include "core/validate.h"
#include "io/raster.h"
#include <glob.h>
#include <math.h>
#include <cpl_error.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char       spec[PETSC_MAX_PATH_LEN], nodata[16];
  PetscReal  dt, start; /* -rain_raster_dt, -rain_raster_start */
  PetscInt   n;         /* files */
  char     **path;
  PetscReal *t;         /* n + 1 times: file k holds on [t[k], t[k+1]) */
  PetscReal  scale;     /* pixel value -> mm/h */
  PetscBool  nodata_zero;
  PetscBool  same_crs;
  RslRasterInfo info0;  /* header of the first file: every file must match it */
  PetscInt  *pc, *pr;   /* reprojected: pixel (col, row) of each owned cell, -1 outside */
  PetscInt   bb[4];     /* reprojected: pixel box [bb0,bb1) x [bb2,bb3) hit by all cells */
  PetscInt   loaded;    /* index of the file in field, -1 none */
  Vec        field;     /* mm/h per cell, before the climate factor */
} RainRaster;

/* A list file (SPEC ending in .txt): lines 'time_s,path' or 'path'. */
static PetscBool IsListFile(const char *spec)
{
  return strlen(spec) > 4 && !strcmp(spec + strlen(spec) - 4, ".txt");
}

/* Rank 0: expand SPEC into lines "time\tpath\n" (time "-" when not given); text: the list
 * file's bytes (RslReadTextFile) when SPEC is one. */
static void ExpandSpec(const char *spec, char *text, char **out, char err[512])
{
  size_t len = 0, cap = 4096;
  char  *buf = malloc(cap);
  buf[0] = 0;
  err[0] = 0;
#define ADD(t, p) \
  do { \
    size_t need = strlen(p) + 64; \
    if (len + need >= cap) buf = realloc(buf, cap = 2 * (cap + need)); \
    len += (size_t)sprintf(buf + len, "%s\t%s\n", t, p); \
  } while (0)
  if (IsListFile(spec)) {
    char        dir[PETSC_MAX_PATH_LEN], path[3 * PETSC_MAX_PATH_LEN], *cur = text, *p;
    const char *slash  = strrchr(spec, '/');
    int         lineno = 0;
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - spec) : 1, slash ? spec : ".");
    while ((p = RslNextLine(&cur, &lineno))) {
      char *comma, tbuf[64] = "-";
      if ((comma = strchr(p, ','))) {
        double t;
        *comma = 0;
        if (!RslParseReal(p, &t)) {
          snprintf(err, 512, "-rain_raster_series: '%s' line %d: '%.40s' is not a finite time in seconds (expected 'time_s,path' or 'path')", spec, lineno, p);
          break;
        }
        snprintf(tbuf, sizeof tbuf, "%.17g", t);
        p = comma + 1;
        while (*p == ' ' || *p == '\t') p++;
      }
      if (p[0] == '/') snprintf(path, sizeof path, "%s", p);
      else snprintf(path, sizeof path, "%s/%s", dir, p);
      ADD(tbuf, path);
    }
  } else if (strchr(spec, ',')) {
    char *copy = strdup(spec), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) ADD("-", tok);
    free(copy);
  } else if (strpbrk(spec, "*?[")) {
    glob_t g;
    if (glob(spec, 0, NULL, &g) == 0) {
      for (size_t k = 0; k < g.gl_pathc; k++) ADD("-", g.gl_pathv[k]);
      globfree(&g);
    } else snprintf(err, 512, "-rain_raster_series: no file matches '%s'", spec);
  } else ADD("-", spec);
#undef ADD
  if (!err[0] && !len) snprintf(err, 512, "-rain_raster_series: '%s' lists no raster", spec);
  *out = buf;
}

/* Footprint of grid cell (i, j) in pixel units of the raster (u east, v down). */
static void CellPixels(const RslGrid *g, const double *rgt, PetscInt i, PetscInt j, double *u0, double *u1, double *v0, double *v1)
{
  PetscInt r  = g->ny - 1 - j;
  double   x0 = g->gt[0] + i * g->gt[1], x1 = x0 + g->gt[1];
  double   y0 = g->gt[3] + r * g->gt[5], y1 = y0 + g->gt[5];
  double   a = (x0 - rgt[0]) / rgt[1], b = (x1 - rgt[0]) / rgt[1];
  double   c = (y0 - rgt[3]) / rgt[5], d = (y1 - rgt[3]) / rgt[5];
  *u0 = PetscMin(a, b);
  *u1 = PetscMax(a, b);
  *v0 = PetscMin(c, d);
  *v1 = PetscMax(c, d);
}

static PetscBool Valid(double v) { return (PetscBool)(v == v && v >= 0); }

/* Overlap-area-weighted mean of the valid pixels of win (cols [c0,c0+nc), rows [r0,r0+nr))
 * over the footprint [u0,u1) x [v0,v1); NaN when none is valid. */
static double FootprintMean(const double *win, PetscInt c0, PetscInt r0, PetscInt nc, PetscInt nr, double u0, double u1, double v0, double v1)
{
  double sw = 0, sv = 0;
  for (PetscInt r = (PetscInt)floor(v0); r < v1; r++) {
    double wy = PetscMin(v1, r + 1.0) - PetscMax(v0, (double)r);
    if (r < r0 || r >= r0 + nr || wy <= 0) continue;
    for (PetscInt c = (PetscInt)floor(u0); c < u1; c++) {
      double wx = PetscMin(u1, c + 1.0) - PetscMax(u0, (double)c), v;
      if (c < c0 || c >= c0 + nc || wx <= 0) continue;
      v = win[(r - r0) * nc + (c - c0)];
      if (!Valid(v)) continue;
      sw += wx * wy;
      sv += wx * wy * v;
    }
  }
  return sw > 0 ? sv / sw : NAN;
}

/* Coordinate transformation from the grid's CRS to the raster's (NULL when impossible). */
static OGRCoordinateTransformationH GridToRaster(const char *gwkt, const char *rwkt)
{
  OGRSpatialReferenceH         a = OSRNewSpatialReference(NULL), b = OSRNewSpatialReference(NULL);
  OGRCoordinateTransformationH ct = NULL;
  if (gwkt[0] && rwkt[0] && OSRSetFromUserInput(a, gwkt) == OGRERR_NONE && OSRSetFromUserInput(b, rwkt) == OGRERR_NONE) {
    OSRSetAxisMappingStrategy(a, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(b, OAMS_TRADITIONAL_GIS_ORDER);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    ct = OCTNewCoordinateTransformation(a, b);
    CPLPopErrorHandler();
  }
  OSRDestroySpatialReference(a);
  OSRDestroySpatialReference(b);
  return ct;
}

static PetscErrorCode SetUp(RslRainSource src)
{
  RslRain        rain = src->rain;
  MPI_Comm       comm = rain->comm;
  RainRaster    *R    = (RainRaster *)src->data;
  const RslGrid *g    = rain->grid;
  PetscMPIInt    rank;
  char           err[512] = "", *list = NULL, *text = NULL, *p;
  int            len      = 0;
  PetscInt       ntimes   = 0;
  const double  *rgt;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  RSLCHECK(comm, R->dt > 0, "-rain_raster_dt: %g s must be > 0", (double)R->dt);
  RSLCHECK(comm, R->scale >= 0, "-rain_raster_scale: %g must be >= 0", (double)R->scale);
  if (IsListFile(R->spec)) PetscCall(RslReadTextFile(comm, "-rain_raster_series", R->spec, &text));
  if (!rank) {
    ExpandSpec(R->spec, text, &list, err);
    len = (int)strlen(list) + 1;
  }
  PetscCall(PetscFree(text));
  PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
  if (err[0]) free(list);
  RSLCHECK(comm, !err[0], "%s", err);
  PetscCallMPI(MPI_Bcast(&len, 1, MPI_INT, 0, comm));
  if (rank) list = malloc((size_t)len);
  PetscCallMPI(MPI_Bcast(list, len, MPI_CHAR, 0, comm));
  for (p = list; *p; p++) R->n += (*p == '\n');
  PetscCall(PetscCalloc1(R->n, &R->path));
  PetscCall(PetscMalloc1(R->n + 1, &R->t));
  p             = list;
  for (PetscInt k = 0; k < R->n; k++) {
    char *tab = strchr(p, '\t'), *nl = strchr(p, '\n');
    *tab = *nl = 0;
    if (strcmp(p, "-")) {
      R->t[k] = atof(p);
      ntimes++;
    } else R->t[k] = R->start + k * R->dt;
    PetscCall(PetscStrallocpy(tab + 1, &R->path[k]));
    p = nl + 1;
  }
  free(list);
  RSLCHECK(comm, ntimes == 0 || ntimes == R->n, "-rain_raster_series: '%s' gives times for some files only", R->spec);
  R->t[R->n] = R->t[R->n - 1] + R->dt;
  for (PetscInt k = 0; k < R->n; k++) RSLCHECK(comm, R->t[k + 1] > R->t[k], "-rain_raster_series: times must increase ('%s' at %g s)", R->path[k], (double)R->t[k]);

  /* Geometry from the first file; the overlap is checked once for all. */
  PetscCall(RslRasterInfoRead(comm, "-rain_raster_series", R->path[0], &R->info0));
  rgt         = R->info0.gt;
  R->same_crs = RslCRSSame(g->crs_wkt, R->info0.crs_wkt);
  RSLCHECK(comm, rgt[2] == 0 && rgt[4] == 0, "-rain_raster_series: '%s' is rotated (not north-up)", R->path[0]);
  if (R->same_crs) PetscCall(RslGridCheckRaster(g, "-rain_raster_series", R->path[0], &R->info0, "the -rain_raster_nodata value"));
  else {
    OGRCoordinateTransformationH ct = NULL;
    PetscInt                     bad = 0, hits = 0, n = g->xm * g->ym, lbb[4] = {PETSC_MAX_INT, PETSC_MAX_INT, PETSC_MAX_INT, PETSC_MAX_INT};
    double                      *x, *y;
    ct = GridToRaster(g->crs_wkt, R->info0.crs_wkt);
    bad = ct ? 0 : 1;
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &bad, 1, MPIU_INT, MPI_MAX, comm));
    RSLCHECK(comm, !bad, "-rain_raster_series: '%s' is in another CRS than the grid and GDAL cannot transform between them (%s); give rasters in the grid's CRS", R->path[0], !R->info0.crs_wkt[0] ? "the raster has no CRS" : !g->crs_wkt[0] ? "the grid has no CRS" : "unsupported CRS pair");
    PetscCall(PetscMalloc2(n, &x, n, &y));
    PetscCall(PetscMalloc2(n, &R->pc, n, &R->pr));
    for (PetscInt j = 0; j < g->ym; j++)
      for (PetscInt i = 0; i < g->xm; i++) RslGridCellCentre(g, g->xs + i, g->ys + j, &x[j * g->xm + i], &y[j * g->xm + i]);
    if (n) {
      int *ok;
      PetscCall(PetscMalloc1(n, &ok));
      OCTTransformEx(ct, (int)n, x, y, NULL, ok);
      for (PetscInt k = 0; k < n; k++) {
        double u = (x[k] - rgt[0]) / rgt[1], v = (y[k] - rgt[3]) / rgt[5];
        R->pc[k] = R->pr[k] = -1;
        if (ok[k] && u >= 0 && v >= 0 && u < R->info0.nx && v < R->info0.ny) {
          R->pc[k] = (PetscInt)u;
          R->pr[k] = (PetscInt)v;
          hits++;
          lbb[0] = PetscMin(lbb[0], R->pc[k]), lbb[1] = PetscMin(lbb[1], -R->pc[k]);
          lbb[2] = PetscMin(lbb[2], R->pr[k]), lbb[3] = PetscMin(lbb[3], -R->pr[k]);
        }
      }
      PetscCall(PetscFree(ok));
    }
    OCTDestroyCoordinateTransformation(ct);
    PetscCall(PetscFree2(x, y));
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &hits, 1, MPIU_INT, MPI_SUM, comm));
    RSLCHECK(comm, hits > 0, "-rain_raster_series: '%s' does not overlap the grid (no cell centre falls inside it after reprojection to its CRS)", R->path[0]);
    PetscCall(RslGridCheckCoverage(g, "-rain_raster_series", R->path[0], g->nx * g->ny - hits, "the -rain_raster_nodata value"));
    PetscCall(MPIU_Allreduce(lbb, R->bb, 4, MPIU_INT, MPI_MIN, comm));
    R->bb[1] = -R->bb[1] + 1, R->bb[3] = -R->bb[3] + 1; /* exclusive ends */
  }
  PetscCall(DMCreateGlobalVector(g->da1, &R->field));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The value given to cells without a valid pixel: 0, or the mean of the valid pixels
 * under the grid (overlap-area weighted; reprojected: the pixels hit by cell centres'
 * bounding box), computed by rank 0 so that every rank uses the same number. */
static PetscErrorCode FillValue(RslRainSource src, const char *path, double *fill)
{
  RslRain        rain = src->rain;
  RainRaster    *R    = (RainRaster *)src->data;
  const RslGrid *g = rain->grid;
  PetscMPIInt    rank;
  double         u0, u1, v0, v1, U0, U1, V0, V1, *win, val[2] = {0, 0};
  PetscInt       c0, c1, r0, r1;
  PetscErrorCode ierr = PETSC_SUCCESS;

  PetscFunctionBegin;
  *fill = 0;
  if (R->nodata_zero) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCallMPI(MPI_Comm_rank(rain->comm, &rank));
  if (R->same_crs) {
    CellPixels(g, R->info0.gt, 0, g->ny - 1, &u0, &u1, &v0, &v1);
    CellPixels(g, R->info0.gt, g->nx - 1, 0, &U0, &U1, &V0, &V1);
    u0 = PetscMax(PetscMin(u0, U0), 0), u1 = PetscMin(PetscMax(u1, U1), R->info0.nx);
    v0 = PetscMax(PetscMin(v0, V0), 0), v1 = PetscMin(PetscMax(v1, V1), R->info0.ny);
  } else u0 = R->bb[0], u1 = R->bb[1], v0 = R->bb[2], v1 = R->bb[3];
  c0 = (PetscInt)floor(u0), c1 = (PetscInt)ceil(u1), r0 = (PetscInt)floor(v0), r1 = (PetscInt)ceil(v1);
  if (!rank) {
    PetscCall(PetscMalloc1((c1 - c0) * (r1 - r0), &win));
    ierr = RslRasterReadWindow(path, 1, c0, r0, c1 - c0, r1 - r0, NAN, win);
    if (!ierr) {
      val[0] = FootprintMean(win, c0, r0, c1 - c0, r1 - r0, u0, u1, v0, v1);
      if (val[0] != val[0]) val[0] = 0; /* no valid pixel at all: no rain */
    } else val[1] = 1;
    PetscCall(PetscFree(win));
  }
  PetscCallMPI(MPI_Bcast(val, 2, MPI_DOUBLE, 0, rain->comm));
  RSLCHECK(rain->comm, val[1] == 0, "-rain_raster_series: cannot read '%s'", path);
  *fill = val[0];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Load(RslRainSource src, PetscInt k)
{
  RslRain        rain = src->rain;
  RainRaster    *R    = (RainRaster *)src->data;
  const RslGrid *g = rain->grid;
  const char    *path = R->path[k];
  RslRasterInfo  info;
  PetscBool      same;
  double         fill, *win = NULL, **f;
  PetscInt       c0 = 0, c1 = 0, r0 = 0, r1 = 0;
  RslRasterStats st;

  PetscFunctionBegin;
  PetscCall(RslRasterInfoRead(rain->comm, "-rain_raster_series", path, &info));
  same = (PetscBool)(info.nx == R->info0.nx && info.ny == R->info0.ny && RslCRSSame(info.crs_wkt, R->info0.crs_wkt));
  for (int q = 0; q < 6; q++) same = (PetscBool)(same && info.gt[q] == R->info0.gt[q]);
  PetscCall(RslRasterInfoFree(&info));
  RSLCHECK(rain->comm, same, "-rain_raster_series: '%s' has another size, geotransform or CRS than '%s'", path, R->path[0]);
  PetscCall(FillValue(src, path, &fill));
  /* the window of pixels this rank's cells touch */
  if (g->xm && g->ym) {
    if (R->same_crs) {
      double u0, u1, v0, v1, U0, U1, V0, V1;
      CellPixels(g, R->info0.gt, g->xs, g->ys, &u0, &u1, &v0, &v1);
      CellPixels(g, R->info0.gt, g->xs + g->xm - 1, g->ys + g->ym - 1, &U0, &U1, &V0, &V1);
      c0 = (PetscInt)floor(PetscMin(u0, U0)), c1 = (PetscInt)ceil(PetscMax(u1, U1));
      r0 = (PetscInt)floor(PetscMin(v0, V0)), r1 = (PetscInt)ceil(PetscMax(v1, V1));
    } else c0 = R->bb[0], c1 = R->bb[1], r0 = R->bb[2], r1 = R->bb[3];
    PetscCall(PetscMalloc1((c1 - c0) * (r1 - r0), &win));
  }
  /* NaN is nodata for radar products; an infinite rate is not */
  PetscCall(RslRasterReadWindowAll(rain->comm, "-rain_raster_series", path, 1, c0, r0, c1 - c0, r1 - r0, NAN, win, &st));
  if (st.ninf) PetscCall(PetscFree(win));
  RSLCHECK(rain->comm, !st.ninf, "-rain_raster_series: '%s' holds %" PetscInt64_FMT " infinite pixels", path, st.ninf);
  PetscCall(DMDAVecGetArray(g->da1, R->field, &f));
  for (PetscInt j = g->ys; j < g->ys + g->ym; j++)
    for (PetscInt i = g->xs; i < g->xs + g->xm; i++) {
      double v;
      if (R->same_crs) {
        double u0, u1, v0, v1;
        CellPixels(g, R->info0.gt, i, j, &u0, &u1, &v0, &v1);
        v = FootprintMean(win, c0, r0, c1 - c0, r1 - r0, u0, u1, v0, v1);
      } else {
        PetscInt q = (j - g->ys) * g->xm + (i - g->xs), c = R->pc[q], r = R->pr[q];
        v = c >= 0 ? win[(r - r0) * (c1 - c0) + (c - c0)] : NAN;
        if (!Valid(v)) v = NAN;
      }
      f[j][i] = (v == v ? v : fill) * R->scale;
    }
  PetscCall(DMDAVecRestoreArray(g->da1, R->field, &f));
  PetscCall(PetscFree(win));
  R->loaded = k;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Index of the raster holding t, -1 when none does. */
static PetscInt RasterIndex(const RainRaster *r, PetscReal t)
{
  PetscInt lo = 0, hi = r->n;
  if (!r->n || t < r->t[0] || t >= r->t[r->n]) return -1;
  while (hi - lo > 1) {
    PetscInt mid = (lo + hi) / 2;
    if (r->t[mid] <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

static PetscErrorCode Field(RslRainSource src, PetscReal t, Vec *mmh)
{
  RainRaster *R = (RainRaster *)src->data;
  PetscInt    k = RasterIndex(R, t);

  PetscFunctionBegin;
  *mmh = NULL;
  if (k < 0) PetscFunctionReturn(PETSC_SUCCESS);
  if (k != R->loaded) PetscCall(Load(src, k));
  *mmh = R->field;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode NextBreak(RslRainSource src, PetscReal t, PetscReal *tnext)
{
  RainRaster *R = (RainRaster *)src->data;
  PetscInt    k = RasterIndex(R, t);

  PetscFunctionBegin;
  if (k >= 0) *tnext = R->t[k + 1];
  else *tnext = (R->n && t < R->t[0]) ? R->t[0] : PETSC_MAX_REAL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Options(RslRainSource src, PetscOptionItems *PetscOptionsObject)
{
  RainRaster *R = (RainRaster *)src->data;

  PetscFunctionBegin;
  PetscCall(PetscOptionsString("-rain_raster_series", "Gridded rain: list, glob or .txt of rasters", "rain_raster.c", R->spec, R->spec, sizeof R->spec, &src->given));
  PetscCall(PetscOptionsReal("-rain_raster_scale", "Raster value -> mm/h factor (0.1 for rasters in 0.1 mm/h)", "rain_raster.c", R->scale, &R->scale, NULL));
  PetscCall(PetscOptionsReal("-rain_raster_dt", "Time step between rasters (s)", "rain_raster.c", R->dt, &R->dt, NULL));
  PetscCall(PetscOptionsReal("-rain_raster_start", "Start time of the first raster (s)", "rain_raster.c", R->start, &R->start, NULL));
  PetscCall(PetscOptionsString("-rain_raster_nodata", "Cells without valid pixels: mean (of the valid pixels under the grid) or zero", "rain_raster.c", R->nodata, R->nodata, sizeof R->nodata, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Check(RslRainSource src)
{
  RainRaster *R = (RainRaster *)src->data;

  PetscFunctionBegin;
  RSLCHECK(src->rain->comm, !strcmp(R->nodata, "mean") || !strcmp(R->nodata, "zero"), "-rain_raster_nodata: '%s' (expected mean or zero)", R->nodata);
  R->nodata_zero = (PetscBool)!strcmp(R->nodata, "zero");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View(RslRainSource src, PetscViewer v)
{
  RainRaster *R = (RainRaster *)src->data;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "'%s': %" PetscInt_FMT " files over [%.6g, %.6g] s, %s CRS, scale %.6g, nodata cells: %s\n", R->spec, R->n, R->n ? (double)R->t[0] : 0.0, R->n ? (double)R->t[R->n] : 0.0, R->same_crs ? "the grid's" : "reprojected from another", (double)R->scale, R->nodata));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy(RslRainSource src)
{
  RainRaster *R = (RainRaster *)src->data;

  PetscFunctionBegin;
  if (R->path) {
    PetscCall(RslRasterInfoFree(&R->info0));
    for (PetscInt k = 0; k < R->n; k++) PetscCall(PetscFree(R->path[k]));
    PetscCall(PetscFree(R->path));
  }
  PetscCall(PetscFree2(R->pc, R->pr));
  PetscCall(PetscFree(R->t));
  PetscCall(VecDestroy(&R->field));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainCreate_raster_series(RslRainSource src)
{
  RainRaster *R;

  PetscFunctionBegin;
  PetscCall(PetscNew(&R));
  R->dt     = 3600;
  R->scale  = 1.0;
  R->loaded = -1;
  PetscCall(PetscStrncpy(R->nodata, "mean", sizeof R->nodata));
  src->data   = R;
  src->option = "-rain_raster_series";
  src->ops    = (RslRainOps){.options = Options, .check = Check, .setup = SetUp, .field = Field, .next_break = NextBreak, .view = View, .destroy = Destroy};
  PetscFunctionReturn(PETSC_SUCCESS);
}
