#include "seg/classmap.h"
#include "io/gdal_util.h"
#include <cpl_error.h>
#include <cpl_string.h>
#include <stdio.h>

#define STRIP 256 /* rows gathered at once = the GeoTIFF tile height */

PetscErrorCode RslClassMapCreate(MPI_Comm comm, PetscInt nx, PetscInt ny, PetscInt nbands, PetscInt c0, PetscInt r0, PetscInt nc, PetscInt nr, const double gt[6], const char *crs_wkt, RslClassMap **map)
{
  RslClassMap *m;

  PetscFunctionBegin;
  PetscCall(PetscNew(&m));
  m->comm   = comm;
  m->nx     = nx;
  m->ny     = ny;
  m->nbands = nbands;
  m->c0     = c0;
  m->r0     = r0;
  m->nc     = nc;
  m->nr     = nr;
  for (int k = 0; k < 6; k++) m->gt[k] = gt[k];
  PetscCall(PetscStrallocpy(crs_wkt ? crs_wkt : "", &m->crs_wkt));
  PetscCall(PetscCalloc1((size_t)nbands * nr * nc + 1, &m->data));
  *map = m;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslClassMapDestroy(RslClassMap **map)
{
  PetscFunctionBegin;
  if (!*map) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree((*map)->data));
  PetscCall(PetscFree((*map)->crs_wkt));
  PetscCall(PetscFree(*map));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: create the temporary GeoTIFF; *ds NULL and err filled on failure. */
static void CreateFile(const RslClassMap *m, const char tmp[], PetscBool has_nodata, double nodata, GDALDatasetH *ds, char err[], size_t errlen)
{
  GDALDriverH drv;
  char      **opts = NULL;

  *ds = NULL;
  RslGDALRegister();
  drv = GDALGetDriverByName("GTiff");
  if (!drv) {
    snprintf(err, errlen, "GDAL has no GTiff driver");
    return;
  }
  opts = CSLSetNameValue(opts, "TILED", "YES");
  opts = CSLSetNameValue(opts, "COMPRESS", "DEFLATE");
  opts = CSLSetNameValue(opts, "BIGTIFF", "IF_SAFER");
  if (m->nbands > 1) opts = CSLSetNameValue(opts, "INTERLEAVE", "BAND");
  CPLErrorReset();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  *ds = GDALCreate(drv, tmp, (int)m->nx, (int)m->ny, (int)m->nbands, GDT_Byte, opts);
  CSLDestroy(opts);
  if (*ds) {
    CPLErr e = GDALSetGeoTransform(*ds, (double *)m->gt);
    if (e == CE_None && m->crs_wkt[0]) e = GDALSetProjection(*ds, m->crs_wkt);
    for (int b = 1; e == CE_None && has_nodata && b <= m->nbands; b++) e = GDALSetRasterNoDataValue(GDALGetRasterBand(*ds, b), nodata);
    if (e != CE_None) {
      GDALClose(*ds);
      *ds = NULL;
    }
  }
  if (!*ds) snprintf(err, errlen, "%s", CPLGetLastErrorMsg()[0] ? CPLGetLastErrorMsg() : "GDALCreate failed");
  CPLPopErrorHandler();
}

PetscErrorCode RslClassMapWrite(const RslClassMap *m, const char option[], const char path[], PetscBool has_nodata, double nodata)
{
  PetscMPIInt    rank, size;
  PetscInt      *blk; /* c0, r0, nc, nr of every rank */
  int           *counts = NULL, *displs = NULL;
  unsigned char *send = NULL, *recv = NULL, *strip = NULL;
  GDALDatasetH   ds     = NULL;
  char           tmp[PETSC_MAX_PATH_LEN], err[512] = "";
  PetscInt       mine[4] = {m->c0, m->r0, m->nc, m->nr};

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(m->comm, &rank));
  PetscCallMPI(MPI_Comm_size(m->comm, &size));
  RSLCHECK(m->comm, path && path[0], "%s: no output file name", option);
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s.part.tif", path));
  if (rank == 0) CreateFile(m, tmp, has_nodata, nodata, &ds, err, sizeof(err));
  PetscCallMPI(MPI_Bcast(err, sizeof(err), MPI_CHAR, 0, m->comm));
  RSLCHECK(m->comm, !err[0], "%s: cannot create '%s': %s", option, tmp, err);

  PetscCall(PetscMalloc1(4 * size, &blk));
  PetscCallMPI(MPI_Allgather(mine, 4, MPIU_INT, blk, 4, MPIU_INT, m->comm));
  PetscCall(PetscMalloc1((size_t)m->nbands * STRIP * (m->nc + 1), &send));
  if (rank == 0) {
    PetscCall(PetscMalloc2(size, &counts, size, &displs));
    PetscCall(PetscMalloc1((size_t)m->nbands * STRIP * m->nx, &recv));
    PetscCall(PetscMalloc1((size_t)m->nbands * STRIP * m->nx, &strip));
  }
  for (PetscInt s0 = 0; s0 < m->ny; s0 += STRIP) {
    PetscInt s1 = PetscMin(s0 + STRIP, m->ny), a = PetscMax(s0, m->r0), z = PetscMin(s1, m->r0 + m->nr), n = 0;
    for (PetscInt b = 0; b < m->nbands; b++) /* my rows of this strip, band-major */
      for (PetscInt r = a; r < z; r++, n += m->nc) PetscCall(PetscArraycpy(send + n, m->data + ((size_t)b * m->nr + (r - m->r0)) * m->nc, m->nc));
    if (rank == 0) {
      int tot = 0;
      for (PetscMPIInt p = 0; p < size; p++) {
        PetscInt pa = PetscMax(s0, blk[4 * p + 1]), pz = PetscMin(s1, blk[4 * p + 1] + blk[4 * p + 3]);
        counts[p] = pz > pa ? (int)(m->nbands * (pz - pa) * blk[4 * p + 2]) : 0;
        displs[p] = tot;
        tot += counts[p];
      }
    }
    PetscCallMPI(MPI_Gatherv(send, (int)n, MPI_UNSIGNED_CHAR, recv, counts, displs, MPI_UNSIGNED_CHAR, 0, m->comm));
    if (rank == 0 && !err[0]) {
      for (PetscMPIInt p = 0; p < size; p++) {
        PetscInt pc0 = blk[4 * p], pnc = blk[4 * p + 2], pa = PetscMax(s0, blk[4 * p + 1]), pz = PetscMin(s1, blk[4 * p + 1] + blk[4 * p + 3]);
        const unsigned char *src = recv + displs[p];
        for (PetscInt b = 0; b < m->nbands; b++)
          for (PetscInt r = pa; r < pz; r++, src += pnc) PetscCall(PetscArraycpy(strip + ((size_t)b * (s1 - s0) + (r - s0)) * m->nx + pc0, src, pnc));
      }
      CPLPushErrorHandler(CPLQuietErrorHandler);
      if (GDALDatasetRasterIO(ds, GF_Write, 0, (int)s0, (int)m->nx, (int)(s1 - s0), strip, (int)m->nx, (int)(s1 - s0), GDT_Byte, (int)m->nbands, NULL, 1, (int)m->nx, (int)(m->nx * (s1 - s0))) != CE_None)
        snprintf(err, sizeof(err), "%s", CPLGetLastErrorMsg());
      CPLPopErrorHandler();
    }
  }
  if (rank == 0) {
    CPLErrorReset();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALClose(ds); /* flushes: a late write error shows in the error state */
    if (!err[0] && CPLGetLastErrorType() >= CE_Failure) snprintf(err, sizeof(err), "%s", CPLGetLastErrorMsg());
    CPLPopErrorHandler();
    if (!err[0] && rename(tmp, path) != 0) snprintf(err, sizeof(err), "cannot rename the temporary .part.tif file");
    if (err[0]) (void)remove(tmp);
    PetscCall(PetscFree2(counts, displs));
    PetscCall(PetscFree(recv));
    PetscCall(PetscFree(strip));
  }
  PetscCall(PetscFree(send));
  PetscCall(PetscFree(blk));
  PetscCallMPI(MPI_Bcast(err, sizeof(err), MPI_CHAR, 0, m->comm));
  RSLCHECK(m->comm, !err[0], "%s: writing '%s' failed: %s", option, path, err);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslClassMapCountCells(const RslClassMap *m, const RslGrid *g, PetscInt nclasses, double *w)
{
  PetscFunctionBegin;
  for (PetscInt r = 0; r < m->nr; r++)
    for (PetscInt c = 0; c < m->nc; c++) {
      unsigned char cls = m->data[(size_t)r * m->nc + c];
      double        x = m->gt[0] + (m->c0 + c + 0.5) * m->gt[1], y = m->gt[3] + (m->r0 + r + 0.5) * m->gt[5];
      PetscInt      i, j;
      if (cls == 255 || !RslGridLocate(g, x, y, &i, &j)) continue;
      PetscCheck(cls < nclasses, PETSC_COMM_SELF, PETSC_ERR_PLIB, "class %d in the map, %" PetscInt_FMT " expected", (int)cls, nclasses);
      PetscCheck(i >= g->xs && i < g->xs + g->xm && j >= g->ys && j < g->ys + g->ym, PETSC_COMM_SELF, PETSC_ERR_PLIB, "pixel (%" PetscInt_FMT ",%" PetscInt_FMT ") maps to cell (%" PetscInt_FMT ",%" PetscInt_FMT ") outside this rank", m->c0 + c, m->r0 + r, i, j);
      w[(size_t)((j - g->ys) * g->xm + (i - g->xs)) * nclasses + cls] += 1.0;
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslCellFractions(const RslGrid *g, PetscInt nc, const double *w, Vec **fractions)
{
  Vec proto;

  PetscFunctionBegin;
  PetscCall(DMGetGlobalVector(g->da1, &proto));
  PetscCall(VecDuplicateVecs(proto, nc, fractions));
  PetscCall(DMRestoreGlobalVector(g->da1, &proto));
  for (PetscInt k = 0; k < nc; k++) {
    PetscScalar **a;
    PetscCall(DMDAVecGetArray(g->da1, (*fractions)[k], &a));
    for (PetscInt j = g->ys; j < g->ys + g->ym; j++)
      for (PetscInt i = g->xs; i < g->xs + g->xm; i++) {
        const double *wc = w + (size_t)((j - g->ys) * g->xm + (i - g->xs)) * nc;
        double        t  = 0;
        for (PetscInt c = 0; c < nc; c++) t += wc[c];
        a[j][i] = t > 0 ? wc[k] / t : 0;
      }
    PetscCall(DMDAVecRestoreArray(g->da1, (*fractions)[k], &a));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
