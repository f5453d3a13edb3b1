/* io/xdmf: the XDMF 3 sidecar that lets ParaView read the result file as a time series.
 * The mesh is a 2DRectMesh on /grid/x_edges, /grid/y_edges (y descending, like the rows),
 * so cell data appear north-up in the x-y plane without reordering anything. */
#include "io/h5out.h"
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
    default: fputc(*s, fp);
    }
  }
}

static void DataItem(FILE *fp, const char *dims, int precision, const char *h5name, const char *dset)
{
  fprintf(fp, "        <DataItem Dimensions=\"%s\" NumberType=\"Float\" Precision=\"%d\" Format=\"HDF\">", dims, precision);
  XmlText(fp, h5name);
  fprintf(fp, ":%s</DataItem>\n", dset);
}

static void CellAttribute(FILE *fp, const char *name, const char *dims, int precision, const char *h5name, const char *dset)
{
  fputs("      <Attribute Name=\"", fp);
  XmlText(fp, name);
  fputs("\" AttributeType=\"Scalar\" Center=\"Cell\">\n", fp);
  DataItem(fp, dims, precision, h5name, dset);
  fputs("      </Attribute>\n", fp);
}

/* One uniform grid: snapshot k (k < 0: the final fields). */
static PetscErrorCode WriteGrid(FILE *fp, const char *h5name, const RslGrid *g, PetscInt k, double time, const char *const fields[], PetscInt nfields)
{
  char cells[64], nx1[32], ny1[32], grp[64], dset[128];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(cells, sizeof(cells), "%" PetscInt_FMT " %" PetscInt_FMT, g->ny, g->nx));
  PetscCall(PetscSNPrintf(nx1, sizeof(nx1), "%" PetscInt_FMT, g->nx + 1));
  PetscCall(PetscSNPrintf(ny1, sizeof(ny1), "%" PetscInt_FMT, g->ny + 1));
  if (k >= 0) PetscCall(RslH5SnapshotName(k, grp, sizeof(grp)));
  else PetscCall(PetscStrncpy(grp, "/fields", sizeof(grp)));
  fprintf(fp, "    <Grid Name=\"%s\" GridType=\"Uniform\">\n", k >= 0 ? strrchr(grp, '/') + 1 : "final");
  fprintf(fp, "      <Time Value=\"%.17g\"/>\n", time);
  fprintf(fp, "      <Topology TopologyType=\"2DRectMesh\" Dimensions=\"%s %s\"/>\n", ny1, nx1);
  fputs("      <Geometry GeometryType=\"VXVY\">\n", fp);
  DataItem(fp, nx1, 8, h5name, "/grid/x_edges");
  DataItem(fp, ny1, 8, h5name, "/grid/y_edges");
  fputs("      </Geometry>\n", fp);
  CellAttribute(fp, "z", cells, 8, h5name, "/fields/z");
  for (PetscInt i = 0; i < nfields; i++) {
    PetscCall(PetscSNPrintf(dset, sizeof(dset), "%s/%s", grp, fields[i]));
    CellAttribute(fp, fields[i], cells, k >= 0 ? 4 : 8, h5name, dset);
  }
  fputs("    </Grid>\n", fp);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslXdmfWrite(MPI_Comm comm, const char xmf_path[], const char h5name[], const RslGrid *g, PetscInt nsnap, const double *times, const char *const fields[], PetscInt nfields)
{
  PetscMPIInt rank;
  char        part[PETSC_MAX_PATH_LEN], msg[PETSC_MAX_PATH_LEN + 64] = "";
  FILE       *fp;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscSNPrintf(part, sizeof(part), "%s.part", xmf_path));
  if (rank == 0) {
    if (!(fp = fopen(part, "w"))) PetscCall(PetscSNPrintf(msg, sizeof(msg), "cannot write '%s'", part));
    else {
      fputs("<?xml version=\"1.0\" ?>\n<Xdmf Version=\"3.0\">\n  <Domain>\n", fp);
      if (nsnap > 0) {
        fputs("  <Grid Name=\"snapshots\" GridType=\"Collection\" CollectionType=\"Temporal\">\n", fp);
        for (PetscInt k = 0; k < nsnap; k++) PetscCall(WriteGrid(fp, h5name, g, k, times[k], fields, nfields));
        fputs("  </Grid>\n", fp);
      } else PetscCall(WriteGrid(fp, h5name, g, -1, 0.0, fields, nfields));
      fputs("  </Domain>\n</Xdmf>\n", fp);
      int bad = ferror(fp); /* before fclose, which frees fp */
      bad |= fclose(fp);
      if (bad) PetscCall(PetscSNPrintf(msg, sizeof(msg), "error writing '%s'", part));
      else if (rename(part, xmf_path)) PetscCall(PetscSNPrintf(msg, sizeof(msg), "cannot rename '%s' to '%s'", part, xmf_path));
      if (msg[0]) (void)remove(part);
    }
  }
  PetscCall(RslCheckCollective(comm, msg[0] ? PETSC_TRUE : PETSC_FALSE, msg));
  PetscFunctionReturn(PETSC_SUCCESS);
}
