#include "seg/classmap.h"
#include <cpl_string.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

/* A local step of a collective write, its PETSc error turned into text for
 * RslCheckCollective (msg stays empty on success). */
#define QUIET(msg, call) \
  do { \
    if (!(msg)[0]) { \
      PetscErrorCode e_; \
      PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL)); \
      e_ = (call); \
      PetscCall(PetscPopErrorHandler()); \
      if (e_) { \
        char *why_ = NULL; \
        PetscErrorMessage(e_, NULL, &why_); \
        snprintf((msg), sizeof(msg), "%s", why_ && why_[0] ? why_ : "write error"); \
      } \
    } \
  } while (0)

/* One GeoTIFF through rank 0, strip by strip: each strip is received in rows (an MPI type
 * per sender's row length, so no count exceeds nbands x STRIP) and written as one row of
 * GeoTIFF tiles. */
static PetscErrorCode WriteGathered(const RslClassMap *m, const char option[], const char path[], PetscBool has_nodata, double nodata)
{
  PetscMPIInt    rank, size;
  PetscInt64     mine[4] = {m->c0, m->r0, m->nc, m->nr}, *blk;
  MPI_Datatype   row, *rows = NULL; /* this rank's row; on rank 0, every rank's row as placed in a strip */
  MPI_Request   *req      = NULL;
  unsigned char *send, *strip = NULL;
  RslRasterOut   out   = NULL;
  char           err[512] = "";

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(m->comm, &rank));
  PetscCallMPI(MPI_Comm_size(m->comm, &size));
  if (rank == 0) QUIET(err, RslRasterCreate(path, "Byte", m->nx, m->ny, m->nbands, m->gt, m->crs_wkt, has_nodata, nodata, &out));
  PetscCallMPI(MPI_Bcast(err, sizeof(err), MPI_CHAR, 0, m->comm));
  RSLCHECK(m->comm, !err[0], "%s: %s", option, err);
  PetscCall(PetscMalloc1(4 * size, &blk));
  PetscCallMPI(MPI_Allgather(mine, 4, MPIU_INT64, blk, 4, MPIU_INT64, m->comm));
  PetscCallMPI(MPI_Type_contiguous((PetscMPIInt)PetscMax(m->nc, 1), MPI_UNSIGNED_CHAR, &row));
  PetscCallMPI(MPI_Type_commit(&row));
  PetscCall(PetscMalloc1((size_t)m->nbands * STRIP * PetscMax(m->nc, 1), &send));
  if (rank == 0) {
    PetscCall(PetscMalloc1((size_t)m->nbands * STRIP * m->nx, &strip));
    PetscCall(PetscMalloc2(size, &rows, (size_t)size * m->nbands, &req));
    for (PetscMPIInt p = 0; p < size; p++) { /* a row of rank p, landing nx apart in the strip */
      MPI_Datatype r;
      PetscCallMPI(MPI_Type_contiguous((PetscMPIInt)PetscMax(blk[4 * p + 2], 1), MPI_UNSIGNED_CHAR, &r));
      PetscCallMPI(MPI_Type_create_resized(r, 0, (MPI_Aint)m->nx, &rows[p]));
      PetscCallMPI(MPI_Type_commit(&rows[p]));
      PetscCallMPI(MPI_Type_free(&r));
    }
  }
  for (PetscInt64 s0 = 0; s0 < m->ny; s0 += STRIP) {
    PetscInt64 s1 = PetscMin(s0 + STRIP, m->ny), a = PetscMax(s0, m->r0), z = PetscMin(s1, m->r0 + m->nr);
    size_t     n  = 0;
    if (rank == 0) {
      PetscMPIInt nreq = 0;
      for (PetscMPIInt p = 0; p < size; p++) { /* rows [pa, pz) of every band of rank p */
        PetscInt64 pa = PetscMax(s0, blk[4 * p + 1]), pz = PetscMin(s1, blk[4 * p + 1] + blk[4 * p + 3]);
        if (pz <= pa || blk[4 * p + 2] <= 0) continue;
        for (PetscInt b = 0; b < m->nbands; b++) {
          unsigned char *dst = strip + ((size_t)b * (s1 - s0) + (pa - s0)) * m->nx + blk[4 * p];
          if (p == 0)
            for (PetscInt64 r = pa; r < pz; r++) PetscCall(PetscArraycpy(dst + (size_t)(r - pa) * m->nx, m->data + ((size_t)b * m->nr + (r - m->r0)) * m->nc, m->nc));
          else PetscCallMPI(MPI_Irecv(dst, (PetscMPIInt)(pz - pa), rows[p], p, (PetscMPIInt)b, m->comm, &req[nreq++]));
        }
      }
      PetscCallMPI(MPI_Waitall(nreq, req, MPI_STATUSES_IGNORE));
      QUIET(err, RslRasterWriteWindow(out, 0, s0, m->nx, s1 - s0, "Byte", strip));
    } else if (z > a && m->nc > 0) {
      for (PetscInt b = 0; b < m->nbands; b++, n = 0) {
        for (PetscInt64 r = a; r < z; r++, n += m->nc) PetscCall(PetscArraycpy(send + n, m->data + ((size_t)b * m->nr + (r - m->r0)) * m->nc, m->nc));
        PetscCallMPI(MPI_Send(send, (PetscMPIInt)(z - a), row, 0, (PetscMPIInt)b, m->comm));
      }
    }
  }
  if (rank == 0) {
    QUIET(err, RslRasterFinish(&out, err[0] ? PETSC_FALSE : PETSC_TRUE));
    if (out) PetscCall(RslRasterFinish(&out, PETSC_FALSE));
    for (PetscMPIInt p = 0; p < size; p++) PetscCallMPI(MPI_Type_free(&rows[p]));
    PetscCall(PetscFree2(rows, req));
    PetscCall(PetscFree(strip));
  }
  PetscCallMPI(MPI_Type_free(&row));
  PetscCall(PetscFree(send));
  PetscCall(PetscFree(blk));
  PetscCallMPI(MPI_Bcast(err, sizeof(err), MPI_CHAR, 0, m->comm));
  RSLCHECK(m->comm, !err[0], "%s: writing '%s' failed: %s", option, path, err);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Overviews of a class map: the most frequent class; of probabilities: the mean. */
