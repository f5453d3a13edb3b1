#define _GNU_SOURCE /* strcasestr */
/* Options files (-options_file): RslOptionsTextCheck, the check ruissel runs before PETSc
 * reads a file; then, differentially, PETSc's own reader (PetscOptionsInsertFile) on every
 * file the check accepted: PETSc must accept it too (it would otherwise stop rank 0 alone),
 * and every value must then be finite where it is a number (RslCheckOptionValues). */
#include "fuzz_common.h"
#include <unistd.h>

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char         err[1024];
  PetscOptions db;
  FILE        *fp;

  if (!path[0]) snprintf(path, sizeof path, "/tmp/ruissel_fuzz_options_%d.opts", (int)getpid());
  if (!RslOptionsTextCheck("fuzz.opts", (const char *)data, size, err, sizeof err, NULL, NULL)) return 0;
  /* PETSc would follow an include to another file: not this target's business */
  {
    char *text = FuzzText(data, size); /* accepted: no NUL inside */
    int   inc  = text && strcasestr(text, "-options_file");
    free(text);
    if (inc) return 0;
  }
  fp = fopen(path, "wb");
  FUZZ_ASSERT(fp && fwrite(data, 1, size, fp) == size && !fclose(fp), "cannot write %s", path);
  FUZZ_ASSERT(!PetscOptionsCreate(&db), "PetscOptionsCreate");
  if (PetscOptionsInsertFile(PETSC_COMM_SELF, db, path, PETSC_TRUE)) {
    char *msg = NULL;
    PetscErrorMessage(PETSC_ERR_ARG_WRONG, NULL, &msg);
    FUZZ_ASSERT(0, "PETSc refused a file RslOptionsTextCheck accepted: %s", msg ? msg : "?");
  }
  FUZZ_ASSERT(!PetscOptionsPush(db), "push");
  FUZZ_ASSERT(!RslCheckOptionValues(PETSC_COMM_SELF), "a non-finite value passed RslOptionsTextCheck");
  FUZZ_ASSERT(!PetscOptionsPop(), "pop");
  FUZZ_ASSERT(!PetscOptionsDestroy(&db), "destroy");
  return 0;
}
