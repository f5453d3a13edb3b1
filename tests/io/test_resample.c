/* io resampling against exact references on the make_rasters.py rasters:
 * - "average" onto a 2x coarser grid = the block means of the valid pixels (nodata skipped),
 *   each rank reading its own rows of the target;
 * - every method onto the raster's own grid returns the raster;
 * - "nearest" onto a 2x finer grid repeats each pixel;
 * - "bilinear" onto a shifted, scaled grid reproduces the linear field v = 1000 row + col
 *   at the cell centres;
 * - "mode" onto a 3x coarser grid of classes.tif = the most frequent class (ties: smallest);
 * - decomposition independence: sub-windows of a non-aligned grid are bitwise equal to the
 *   same cells read as one window. */
#include "io/raster.h"
#include "io_test.h"
#include <math.h>
#include <string.h>

#define NX 53
#define NY 37
static const double GT[6] = {600000.0, 5.0, 0.0, 6800000.0, 0.0, -5.0};
static const double FILL  = -7.0;

static int Valid(PetscInt r, PetscInt c) { return r >= 0 && c >= 0 && r < NY && c < NX && !(r == 5 && c == 7) && !(r == 20 && c == 40); }

static double Ref(PetscInt r, PetscInt c) { return Valid(r, c) ? 1000.0 * r + c : FILL; }

static void Grid(double gt[6], double x0, double y0, double d)
{
  gt[0] = x0;
  gt[1] = d;
  gt[2] = 0;
  gt[3] = y0;
  gt[4] = 0;
  gt[5] = -d;
}

