/* io/xdmf: the XDMF 3 sidecar that lets ParaView read the result file as a time series.
 *
 * Mesh: a 3DRectMesh of one layer of cells (node z = 0, 0) on /grid/x_edges, /grid/y_edges
 * (y descending, like the rows), so cell data appear north-up in the x-y plane without
 * reordering anything. Not a 2D topology: ParaView 5.11's legacy "XDMF Reader" announces a
 * 2DRectMesh (and a 2DCoRectMesh) with the whole extent (0,0,0,nx,0,ny) -- a line in the
 * y-z plane -- while the Xdmf3 readers do not; one layer of 3-D cells reads the same in
 * both (tests/io/check_xdmf_paraview.py). Heavy-data paths are the HDF5 file's name, i.e.
 * relative to the .xmf's own directory, so the pair can be moved together. */
#include "io/h5_util.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Print s with the XML special characters escaped. */
static void XmlText(FILE *fp, const char *s)
{
  for (; *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", fp); break;
    case '<': fputs("&lt;", fp); break;
    case '>': fputs("&gt;", fp); break;
    case '"': fputs("&quot;", fp); break;
    case '\n': fputs("&#10;", fp); break;
    default: fputc(*s, fp);
    }
  }
}

/* The mesh: grid size and CRS. */
typedef struct {
  PetscInt    nx, ny;
  const char *crs_wkt;
} Mesh;

/* A 2-D dataset of the result shown in ParaView: its name there and its XDMF number type. */
typedef struct {
  const char *name, *dset;
  char        type[8];
  int         precision;
} Field;

/* Rank 0: type of dataset dset in file (0 when absent or not ny x nx). */
static int Probe(hid_t file, const Mesh *g, const char *dset, Field *f)
{
  char    grp[256];
  char   *slash;
  hid_t   d, s, t;
  hsize_t dims[2] = {0, 0};
  int     ok = 0;

  snprintf(grp, sizeof grp, "%s", dset);
  if ((slash = strrchr(grp, '/')) && slash != grp) {
    *slash = 0;
    if (H5Lexists(file, grp, H5P_DEFAULT) <= 0) return 0;
  }
  if (H5Lexists(file, dset, H5P_DEFAULT) <= 0 || (d = H5Dopen2(file, dset, H5P_DEFAULT)) < 0) return 0;
  s = H5Dget_space(d);
  t = H5Dget_type(d);
  if (H5Sget_simple_extent_ndims(s) == 2) H5Sget_simple_extent_dims(s, dims, NULL);
  if (dims[0] == (hsize_t)g->ny && dims[1] == (hsize_t)g->nx) {
    ok           = 1;
    f->precision = (int)H5Tget_size(t);
    if (H5Tget_class(t) == H5T_FLOAT) snprintf(f->type, sizeof f->type, "Float");
    else if (H5Tget_class(t) == H5T_INTEGER && H5Tget_size(t) == 1) snprintf(f->type, sizeof f->type, H5Tget_sign(t) == H5T_SGN_NONE ? "UChar" : "Char");
    else if (H5Tget_class(t) == H5T_INTEGER) snprintf(f->type, sizeof f->type, H5Tget_sign(t) == H5T_SGN_NONE ? "UInt" : "Int");
    else ok = 0;
  }
  H5Tclose(t);
  H5Sclose(s);
  H5Dclose(d);
  return ok;
}

static void DataItem(FILE *fp, const char *dims, const char *type, int precision, const char *h5name, const char *dset)
{
  fprintf(fp, "        <DataItem Dimensions=\"%s\" NumberType=\"%s\" Precision=\"%d\" Format=\"HDF\">", dims, type, precision);
  XmlText(fp, h5name);
  fprintf(fp, ":%s</DataItem>\n", dset);
}

static void CellAttribute(FILE *fp, const char *cells, const Field *f, const char *h5name)
{
  fprintf(fp, "      <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Cell\">\n", f->name);
  DataItem(fp, cells, f->type, f->precision, h5name, f->dset);
  fputs("      </Attribute>\n", fp);
}

