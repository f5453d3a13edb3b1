/* Ensembles: members on MPI sub-communicators, each with its own copy of the options
 * (the job's options plus -ensemble_NAME FILE.opts), then a summary table. */
#include "app/app.h"
#include "core/app.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define RSL_MAX_MEMBERS 64
enum { S_CLIMATE, S_ARTIF, S_DESEAL, S_PEAK, S_FLOOD, S_RAIN, S_IN, S_OUT, S_INFIL, S_RC, S_BUDGET, S_WALL, S_N };

static void Pack(const RslMemberSummary *s, double v[S_N])
{
  v[S_CLIMATE] = s->climate_factor;
  v[S_ARTIF]   = s->artificialised_ha;
  v[S_DESEAL]  = s->desealed_ha;
  v[S_PEAK]    = s->swe.peak_outflow_m3s;
  v[S_FLOOD]   = s->swe.flooded_area_m2;
  v[S_RAIN]    = s->swe.rain_m3;
  v[S_IN]      = s->swe.inflow_m3;
  v[S_OUT]     = s->swe.outflow_m3;
  v[S_INFIL]   = s->swe.infiltration_m3;
  v[S_RC]      = s->swe.runoff_coefficient;
  v[S_BUDGET]  = s->swe.budget_error;
  v[S_WALL]    = s->wall_s;
}

/* OUT.h5 -> OUT_<suffix> */
static PetscErrorCode Derived(const char out_file[], const char suffix[], char path[], size_t len)
{
  size_t n = strlen(out_file);

  PetscFunctionBegin;
  if (n > 3 && !strcmp(out_file + n - 3, ".h5")) n -= 3;
  PetscCall(PetscSNPrintf(path, len, "%.*s_%s", (int)n, out_file, suffix));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Run one member (or only check its options, s == NULL) with its own options database.
 * Returns the member's error code. */
static PetscErrorCode MemberWithOptions(MPI_Comm sub, const char name[], const char landcover[], const char out[], RslMemberSummary *s)
{
  PetscOptions db;
  char        *all, opt[128], file[PETSC_MAX_PATH_LEN];
  PetscBool    set;
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(opt, sizeof opt, "-ensemble_%s", name));
  PetscCall(PetscOptionsGetString(NULL, NULL, opt, file, sizeof file, &set));
  PetscCall(PetscOptionsGetAll(NULL, &all));
  PetscCall(PetscOptionsCreate(&db));
  PetscCall(PetscOptionsInsertString(db, all));
  PetscCall(PetscFree(all));
  /* errors are returned, not propagated: the caller reports them to every group */
  if (set) {
    char *text; /* a clear error naming the option when the file cannot be read */
    ierr = RslReadTextFile(sub, opt, file, &text);
    if (!ierr) ierr = PetscFree(text);
    if (!ierr) ierr = PetscOptionsInsertFile(sub, db, file, PETSC_TRUE);
  }
  if (!ierr) {
    PetscCall(RslAppSaveUnused(PETSC_TRUE));
    PetscCall(PetscOptionsPush(db));
    ierr = s ? RslMemberRun(sub, name, landcover, out, s) : RslMemberCheckOptions(sub);
    PetscCall(PetscOptionsPop());
    PetscCall(RslAppSaveUnused(PETSC_FALSE));
  }
  PetscCall(PetscOptionsDestroy(&db));
  return ierr;
}

