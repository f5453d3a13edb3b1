#include "seg/metrics.h"
#include "seg/classmap.h"
#include "io/raster.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define CHUNK 256 /* rows read at once */

/* Header of two class rasters that must share a grid; returns the first's info. */
static PetscErrorCode SameGrid(MPI_Comm comm, const char opt_a[], const char a[], const char opt_b[], const char b[], RslRasterInfo *ia)
{
  RslRasterInfo ib;
  PetscBool     same = PETSC_TRUE;

  PetscFunctionBegin;
  PetscCall(RslRasterInfoRead(comm, opt_a, a, ia));
  PetscCall(RslRasterInfoRead(comm, opt_b, b, &ib));
  for (int k = 0; k < 6; k++) same = (same && fabs(ia->gt[k] - ib.gt[k]) <= 1e-6 * (fabs(ia->gt[1]) + fabs(ia->gt[k]))) ? PETSC_TRUE : PETSC_FALSE;
  RSLCHECK(comm, ia->nx == ib.nx && ia->ny == ib.ny && same, "%s '%s' (%" PetscInt_FMT "x%" PetscInt_FMT ") and %s '%s' (%" PetscInt_FMT "x%" PetscInt_FMT ") are not on the same pixel grid (size or geotransform differ)", opt_a, a, ia->nx, ia->ny, opt_b, b, ib.nx, ib.ny);
  RSLCHECK(comm, RslCRSSame(ia->crs_wkt, ib.crs_wkt), "%s '%s' and %s '%s' have different CRS", opt_a, a, opt_b, b);
  PetscCall(RslRasterInfoFree(&ib));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* This rank's contiguous rows [r0, r1) of an ny-row raster. */
static PetscErrorCode MyRows(MPI_Comm comm, PetscInt ny, PetscInt *r0, PetscInt *r1)
{
  PetscMPIInt rank, size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  *r0 = (ny * rank) / size;
  *r1 = (ny * (rank + 1)) / size;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Class index of raster value v through a 256-entry table (-1: nodata, non-integer or
 * unmapped value). */
static inline PetscInt Lookup(const PetscInt idx[256], double v)
{
  if (!(v >= 0 && v <= 255) || v != floor(v)) return -1;
  return idx[(int)v];
}

/* Read nrows rows from row r of rasters a and b (nodata -> -1), opened into h on the first
 * call (the caller closes them); a failure fills msg. */
static PetscErrorCode ReadPair(const char a[], const char b[], RslRaster h[2], PetscInt nx, PetscInt r, PetscInt nrows, double *ba, double *bb, char msg[], size_t len)
{
  PetscErrorCode e = PETSC_SUCCESS;

  PetscFunctionBegin;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  if (!h[0]) e = RslRasterOpen(a, &h[0]);
  if (!e && !h[1]) e = RslRasterOpen(b, &h[1]);
  if (!e) e = RslRasterReadWindowFrom(h[0], 1, 0, r, nx, nrows, -1, ba);
  if (!e) e = RslRasterReadWindowFrom(h[1], 1, 0, r, nx, nrows, -1, bb);
  PetscCall(PetscPopErrorHandler());
  if (e) PetscCall(PetscSNPrintf(msg, len, "reading '%s' / '%s' rows %" PetscInt_FMT "..%" PetscInt_FMT " failed", a, b, r, r + nrows - 1));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslMetricsConfusion(MPI_Comm comm, const char pred[], const RslNomenclature *pmap, const char label[], const RslNomenclature *lmap, RslConfusion *c)
{
  RslRasterInfo info;
  PetscInt      r0, r1, n, pidx[256], lidx[256];
  double       *bp, *bl;
  char          msg[512] = "";
  RslRaster     h[2]     = {NULL, NULL};

  PetscFunctionBegin;
  PetscCall(PetscMemzero(c, sizeof(*c)));
  PetscCall(SameGrid(comm, "-metrics_pred", pred, "-metrics_label", label, &info));
  /* Common classes: the label table's targets, then those only the prediction has. */
  n = lmap->ntargets;
  PetscCall(PetscMalloc1(lmap->ntargets + pmap->ntargets, &c->names));
  PetscCall(PetscArraycpy(c->names, lmap->targets, lmap->ntargets));
  for (PetscInt k = 0; k < pmap->ntargets; k++)
    if (RslNomenclatureFind(lmap, pmap->targets[k]) < 0) PetscCall(PetscStrncpy(c->names[n++], pmap->targets[k], RSL_NOMEN_MAXCODE));
  for (int v = 0; v < 256; v++) {
    lidx[v] = lmap->map[v];
    pidx[v] = -1;
    if (pmap->map[v] >= 0)
      for (PetscInt k = 0; k < n; k++)
        if (!strcmp(c->names[k], pmap->targets[pmap->map[v]])) pidx[v] = k;
  }
  c->n          = n;
  c->pixel_area = fabs(info.gt[1] * info.gt[5] - info.gt[2] * info.gt[4]);
  PetscCall(PetscCalloc1(n * n, &c->cm));
  PetscCall(MyRows(comm, info.ny, &r0, &r1));
  PetscCall(PetscMalloc2((size_t)CHUNK * info.nx, &bp, (size_t)CHUNK * info.nx, &bl));
  for (PetscInt r = r0; r < r1 && !msg[0]; r += CHUNK) {
    PetscInt nr = PetscMin(CHUNK, r1 - r);
    PetscCall(ReadPair(pred, label, h, info.nx, r, nr, bp, bl, msg, sizeof(msg)));
    for (size_t k = 0; k < (size_t)nr * info.nx && !msg[0]; k++) {
      PetscInt lp = Lookup(lidx, bl[k]), pp = Lookup(pidx, bp[k]);
      if (lp < 0 || pp < 0) c->ignored++;
      else c->cm[lp * n + pp]++;
    }
  }
  PetscCall(PetscFree2(bp, bl));
  PetscCall(RslRasterClose(&h[0]));
  PetscCall(RslRasterClose(&h[1]));
  PetscCall(RslCheckCollective(comm, msg[0] ? PETSC_TRUE : PETSC_FALSE, msg));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, c->cm, (PetscMPIInt)(n * n), MPIU_INT64, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &c->ignored, 1, MPIU_INT64, MPI_SUM, comm));
  PetscCall(RslRasterInfoFree(&info));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslConfusionScores(const RslConfusion *c, double *oa, double *miou, double iou[])
{
  PetscInt64 tp = 0, tot = 0;
  double     sum = 0;
  PetscInt   npresent = 0;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < c->n; i++) {
    PetscInt64 row = 0, col = 0, d = c->cm[i * c->n + i];
    for (PetscInt j = 0; j < c->n; j++) {
      row += c->cm[i * c->n + j];
      col += c->cm[j * c->n + i];
    }
    tp += d;
    tot += row;
    {
      double v = (row + col - d) > 0 ? (double)d / (double)(row + col - d) : NAN;
      if (iou) iou[i] = v;
      if (row > 0) {
        sum += v;
        npresent++;
      }
    }
  }
  *oa   = tot ? (double)tp / (double)tot : NAN;
  *miou = npresent ? sum / npresent : NAN;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslConfusionView(const RslConfusion *c, PetscViewer v)
{
  double  oa, miou, *iou;
  PetscInt64 tot = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(c->n, &iou));
  PetscCall(RslConfusionScores(c, &oa, &miou, iou));
  for (PetscInt k = 0; k < c->n * c->n; k++) tot += c->cm[k];
  PetscCall(PetscViewerASCIIPrintf(v, "confusion matrix (rows = label, columns = prediction), %" PetscInt64_FMT " pixels compared, %" PetscInt64_FMT " ignored\n", tot, c->ignored));
  PetscCall(PetscViewerASCIIPrintf(v, "%-12s", "label\\pred"));
  for (PetscInt j = 0; j < c->n; j++) PetscCall(PetscViewerASCIIPrintf(v, " %10s", c->names[j]));
  PetscCall(PetscViewerASCIIPrintf(v, " %8s\n", "IoU"));
  for (PetscInt i = 0; i < c->n; i++) {
    PetscCall(PetscViewerASCIIPrintf(v, "%-12s", c->names[i]));
    for (PetscInt j = 0; j < c->n; j++) PetscCall(PetscViewerASCIIPrintf(v, " %10" PetscInt64_FMT, c->cm[i * c->n + j]));
    PetscCall(PetscViewerASCIIPrintf(v, " %8.4f\n", iou[i]));
  }
  PetscCall(PetscViewerASCIIPrintf(v, "overall accuracy %.6f  mIoU %.6f\n", oa, miou));
  PetscCall(PetscFree(iou));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslConfusionWriteCSV(MPI_Comm comm, const RslConfusion *c, const char path[])
{
  PetscMPIInt rank;
  int         ok = 1;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    double oa, miou, *iou;
    FILE  *f = fopen(path, "w");
    PetscCall(PetscMalloc1(c->n, &iou));
    PetscCall(RslConfusionScores(c, &oa, &miou, iou));
    if (f) {
      fprintf(f, "# overall_accuracy=%.17g miou=%.17g ignored=%" PetscInt64_FMT " pixel_area_m2=%.17g\nlabel\\pred", oa, miou, c->ignored, c->pixel_area);
      for (PetscInt j = 0; j < c->n; j++) fprintf(f, ",%s", c->names[j]);
      fprintf(f, ",iou\n");
      for (PetscInt i = 0; i < c->n; i++) {
        fprintf(f, "%s", c->names[i]);
        for (PetscInt j = 0; j < c->n; j++) fprintf(f, ",%" PetscInt64_FMT, c->cm[i * c->n + j]);
        fprintf(f, ",%.17g\n", iou[i]);
      }
      ok = fclose(f) == 0;
    } else ok = 0;
    PetscCall(PetscFree(iou));
  }
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
  RSLCHECK(comm, ok, "-metrics_output: cannot write '%s'", path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslConfusionFree(RslConfusion *c)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(c->names));
  PetscCall(PetscFree(c->cm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* OCS GE cover groups of each target: sealed (CS1.1.1.*), building, vegetation (CS2.*),
 * woodland (CS2.1.1.*). */
static PetscErrorCode CoverGroups(MPI_Comm comm, const RslNomenclature *map, PetscBool **sealed, PetscBool **building, PetscBool **veg, PetscBool **wood)
{
  PetscBool known = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(PetscMalloc4(map->ntargets, sealed, map->ntargets, building, map->ntargets, veg, map->ntargets, wood));
  for (PetscInt k = 0; k < map->ntargets; k++) {
    const char *t = map->targets[k];
    (*sealed)[k]   = !strncmp(t, "CS1.1.1", 7) ? PETSC_TRUE : PETSC_FALSE;
    (*building)[k] = !strcmp(t, "CS1.1.1.1") ? PETSC_TRUE : PETSC_FALSE;
    (*veg)[k]      = !strncmp(t, "CS2", 3) ? PETSC_TRUE : PETSC_FALSE;
    (*wood)[k]     = !strncmp(t, "CS2.1.1", 7) ? PETSC_TRUE : PETSC_FALSE;
    if (!strncmp(t, "CS", 2)) known = PETSC_TRUE;
  }
  RSLCHECK(comm, known, "-change_map: '%s' column '%s' holds no OCS GE cover code (CS...): use the ocsge column", map->path, map->column);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslMetricsChange(MPI_Comm comm, const char before[], const char after[], const RslNomenclature *map, const char output[], RslChange *ch)
{
  RslRasterInfo info;
  PetscInt      r0, r1;
  PetscInt64    cnt[7] = {0, 0, 0, 0, 0, 0, 0}; /* per RslChange field */
  PetscBool    *sealed, *building, *veg, *wood;
  double       *bb, *ba, area;
  RslClassMap  *out = NULL;
  char          msg[512] = "";
  RslRaster     h[2]     = {NULL, NULL};

  PetscFunctionBegin;
  PetscCall(PetscMemzero(ch, sizeof(*ch)));
  PetscCall(SameGrid(comm, "-change_before", before, "-change_after", after, &info));
  PetscCall(CoverGroups(comm, map, &sealed, &building, &veg, &wood));
  PetscCall(MyRows(comm, info.ny, &r0, &r1));
  if (output) PetscCall(RslClassMapCreate(comm, info.nx, info.ny, 1, 0, r0, info.nx, r1 - r0, info.gt, info.crs_wkt, &out));
  PetscCall(PetscMalloc2((size_t)CHUNK * info.nx, &bb, (size_t)CHUNK * info.nx, &ba));
  for (PetscInt r = r0; r < r1 && !msg[0]; r += CHUNK) {
    PetscInt nr = PetscMin(CHUNK, r1 - r);
    PetscCall(ReadPair(before, after, h, info.nx, r, nr, bb, ba, msg, sizeof(msg)));
    for (size_t k = 0; k < (size_t)nr * info.nx && !msg[0]; k++) {
      PetscInt      b = Lookup(map->map, bb[k]), a = Lookup(map->map, ba[k]);
      unsigned char code = RSL_CHANGE_NODATA;
      if (a >= 0 && b >= 0) {
        PetscBool nb = !building[b] && building[a], ns = !sealed[b] && sealed[a], lv = veg[b] && !veg[a], ds = sealed[b] && !sealed[a], gv = !veg[b] && veg[a], lw = wood[b] && !wood[a];
        cnt[0] += nb;
        cnt[1] += ns;
        cnt[2] += lv;
        cnt[3] += ds;
        cnt[4] += gv;
        cnt[5]++;
        cnt[6] += lw;
        code = nb ? RSL_CHANGE_NEW_BUILDING : ns ? RSL_CHANGE_NEW_SEALED : lv ? RSL_CHANGE_LOST_VEGETATION : lw ? RSL_CHANGE_LOST_WOODLAND : ds ? RSL_CHANGE_DESEALED : gv ? RSL_CHANGE_GAINED_VEGETATION : RSL_CHANGE_NONE;
      }
      if (out) out->data[(size_t)(r - r0) * info.nx + k] = code;
    }
  }
  PetscCall(PetscFree2(bb, ba));
  PetscCall(RslRasterClose(&h[0]));
  PetscCall(RslRasterClose(&h[1]));
  PetscCall(PetscFree4(sealed, building, veg, wood));
  PetscCall(RslCheckCollective(comm, msg[0] ? PETSC_TRUE : PETSC_FALSE, msg));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, cnt, 7, MPIU_INT64, MPI_SUM, comm));
  area                     = fabs(info.gt[1] * info.gt[5] - info.gt[2] * info.gt[4]);
  ch->new_building_m2      = cnt[0] * area;
  ch->new_sealed_m2        = cnt[1] * area;
  ch->lost_vegetation_m2   = cnt[2] * area;
  ch->desealed_m2          = cnt[3] * area;
  ch->gained_vegetation_m2 = cnt[4] * area;
  ch->compared_m2          = cnt[5] * area;
  ch->lost_woodland_m2     = cnt[6] * area;
  if (out) PetscCall(RslClassMapWrite(out, "-change_output", output, PETSC_TRUE, RSL_CHANGE_NODATA));
  PetscCall(RslClassMapDestroy(&out));
  PetscCall(RslRasterInfoFree(&info));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslMetricsRun(MPI_Comm comm)
{
  char      pred[PETSC_MAX_PATH_LEN] = "", label[PETSC_MAX_PATH_LEN] = "", pmapf[PETSC_MAX_PATH_LEN] = "", lmapf[PETSC_MAX_PATH_LEN] = "";
  char      before[PETSC_MAX_PATH_LEN] = "", after[PETSC_MAX_PATH_LEN] = "", cmapf[PETSC_MAX_PATH_LEN] = "", cout[PETSC_MAX_PATH_LEN] = "";
  char      column[64] = "ocsge", csv[PETSC_MAX_PATH_LEN] = "";
  PetscInt  nclasses   = 256;
  PetscBool has_pred, has_label, has_before, has_after, has_out;
  static PetscLogEvent ev;

  PetscFunctionBegin;
  PetscCall(RslLogEventRegister("SegMetrics", &ev));
  PetscOptionsBegin(comm, NULL, "Segmentation metrics and change maps", "seg");
  PetscCall(PetscOptionsString("-metrics_pred", "predicted class raster", NULL, pred, pred, sizeof(pred), &has_pred));
  PetscCall(PetscOptionsString("-metrics_label", "reference label raster", NULL, label, label, sizeof(label), &has_label));
  PetscCall(PetscOptionsString("-metrics_pred_map", "class table of the prediction (CSV)", NULL, pmapf, pmapf, sizeof(pmapf), NULL));
  PetscCall(PetscOptionsString("-metrics_label_map", "class table of the labels (CSV)", NULL, lmapf, lmapf, sizeof(lmapf), NULL));
  PetscCall(PetscOptionsString("-metrics_map_column", "common nomenclature column of the tables", NULL, column, column, sizeof(column), NULL));
  PetscCall(PetscOptionsString("-metrics_output", "confusion matrix and IoU as CSV", NULL, csv, csv, sizeof(csv), NULL));
  PetscCall(PetscOptionsInt("-metrics_classes", "classes 0..N-1 when no table is given", NULL, nclasses, &nclasses, NULL));
  PetscCall(PetscOptionsString("-change_before", "labels, earlier vintage", NULL, before, before, sizeof(before), &has_before));
  PetscCall(PetscOptionsString("-change_after", "labels, later vintage", NULL, after, after, sizeof(after), &has_after));
  PetscCall(PetscOptionsString("-change_map", "class table of both vintages (CSV, ocsge column)", NULL, cmapf, cmapf, sizeof(cmapf), NULL));
  PetscCall(PetscOptionsString("-change_output", "change map GeoTIFF", NULL, cout, cout, sizeof(cout), &has_out));
  PetscOptionsEnd();
  {
    PetscBool help; /* -help: the options were listed, nothing to run */
    PetscCall(PetscOptionsHasHelp(NULL, &help));
    if (help) PetscFunctionReturn(PETSC_SUCCESS);
  }
  RSLCHECK(comm, has_pred == has_label, "-metrics_pred and -metrics_label go together");
  RSLCHECK(comm, has_before == has_after, "-change_before and -change_after go together");
  RSLCHECK(comm, has_pred || has_before, "metrics: nothing to do (give -metrics_pred/-metrics_label or -change_before/-change_after)");
  RSLCHECK(comm, nclasses >= 1 && nclasses <= 256, "-metrics_classes %" PetscInt_FMT ": must be in 1..256", nclasses);
  PetscCall(PetscLogEventBegin(ev, 0, 0, 0, 0));
  if (has_pred) {
    RslNomenclature pm, lm;
    RslConfusion    c;
    RSLCHECK(comm, (pmapf[0] != 0) == (lmapf[0] != 0), "-metrics_pred_map and -metrics_label_map go together");
    if (pmapf[0]) {
      PetscCall(RslNomenclatureLoad(comm, "-metrics_pred_map", pmapf, column, &pm));
      PetscCall(RslNomenclatureLoad(comm, "-metrics_label_map", lmapf, column, &lm));
    } else {
      PetscCall(RslNomenclatureIdentity(nclasses, &pm));
      PetscCall(RslNomenclatureIdentity(nclasses, &lm));
    }
    PetscCall(RslMetricsConfusion(comm, pred, &pm, label, &lm, &c));
    PetscCall(PetscPrintf(comm, "metrics: prediction '%s' vs labels '%s'%s%s\n", pred, label, pmapf[0] ? " through column " : "", pmapf[0] ? column : ""));
    PetscCall(RslConfusionView(&c, PETSC_VIEWER_STDOUT_(comm)));
    if (csv[0]) PetscCall(RslConfusionWriteCSV(comm, &c, csv));
    PetscCall(RslConfusionFree(&c));
    PetscCall(RslNomenclatureFree(&pm));
    PetscCall(RslNomenclatureFree(&lm));
  }
  if (has_before) {
    RslNomenclature m;
    RslChange       ch;
    RSLCHECK(comm, cmapf[0], "-change_map: a class table with an OCS GE column is required (e.g. input/nomenclature/ign_ai_naf.csv)");
    PetscCall(RslNomenclatureLoad(comm, "-change_map", cmapf, "ocsge", &m));
    PetscCall(RslMetricsChange(comm, before, after, &m, has_out ? cout : NULL, &ch));
    PetscCall(PetscPrintf(comm, "change '%s' -> '%s' over %.2f m2 labelled at both dates:\n", before, after, ch.compared_m2));
    PetscCall(PetscPrintf(comm, "  new building area      %12.2f m2\n  new sealed area        %12.2f m2 (buildings included)\n  lost vegetation        %12.2f m2\n  lost woodland          %12.2f m2 (to any other cover, e.g. clear cuts)\n  de-sealed area         %12.2f m2\n  gained vegetation      %12.2f m2\n",
                          ch.new_building_m2, ch.new_sealed_m2, ch.lost_vegetation_m2, ch.lost_woodland_m2, ch.desealed_m2, ch.gained_vegetation_m2));
    if (has_out) PetscCall(PetscPrintf(comm, "  change map: %s (1 new building, 2 new sealed, 3 lost vegetation, 6 lost woodland, 4 de-sealed, 5 gained vegetation, 0 none, 255 no label)\n", cout));
    PetscCall(RslNomenclatureFree(&m));
  }
  PetscCall(PetscLogEventEnd(ev, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}