/* One uniform grid at `time`: the static fields, then the time-dependent ones. */
static void WriteGrid(FILE *fp, const char *gname, double time, const Mesh *g, const char *h5name, const Field *stat, int nstat, const Field *dyn, int ndyn)
{
  char cells[64], nx1[32], ny1[32];

  snprintf(cells, sizeof cells, "1 %d %d", (int)g->ny, (int)g->nx);
  snprintf(nx1, sizeof nx1, "%d", (int)g->nx + 1);
  snprintf(ny1, sizeof ny1, "%d", (int)g->ny + 1);
  fprintf(fp, "    <Grid Name=\"%s\" GridType=\"Uniform\">\n", gname);
  fprintf(fp, "      <Time Value=\"%.17g\"/>\n", time);
  fprintf(fp, "      <Topology TopologyType=\"3DRectMesh\" Dimensions=\"2 %s %s\"/>\n", ny1, nx1);
  fputs("      <Geometry GeometryType=\"VXVYVZ\">\n", fp);
  DataItem(fp, nx1, "Float", 8, h5name, "/grid/x_edges");
  DataItem(fp, ny1, "Float", 8, h5name, "/grid/y_edges");
  fputs("        <DataItem Dimensions=\"2\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">0 0</DataItem>\n", fp);
  fputs("      </Geometry>\n", fp);
  for (int k = 0; k < nstat; k++) CellAttribute(fp, cells, &stat[k], h5name);
  for (int k = 0; k < ndyn; k++) CellAttribute(fp, cells, &dyn[k], h5name);
  fputs("    </Grid>\n", fp);
}

/* Rank 0: the .xmf (as .part) and the .prj; "" or the reason of a failure in msg. */
static void WriteFiles(const char xmf_path[], const char h5path[], const Mesh *g, const char *const shown[], PetscInt nsnap, const double *times, const char *const fields[], PetscInt nfields, char msg[], size_t len)
{
  char        part[PETSC_MAX_PATH_LEN + 8], prj[PETSC_MAX_PATH_LEN + 8], grp[64];
  const char *base   = strrchr(h5path, '/') ? strrchr(h5path, '/') + 1 : h5path;
  size_t      n      = strlen(xmf_path), nshown = 0;
  Field      *stat, *dyn = NULL;
  int         nstat  = 0, bad;
  hid_t       file   = -1;
  FILE       *fp;

  H5E_BEGIN_TRY
  {
    file = H5Fopen(h5path, H5F_ACC_RDONLY, H5P_DEFAULT);
  }
  H5E_END_TRY;
  if (file < 0) {
    snprintf(msg, len, "XDMF: cannot open '%s'", h5path);
    return;
  }
  while (shown && shown[2 * nshown]) nshown++;
  stat = (Field *)calloc(nshown + 1, sizeof(Field));
  H5E_BEGIN_TRY
  {
    for (size_t k = 0; stat && k < nshown; k++) {
      if (nstat && !strcmp(stat[nstat - 1].name, shown[2 * k])) continue; /* the name was found */
      stat[nstat].name = shown[2 * k];
      stat[nstat].dset = shown[2 * k + 1];
      if (Probe(file, g, stat[nstat].dset, &stat[nstat])) nstat++;
    }
    dyn = (Field *)calloc((size_t)(nsnap > 0 ? nsnap : 1) * (size_t)(nfields + 1), sizeof(Field));
    for (PetscInt s = 0; dyn && s < (nsnap > 0 ? nsnap : 1); s++) {
      if (nsnap > 0) (void)RslH5SnapshotName(s, grp, sizeof grp);
      else snprintf(grp, sizeof grp, "/fields");
      for (PetscInt k = 0; k < nfields; k++) {
        Field *f = &dyn[s * nfields + k];
        char  *d = (char *)malloc(strlen(grp) + strlen(fields[k]) + 2);
        if (d) sprintf(d, "%s/%s", grp, fields[k]);
        f->name = fields[k];
        f->dset = d;
        if (!d || !Probe(file, g, d, f)) snprintf(msg, len, "XDMF: '%s' has no %s/%s of the grid's shape", h5path, grp, fields[k]);
      }
    }
  }
  H5E_END_TRY;
  H5Fclose(file);
  if (!dyn || !stat) snprintf(msg, len, "XDMF: out of memory");
  snprintf(part, sizeof part, "%s.part", xmf_path);
  if (!msg[0] && !(fp = fopen(part, "w"))) snprintf(msg, len, "cannot write '%s'", part);
  else if (!msg[0]) {
    fputs("<?xml version=\"1.0\" ?>\n<Xdmf Version=\"3.0\">\n  <Domain>\n", fp);
    if (g->crs_wkt[0]) { /* ParaView ignores it; kept for people and scripts (also in the .prj) */
      fputs("    <Information Name=\"crs_wkt\" Value=\"", fp);
      XmlText(fp, g->crs_wkt);
      fputs("\"/>\n", fp);
    }
    if (nsnap > 0) {
      fputs("  <Grid Name=\"snapshots\" GridType=\"Collection\" CollectionType=\"Temporal\">\n", fp);
      for (PetscInt s = 0; s < nsnap; s++) {
        (void)RslH5SnapshotName(s, grp, sizeof grp);
        WriteGrid(fp, strrchr(grp, '/') + 1, times[s], g, base, stat, nstat, dyn + s * nfields, (int)nfields);
      }
      fputs("  </Grid>\n", fp);
    } else WriteGrid(fp, "final", 0.0, g, base, stat, nstat, dyn, (int)nfields);
    fputs("  </Domain>\n</Xdmf>\n", fp);
    bad = ferror(fp); /* before fclose, which frees fp */
    bad |= fclose(fp);
    if (bad) snprintf(msg, len, "error writing '%s'", part);
    else if (rename(part, xmf_path)) snprintf(msg, len, "cannot rename '%s' to '%s'", part, xmf_path);
    if (msg[0]) (void)remove(part);
  }
  if (!msg[0] && g->crs_wkt[0]) { /* the CRS beside the pair, as GIS tools expect it */
    snprintf(prj, sizeof prj, "%.*s.prj", (int)(n > 4 && !strcmp(xmf_path + n - 4, ".xmf") ? n - 4 : n), xmf_path);
    if (!(fp = fopen(prj, "w")) || fputs(g->crs_wkt, fp) < 0 || fclose(fp)) snprintf(msg, len, "cannot write '%s'", prj);
  }
  for (PetscInt s = 0; dyn && s < (nsnap > 0 ? nsnap : 1) * nfields; s++) free((void *)dyn[s].dset);
  free(dyn);
  free(stat);
}

PetscErrorCode RslXdmfWrite(MPI_Comm comm, const char xmf_path[], const char h5path[], DM da, const char *crs_wkt, const char *const shown[], PetscInt nsnap, const double *times, const char *const fields[], PetscInt nfields)
{
  PetscMPIInt rank;
  char        msg[2 * PETSC_MAX_PATH_LEN + 64] = "";
  Mesh        g = {0, 0, crs_wkt ? crs_wkt : ""};

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (da) PetscCall(DMDAGetInfo(da, NULL, &g.nx, &g.ny, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  if (rank == 0) {
    if (!da) snprintf(msg, sizeof msg, "cannot write '%s' (no grid)", xmf_path);
    else WriteFiles(xmf_path, h5path, &g, shown, nsnap, times, fields, nfields, msg, sizeof msg);
  }
  PetscCall(RslCheckCollective(comm, msg[0] ? PETSC_TRUE : PETSC_FALSE, msg));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslXdmfWriteBed(RslH5 f, DM da, Vec z, double nodata)
{
  Vec          v;
  PetscScalar *a;
  PetscInt     n;

  PetscFunctionBegin;
  PetscCall(VecDuplicate(z, &v));
  PetscCall(VecCopy(z, v));
  PetscCall(VecGetLocalSize(v, &n));
  PetscCall(VecGetArray(v, &a));
  for (PetscInt k = 0; k < n; k++)
    if (PetscRealPart(a[k]) == nodata) a[k] = NAN;
  PetscCall(VecRestoreArray(v, &a));
  PetscCall(RslH5WriteFieldFloat(f, "/xdmf/z", da, v));
  PetscCall(VecDestroy(&v));
  PetscFunctionReturn(PETSC_SUCCESS);
}
