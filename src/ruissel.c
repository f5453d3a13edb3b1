/* ruissel driver: strings the stages together (see src/app/) and does nothing else. */
#include "core/rsl.h"

static const char help[] = "ruissel: aerial imagery + terrain -> flood-runoff maps (run with -options_file FILE)\n";

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  ierr = PetscInitialize(&argc, &argv, NULL, help);
  if (ierr) return 1;
  ierr = PetscFinalize();
  return ierr ? 1 : 0;
}