static PetscErrorCode CheckAverage2x(PetscMPIInt rank, PetscMPIInt size, const char ref[])
{
  const PetscInt nc = (NX + 1) / 2, nr = (NY + 1) / 2;
  PetscInt       r0 = nr * rank / size, r1 = nr * (rank + 1) / size;
  double         gt[6], buf[64 * 64];
  int            bad = 0;

  PetscFunctionBegin;
  Grid(gt, GT[0], GT[3], 10.0);
  PetscCall(RslRasterReadResampledWindow(ref, 1, gt, 0, r0, nc, r1 - r0, "average", FILL, buf));
  for (PetscInt r = r0; r < r1; r++) {
    for (PetscInt c = 0; c < nc; c++) {
      double sum = 0, n = 0, want;
      for (PetscInt a = 2 * r; a < 2 * r + 2; a++)
        for (PetscInt b = 2 * c; b < 2 * c + 2; b++)
          if (Valid(a, b)) sum += Ref(a, b), n++;
      want = n ? sum / n : FILL;
      bad += buf[(r - r0) * nc + c] != want;
    }
  }
  IO_EXPECT(!bad, "average 2x: %d cells differ from the block means", bad);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckIdentity(const char ref[])
{
  const char *methods[] = {"nearest", "bilinear", "average", "mode"};
  double     *buf;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(NX * NY, &buf));
  for (int m = 0; m < 4; m++) {
    int bad = 0;
    PetscCall(RslRasterReadResampled(ref, 1, GT, NX, NY, methods[m], FILL, buf));
    for (PetscInt r = 0; r < NY; r++)
      for (PetscInt c = 0; c < NX; c++) bad += buf[r * NX + c] != Ref(r, c);
    IO_EXPECT(!bad, "%s on the raster's own grid: %d wrong", methods[m], bad);
  }
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckNearestUp(const char ref[])
{
  double *buf, gt[6];
  int     bad = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(4 * NX * NY, &buf));
  Grid(gt, GT[0], GT[3], 2.5);
  PetscCall(RslRasterReadResampled(ref, 1, gt, 2 * NX, 2 * NY, "nearest", FILL, buf));
  for (PetscInt r = 0; r < 2 * NY; r++)
    for (PetscInt c = 0; c < 2 * NX; c++) bad += buf[r * 2 * NX + c] != Ref(r / 2, c / 2);
  IO_EXPECT(!bad, "nearest 2x finer: %d wrong", bad);
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckBilinear(const char ref[])
{
  const PetscInt nc = 60, nr = 45;
  double         gt[6], *buf, maxerr = 0;
  int            checked = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(nc * nr, &buf));
  Grid(gt, GT[0] + 1.3, GT[3] - 2.1, 3.7);
  PetscCall(RslRasterReadResampled(ref, 1, gt, nc, nr, "bilinear", FILL, buf));
  for (PetscInt r = 0; r < nr; r++) {
    for (PetscInt c = 0; c < nc; c++) {
      /* centre in source pixel units. The origin 6799997.9 m is stored to ~5e-10 m = 1e-10
       * px, and edges within 1e-6 px of a pixel edge are snapped to it: with the field's
       * 1000/px slope, 1e-6 is the round-off scale here. */
      double   uc = ((gt[0] - GT[0]) + (c + 0.5) * gt[1]) / GT[1], vc = ((gt[3] - GT[3]) + (r + 0.5) * gt[5]) / GT[5];
      PetscInt i = (PetscInt)floor(uc - 0.5), j = (PetscInt)floor(vc - 0.5);
      if (!(Valid(j, i) && Valid(j, i + 1) && Valid(j + 1, i) && Valid(j + 1, i + 1))) continue;
      maxerr = PetscMax(maxerr, fabs(buf[r * nc + c] - (1000.0 * (vc - 0.5) + (uc - 0.5))));
      checked++;
    }
  }
  IO_EXPECT(checked > 1500 && maxerr < 1e-6, "bilinear on a linear field: %d cells, max error %g", checked, maxerr);
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckMode(const char classes[])
{
  const PetscInt nc = (NX + 2) / 3, nr = (NY + 2) / 3;
  double         gt[6], buf[32 * 32];
  int            bad = 0;

  PetscFunctionBegin;
  Grid(gt, GT[0], GT[3], 15.0);
  PetscCall(RslRasterReadResampled(classes, 1, gt, nc, nr, "mode", FILL, buf));
  for (PetscInt r = 0; r < nr; r++) {
    for (PetscInt c = 0; c < nc; c++) {
      int count[4] = {0, 0, 0, 0}, best = 0;
      for (PetscInt a = 3 * r; a < PetscMin(3 * r + 3, NY); a++)
        for (PetscInt b = 3 * c; b < PetscMin(3 * c + 3, NX); b++) count[(a / 2 + b / 3) % 4]++;
      for (int k = 1; k < 4; k++)
        if (count[k] > count[best]) best = k;
      bad += buf[r * nc + c] != best;
    }
  }
  IO_EXPECT(!bad, "mode 3x: %d cells differ from the majority class", bad);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Same cells, read as one window and as column/row slices: bitwise equal. */
static PetscErrorCode CheckWindowIndependence(PetscMPIInt rank, const char ref[])
{
  const PetscInt nc = 41, nr = 29;
  const char    *methods[] = {"nearest", "bilinear", "average", "mode"};
  double         gt[6], full[41 * 29], part[41 * 29];

  PetscFunctionBegin;
  Grid(gt, GT[0] - 3.1, GT[3] + 1.7, 7.3);
  for (int m = 0; m < 4; m++) {
    int bad = 0;
    PetscCall(RslRasterReadResampledWindow(ref, 1, gt, 0, 0, nc, nr, methods[m], FILL, full));
    for (PetscInt s = 0; s < 3; s++) { /* slices whose boundaries depend on the rank */
      PetscInt c0 = (s * nc) / 3 + (s ? rank : 0), c1 = ((s + 1) * nc) / 3 + (s < 2 ? rank : 0);
      PetscInt r0 = 2 + rank, r1 = nr - 1;
      PetscCall(RslRasterReadResampledWindow(ref, 1, gt, c0, r0, c1 - c0, r1 - r0, methods[m], FILL, part));
      for (PetscInt r = r0; r < r1; r++)
        for (PetscInt c = c0; c < c1; c++) bad += memcmp(&part[(r - r0) * (c1 - c0) + c - c0], &full[r * nc + c], sizeof(double)) != 0;
    }
    IO_EXPECT(!bad, "%s: %d cells depend on the window", methods[m], bad);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  MPI_Comm    comm;
  PetscMPIInt rank, size;
  char        ref[PETSC_MAX_PATH_LEN], classes[PETSC_MAX_PATH_LEN];
  const char *dir = argc > 1 ? argv[1] : "io_data";
  int         nfail;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  comm = PETSC_COMM_WORLD;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscSNPrintf(ref, sizeof(ref), "%s/ref.tif", dir));
  PetscCall(PetscSNPrintf(classes, sizeof(classes), "%s/classes.tif", dir));
  PetscCall(CheckAverage2x(rank, size, ref));
  PetscCall(CheckIdentity(ref));
  PetscCall(CheckNearestUp(ref));
  PetscCall(CheckBilinear(ref));
  PetscCall(CheckMode(classes));
  PetscCall(CheckWindowIndependence(rank, ref));
  nfail = IoTestFinish(comm, "test_resample");
  PetscCall(PetscFinalize());
  return nfail ? 1 : 0;
}
