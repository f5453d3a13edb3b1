/* rain source "constant": -rain_rate MMH, a constant rate (mm/h, >= 0) from t = 0 on. */
#include "scenario/rain_impl.h"

static PetscErrorCode Options(RslRainSource s, PetscOptionItems *PetscOptionsObject)
{
  PetscReal *mmh = (PetscReal *)s->data;

  PetscFunctionBegin;
  PetscCall(PetscOptionsReal("-rain_rate", "Constant rain rate (mm/h)", "rain_constant.c", *mmh, mmh, &s->given));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Check(RslRainSource s)
{
  PetscReal mmh = *(PetscReal *)s->data;

  PetscFunctionBegin;
  RSLCHECK(s->rain->comm, mmh >= 0 && PetscIsNormalReal(mmh + 1.0), "-rain_rate: %g mm/h must be >= 0", (double)mmh);
  RslSeriesConstant(mmh, &s->rain->series);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View(RslRainSource s, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "%.6g mm/h\n", (double)*(PetscReal *)s->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainCreate_constant(RslRainSource s)
{
  PetscFunctionBegin;
  PetscCall(PetscCalloc1(1, (PetscReal **)&s->data));
  s->option = "-rain_rate";
  s->ops    = (RslRainOps){.options = Options, .check = Check, .view = View};
  PetscFunctionReturn(PETSC_SUCCESS);
}
