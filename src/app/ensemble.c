/* Ensembles: members on MPI sub-communicators, each with its own copy of the options
 * (the job's options plus -ensemble_NAME FILE.opts), then a summary table. A member's
 * failure stays in its group: when its error is collective on the group (core/app.h) it is
 * reported with the member's name, its partial result is removed, and the group goes on with
 * its next member; the summary marks it and the job exits with status 1. */
#include "app/app.h"
#include "core/app.h"
#include "core/help.h"
#include "core/signal.h"
#include "core/validate.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define RSL_MAX_MEMBERS 64
/* indices into a row of figures: the order of RslMemberFigures */
enum { S_CLIMATE, S_ARTIF, S_DESEAL, S_PEAK, S_FLOOD, S_RAIN, S_IN, S_OUT, S_INFIL, S_RC, S_BUDGET, S_WALL, S_N };
static const char *const StatusName[] = {"ok", "failed", "checkpointed", "stopped", "not started"};
enum { ERR_LEN = 512 };

/* Errors of the members whose options RslEnsembleCheck found bad ("" for the good ones):
 * the run reports them failed without starting them. */
static char rsl_bad_options[RSL_MAX_MEMBERS][ERR_LEN];

static void Pack(RslMemberSummary *s, double v[S_N])
{
  for (int c = 0; c < S_N; c++) v[c] = *(double *)((char *)s + RslMemberFigures[c].offset);
}

/* Member options by prefix, as PETSc's -sub_ksp_type: -NAME_opt value on the command line is
 * -opt value for member NAME only, over the job's options and its -ensemble_NAME file. An
 * option ruissel knows is never a member's (a member called "swe" gets no -swe_order); a name
 * that prefixes another ("y2050", "y2050_urban") yields to the longer one. Collected once, before
 * any member reads the database, and marked used there so that the job does not warn. */
typedef struct {
  PetscInt member;
  char    *name, *value; /* "-opt" and its value ("" for a flag) */
} Prefixed;
static Prefixed *rsl_prefixed;
static PetscInt  rsl_nprefixed = -1;

