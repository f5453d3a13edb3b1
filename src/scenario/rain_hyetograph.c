/* rain source "hyetograph": -rain_hyetograph FILE.csv, `time_s,mm_per_h` rows after a header
 * line ('#' comments): a step series, each rate holding on [t_k, t_{k+1}); 0 before the
 * first time; the LAST ROW'S RATE HOLDS for t >= t_last (end a storm with a final `T,0`
 * row). */
#include "scenario/rain_impl.h"

static PetscErrorCode Options(RslRainSource s, PetscOptionItems *PetscOptionsObject)
{
  char *file = (char *)s->data;

  PetscFunctionBegin;
  PetscCall(PetscOptionsString("-rain_hyetograph", "Step hyetograph CSV time_s,mm_per_h", "rain_hyetograph.c", file, file, PETSC_MAX_PATH_LEN, &s->given));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetUp(RslRainSource s)
{
  PetscFunctionBegin;
  PetscCall(RslSeriesRead(s->rain->comm, "-rain_hyetograph", (char *)s->data, PETSC_FALSE, PETSC_TRUE, &s->rain->series));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View(RslRainSource s, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "'%s' (%" PetscInt_FMT " rows)\n", (char *)s->data, s->rain->series.n));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslRainCreate_hyetograph(RslRainSource s)
{
  PetscFunctionBegin;
  PetscCall(PetscCalloc1(PETSC_MAX_PATH_LEN, (char **)&s->data));
  s->option = "-rain_hyetograph";
  s->ops    = (RslRainOps){.options = Options, .setup = SetUp, .view = View};
  PetscFunctionReturn(PETSC_SUCCESS);
}