static const char *OverviewResampling(const RslClassMap *m) { return m->nbands == 1 ? "mode" : "average"; }

/* Rank 0: the VRT mosaic of the block files (relative paths), to PATH.part.vrt then PATH. */

static PetscErrorCode WriteVRT(const RslClassMap *m, const char path[], const char dirbase[], const PetscInt64 *blk, PetscMPIInt size, PetscBool has_nodata, double nodata, char err[], size_t len)
{
  char  tmp[PETSC_MAX_PATH_LEN];
  char *srs = CPLEscapeString(m->crs_wkt, -1, CPLES_XML);
  FILE *f;
  int   fac[40], nf;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(tmp, sizeof tmp, "%s.part.vrt", path));
  f = fopen(tmp, "w");
  if (!f) {
    CPLFree(srs);
    PetscCall(PetscSNPrintf(err, len, "cannot create '%s': %s", tmp, strerror(errno)));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  fprintf(f, "<VRTDataset rasterXSize=\"%" PetscInt64_FMT "\" rasterYSize=\"%" PetscInt64_FMT "\">\n", (PetscInt64)m->nx, (PetscInt64)m->ny);
  if (m->crs_wkt[0]) fprintf(f, "  <SRS>%s</SRS>\n", srs);
  fprintf(f, "  <GeoTransform>%.17g, %.17g, %.17g, %.17g, %.17g, %.17g</GeoTransform>\n", m->gt[0], m->gt[1], m->gt[2], m->gt[3], m->gt[4], m->gt[5]);
  for (PetscInt b = 1; b <= m->nbands; b++) {
    fprintf(f, "  <VRTRasterBand dataType=\"Byte\" band=\"%" PetscInt_FMT "\">\n", b);
    if (has_nodata) fprintf(f, "    <NoDataValue>%.17g</NoDataValue>\n", nodata);
    for (PetscMPIInt p = 0; p < size; p++) {
      const PetscInt64 *k = blk + 4 * p; /* c0, r0, nc, nr */
      if (k[2] <= 0 || k[3] <= 0) continue;
      fprintf(f, "    <SimpleSource><SourceFilename relativeToVRT=\"1\">%s/block_%06d.tif</SourceFilename><SourceBand>%" PetscInt_FMT "</SourceBand>", dirbase, (int)p, b);
      fprintf(f, "<SrcRect xOff=\"0\" yOff=\"0\" xSize=\"%" PetscInt64_FMT "\" ySize=\"%" PetscInt64_FMT "\"/>", k[2], k[3]);
      fprintf(f, "<DstRect xOff=\"%" PetscInt64_FMT "\" yOff=\"%" PetscInt64_FMT "\" xSize=\"%" PetscInt64_FMT "\" ySize=\"%" PetscInt64_FMT "\"/></SimpleSource>\n", k[0], k[1], k[2], k[3]);
    }
    fprintf(f, "  </VRTRasterBand>\n");
  }
  nf = RslRasterOverviewFactors(m->nx, m->ny, fac); /* the blocks' levels (WriteBlocks) */
  if (nf) {
    fprintf(f, "  <OverviewList resampling=\"%s\">", OverviewResampling(m));
    for (int k = 0; k < nf; k++) fprintf(f, "%s%d", k ? " " : "", fac[k]);
    fprintf(f, "</OverviewList>\n");
  }
  fprintf(f, "</VRTDataset>\n");
  CPLFree(srs);
  if (ferror(f) | fclose(f)) PetscCall(PetscSNPrintf(err, len, "cannot write '%s'", tmp));
  else if (rename(tmp, path) != 0) PetscCall(PetscSNPrintf(err, len, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno)));
  if (err[0]) (void)remove(tmp);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every rank writes its block as DIR/block_RANK.tif (DIR = PATH without .vrt + "_blocks"),
 * georeferenced on its own, with the whole map's overview levels; rank 0 then writes the VRT
 * listing them, once all succeeded. */
