/* Parallel HDF5 output: a 23 x 17 grid with v(i,j) = i + 1000 j written by every rank's block,
 * read back through RslH5ReadField (exact), the .part -> final rename, success=PETSC_FALSE
 * leaving nothing, and an XDMF sidecar. check_h5.py then verifies the file independently
 * with h5py (north-first rows, types, attributes, XDMF references).
 * Usage: test_h5 OUT_PREFIX (writes OUT_PREFIX.h5, OUT_PREFIX.xmf). */
#include "grid/grid.h"
#include "io/h5out.h"
#include "io_test.h"
#include <cpl_conv.h>
#include <ogr_srs_api.h>
#include <unistd.h>

#define NX 23
#define NY 17
static const double GT[6] = {600000.0, 5.0, 0.0, 6800000.0, 0.0, -5.0};

/* Global Vec of dm: component c of cell (i,j) = scale (i + 1000 j) + add + 0.5 c. */
static PetscErrorCode Fill(const RslGrid *g, DM dm, double scale, double add, Vec *v)
{
  PetscScalar *a;
  PetscInt     dof, k = 0;

  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(dm, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMCreateGlobalVector(dm, v));
  PetscCall(VecGetArray(*v, &a));
  for (PetscInt j = g->ys; j < g->ys + g->ym; j++)
    for (PetscInt i = g->xs; i < g->xs + g->xm; i++)
      for (PetscInt c = 0; c < dof; c++) a[k++] = scale * (i + 1000.0 * j) + add + 0.5 * c;
  PetscCall(VecRestoreArray(*v, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int Exists(const char *p) { return access(p, F_OK) == 0; }

int main(int argc, char **argv)
{
  MPI_Comm       comm;
  PetscMPIInt    rank, size;
  RslGrid       *g;
  RslH5          f;
  Vec            v, z, zero, half, bytes, U, back;
  char           h5[PETSC_MAX_PATH_LEN], part[PETSC_MAX_PATH_LEN], xmf[PETSC_MAX_PATH_LEN], *opts;
  const char    *prefix = argc > 1 ? argv[1] : "io_h5";
  const char    *fields[] = {"h", "hu", "hv"};
  const double   times[2] = {0.0, 60.0}, table[10] = {0, 1, 2, 3, 4, 10, 11, 12, 13, 14};
  const PetscInt steps = 42;
  PetscBool      eq;
  int            nfail;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  comm = PETSC_COMM_WORLD;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscSNPrintf(h5, sizeof(h5), "%s.h5", prefix));
  PetscCall(PetscSNPrintf(part, sizeof(part), "%s.h5.part", prefix));
  PetscCall(PetscSNPrintf(xmf, sizeof(xmf), "%s.xmf", prefix));
  if (rank == 0) (void)remove(h5);
  {
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    char                *wkt = NULL;
    OSRImportFromEPSG(srs, 2154);
    OSRExportToWkt(srs, &wkt);
    PetscCall(RslGridCreate(comm, NX, NY, GT, wkt, 1, PETSC_DECIDE, PETSC_DECIDE, NULL, NULL, &g));
    CPLFree(wkt);
    OSRDestroySpatialReference(srs);
  }
  PetscCall(Fill(g, g->da1, 1.0, 0.0, &v));
  PetscCall(Fill(g, g->da1, 0.1, 0.0, &z));
  PetscCall(Fill(g, g->da1, 0.0, 0.0, &zero));
  PetscCall(Fill(g, g->da1, 1.0, 0.25, &half));
  PetscCall(Fill(g, g->da, 1.0, 0.0, &U));
  PetscCall(DMCreateGlobalVector(g->da1, &bytes));
  PetscCall(VecSet(bytes, 7.0));

  PetscCall(RslH5Create(comm, "-out_file", h5, &f));
  IO_EXPECT(!strcmp(RslH5Path(f), h5), "RslH5Path %s", RslH5Path(f));
  PetscCall(RslH5WriteGrid(f, g->nx, g->ny, g->gt, g->crs_wkt));
  PetscCall(RslH5WriteField(f, "/fields/h", g->da1, zero)); /* overwritten below: reopen path */
  PetscCall(RslH5WriteField(f, "/fields/h", g->da1, v));
  PetscCall(RslH5WriteField(f, "/fields/z", g->da1, z));
  PetscCall(RslH5WriteField(f, "/max/h", g->da1, half));
  PetscCall(RslH5WriteFieldFloat(f, "/fields/hf", g->da1, half));
  PetscCall(RslH5WriteFieldByte(f, "/landcover/class", g->da1, bytes));
  for (PetscInt k = 0; k < 2; k++) PetscCall(RslH5WriteSnapshot(f, k, times[k], g->da, U, (const char *const[]){"h", "hu", "hv"}));
  PetscCall(RslH5SetAttrInt(f, "/run", "steps", 1, &steps));
  PetscCall(RslH5SetAttrDouble(f, "/budget/deep/er", "rain_m3", 2, times));
  PetscCall(RslH5SetAttrString(f, "/grid", "crs_wkt", "overwritten below"));
  PetscCall(RslH5SetAttrString(f, "/grid", "crs_wkt", g->crs_wkt));
  /* 70 000 characters: more than an HDF5 object header holds, fine as a variable string */
  PetscCall(PetscMalloc1(70001, &opts));
  for (int k = 0; k < 70000; k++) opts[k] = "-swe_cfl 0.45 "[k % 14];
  opts[70000] = 0;
  PetscCall(RslH5SetAttrString(f, "/provenance", "options", opts));
  PetscCall(PetscFree(opts));
  PetscCall(RslH5WriteTable(f, "/gauges/g1", 2, 5, table, "time,h,hu,hv,eta"));
  if (rank == 0) IO_EXPECT(Exists(part) && !Exists(h5), "before close: %s must exist, %s not yet", part, h5);
  PetscCall(RslH5Close(&f, PETSC_TRUE));
  if (rank == 0) IO_EXPECT(!Exists(part) && Exists(h5), "after close: %s must be renamed to %s", part, h5);
  PetscCall(RslXdmfWrite(comm, xmf, h5, g->da1, g->crs_wkt, (const char *const[]){"z", "/xdmf/z", "z", "/fields/z", "max_h", "/max/h", NULL}, 2, times, fields, 3));

  /* read back on this decomposition: exact */
  PetscCall(DMCreateGlobalVector(g->da1, &back));
  PetscCall(RslH5ReadField(comm, h5, "/fields/h", g->da1, back));
  PetscCall(VecEqual(back, v, &eq));
  IO_EXPECT(eq, "/fields/h read back differs");
  PetscCall(RslH5ReadField(comm, h5, "/fields/hf", g->da1, back));
  PetscCall(VecEqual(back, half, &eq)); /* i + 1000 j + 0.25 < 2^24: exact in float32 */
  IO_EXPECT(eq, "/fields/hf read back differs");

  /* a failed run leaves nothing behind */
  PetscCall(PetscSNPrintf(h5, sizeof(h5), "%s_failed.h5", prefix));
  PetscCall(PetscSNPrintf(part, sizeof(part), "%s_failed.h5.part", prefix));
  PetscCall(RslH5Create(comm, "-out_file", h5, &f));
  PetscCall(RslH5WriteField(f, "/fields/h", g->da1, v));
  PetscCall(RslH5Close(&f, PETSC_FALSE));
  if (rank == 0) IO_EXPECT(!Exists(part) && !Exists(h5), "success=FALSE left %s or %s", part, h5);

  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&z));
  PetscCall(VecDestroy(&zero));
  PetscCall(VecDestroy(&half));
  PetscCall(VecDestroy(&bytes));
  PetscCall(VecDestroy(&U));
  PetscCall(VecDestroy(&back));
  PetscCall(RslGridDestroy(&g));
  nfail = IoTestFinish(comm, "test_h5");
  PetscCall(PetscFinalize());
  return nfail ? 1 : 0;
}
