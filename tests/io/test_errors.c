/* Bad inputs raise a collective error: the call returns non-zero on every rank (no hang:
 * CTest's timeout catches one) with a one-line message naming the option and the file. */
#include "grid/grid.h"
#include "io/h5out.h"
#include "io/raster.h"
#include "io_test.h"
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ierr must be non-zero on every rank and the message must contain each of the words. */
static void ExpectError(MPI_Comm comm, const char what[], PetscErrorCode ierr, const char *w1, const char *w2)
{
  int         failed = ierr != 0, all;
  const char *text;
  char       *msg = NULL;

  MPI_Allreduce(&failed, &all, 1, MPI_INT, MPI_MIN, comm);
  IO_EXPECT(all, "%s: the error was not raised on every rank", what);
  if (!failed) return;
  PetscErrorMessage(ierr, &text, &msg);
  IO_EXPECT(msg && strstr(msg, w1) && (!w2 || strstr(msg, w2)), "%s: message '%s' lacks '%s'/'%s'", what, msg ? msg : "", w1, w2 ? w2 : "");
  if (msg) printf("[expected] %s: %s\n", what, msg);
}

int main(int argc, char **argv)
{
  MPI_Comm       comm;
  PetscMPIInt    rank, size;
  RslRasterInfo  info;
  RslH5          f = NULL;
  char           path[PETSC_MAX_PATH_LEN], ro[PETSC_MAX_PATH_LEN];
  const char    *dir = argc > 1 ? argv[1] : "io_data";
  double         buf[4];
  PetscErrorCode ierr;
  int            nfail;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  comm = PETSC_COMM_WORLD;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));

  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/missing.tif", dir));
  ierr = RslRasterInfoRead(comm, "-dem", path, &info);
  ExpectError(comm, "missing raster", ierr, "-dem: cannot open", "missing.tif");

  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/notes.txt", dir));
  ierr = RslRasterInfoRead(comm, "-hydro_manning_file", path, &info);
  ExpectError(comm, "text file as raster", ierr, "-hydro_manning_file: cannot open", "notes.txt' as a raster");

  ierr = RslRasterReadWindow(path, 1, 0, 0, 2, 2, 0.0, buf); /* not collective, but reported */
  ExpectError(comm, "window of a text file", ierr, "notes.txt", NULL);

  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/ref.tif", dir));
  ierr = RslRasterReadResampled(path, 1, (const double[]){0, 1, 0, 0, 0, -1}, 2, 2, "cubic", 0.0, buf);
  ExpectError(comm, "unknown resampling", ierr, "cubic", NULL);

  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/no_such_dir/out_np%d.h5", dir, size));
  ierr = RslH5Create(comm, "-out_file", path, &f);
  ExpectError(comm, "missing output directory", ierr, "-out_file: cannot write", "no_such_dir/out_np");
  ExpectError(comm, "missing output directory (reason)", ierr, "directory does not exist", NULL);

  /* an unwritable directory: root ignores permissions, but not those of /sys */
  if (geteuid() == 0) PetscCall(PetscStrncpy(ro, "/sys", sizeof(ro)));
  else {
    PetscCall(PetscSNPrintf(ro, sizeof(ro), "%s/readonly_np%d", dir, size));
    if (rank == 0) {
      (void)mkdir(ro, 0755);
      (void)chmod(ro, 0555);
    }
    PetscCallMPI(MPI_Barrier(comm));
  }
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/out.h5", ro));
  ierr = RslH5Create(comm, "-out_file", path, &f);
  ExpectError(comm, "unwritable output directory", ierr, path, "not writable");

  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/no_such_dir/out.xmf", dir));
  ierr = RslXdmfWrite(comm, path, "out.h5", NULL, NULL, NULL, 0, NULL, NULL, 0);
  ExpectError(comm, "XDMF in a missing directory", ierr, "no_such_dir/out.xmf", NULL);

  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/missing.h5", dir));
  {
    RslGrid *g;
    Vec      v;
    PetscCall(RslGridCreate(comm, 4, 3, (const double[]){0, 1, 0, 3, 0, -1}, "", 1, PETSC_DECIDE, PETSC_DECIDE, NULL, NULL, &g));
    PetscCall(DMCreateGlobalVector(g->da1, &v));
    ierr = RslH5ReadField(comm, path, "/fields/h", g->da1, v);
    ExpectError(comm, "missing HDF5 file", ierr, "missing.h5", NULL);
    PetscCall(PetscSNPrintf(path, sizeof(path), "%s/ref.tif", dir));
    ierr = RslH5ReadField(comm, path, "/fields/h", g->da1, v);
    ExpectError(comm, "GeoTIFF read as HDF5", ierr, "ref.tif", NULL);
    PetscCall(VecDestroy(&v));
    PetscCall(RslGridDestroy(&g));
  }
  PetscCall(PetscPopErrorHandler());
  nfail = IoTestFinish(comm, "test_errors");
  PetscCall(PetscFinalize());
  return nfail ? 1 : 0;
}