static PetscErrorCode WriteBlocks(const RslClassMap *m, const char option[], const char path[], PetscBool has_nodata, double nodata)
{
  PetscMPIInt  rank, size;
  PetscInt64   mine[4] = {m->c0, m->r0, m->nc, m->nr}, *blk;
  char         dir[PETSC_MAX_PATH_LEN], file[PETSC_MAX_PATH_LEN], err[512] = "";
  const char  *base;
  double       gt[6];
  RslRasterOut out = NULL;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(m->comm, &rank));
  PetscCallMPI(MPI_Comm_size(m->comm, &size));
  PetscCall(PetscSNPrintf(dir, sizeof dir, "%.*s_blocks", (int)(strlen(path) - 4), path));
  base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
  if (rank == 0 && mkdir(dir, 0777) != 0 && errno != EEXIST) PetscCall(PetscSNPrintf(err, sizeof err, "cannot create the directory '%s': %s", dir, strerror(errno)));
  PetscCallMPI(MPI_Bcast(err, sizeof(err), MPI_CHAR, 0, m->comm));
  RSLCHECK(m->comm, !err[0], "%s: %s", option, err);
  if (m->nc > 0 && m->nr > 0) {
    PetscCall(PetscSNPrintf(file, sizeof file, "%s/block_%06d.tif", dir, (int)rank));
    for (int k = 0; k < 6; k++) gt[k] = m->gt[k];
    gt[0] += m->c0 * m->gt[1] + m->r0 * m->gt[2];
    gt[3] += m->c0 * m->gt[4] + m->r0 * m->gt[5];
    QUIET(err, RslRasterCreate(file, "Byte", m->nc, m->nr, m->nbands, gt, m->crs_wkt, has_nodata, nodata, &out));
    QUIET(err, RslRasterWriteWindow(out, 0, 0, m->nc, m->nr, "Byte", m->data));
    QUIET(err, RslRasterBuildOverviews(out, OverviewResampling(m), m->nx, m->ny));
    if (out) QUIET(err, RslRasterFinish(&out, err[0] ? PETSC_FALSE : PETSC_TRUE));
    if (out) PetscCall(RslRasterFinish(&out, PETSC_FALSE));
  }
  PetscCall(RslCheckCollective(m->comm, err[0] ? PETSC_TRUE : PETSC_FALSE, err));
  PetscCall(PetscMalloc1(4 * size, &blk));
  PetscCallMPI(MPI_Gather(mine, 4, MPIU_INT64, blk, 4, MPIU_INT64, 0, m->comm));
  if (rank == 0) PetscCall(WriteVRT(m, path, base, blk, size, has_nodata, nodata, err, sizeof err));
  PetscCall(PetscFree(blk));
  PetscCallMPI(MPI_Bcast(err, sizeof(err), MPI_CHAR, 0, m->comm));
  RSLCHECK(m->comm, !err[0], "%s: %s", option, err);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscBool RslClassMapPathIsBlocks(const char path[])
{
  size_t len = path ? strlen(path) : 0;

  return (PetscBool)(len > 4 && !strcasecmp(path + len - 4, ".vrt"));
}

PetscErrorCode RslClassMapWrite(const RslClassMap *m, const char option[], const char path[], PetscBool has_nodata, double nodata)
{
  PetscFunctionBegin;
  RSLCHECK(m->comm, path && path[0], "%s: no output file name", option);
  if (RslClassMapPathIsBlocks(path)) PetscCall(WriteBlocks(m, option, path, has_nodata, nodata));
  else PetscCall(WriteGathered(m, option, path, has_nodata, nodata));
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
