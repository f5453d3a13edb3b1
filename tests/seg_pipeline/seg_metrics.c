/* seg_metrics: the metrics command (confusion matrix, IoU, change map), as the driver's
 * `-stages metrics` will run it; options in seg/metrics.h. Exit 1 on any error. */
#include "core/app.h"
#include "seg/metrics.h"

static const char help[] = "seg_metrics: segmentation accuracy and land-cover change\n";

int main(int argc, char **argv)
{
  PetscErrorCode ierr;
  PetscMPIInt    rank;

  if (PetscInitialize(&argc, &argv, NULL, help)) return 1;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  ierr = RslAppInitialize();
  if (!ierr) ierr = RslMetricsRun(PETSC_COMM_WORLD);
  if (ierr) {
    if (RslErrorIsCollective()) {
      if (!rank) fprintf(stderr, "seg_metrics: error: %s\n", RslAppErrorMessage());
      PetscFinalize();
      return 1;
    }
    fprintf(stderr, "seg_metrics: error on rank %d: %s\n", rank, RslAppErrorMessage());
    MPI_Abort(PETSC_COMM_WORLD, 1);
    return 1;
  }
  return PetscFinalize() ? 1 : 0;
}