static PetscErrorCode Summary(MPI_Comm comm, PetscInt n, char names[][64], const double *v, const char out_file[])
{
  PetscMPIInt rank;
  char        path[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN + 8];
  FILE       *fp = NULL;
  int         ok = 1;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscPrintf(comm, "\nruissel: scenario summary\n%-18s %8s %9s %13s %13s %11s %11s %10s %10s\n", "scenario", "climate", "artif_ha", "peak_Q_m3/s", "flood>0.1m_m2", "rain_m3", "outflow_m3", "runoff_C", "budget_err"));
  for (PetscInt k = 0; k < n; k++) {
    const double *r = v + k * S_N;
    PetscCall(PetscPrintf(comm, "%-18s %8.4f %9.3f %13.4f %13.1f %11.1f %11.1f %10.4f %+10.1e\n", names[k], r[S_CLIMATE], r[S_ARTIF], r[S_PEAK], r[S_FLOOD], r[S_RAIN], r[S_OUT], r[S_RC], r[S_BUDGET]));
  }
  PetscCall(Derived(out_file, "summary.csv", path, sizeof path));
  if (!rank) {
    PetscCall(PetscSNPrintf(tmp, sizeof tmp, "%s.part", path));
    fp = fopen(tmp, "w");
    if (fp) {
      fprintf(fp, "scenario,climate_factor,artificialised_ha,desealed_ha,peak_outflow_m3s,flooded_area_m2,rain_m3,inflow_m3,outflow_m3,infiltration_m3,runoff_coefficient,budget_relative_error,wall_s\n");
      for (PetscInt k = 0; k < n; k++) {
        fprintf(fp, "%s", names[k]);
        for (int c = 0; c < S_N; c++) fprintf(fp, ",%.17g", v[k * S_N + c]);
        fprintf(fp, "\n");
      }
      ok = fclose(fp) == 0 && rename(tmp, path) == 0;
    } else ok = 0;
  }
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
  RSLCHECK(comm, ok, "-out_file: cannot write the summary '%s'", path);
  PetscCall(PetscPrintf(comm, "ruissel: wrote %s\n", path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Member names from -ensemble (set), or the single member "run". Every rank reads every
 * -ensemble_NAME, so none reports them unused. */
static PetscErrorCode MemberNames(MPI_Comm comm, char names[][64], PetscInt *n, PetscBool *set)
{
  char *list[RSL_MAX_MEMBERS];

  PetscFunctionBegin;
  *n = RSL_MAX_MEMBERS;
  PetscCall(PetscOptionsGetStringArray(NULL, NULL, "-ensemble", list, n, set));
  if (!*set) {
    *n = 1;
    PetscCall(PetscStrallocpy("run", &list[0]));
  }
  RSLCHECK(comm, *n > 0, "-ensemble: give a comma-separated list of member names");
  for (PetscInt k = 0; k < *n; k++) {
    PetscCall(PetscStrncpy(names[k], list[k], 64));
    PetscCall(PetscFree(list[k]));
    for (PetscInt l = 0; l < k; l++) RSLCHECK(comm, strcmp(names[k], names[l]), "-ensemble: member '%s' is listed twice", names[k]);
  }
  for (PetscInt k = 0; k < *n && *set; k++) {
    char      opt[128];
    PetscBool has;
    PetscCall(PetscSNPrintf(opt, sizeof opt, "-ensemble_%s", names[k]));
    PetscCall(PetscOptionsHasName(NULL, NULL, opt, &has));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslEnsembleCheck(MPI_Comm comm, const char out_file[])
{
  char        names[RSL_MAX_MEMBERS][64], dir[PETSC_MAX_PATH_LEN];
  const char *slash = strrchr(out_file, '/');
  PetscInt    n;
  PetscBool   set;
  PetscMPIInt rank;
  int         ok = 1;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscSNPrintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - out_file) : 1, slash ? out_file : "."));
  if (!rank) ok = access(dir[0] ? dir : "/", W_OK | X_OK) == 0;
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
  RSLCHECK(comm, ok, "-out_file: cannot write in '%s' (missing or not writable)", dir[0] ? dir : "/");
  PetscCall(MemberNames(comm, names, &n, &set));
  for (PetscInt k = 0; k < n; k++) {
    PetscErrorCode ierr = set ? MemberWithOptions(comm, names[k], "", "", NULL) : RslMemberCheckOptions(comm);
    if (ierr && set) {
      char msg[1024];
      PetscCall(PetscSNPrintf(msg, sizeof msg, "ensemble member '%s': %s", names[k], RslAppErrorMessage()));
      RSLCHECK(comm, 0, "%s", msg);
    }
    PetscCall(ierr);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslEnsembleRun(MPI_Comm comm, const char landcover[], const char out_file[])
{
  char             names[RSL_MAX_MEMBERS][64], out[PETSC_MAX_PATH_LEN], msg[1024];
  PetscInt         n;
  PetscBool        set;
  PetscMPIInt      rank, size, srank, ngroups, group;
  MPI_Comm         sub;
  double          *v;
  RslMemberSummary s;

  PetscFunctionBegin;
  PetscCall(MemberNames(comm, names, &n, &set));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  ngroups = (PetscMPIInt)PetscMin(n, size);
  group   = (PetscMPIInt)(((PetscInt64)rank * ngroups) / size);
  PetscCallMPI(MPI_Comm_split(comm, group, rank, &sub));
  PetscCallMPI(MPI_Comm_rank(sub, &srank));
  if (set) PetscCall(PetscPrintf(comm, "ruissel: ensemble of %d members on %d groups of ranks\n", (int)n, ngroups));
  PetscCall(PetscCalloc1(n * S_N, &v));
  /* rounds: group g runs members g, g + ngroups, ...; every round ends with a world-wide
   * check, so a failing member stops every rank instead of leaving others waiting */
  for (PetscInt first = 0; first < n; first += ngroups) {
    PetscInt       k    = first + group;
    PetscErrorCode ierr = 0;
    msg[0]              = 0;
    if (k < n) {
      if (set) {
        PetscCall(Derived(out_file, names[k], out, sizeof out));
        PetscCall(PetscStrlcat(out, ".h5", sizeof out));
      } else PetscCall(PetscStrncpy(out, out_file, sizeof out));
      ierr = set ? MemberWithOptions(sub, names[k], landcover, out, &s) : RslMemberRun(sub, names[k], landcover, out, &s);
      if (ierr && set) PetscCall(PetscSNPrintf(msg, sizeof msg, "ensemble member '%s': %s", names[k], RslAppErrorMessage()));
      else if (ierr) PetscCall(PetscStrncpy(msg, RslAppErrorMessage(), sizeof msg));
      else if (!srank) Pack(&s, v + k * S_N);
    }
    PetscCall(RslCheckCollective(comm, ierr ? PETSC_TRUE : PETSC_FALSE, msg));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, v, (PetscMPIInt)(n * S_N), MPI_DOUBLE, MPI_SUM, comm));
  PetscCallMPI(MPI_Comm_free(&sub));
  PetscCall(Summary(comm, n, names, v, out_file));
  PetscCall(PetscFree(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}
