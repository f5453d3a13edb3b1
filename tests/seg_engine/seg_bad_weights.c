/* Hostile weight files (written by make_bad_weights.py): each must fail with PETSc error
 * PETSC_ERR_USER and a message naming the file and the tensor concerned, on every rank
 * (run on 2 ranks: the error is collective, nothing hangs); the untouched file loads.
 * usage: seg_bad_weights -manifest DIR/manifest.txt */
#include "seg/model.h"
#include "seg/safetensors.h"
#include <string.h>

static PetscErrorCode load_model(const char *file, PetscInt bands)
{
  RslSegModel m;

  PetscFunctionBegin;
  PetscCall(RslSegModelCreate(PETSC_COMM_WORLD, &m));
  PetscCall(RslSegModelSetArch(m, "unet_resnet18"));
  PetscCall(RslSegModelSetWidthMult(m, 0.125));
  PetscCall(RslSegModelSetNumClasses(m, 13));
  PetscCall(RslSegModelSetNumBands(m, bands)); /* 0: from the weights */
  PetscCall(RslSegModelSetBackend(m, "ref"));
  PetscCall(RslSegModelSetWeights(m, file, NULL));
  PetscErrorCode ierr = RslSegModelSetUp(m);
  PetscCall(RslSegModelDestroy(&m));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode open_file(const char *file)
{
  RslSafetensors st;

  PetscFunctionBegin;
  PetscCall(RslSafetensorsOpen(PETSC_COMM_WORLD, file, &st));
  PetscCall(RslSafetensorsClose(&st));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  char  manifest[PETSC_MAX_PATH_LEN] = "", line[4096];
  FILE *f;
  int   cases = 0, failures = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-manifest", manifest, sizeof manifest, NULL));
  f = fopen(manifest, "r");
  PetscCheck(f, PETSC_COMM_WORLD, PETSC_ERR_FILE_OPEN, "cannot open manifest %s", manifest);
  while (fgets(line, sizeof line, f)) {
    char          *field[8], *save = NULL, *msg = NULL;
    int            nf = 0, ok = 1;
    PetscErrorCode ierr;

    line[strcspn(line, "\n")] = 0;
    for (char *t = strtok_r(line, "\t", &save); t && nf < 8; t = strtok_r(NULL, "\t", &save)) field[nf++] = t;
    if (nf < 3) continue;
    cases++;
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = !strcmp(field[0], "open") ? open_file(field[1]) : load_model(field[1], !strcmp(field[0], "model5") ? 5 : 0);
    PetscCall(PetscPopErrorHandler());
    if (!strcmp(field[0], "good")) ok = ierr == 0;
    else {
      PetscCall(PetscErrorMessage(ierr, NULL, &msg));
      ok = ierr == PETSC_ERR_USER && msg && strstr(msg, field[2]); /* names the file */
      for (int i = 3; ok && i < nf; i++) ok = strstr(msg, field[i]) != NULL;
    }
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-6s %-26s %s  [%s]\n", ok ? "ok" : "FAIL", field[2], field[0], msg ? msg : (ierr ? "?" : "loaded")));
    failures += !ok;
  }
  fclose(f);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d cases, %d failures\n", cases, failures));
  PetscCheck(cases >= 21 && !failures, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%d of %d hostile-file cases failed", failures, cases);
  PetscCall(PetscFinalize());
  return 0;
}
