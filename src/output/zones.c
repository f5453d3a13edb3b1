/* io/zones: polygon zones rasterised per rank block, exact per-zone sums (zones.h). */
#include "output/zones.h"
#include "io/raster.h"
#include <gdal.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_alg.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { C_CELLS, C_AREA, C_FLOOD, C_HAZ1, C_HAZ2, C_HAZ3, C_HAZ4, C_MAXH, C_MAXHV, C_ARRIVAL, C_VOLUME, C_RAIN, C_LOSSES, C_RUNOFF, C_RC, C_ART, C_ART_BASE, C_ART_CHANGE, C_N };

struct _p_RslZones {
  MPI_Comm       comm;
  char           file[PETSC_MAX_PATH_LEN], field[256], layer[256], classes[1024];
  PetscBool      art[256];
  const RslGrid *grid;
  PetscInt       nz;       /* zones with at least one cell centre in the grid */
  char         **id;       /* their ids, sorted */
  PetscInt      *zone;     /* zone of each owned cell ((j-ys)*xm + i-xs), -1 for none */
  int64_t       *lc;       /* per zone: artificialised pixels of the base map, of the run's map */
  double         pixel_area[2];
  PetscBool      counted[2];
};

PetscErrorCode RslZonesCreate(MPI_Comm comm, RslZones *zones)
{
  RslZones z;

  PetscFunctionBegin;
  PetscCall(PetscNew(&z));
  z->comm = comm;
  PetscCall(PetscStrncpy(z->classes, "0,1,2,12,17", sizeof z->classes));
  *zones = z;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslZonesSetFromOptions(RslZones z)
{
  PetscFunctionBegin;
  PetscOptionsBegin(z->comm, NULL, "Zones: indicators per polygon (communes, IRIS, catchments)", "");
  PetscCall(PetscOptionsString("-zones", "Polygon layer (any OGR vector source, any CRS): indicators per zone in /zones of the result", "", z->file, z->file, sizeof z->file, NULL));
  PetscCall(PetscOptionsString("-zones_field", "Attribute naming each zone, e.g. INSEE_COM (required with -zones)", "", z->field, z->field, sizeof z->field, NULL));
  PetscCall(PetscOptionsString("-zones_layer", "Layer of -zones (default: the first)", "", z->layer, z->layer, sizeof z->layer, NULL));
  PetscCall(PetscOptionsString("-zones_artificial_classes", "Land-cover classes counted as artificialised, comma-separated (OCS GE CS1.1.*; IGN AI naf codes: 1,2,3,4)", "", z->classes, z->classes, sizeof z->classes, NULL));
  PetscOptionsEnd();
  RSLCHECK(z->comm, !z->file[0] || z->field[0], "-zones: give -zones_field NAME too (the attribute naming each zone, e.g. INSEE_COM)");
  for (char *c = z->classes; *c;) {
    char *end;
    long  v = strtol(c, &end, 10);
    RSLCHECK(z->comm, end != c && v >= 0 && v < 255 && (*end == ',' || !*end), "-zones_artificial_classes: '%s' is not a comma-separated list of class values 0..254", z->classes);
    c = *end ? end + 1 : end;
  }
  PetscCall(PetscArrayzero(z->art, 256));
  for (char *s = z->classes; *s;) {
    z->art[strtol(s, &s, 10)] = PETSC_TRUE;
    if (*s == ',') s++;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslZonesIsActive(RslZones z, PetscBool *active)
{
  PetscFunctionBegin;
  *active = (PetscBool)(z->file[0] != 0);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- reading (rank 0) -------------------------------------------------------------- */

/* Growing byte buffer of the features: per feature int32 id length, id, int32 WKB length,
 * WKB (little-endian, in the grid's CRS). */
typedef struct {
  char  *b;
  size_t n, cap;
} Bytes;

static int BytesReserve(Bytes *B, size_t n)
{
  if (B->n + n > B->cap) {
    size_t cap = 2 * (B->n + n) + 4096;
    char  *nb  = realloc(B->b, cap);
    if (!nb) return 0;
    B->b   = nb;
    B->cap = cap;
  }
  return 1;
}

static int BytesPut(Bytes *B, const void *p, size_t n)
{
  if (!BytesReserve(B, n)) return 0;
  memcpy(B->b + B->n, p, n);
  B->n += n;
  return 1;
}

/* Rank 0: features of z->file meeting the grid's extent into B; why[] = "" or the error. */
static void ReadFeatures(RslZones z, Bytes *B, char why[], size_t len)
{
  const RslGrid                 *g   = z->grid;
  GDALDatasetH                   ds  = NULL;
  OGRLayerH                      lay = NULL;
  OGRSpatialReferenceH           gsrs = NULL, lsrs = NULL;
  OGRCoordinateTransformationH   ct  = NULL, back = NULL;
  OGRFeatureH                    f;
  int                            fi;
  double                         x0 = g->gt[0], x1 = g->gt[0] + g->nx * g->gt[1], y1 = g->gt[3], y0 = g->gt[3] + g->ny * g->gt[5];
  struct stat                    st;

  why[0] = 0;
  RslGDALRegister();
  CPLErrorReset();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  ds = GDALOpenEx(z->file, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  if (!ds) {
    if (stat(z->file, &st) != 0 && !strchr(z->file, ':')) snprintf(why, len, "-zones: cannot open '%s' (no such file)", z->file);
    else snprintf(why, len, "-zones: cannot open '%s' as a vector source (%s)", z->file, CPLGetLastErrorMsg()[0] ? CPLGetLastErrorMsg() : "not a format OGR recognises");
    goto done;
  }
  lay = z->layer[0] ? GDALDatasetGetLayerByName(ds, z->layer) : (GDALDatasetGetLayerCount(ds) ? GDALDatasetGetLayer(ds, 0) : NULL);
  if (!lay) {
    if (z->layer[0]) snprintf(why, len, "-zones_layer: '%s' has no layer '%s'", z->file, z->layer);
    else snprintf(why, len, "-zones: '%s' has no layer", z->file);
    goto done;
  }
  if (OGR_GT_Flatten(OGR_L_GetGeomType(lay)) != wkbPolygon && OGR_GT_Flatten(OGR_L_GetGeomType(lay)) != wkbMultiPolygon && OGR_GT_Flatten(OGR_L_GetGeomType(lay)) != wkbUnknown) {
    snprintf(why, len, "-zones: layer '%s' of '%s' holds %s geometries, not polygons", OGR_L_GetName(lay), z->file, OGRGeometryTypeToName(OGR_L_GetGeomType(lay)));
    goto done;
  }
  fi = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lay), z->field);
  if (fi < 0) {
    char   names[512] = "";
    size_t k          = 0;
    for (int i = 0; i < OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(lay)) && k < sizeof names - 64; i++)
      k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", i ? ", " : "", OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(lay), i)));
    snprintf(why, len, "-zones_field: layer '%s' of '%s' has no field '%s' (fields: %s)", OGR_L_GetName(lay), z->file, z->field, names[0] ? names : "none");
    goto done;
  }
  /* the grid's CRS and the layer's, both in x = easting / longitude order */
  lsrs = OGR_L_GetSpatialRef(lay) ? OSRClone(OGR_L_GetSpatialRef(lay)) : NULL;
  if (g->crs_wkt[0]) {
    gsrs = OSRNewSpatialReference(NULL);
    if (OSRSetFromUserInput(gsrs, g->crs_wkt) != OGRERR_NONE) {
      OSRDestroySpatialReference(gsrs);
      gsrs = NULL;
    }
  }
  if (lsrs && gsrs) {
    OSRSetAxisMappingStrategy(lsrs, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(gsrs, OAMS_TRADITIONAL_GIS_ORDER);
    if (!OSRIsSame(lsrs, gsrs)) {
      ct   = OCTNewCoordinateTransformation(lsrs, gsrs);
      back = OCTNewCoordinateTransformation(gsrs, lsrs);
      if (!ct || !back) {
        snprintf(why, len, "-zones: GDAL cannot transform the CRS of '%s' to the grid's (%s)", z->file, CPLGetLastErrorMsg());
        goto done;
      }
      if (!OCTTransformBounds(back, x0, y0, x1, y1, &x0, &y0, &x1, &y1, 21)) {
        snprintf(why, len, "-zones: the grid's extent has no image in the CRS of '%s'", z->file);
        goto done;
      }
    }
  } else if (lsrs || gsrs) {
    /* one side has no CRS: take the coordinates as they are (as GDAL's tools do) */
    fprintf(stderr, "ruissel: warning: -zones: %s has no CRS; its coordinates are taken as the %s's\n", lsrs ? "the grid" : z->file, lsrs ? "layer" : "grid");
  }
  OGR_L_SetSpatialFilterRect(lay, x0, y0, x1, y1);
  OGR_L_ResetReading(lay);
  while ((f = OGR_L_GetNextFeature(lay))) {
    OGRGeometryH geom = OGR_F_GetGeometryRef(f);
    const char  *id   = OGR_F_IsFieldSetAndNotNull(f, fi) ? OGR_F_GetFieldAsString(f, fi) : NULL;
    int32_t      nid, nwkb;
    int          ok = 1;

    if (geom && id && id[0] && !OGR_G_IsEmpty(geom)) {
      if (ct && OGR_G_Transform(geom, ct) != OGRERR_NONE) {
        snprintf(why, len, "-zones: feature %lld (%s = '%s') of '%s' cannot be transformed to the grid's CRS", (long long)OGR_F_GetFID(f), z->field, id, z->file);
        OGR_F_Destroy(f);
        goto done;
      }
      nid  = (int32_t)strlen(id);
      nwkb = (int32_t)OGR_G_WkbSize(geom);
      ok   = BytesPut(B, &nid, 4) && BytesPut(B, id, (size_t)nid) && BytesPut(B, &nwkb, 4) && BytesReserve(B, (size_t)nwkb);
      if (ok) {
        OGR_G_ExportToWkb(geom, wkbNDR, (unsigned char *)B->b + B->n);
        B->n += (size_t)nwkb;
      }
    }
    OGR_F_Destroy(f);
    if (!ok) {
      snprintf(why, len, "-zones: out of memory reading '%s'", z->file);
      goto done;
    }
  }
done:
  CPLPopErrorHandler();
  if (ct) OCTDestroyCoordinateTransformation(ct);
  if (back) OCTDestroyCoordinateTransformation(back);
  if (gsrs) OSRDestroySpatialReference(gsrs);
  if (lsrs) OSRDestroySpatialReference(lsrs);
  if (ds) GDALClose(ds);
}

/* ---- rasterisation (every rank, its block) ----------------------------------------- */

/* Map coordinates -> pixel coordinates of this rank's block: the global pixel coordinate
 * minus the block's integer offset (the same division on every rank). */
typedef struct {
  double gt[6], c0, r0;
} BlockXform;

static int ToBlockPixels(void *arg, int dst_to_src, int n, double *x, double *y, double *z, int *ok)
{
  const BlockXform *b = (const BlockXform *)arg;

  (void)z;
  for (int k = 0; k < n; k++) {
    if (!dst_to_src) {
      double c = (x[k] - b->gt[0]) / b->gt[1], r = (y[k] - b->gt[3]) / b->gt[5];
      x[k] = c - b->c0;
      y[k] = r - b->r0;
    } else {
      x[k] = b->gt[0] + (x[k] + b->c0) * b->gt[1];
      y[k] = b->gt[3] + (y[k] + b->r0) * b->gt[5];
    }
    ok[k] = 1;
  }
  return 1;
}

static int CompareStr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Parse the broadcast features: the sorted distinct ids (*ids, *nids) and, in this rank's
 * block, zone index + 1 of every owned cell burnt into zone[] (0 = none). */
static PetscErrorCode Rasterise(RslZones z, const char *buf, size_t n, char ***ids, PetscInt *nids, PetscInt *zone)
{
  const RslGrid *g = z->grid;
  PetscInt       nf = 0, ng = 0, nu = 0;
  char         **all;
  OGRGeometryH  *geoms;
  double        *burn;
  size_t         p;
  BlockXform     bx;
  double         bx0 = g->gt[0] + g->xs * g->gt[1], bx1 = g->gt[0] + (g->xs + g->xm) * g->gt[1];
  PetscInt       r0  = g->ny - g->ys - g->ym;
  double         by1 = g->gt[3] + r0 * g->gt[5], by0 = g->gt[3] + (r0 + g->ym) * g->gt[5];

  PetscFunctionBegin;
  for (p = 0; p < n; nf++) {
    int32_t a, w;
    memcpy(&a, buf + p, 4);
    memcpy(&w, buf + p + 4 + a, 4);
    p += 8 + (size_t)a + (size_t)w;
  }
  PetscCall(PetscMalloc3(nf + 1, &all, nf + 1, &geoms, nf + 1, &burn));
  for (p = 0, nf = 0; p < n; nf++) { /* the ids, NUL-terminated copies */
    int32_t a, w;
    memcpy(&a, buf + p, 4);
    PetscCall(PetscMalloc1(a + 1, &all[nf]));
    memcpy(all[nf], buf + p + 4, (size_t)a);
    all[nf][a] = 0;
    memcpy(&w, buf + p + 4 + a, 4);
    p += 8 + (size_t)a + (size_t)w;
  }
  { /* the distinct ids, sorted (sorted copies of the pointers, then copies of the strings) */
    char **sorted;
    PetscCall(PetscMalloc1(nf + 1, &sorted));
    PetscCall(PetscArraycpy(sorted, all, nf));
    qsort(sorted, (size_t)nf, sizeof(char *), CompareStr);
    PetscCall(PetscMalloc1(nf + 1, ids));
    for (PetscInt k = 0; k < nf; k++)
      if (!nu || strcmp((*ids)[nu - 1], sorted[k])) PetscCall(PetscStrallocpy(sorted[k], &(*ids)[nu++]));
    PetscCall(PetscFree(sorted));
  }
  *nids = nu;
  /* geometries meeting this block, burn value = zone index + 1, in file order */
  for (p = 0, nf = 0; p < n; nf++) {
    int32_t      a, w;
    OGRGeometryH geom = NULL;
    OGREnvelope  e;
    char       **hit;
    memcpy(&a, buf + p, 4);
    memcpy(&w, buf + p + 4 + a, 4);
    if (g->xm * g->ym > 0 && OGR_G_CreateFromWkb(buf + p + 8 + a, NULL, &geom, w) == OGRERR_NONE && geom) {
      OGR_G_GetEnvelope(geom, &e);
      hit = (char **)bsearch(&all[nf], *ids, (size_t)nu, sizeof(char *), CompareStr);
      if (hit && e.MaxX >= bx0 && e.MinX <= bx1 && e.MaxY >= by0 && e.MinY <= by1) {
        geoms[ng] = geom;
        burn[ng++] = (double)(hit - *ids) + 1;
      } else OGR_G_DestroyGeometry(geom);
    }
    p += 8 + (size_t)a + (size_t)w;
  }
  for (PetscInt k = 0; k < nf; k++) PetscCall(PetscFree(all[k]));
  for (PetscInt k = 0; k < g->xm * g->ym; k++) zone[k] = 0;
  if (ng > 0) {
    GDALDatasetH mem;
    int          band = 1;
    int32_t     *v;
    RslGDALRegister(); /* this rank may not have opened a raster yet (the seg stage reads only where it computes) */
    mem = GDALCreate(GDALGetDriverByName("MEM"), "", (int)g->xm, (int)g->ym, 1, GDT_Int32, NULL);
    CPLErr       e;
    PetscCheck(mem, PETSC_COMM_SELF, PETSC_ERR_MEM, "-zones: cannot create a %" PetscInt_FMT " x %" PetscInt_FMT " in-memory raster", g->xm, g->ym);
    PetscCall(PetscArraycpy(bx.gt, g->gt, 6));
    bx.c0 = (double)g->xs;
    bx.r0 = (double)r0;
    e     = GDALRasterizeGeometries(mem, 1, &band, (int)ng, geoms, ToBlockPixels, &bx, burn, NULL, NULL, NULL);
    PetscCall(PetscMalloc1(g->xm * g->ym, &v));
    if (e == CE_None) e = GDALRasterIO(GDALGetRasterBand(mem, 1), GF_Read, 0, 0, (int)g->xm, (int)g->ym, v, (int)g->xm, (int)g->ym, GDT_Int32, 0, 0);
    GDALClose(mem);
    PetscCheck(e == CE_None, PETSC_COMM_SELF, PETSC_ERR_LIB, "-zones: rasterising '%s' failed (%s)", z->file, CPLGetLastErrorMsg());
    for (PetscInt b = 0; b < g->ym; b++) /* block row b (north first) is grid row ys+ym-1-b */
      for (PetscInt i = 0; i < g->xm; i++) zone[(g->ym - 1 - b) * g->xm + i] = v[b * g->xm + i];
    PetscCall(PetscFree(v));
  }
  for (PetscInt k = 0; k < ng; k++) OGR_G_DestroyGeometry(geoms[k]);
  PetscCall(PetscFree3(all, geoms, burn));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslZonesSetUp(RslZones z, const RslGrid *grid)
{
  Bytes     B = {0};
  char      why[PETSC_MAX_PATH_LEN + 512] = "";
  PetscMPIInt rank;
  int64_t   n = 0, *cells;
  char    **ids;
  PetscInt  nids, *remap, local = grid->xm * grid->ym;

  PetscFunctionBegin;
  if (!z->file[0]) PetscFunctionReturn(PETSC_SUCCESS);
  z->grid = grid;
  PetscCallMPI(MPI_Comm_rank(z->comm, &rank));
  if (rank == 0) {
    ReadFeatures(z, &B, why, sizeof why);
    n = (int64_t)B.n;
  }
  PetscCallMPI(MPI_Bcast(why, sizeof why, MPI_CHAR, 0, z->comm));
  if (why[0]) free(B.b);
  RSLCHECK(z->comm, !why[0], "%s", why);
  PetscCallMPI(MPI_Bcast(&n, 1, MPI_INT64_T, 0, z->comm));
  if (rank != 0) B.b = malloc((size_t)n + 1);
  PetscCheck(B.b || n == 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "-zones: cannot hold %lld bytes of features", (long long)n);
  for (int64_t off = 0; off < n; off += 1 << 30) PetscCallMPI(MPI_Bcast(B.b + off, (int)PetscMin(n - off, (int64_t)1 << 30), MPI_CHAR, 0, z->comm));
  PetscCall(PetscMalloc1(local + 1, &z->zone));
  PetscCall(Rasterise(z, B.b, (size_t)n, &ids, &nids, z->zone));
  free(B.b);
  /* keep the zones that hold a cell centre of the grid, in id order */
  PetscCall(PetscCalloc1(nids + 1, &cells));
  for (PetscInt k = 0; k < local; k++)
    if (z->zone[k] > 0) cells[z->zone[k] - 1]++;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, cells, (PetscMPIInt)nids, MPI_INT64_T, MPI_SUM, z->comm));
  PetscCall(PetscMalloc1(nids + 1, &remap));
  PetscCall(PetscMalloc1(nids + 1, &z->id));
  z->nz = 0;
  for (PetscInt k = 0; k < nids; k++) {
    remap[k] = cells[k] > 0 ? z->nz : -1;
    if (cells[k] > 0) z->id[z->nz++] = ids[k];
    else PetscCall(PetscFree(ids[k]));
  }
  for (PetscInt k = 0; k < local; k++) z->zone[k] = z->zone[k] > 0 ? remap[z->zone[k] - 1] : -1;
  PetscCall(PetscFree(remap));
  PetscCall(PetscFree(cells));
  PetscCall(PetscFree(ids));
  RSLCHECK(z->comm, z->nz > 0, "-zones: no polygon of '%s' contains a cell centre of the grid (check its CRS and extent)", z->file);
  PetscCall(PetscCalloc1(2 * z->nz, &z->lc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslZonesCountLandCover(RslZones z, const RslClassMap *map, PetscBool base)
{
  const RslGrid *g = z->grid;
  int            w = base ? 0 : 1;

  PetscFunctionBegin;
  if (!z->file[0] || !map) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(g, z->comm, PETSC_ERR_ORDER, "RslZonesSetUp() must come first");
  for (PetscInt k = 0; k < z->nz; k++) z->lc[2 * k + w] = 0;
  for (PetscInt r = 0; r < map->nr; r++)
    for (PetscInt c = 0; c < map->nc; c++) {
      unsigned char v = map->data[r * map->nc + c];
      double        x = map->gt[0] + (map->c0 + c + 0.5) * map->gt[1], y = map->gt[3] + (map->r0 + r + 0.5) * map->gt[5];
      PetscInt      i, j, k;
      if (!z->art[v] || !RslGridLocate(g, x, y, &i, &j)) continue;
      PetscCheck(i >= g->xs && i < g->xs + g->xm && j >= g->ys && j < g->ys + g->ym, PETSC_COMM_SELF, PETSC_ERR_PLIB, "land-cover pixel outside this rank's cells");
      k = z->zone[(j - g->ys) * g->xm + (i - g->xs)];
      if (k >= 0) z->lc[2 * k + w]++;
    }
  z->pixel_area[w] = fabs(map->gt[1] * map->gt[5]);
  z->counted[w]    = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- exact sums ----------------------------------------------------------------------- */

typedef __int128 Int128;

static void SumInt128(void *in, void *inout, int *len, MPI_Datatype *type)
{
  (void)type;
  for (int k = 0; k < *len; k++) {
    Int128 a, b;
    memcpy(&a, (char *)in + 16 * k, 16);
    memcpy(&b, (char *)inout + 16 * k, 16);
    b += a;
    memcpy((char *)inout + 16 * k, &b, 16);
  }
}

/* Exact per-zone sums of nq quantities: cell values v[q][cell] (NULL rows skipped) are
 * rounded to multiples of 2^-s[q] and added as 128-bit integers, reduced over comm;
 * out[k*nq+q] = the sum for zone k. */
static PetscErrorCode ExactZoneSums(RslZones z, const PetscBool *act, PetscInt nq, const PetscScalar *const v[], double out[])
{
  PetscInt     local = z->grid->xm * z->grid->ym;
  double       vmax[8] = {0};
  int64_t      ncell = 0;
  int          s[8];
  Int128      *acc;
  MPI_Datatype t128;
  MPI_Op       op;

  PetscFunctionBegin;
  PetscCheck(nq <= 8, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "too many quantities");
  for (PetscInt c = 0; c < local; c++) {
    if (!act[c] || z->zone[c] < 0) continue;
    ncell++;
    for (PetscInt q = 0; q < nq; q++)
      if (v[q]) vmax[q] = PetscMax(vmax[q], PetscAbsReal(PetscRealPart(v[q][c])));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, vmax, (PetscMPIInt)nq, MPI_DOUBLE, MPI_MAX, z->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &ncell, 1, MPI_INT64_T, MPI_SUM, z->comm));
  for (PetscInt q = 0; q < nq; q++) { /* |sum| <= ncell * vmax < 2^(e + bits(ncell)) <= 2^124 */
    int e, bits = 0;
    (void)frexp(vmax[q], &e);
    while (bits < 63 && ((int64_t)1 << bits) <= ncell) bits++;
    s[q] = vmax[q] > 0 && isfinite(vmax[q]) ? 124 - e - bits : 0;
  }
  PetscCall(PetscCalloc1(z->nz * nq + 1, &acc));
  for (PetscInt c = 0; c < local; c++) {
    if (!act[c] || z->zone[c] < 0) continue;
    for (PetscInt q = 0; q < nq; q++)
      if (v[q] && s[q]) acc[z->zone[c] * nq + q] += (Int128)rint(ldexp(PetscRealPart(v[q][c]), s[q]));
  }
  PetscCallMPI(MPI_Type_contiguous(16, MPI_BYTE, &t128));
  PetscCallMPI(MPI_Type_commit(&t128));
  PetscCallMPI(MPI_Op_create(SumInt128, 1, &op));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, acc, (PetscMPIInt)(z->nz * nq), t128, op, z->comm));
  PetscCallMPI(MPI_Op_free(&op));
  PetscCallMPI(MPI_Type_free(&t128));
  for (PetscInt k = 0; k < z->nz; k++)
    for (PetscInt q = 0; q < nq; q++) out[k * nq + q] = !v[q] ? NAN : s[q] ? ldexp((double)acc[k * nq + q], -s[q]) : 0.0;
  PetscCall(PetscFree(acc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- the indicators ------------------------------------------------------------------- */

enum { F_H, F_MAXH, F_MAXHV, F_HAZ, F_ARR, F_RAIN, F_LOSS, F_N };

PetscErrorCode RslZonesWrite(RslZones z, RslH5 out, Vec zb, double nodata, double thr)
{
  static const char *const dsets[F_N] = {"/fields/h", "/max/h", "/max/hv", "/max/hazard", "/timing/arrival", "/fields/rain", "/fields/losses"};
  const RslGrid           *g = z->grid;
  PetscInt                 local, nz = z->nz, outside = 0;
  Vec                      f[F_N];
  PetscBool                have[F_N];
  const PetscScalar       *a[F_N], *zz;
  PetscBool               *act;
  int64_t                 *cnt; /* per zone: cells, flooded, hazard 1..4, artificialised base, run */
  double                  *mx;  /* per zone: max h, max hv, -first arrival */
  double                  *sum, *tab, area;
  size_t                   wid = 1;
  char                    *idbuf;

  PetscFunctionBegin;
  if (!z->file[0]) PetscFunctionReturn(PETSC_SUCCESS);
  local = g->xm * g->ym;
  area  = g->dx * g->dy;
  for (int q = 0; q < F_N; q++) {
    PetscCall(DMCreateGlobalVector(g->da1, &f[q]));
    PetscCall(RslH5Exists(out, dsets[q], &have[q]));
    if (have[q]) PetscCall(RslH5ReadFieldFrom(out, dsets[q], g->da1, f[q]));
    PetscCall(VecGetArrayRead(f[q], &a[q]));
  }
  PetscCall(VecGetArrayRead(zb, &zz));
  PetscCall(PetscMalloc1(local + 1, &act));
  PetscCall(PetscCalloc3(8 * nz, &cnt, 3 * nz, &mx, 3 * nz + 1, &sum));
  for (PetscInt k = 0; k < 3 * nz; k++) mx[k] = -INFINITY;
  for (PetscInt c = 0; c < local; c++) {
    PetscInt k = z->zone[c];
    act[c]     = (PetscBool)(PetscRealPart(zz[c]) != nodata && !PetscIsNanReal(PetscRealPart(zz[c])));
    if (!act[c]) continue;
    if (k < 0) {
      outside++;
      continue;
    }
    cnt[8 * k]++;
    if (have[F_MAXH] && PetscRealPart(a[F_MAXH][c]) > thr) cnt[8 * k + 1]++;
    if (have[F_HAZ]) {
      int h = (int)PetscRealPart(a[F_HAZ][c]);
      if (h >= 1 && h <= 4) cnt[8 * k + 1 + h]++;
    }
    if (have[F_MAXH]) mx[3 * k] = PetscMax(mx[3 * k], PetscRealPart(a[F_MAXH][c]));
    if (have[F_MAXHV]) mx[3 * k + 1] = PetscMax(mx[3 * k + 1], PetscRealPart(a[F_MAXHV][c]));
    if (have[F_ARR] && !PetscIsNanReal(PetscRealPart(a[F_ARR][c]))) mx[3 * k + 2] = PetscMax(mx[3 * k + 2], -PetscRealPart(a[F_ARR][c]));
  }
  for (PetscInt k = 0; k < nz; k++) {
    cnt[8 * k + 6] = z->lc[2 * k];
    cnt[8 * k + 7] = z->lc[2 * k + 1];
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, cnt, (PetscMPIInt)(8 * nz), MPI_INT64_T, MPI_SUM, z->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, mx, (PetscMPIInt)(3 * nz), MPI_DOUBLE, MPI_MAX, z->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &outside, 1, MPIU_INT, MPI_SUM, z->comm));
  {
    const PetscScalar *v[3] = {have[F_H] ? a[F_H] : NULL, have[F_RAIN] ? a[F_RAIN] : NULL, have[F_LOSS] ? a[F_LOSS] : NULL};
    PetscCall(ExactZoneSums(z, act, 3, v, sum));
  }
  PetscCall(PetscMalloc1(C_N * nz + 1, &tab));
  for (PetscInt k = 0; k < nz; k++) {
    double *t = tab + C_N * k, base = (double)cnt[8 * k + 6] * z->pixel_area[0], run = (double)cnt[8 * k + 7] * z->pixel_area[1];
    t[C_CELLS]   = (double)cnt[8 * k];
    t[C_AREA]    = (double)cnt[8 * k] * area;
    t[C_FLOOD]   = have[F_MAXH] ? (double)cnt[8 * k + 1] * area : NAN;
    for (int h = 0; h < 4; h++) t[C_HAZ1 + h] = have[F_HAZ] ? (double)cnt[8 * k + 2 + h] * area : NAN;
    t[C_MAXH]    = have[F_MAXH] ? mx[3 * k] : NAN;
    t[C_MAXHV]   = have[F_MAXHV] ? mx[3 * k + 1] : NAN;
    t[C_ARRIVAL] = have[F_ARR] && mx[3 * k + 2] > -INFINITY ? -mx[3 * k + 2] : NAN;
    t[C_VOLUME]  = sum[3 * k] * area;
    t[C_RAIN]    = sum[3 * k + 1] * area;
    t[C_LOSSES]  = have[F_LOSS] ? sum[3 * k + 2] * area : (have[F_RAIN] ? 0.0 : NAN); /* no soil: no losses */
    t[C_RUNOFF]  = t[C_RAIN] - t[C_LOSSES];
    t[C_RC]      = t[C_RAIN] > 0 ? t[C_RUNOFF] / t[C_RAIN] : NAN;
    t[C_ART]      = z->counted[1] ? run : NAN;
    t[C_ART_BASE] = z->counted[0] ? base : t[C_ART];
    t[C_ART_CHANGE] = t[C_ART] - t[C_ART_BASE];
  }
  PetscCall(RslH5WriteTable(out, "/zones/table", nz, C_N, tab, RSL_ZONES_COLUMNS));
  for (PetscInt k = 0; k < nz; k++) wid = PetscMax(wid, strlen(z->id[k]) + 1);
  PetscCall(PetscCalloc1(wid * (size_t)nz + 1, &idbuf));
  for (PetscInt k = 0; k < nz; k++) memcpy(idbuf + wid * (size_t)k, z->id[k], strlen(z->id[k]));
  PetscCall(RslH5WriteStrings(out, "/zones/id", nz, wid, idbuf));
  PetscCall(RslH5SetAttrString(out, "/zones", "source", z->file));
  PetscCall(RslH5SetAttrString(out, "/zones", "layer", z->layer));
  PetscCall(RslH5SetAttrString(out, "/zones", "field", z->field));
  PetscCall(RslH5SetAttrString(out, "/zones", "artificial_classes", z->classes));
  PetscCall(RslH5SetAttrDouble(out, "/zones", "hazard_threshold", 1, &thr));
  PetscCall(RslH5SetAttrInt(out, "/zones", "cells_outside", 1, &outside));
  PetscCall(PetscFree(idbuf));
  PetscCall(PetscFree(tab));
  PetscCall(PetscFree3(cnt, mx, sum));
  PetscCall(PetscFree(act));
  PetscCall(VecRestoreArrayRead(zb, &zz));
  for (int q = 0; q < F_N; q++) {
    PetscCall(VecRestoreArrayRead(f[q], &a[q]));
    PetscCall(VecDestroy(&f[q]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslZonesView(RslZones z, PetscViewer v)
{
  PetscFunctionBegin;
  if (!z->file[0]) PetscFunctionReturn(PETSC_SUCCESS);
  if (!v) PetscCall(PetscViewerASCIIGetStdout(z->comm, &v));
  PetscCall(PetscViewerASCIIPrintf(v, "Zones: %" PetscInt_FMT " from '%s'%s%s, field %s; artificialised classes %s\n", z->nz, z->file, z->layer[0] ? " layer " : "", z->layer, z->field, z->classes));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslZonesDestroy(RslZones *zones)
{
  RslZones z = *zones;

  PetscFunctionBegin;
  if (!z) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < z->nz; k++) PetscCall(PetscFree(z->id[k]));
  PetscCall(PetscFree(z->id));
  PetscCall(PetscFree(z->zone));
  PetscCall(PetscFree(z->lc));
  PetscCall(PetscFree(*zones));
  PetscFunctionReturn(PETSC_SUCCESS);
}
