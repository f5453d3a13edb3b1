/* Parity of the C engine with PyTorch: runs the weights and input written by
 * scripts/seg/make_parity_fixture.py on a backend (-seg_backend, -seg_arch, ... as the
 * model reads them) and compares with PyTorch's float32 logits:
 * max |diff| <= 1e-4 max |logit| and argmax agreement >= 99.99 %.
 * usage: seg_parity -fixture DIR/fixture.safetensors -seg_weights DIR/weights.safetensors ... */
#include "seg/model.h"
#include "seg/safetensors.h"
#include "kernels/seg_pointwise.h"

static PetscErrorCode read_named(RslSafetensors st, const char *name, PetscInt64 *shape, float **v)
{
  PetscInt           i;
  const RslSTTensor *t;

  PetscFunctionBegin;
  PetscCall(RslSafetensorsFind(st, name, &i));
  PetscCheck(i >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "fixture lacks '%s'", name);
  PetscCall(RslSafetensorsGetTensor(st, i, &t));
  PetscCheck(t->ndim == 4, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "fixture '%s' is not 4-D", name);
  for (int d = 0; d < 4; d++) shape[d] = t->shape[d];
  PetscCall(PetscMalloc1(RslSTTensorNumel(t), v));
  PetscCall(RslSafetensorsReadFloat(st, t, *v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  char           path[PETSC_MAX_PATH_LEN] = "";
  RslSafetensors st;
  RslSegModel    m;
  PetscInt64     si[4], so[4];
  PetscInt       C;
  float         *in, *ref, *out;
  const char    *prec;
  double         maxref = 0, maxdiff = 0, tol_rel = 1e-4, min_agree = 0.9999;
  size_t         agree = 0, npix;

  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-fixture", path, sizeof path, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-parity_tol", &tol_rel, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-parity_min_agree", &min_agree, NULL));
  PetscCall(RslSafetensorsOpen(PETSC_COMM_WORLD, path, &st));
  PetscCall(read_named(st, "input", si, &in));
  PetscCall(read_named(st, "logits", so, &ref));
  PetscCall(RslSafetensorsClose(&st));

  PetscCall(RslSegModelCreate(PETSC_COMM_WORLD, &m));
  PetscCall(RslSegModelSetFromOptions(m));
  PetscCall(RslSegModelSetUp(m));
  PetscCall(RslSegModelView(m, NULL));
  PetscCall(RslSegModelGetNumClasses(m, &C));
  PetscCall(RslSegModelGetPrecision(m, &prec));
  PetscCheck(C == so[1], PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "fixture has %lld classes, model %" PetscInt_FMT, (long long)so[1], C);
  PetscCall(PetscMalloc1(so[0] * so[1] * so[2] * so[3], &out));
  double t0 = RslWallTime();
  PetscCall(RslSegModelForward(m, si[0], si[2], si[3], in, out));
  double t1 = RslWallTime();
  PetscCall(RslSegModelWriteCalibration(m));

  npix = (size_t)(so[0] * so[2] * so[3]);
  for (size_t i = 0; i < (size_t)(so[0] * so[1] * so[2] * so[3]); i++) {
    maxref  = PetscMax(maxref, PetscAbsReal(ref[i]));
    maxdiff = PetscMax(maxdiff, PetscAbsReal((double)out[i] - ref[i]));
  }
  for (PetscInt64 n = 0; n < so[0]; n++)
    for (PetscInt64 p = 0; p < so[2] * so[3]; p++) {
      size_t base = (size_t)(n * so[1] * so[2] * so[3] + p);
      agree += rsl_argmax_strided(ref + base, (int)C, (long)(so[2] * so[3])) == rsl_argmax_strided(out + base, (int)C, (long)(so[2] * so[3]));
    }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "parity (%s): max|logit| %.6g, max|diff| %.3g (%.3g relative, tolerance %.0e), argmax agreement %.5f %% (%zu/%zu), forward %.2f s\n", prec, maxref, maxdiff, maxdiff / maxref, tol_rel, 100.0 * agree / npix, agree, npix, t1 - t0));
  PetscCheck(maxref > 0 && maxdiff <= tol_rel * maxref, PETSC_COMM_WORLD, PETSC_ERR_NOT_CONVERGED, "logits differ from PyTorch: max|diff| %g > %g", maxdiff, tol_rel * maxref);
  PetscCheck(agree >= min_agree * npix, PETSC_COMM_WORLD, PETSC_ERR_NOT_CONVERGED, "argmax agreement %.5f %% < %.3f %%", 100.0 * agree / npix, 100 * min_agree);
  PetscCall(PetscFree(in));
  PetscCall(PetscFree(ref));
  PetscCall(PetscFree(out));
  PetscCall(RslSegModelDestroy(&m));
  PetscCall(PetscFinalize());
  return 0;
}