static PetscErrorCode CollectPrefixed(char names[][64], PetscInt n)
{
  PetscInt N;
  char   **opt, **val, full[512];

  PetscFunctionBegin;
  if (rsl_nprefixed >= 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscOptionsLeftGet(NULL, &N, &opt, &val));
  PetscCall(PetscCalloc1(N + 1, &rsl_prefixed));
  rsl_nprefixed = 0;
  for (PetscInt k = 0; k < N; k++) {
    size_t   best = 0;
    PetscInt m    = -1;
    PetscCall(PetscSNPrintf(full, sizeof full, "-%s", opt[k]));
    if (RslHelpIsKnown(full)) continue;
    for (PetscInt l = 0; l < n; l++) {
      size_t len = strlen(names[l]);
      if (len > best && !strncmp(opt[k], names[l], len) && opt[k][len] == '_' && opt[k][len + 1]) best = len, m = l;
    }
    if (m < 0) continue;
    Prefixed *p = &rsl_prefixed[rsl_nprefixed++];
    p->member   = m;
    PetscCall(PetscSNPrintf(full, sizeof full, "-%s", opt[k] + best + 1));
    PetscCall(PetscStrallocpy(full, &p->name));
    PetscCall(PetscStrallocpy(val[k] ? val[k] : "", &p->value));
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &N, &opt, &val));
  for (PetscInt k = 0; k < rsl_nprefixed; k++) { /* mark the job's copies used */
    PetscBool has;
    PetscCall(PetscSNPrintf(full, sizeof full, "-%s_%s", names[rsl_prefixed[k].member], rsl_prefixed[k].name + 1));
    PetscCall(PetscOptionsHasName(NULL, NULL, full, &has));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Member k's database: its prefixed options set without the prefix, every member's prefixed
 * options removed (they would be unused there). */
static PetscErrorCode ApplyPrefixed(PetscOptions db, char names[][64], PetscInt k)
{
  char full[512];

  PetscFunctionBegin;
  for (PetscInt q = 0; q < rsl_nprefixed; q++) {
    const Prefixed *p = &rsl_prefixed[q];
    PetscCall(PetscSNPrintf(full, sizeof full, "-%s_%s", names[p->member], p->name + 1));
    PetscCall(PetscOptionsClearValue(db, full));
    if (p->member == k) PetscCall(PetscOptionsSetValue(db, p->name, p->value[0] ? p->value : NULL));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Run member k (or only check its options, s == NULL) with its own options database.
 * Returns the member's error code. */
static PetscErrorCode MemberWithOptions(MPI_Comm sub, char names[][64], PetscInt k, const char landcover[], const char out[], RslMemberSummary *s)
{
  const char *name = names[k];
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
  if (set) { /* checked first: PETSc would stop rank 0 alone on a bad file */
    ierr = RslCheckOptionsFile(sub, opt, file);
    if (!ierr) ierr = PetscOptionsInsertFile(sub, db, file, PETSC_TRUE);
  }
  if (!ierr) PetscCall(ApplyPrefixed(db, names, k));
  if (!ierr) {
    PetscCall(RslAppSaveUnused(PETSC_TRUE));
    for (PetscInt q = 0; q < rsl_nprefixed; q++)
      if (rsl_prefixed[q].member == k) PetscCall(RslAppSaveUnusedAdd(rsl_prefixed[q].name));
    PetscCall(PetscOptionsPush(db));
    ierr = s ? RslMemberRun(sub, name, PETSC_TRUE, landcover, out, s) : RslMemberCheckOptions(sub);
    PetscCall(PetscOptionsPop());
    PetscCall(RslAppSaveUnused(PETSC_FALSE));
  }
  PetscCall(PetscOptionsDestroy(&db));
  return ierr;
}

/* CSV field: quoted when it holds a comma or a quote (quotes doubled). */
static void CsvText(FILE *fp, const char *t)
{
  if (!strpbrk(t, ",\"\n")) {
    fprintf(fp, "%s", t);
    return;
  }
  fputc('"', fp);
  for (; *t; t++) {
    if (*t == '"') fputc('"', fp);
    fputc(*t == '\n' ? ' ' : *t, fp);
  }
  fputc('"', fp);
}

static PetscErrorCode Summary(MPI_Comm comm, PetscInt n, char names[][64], const double *v, const int *status, char err[][ERR_LEN], const char out_file[])
{
  PetscMPIInt rank;
  char        path[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN + 8];
  FILE       *fp = NULL;
  int         ok = 1;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscPrintf(comm, "\nruissel: scenario summary\n%-18s %8s %9s %13s %13s %11s %11s %10s %10s  %s\n", "scenario", "climate", "artif_ha", "peak_Q_m3/s", "flooded_m2", "rain_m3", "outflow_m3", "runoff_C", "budget_err", "status"));
  for (PetscInt k = 0; k < n; k++) {
    const double *r = v + k * S_N;
    if (status[k] == RSL_MEMBER_DONE) PetscCall(PetscPrintf(comm, "%-18s %8.4f %9.3f %13.4f %13.1f %11.1f %11.1f %10.4f %+10.1e  ok\n", names[k], r[S_CLIMATE], r[S_ARTIF], r[S_PEAK], r[S_FLOOD], r[S_RAIN], r[S_OUT], r[S_RC], r[S_BUDGET]));
    else PetscCall(PetscPrintf(comm, "%-18s %8s %9s %13s %13s %11s %11s %10s %10s  %s: %s\n", names[k], "-", "-", "-", "-", "-", "-", "-", "-", StatusName[status[k]], err[k]));
  }
  PetscCall(RslOutputName(out_file, NULL, "_summary.csv", path, sizeof path));
  if (!rank) {
    PetscCall(PetscSNPrintf(tmp, sizeof tmp, "%s.part", path));
    fp = fopen(tmp, "w");
    if (fp) {
      fprintf(fp, "scenario");
      for (int c = 0; c < S_N; c++) fprintf(fp, ",%s", RslMemberFigures[c].name);
      fprintf(fp, ",status,error\n");
      for (PetscInt k = 0; k < n; k++) {
        CsvText(fp, names[k]);
        for (int c = 0; c < S_N; c++) {
          if (status[k] == RSL_MEMBER_DONE) fprintf(fp, ",%.17g", v[k * S_N + c]);
          else fprintf(fp, ",");
        }
        fprintf(fp, ",%s,", StatusName[status[k]]);
        CsvText(fp, err[k]);
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
  if (*set) PetscCall(CollectPrefixed(names, *n));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslEnsembleCheck(MPI_Comm comm, const char out_file[])
{
  char        names[RSL_MAX_MEMBERS][64], dir[PETSC_MAX_PATH_LEN], restart[PETSC_MAX_PATH_LEN] = "";
  const char *slash = strrchr(out_file, '/');
  PetscInt    n, nbad = 0;
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
  PetscCall(PetscOptionsGetString(NULL, NULL, "-restart", restart, sizeof restart, NULL));
  RSLCHECK(comm, !set || !restart[0] || !strcmp(restart, "auto"), "-restart %s: every member of an ensemble resumes from its own checkpoint: use -restart auto", restart);
  for (PetscInt k = 0; k < n; k++) {
    PetscErrorCode ierr;
    RslAppErrorReset();
    rsl_bad_options[k][0] = 0;
    ierr                  = set ? MemberWithOptions(comm, names, k, "", "", NULL) : RslMemberCheckOptions(comm);
    if (!ierr) continue;
    if (!set || !RslAppErrorIsCollectiveOn(comm)) PetscCall(ierr);
    /* a member with bad options is reported now and will not run; the others will */
    PetscCall(PetscStrncpy(rsl_bad_options[k], RslAppErrorMessage(), ERR_LEN));
    PetscCall(PetscFPrintf(comm, PETSC_STDERR, "ruissel: error: ensemble member '%s': %s\n", names[k], rsl_bad_options[k]));
    nbad++;
  }
  RslAppErrorReset();
  RSLCHECK(comm, !n || nbad < n, "every ensemble member has bad options (first: '%s': %s)", names[0], rsl_bad_options[0]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The job asked for checkpoints (a stop then means "resume later", not "give up"). */
static PetscErrorCode JobCheckpoints(PetscBool *active)
{
  static const char *const opts[] = {"-checkpoint_interval", "-checkpoint_walltime", "-checkpoint_file", "-restart"};
  PetscBool                has;

  PetscFunctionBegin;
  *active = PETSC_FALSE;
  for (size_t k = 0; k < sizeof opts / sizeof *opts; k++) {
    PetscCall(PetscOptionsHasName(NULL, NULL, opts[k], &has));
    *active = (PetscBool)(*active || has);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* After a stop: exit status 3 when something was saved to resume from, else the signal's. A
 * single run has said what happened in its one line; an ensemble adds the job's. */
static PetscErrorCode EndStopped(MPI_Comm comm, PetscInt n, const int *status, int reason, int saved, PetscBool ensemble)
{
  PetscInt  count[5] = {0, 0, 0, 0, 0};
  PetscBool ckpt;

  PetscFunctionBegin;
  PetscCall(JobCheckpoints(&ckpt));
  for (PetscInt k = 0; k < n; k++) count[status[k]]++;
  if (ckpt && saved) {
    RslAppSetExitStatus(3);
    if (ensemble) PetscCall(PetscPrintf(comm, "ruissel: stopped by %s: %d member(s) checkpointed, %d not started, %d complete, %d failed; run again with -restart auto to resume (exit status 3)\n", RslStopName(reason), (int)count[RSL_MEMBER_CHECKPOINTED], (int)count[RSL_MEMBER_NOT_STARTED], (int)count[RSL_MEMBER_DONE], (int)count[RSL_MEMBER_FAILED]));
  } else {
    RslAppSetExitStatus(reason < 128 ? 128 + reason : 1);
    if (ensemble || !count[RSL_MEMBER_STOPPED]) PetscCall(PetscPrintf(comm, "ruissel: terminated by %s (%s); no summary written\n", RslStopName(reason), ckpt ? "before any checkpoint could be written" : "no checkpoint requested"));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslEnsembleRun(MPI_Comm comm, const char landcover[], const char out_file[])
{
  char             names[RSL_MAX_MEMBERS][64], out[PETSC_MAX_PATH_LEN];
  char (*err)[ERR_LEN];
  PetscInt         n, nfailed = 0, nstopped = 0;
  PetscBool        set;
  PetscMPIInt      rank, size, srank, ngroups, group;
  MPI_Comm         sub;
  double          *v;
  int             *status, sig[2] = {0, 0}; /* stop reason, something saved */
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
  PetscCall(PetscCalloc3(n * S_N, &v, n, &status, n, &err));
  /* group g runs members g, g + ngroups, ...; a member's end (success, failure, stop) is
   * agreed within its group only, so the groups never wait for each other until the end */
  for (PetscInt k = group; k < n; k += ngroups) {
    PetscErrorCode ierr;
    if (set) PetscCall(RslOutputName(out_file, names[k], ".h5", out, sizeof out));
    else PetscCall(PetscStrncpy(out, out_file, sizeof out));
    RslAppErrorReset();
    if (set && rsl_bad_options[k][0]) { /* reported by RslEnsembleCheck */
      status[k] = RSL_MEMBER_FAILED;
      if (!srank) PetscCall(PetscStrncpy(err[k], rsl_bad_options[k], ERR_LEN));
      continue;
    }
    ierr = set ? MemberWithOptions(sub, names, k, landcover, out, &s) : RslMemberRun(sub, names[k], PETSC_FALSE, landcover, out, &s);
    /* a single run ends the job with its error; so does an error some ranks may not have seen */
    if (ierr && (!set || !RslAppErrorIsCollectiveOn(sub))) PetscCall(ierr);
    if (ierr) {
      status[k] = RSL_MEMBER_FAILED;
      if (!srank) PetscCall(PetscStrncpy(err[k], RslAppErrorMessage(), ERR_LEN));
      PetscCall(PetscFPrintf(sub, PETSC_STDERR, "ruissel: error: ensemble member '%s' failed: %s\n", names[k], RslAppErrorMessage()));
      continue;
    }
    status[k] = (int)s.status;
    sig[0]    = PetscMax(sig[0], s.stop);
    sig[1]    = sig[1] || s.saved;
    if (!srank && s.status == RSL_MEMBER_DONE) Pack(&s, v + k * S_N);
  }
  RslAppErrorReset();
  /* every member was run by exactly one group: the others hold zeros */
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, v, (PetscMPIInt)(n * S_N), MPI_DOUBLE, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, status, (PetscMPIInt)n, MPI_INT, MPI_MAX, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sig, 2, MPI_INT, MPI_MAX, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, err, (PetscMPIInt)(n * ERR_LEN), MPI_UNSIGNED_CHAR, MPI_MAX, comm));
  PetscCallMPI(MPI_Comm_free(&sub));
  for (PetscInt k = 0; k < n; k++) {
    nfailed += status[k] == RSL_MEMBER_FAILED;
    nstopped += status[k] == RSL_MEMBER_CHECKPOINTED || status[k] == RSL_MEMBER_STOPPED || status[k] == RSL_MEMBER_NOT_STARTED;
  }
  if (nstopped) PetscCall(EndStopped(comm, n, status, sig[0], sig[1], set));
  else {
    PetscCall(Summary(comm, n, names, v, status, err, out_file));
    if (nfailed) {
      RslAppSetExitStatus(1);
      PetscCall(PetscFPrintf(comm, PETSC_STDERR, "ruissel: error: %d of %d ensemble members failed (see the summary)\n", (int)nfailed, (int)n));
    }
  }
  PetscCall(PetscFree3(v, status, err));
  for (PetscInt k = 0; k < rsl_nprefixed; k++) {
    PetscCall(PetscFree(rsl_prefixed[k].name));
    PetscCall(PetscFree(rsl_prefixed[k].value));
  }
  PetscCall(PetscFree(rsl_prefixed));
  rsl_nprefixed = -1;
  PetscFunctionReturn(PETSC_SUCCESS);
}
