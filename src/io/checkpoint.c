/* io/checkpoint: options, schedule, file lifecycle and fingerprint of checkpoints (see
 * checkpoint.h). */
#include "io/checkpoint.h"
#include "core/signal.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  char     *key, *value;
  PetscBool restart;
} Item;

struct _p_RslCheckpoint {
  MPI_Comm      comm;
  PetscReal     interval, walltime, next;
  char          file[PETSC_MAX_PATH_LEN], restart[PETSC_MAX_PATH_LEN];
  PetscBool     active, has_restart, is_auto;
  PetscInt      nitem;
  Item         *item;
  PetscInt      nwritten; /* checkpoints written by this process */
  double        wall0, time;
  PetscLogEvent ev_write, ev_read;
};

static const char FORMAT[] = "ruissel checkpoint 1";

PetscErrorCode RslCheckpointCreate(MPI_Comm comm, RslCheckpoint *ck)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(ck));
  (*ck)->comm = comm;
  PetscCall(RslLogEventRegister("CheckpointWrite", &(*ck)->ev_write));
  PetscCall(RslLogEventRegister("CheckpointRead", &(*ck)->ev_read));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* rank 0: does path name a readable regular file? (same answer on every rank) */
static PetscErrorCode FileExists(MPI_Comm comm, const char path[], PetscBool *exists)
{
  PetscMPIInt rank;
  int         e = 0;
  struct stat st;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) e = path[0] && stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
  PetscCallMPI(MPI_Bcast(&e, 1, MPI_INT, 0, comm));
  *exists = (PetscBool)e;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslCheckpointSetFromOptions(RslCheckpoint ck, const char default_file[], const char member[])
{
  PetscBool set_i, set_w, set_f, set_r, exists;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(ck->file, default_file, sizeof ck->file));
  PetscOptionsBegin(ck->comm, NULL, "Checkpoint and restart", "");
  PetscCall(PetscOptionsReal("-checkpoint_interval", "Write a checkpoint every T simulated seconds (0: none)", "", ck->interval, &ck->interval, &set_i));
  PetscCall(PetscOptionsReal("-checkpoint_walltime", "Write a checkpoint and stop (exit status 3) after S wall seconds (0: never)", "", ck->walltime, &ck->walltime, &set_w));
  PetscCall(PetscOptionsString("-checkpoint_file", "Checkpoint file (default: the result's name with .ckpt.h5; in an ensemble a stem that gets _<member>)", "", ck->file, ck->file, sizeof ck->file, &set_f));
  PetscCall(PetscOptionsString("-restart", "Resume from this checkpoint; auto: from the checkpoint file when it exists", "", ck->restart, ck->restart, sizeof ck->restart, &set_r));
  PetscOptionsEnd();
  RSLCHECK(ck->comm, ck->interval >= 0, "-checkpoint_interval: %g must be >= 0", (double)ck->interval);
  RSLCHECK(ck->comm, ck->walltime >= 0, "-checkpoint_walltime: %g must be >= 0", (double)ck->walltime);
  RSLCHECK(ck->comm, !set_f || ck->file[0], "-checkpoint_file: give a file name");
  RSLCHECK(ck->comm, !set_r || ck->restart[0], "-restart: give a checkpoint file, or auto");
  if (set_f && member) { /* FILE.h5 -> FILE_<member>.h5 */
    char file[PETSC_MAX_PATH_LEN];
    PetscCall(RslOutputName(ck->file, member, ".h5", file, sizeof file));
    PetscCall(PetscStrncpy(ck->file, file, sizeof ck->file));
  }
  ck->active = (PetscBool)(set_i || set_w || set_f || set_r);
  if (set_r && !strcmp(ck->restart, "auto")) {
    ck->is_auto = PETSC_TRUE;
    PetscCall(FileExists(ck->comm, ck->file, &exists));
    ck->has_restart = exists;
    PetscCall(PetscStrncpy(ck->restart, exists ? ck->file : "", sizeof ck->restart));
  } else if (set_r) {
    RSLCHECK(ck->comm, !member, "-restart %s: every member of an ensemble resumes from its own checkpoint: use -restart auto", ck->restart);
    PetscCall(FileExists(ck->comm, ck->restart, &exists));
    RSLCHECK(ck->comm, exists, "-restart: cannot read '%s'", ck->restart);
    ck->has_restart = PETSC_TRUE;
  }
  if (ck->walltime > 0) RslStopSetDeadline(ck->walltime);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscBool   RslCheckpointActive(RslCheckpoint ck) { return ck->active; }
PetscBool   RslCheckpointAuto(RslCheckpoint ck) { return ck->is_auto; }
const char *RslCheckpointFile(RslCheckpoint ck) { return ck->file; }
const char *RslCheckpointRestartFile(RslCheckpoint ck) { return ck->has_restart ? ck->restart : NULL; }

void RslCheckpointStartAt(RslCheckpoint ck, PetscReal t)
{
  ck->next = ck->interval > 0 ? ck->interval * (PetscFloorReal(t / ck->interval) + 1) : PETSC_MAX_REAL;
}

PetscBool RslCheckpointDue(RslCheckpoint ck, PetscReal t)
{
  if (ck->interval <= 0 || t < ck->next) return PETSC_FALSE;
  RslCheckpointStartAt(ck, t);
  return PETSC_TRUE;
}

/* ------------------------------------------------------------------ fingerprint */
static uint64_t Mix(uint64_t x)
{
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

PetscErrorCode RslCheckpointFingerprintAdd(RslCheckpoint ck, const char key[], const char value[], PetscBool restart)
{
  PetscFunctionBegin;
  PetscCall(PetscRealloc(sizeof(Item) * (size_t)(ck->nitem + 1), &ck->item));
  PetscCall(PetscStrallocpy(key, &ck->item[ck->nitem].key));
  PetscCall(PetscStrallocpy(value, &ck->item[ck->nitem].value));
  ck->item[ck->nitem++].restart = restart;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslCheckpointFingerprintField(RslCheckpoint ck, const char key[], DM da, Vec v)
{
  const PetscScalar *a;
  uint64_t           h = 0;
  char               value[32];
  DMDALocalInfo      info, *g = &info;

  PetscFunctionBegin;
  PetscCall(DMDAGetLocalInfo(da, g));
  PetscCall(VecGetArrayRead(v, &a));
  for (PetscInt j = 0; j < g->ym; j++)
    for (PetscInt i = 0; i < g->xm; i++) {
      uint64_t bits, idx = (uint64_t)(g->ys + j) * (uint64_t)g->mx + (uint64_t)(g->xs + i);
      double   x = PetscRealPart(a[j * g->xm + i]);
      memcpy(&bits, &x, sizeof bits);
      h += Mix(Mix(bits) ^ (idx * 0x9E3779B97F4A7C15ULL)); /* a sum: any order of the cells */
    }
  PetscCall(VecRestoreArrayRead(v, &a));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &h, 1, MPI_UINT64_T, MPI_SUM, ck->comm));
  PetscCall(PetscSNPrintf(value, sizeof value, "%016llx", (unsigned long long)h));
  PetscCall(RslCheckpointFingerprintAdd(ck, key, value, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Options that do not change the results (prefixes). -swe_tfinal and -swe_max_steps end the
 * run: a restart may change them, a completed result must match them (fingerprint_end). */
static const char *const Skipped[] = {"out_file", "checkpoint_", "restart", "progress_interval", "log_", "options_", "help", "version", "malloc", "info", "on_error", "no_signal_handler", "history", "da_processors_", "grid_balance", "swe_backend", "dm_vec_type", "seg_", "stages", "ensemble", "viewer", "fp_trap", "objects_dump", "memory_view", "check_pointer", "skip_petscrc", "use_gpu_aware_mpi", "device_", "debugger", "start_in_debugger", "stop_for_debugger"};
static const char *const Ending[]  = {"swe_tfinal", "swe_max_steps"};

static PetscBool HasPrefix(const char *name, const char *const list[], size_t n)
{
  for (size_t k = 0; k < n; k++)
    if (!strncmp(name, list[k], strlen(list[k]))) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* "file N bytes, hash H" of a regular file (files above 64 MB: their first and last 32 MB;
 * large rasters also enter through the per-cell fields), or NULL when path is not one. */
static PetscBool FileDigest(const char path[], char out[], size_t len)
{
  const size_t  limit = (size_t)64 << 20, part = limit / 2;
  struct stat   st;
  FILE         *fp;
  uint64_t      h = 0xcbf29ce484222325ULL;
  unsigned char buf[1 << 16];

  if (!path[0] || stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !(fp = fopen(path, "rb"))) return PETSC_FALSE;
  for (int pass = 0; pass < 2; pass++) {
    size_t todo = (size_t)st.st_size <= limit ? (pass ? 0 : (size_t)st.st_size) : part, got;
    if (pass && todo && fseek(fp, (long)(st.st_size - (off_t)part), SEEK_SET)) break;
    while (todo && (got = fread(buf, 1, todo < sizeof buf ? todo : sizeof buf, fp)) > 0) {
      for (size_t k = 0; k < got; k++) h = (h ^ buf[k]) * 0x100000001b3ULL; /* FNV-1a */
      todo -= got;
    }
  }
  fclose(fp);
  snprintf(out, len, "file of %lld bytes, content hash %016llx", (long long)st.st_size, (unsigned long long)h);
  return PETSC_TRUE;
}

static int CompareLines(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* "-name" (not "-3.5"): the first token of an option */
static PetscBool IsName(const char *t) { return (PetscBool)(t && t[0] == '-' && t[1] && !(t[1] >= '0' && t[1] <= '9') && t[1] != '.'); }

/* Sorted lines "-name value" of the options of the current database; end: 0 the options a
 * restart must match, 1 those that end the run. */
static PetscErrorCode OptionLines(char *all, char **text, int end)
{
  PetscToken tok;
  char      *t, *lines[1024], *buf;
  int        n = 0;
  size_t     total = 1;

  PetscFunctionBegin;
  PetscCall(PetscTokenCreate(all, ' ', &tok));
  PetscCall(PetscTokenFind(tok, &t));
  while (t) {
    char *name = t, *value = NULL, line[PETSC_MAX_PATH_LEN + 256], digest[128];
    PetscCall(PetscTokenFind(tok, &t));
    if (t && !IsName(t)) {
      value = t;
      PetscCall(PetscTokenFind(tok, &t));
    }
    if (!IsName(name) || HasPrefix(name + 1, Skipped, sizeof Skipped / sizeof *Skipped)) continue;
    if ((int)HasPrefix(name + 1, Ending, sizeof Ending / sizeof *Ending) != end) continue;
    if (value && !end && FileDigest(value, digest, sizeof digest)) PetscCall(PetscSNPrintf(line, sizeof line, "%s %s", name, digest));
    else PetscCall(PetscSNPrintf(line, sizeof line, "%s%s%s", name, value ? " " : "", value ? value : ""));
    PetscCheck(n < 1024, PETSC_COMM_SELF, PETSC_ERR_SUP, "more than 1024 options");
    PetscCall(PetscStrallocpy(line, &lines[n]));
    total += strlen(lines[n++]) + 1;
  }
  PetscCall(PetscTokenDestroy(&tok));
  qsort(lines, (size_t)n, sizeof(char *), CompareLines);
  PetscCall(PetscCalloc1(total, &buf));
  for (int k = 0, at = 0; k < n; k++) {
    size_t len = strlen(lines[k]);
    memcpy(buf + at, lines[k], len);
    at += (int)len;
    buf[at++] = '\n';
    PetscCall(PetscFree(lines[k]));
  }
  *text = buf;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0 reads the files named by options; every rank records its text. */
PetscErrorCode RslCheckpointFingerprintOptions(RslCheckpoint ck)
{
  PetscMPIInt rank;
  char       *all, *text = NULL;
  int         len = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(ck->comm, &rank));
  for (int end = 0; end < 2; end++) {
    PetscCall(PetscOptionsGetAll(NULL, &all));
    if (!rank) {
      PetscCall(OptionLines(all, &text, end));
      len = (int)strlen(text);
    }
    PetscCall(PetscFree(all));
    PetscCallMPI(MPI_Bcast(&len, 1, MPI_INT, 0, ck->comm));
    if (rank) PetscCall(PetscMalloc1(len + 1, &text));
    PetscCallMPI(MPI_Bcast(text, len + 1, MPI_CHAR, 0, ck->comm));
    PetscCall(RslCheckpointFingerprintAdd(ck, "options", text, (PetscBool)!end));
    PetscCall(PetscFree(text));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const char *Group(PetscBool restart) { return restart ? "/fingerprint" : "/fingerprint_end"; }

PetscErrorCode RslCheckpointFingerprintWrite(RslCheckpoint ck, RslH5 f)
{
  PetscFunctionBegin;
  for (PetscInt k = 0; k < ck->nitem; k++) PetscCall(RslH5SetAttrString(f, Group(ck->item[k].restart), ck->item[k].key, ck->item[k].value));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void Append(char msg[], size_t len, const char *text)
{
  size_t n = strlen(msg);
  if (n + 8 >= len) return;
  snprintf(msg + n, len - n, "%s%s", n ? "; " : "", text);
}

/* The value of option line "-name ..." in a text of lines, or NULL; *vlen its length. */
static const char *FindOption(const char *text, const char *name, size_t nlen, size_t *vlen)
{
  for (const char *l = text; l && *l;) {
    const char *end = strchr(l, '\n'), *sp;
    size_t      n   = end ? (size_t)(end - l) : strlen(l);
    sp              = memchr(l, ' ', n);
    if ((size_t)((sp ? sp : l + n) - l) == nlen && !strncmp(l, name, nlen)) {
      *vlen = sp ? (size_t)(l + n - sp - 1) : 0;
      return sp ? sp + 1 : l + n;
    }
    l = end ? end + 1 : NULL;
  }
  return NULL;
}

/* One message per option that differs between the texts a (file) and b (now). */
static void DiffOptions(const char *a, const char *b, char msg[], size_t len)
{
  for (int pass = 0; pass < 2; pass++) {
    const char *x = pass ? b : a, *y = pass ? a : b;
    for (const char *l = x; l && *l;) {
      const char *end = strchr(l, '\n'), *sp, *vx, *vy;
      size_t      n = end ? (size_t)(end - l) : strlen(l), nn, lx, ly;
      char        text[512];
      sp = memchr(l, ' ', n);
      nn = sp ? (size_t)(sp - l) : n;
      vx = FindOption(x, l, nn, &lx);
      vy = FindOption(y, l, nn, &ly);
      if (!vy) snprintf(text, sizeof text, "%.*s %s, not %s", (int)n, l, pass ? "given now" : "in the checkpoint", pass ? "in the checkpoint" : "now");
      else if (!pass && (lx != ly || strncmp(vx, vy, lx))) snprintf(text, sizeof text, "%.*s: '%.*s' in the checkpoint, '%.*s' now", (int)nn, l, (int)lx, vx, (int)ly, vy);
      else text[0] = 0;
      if (text[0]) Append(msg, len, text);
      l = end ? end + 1 : NULL;
    }
  }
}

PetscErrorCode RslCheckpointFingerprintCompare(RslCheckpoint ck, RslH5 f, PetscBool restart, PetscBool *same, char msg[], size_t len)
{
  PetscFunctionBegin;
  msg[0] = 0;
  for (PetscInt k = 0; k < ck->nitem; k++) {
    const Item *it = &ck->item[k];
    PetscBool   has;
    char        obj[PETSC_MAX_PATH_LEN], *old, text[512];
    if (restart && !it->restart) continue;
    PetscCall(PetscSNPrintf(obj, sizeof obj, "%s", Group(it->restart)));
    {
      PetscInt n;
      char   **names;
      PetscCall(RslH5Exists(f, obj, &has));
      if (has) {
        PetscCall(RslH5GetAttrNames(f, obj, &n, &names));
        has = PETSC_FALSE;
        for (PetscInt l = 0; l < n; l++) has = (PetscBool)(has || !strcmp(names[l], it->key));
        PetscCall(PetscStrArrayDestroy(&names));
      }
    }
    if (!has) {
      PetscCall(PetscSNPrintf(text, sizeof text, "%s: not recorded in the file", it->key));
      Append(msg, len, text);
      continue;
    }
    PetscCall(RslH5GetAttrString(f, obj, it->key, &old));
    if (strcmp(old, it->value)) {
      if (!strcmp(it->key, "options")) DiffOptions(old, it->value, msg, len);
      else {
        PetscCall(PetscSNPrintf(text, sizeof text, "%s differ (%.60s in the file, %.60s now)", it->key, old, it->value));
        Append(msg, len, text);
      }
    }
    PetscCall(PetscFree(old));
  }
  *same = (PetscBool)!msg[0];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------------ files */
PetscErrorCode RslCheckpointWriteBegin(RslCheckpoint ck, double time, PetscInt step, RslH5 *f)
{
  PetscMPIInt size;
  PetscInt    ranks;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(ck->ev_write, 0, 0, 0, 0));
  PetscCallMPI(MPI_Comm_size(ck->comm, &size));
  ranks     = size;
  ck->wall0 = RslWallTime();
  ck->time  = time;
  PetscCall(RslH5Create(ck->comm, "-checkpoint_file", ck->file, f));
  PetscCall(RslH5SetContiguous(*f));
  PetscCall(RslH5SetAttrDouble(*f, "/", "time", 1, &time));
  PetscCall(RslH5SetAttrInt(*f, "/", "step", 1, &step));
  PetscCall(RslH5SetAttrInt(*f, "/", "ranks", 1, &ranks));
  PetscCall(RslH5SetAttrString(*f, "/", "format", FORMAT));
  PetscCall(RslH5SetAttrString(*f, "/", "version", RSL_VERSION " " RSL_GIT_COMMIT));
  PetscCall(RslCheckpointFingerprintWrite(ck, *f));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslCheckpointWriteEnd(RslCheckpoint ck, RslH5 *f)
{
  const char *stall = getenv("RUISSEL_TEST_CHECKPOINT_STALL");
  PetscMPIInt rank;
  double      wall, bytes = 0;
  struct stat st;

  PetscFunctionBegin;
  ck->nwritten++;
  /* test hook: the N-th checkpoint of this process stalls before its file is complete, so
   * a test can kill the run in the middle of a write (tests/restart) */
  /* on disk (MPI_File_sync) before the rename: a node that crashes right after still has
   * either the previous checkpoint or this complete one */
  PetscCall(RslH5Flush(*f));
  if (stall && atoi(stall) == (int)ck->nwritten) {
    PetscCall(PetscPrintf(ck->comm, "ruissel: test hook: checkpoint %d stalls before completion\n", (int)ck->nwritten));
    for (;;) sleep(60); /* until killed (a signal only interrupts one sleep) */
  }
  PetscCall(RslH5Close(f, PETSC_TRUE));
  wall = RslWallTime() - ck->wall0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &wall, 1, MPI_DOUBLE, MPI_MAX, ck->comm));
  PetscCallMPI(MPI_Comm_rank(ck->comm, &rank));
  if (!rank && stat(ck->file, &st) == 0) bytes = (double)st.st_size;
  PetscCall(PetscLogEventEnd(ck->ev_write, 0, 0, 0, 0));
  PetscCall(PetscPrintf(ck->comm, "ruissel: checkpoint at t = %.6g s written to %s (%.1f MB in %.3f s)\n", ck->time, ck->file, bytes / 1e6, wall));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslCheckpointOpenRestart(RslCheckpoint ck, RslH5 *f, double *time)
{
  PetscInt  n;
  char    **names, *format = NULL, msg[1024];
  PetscBool is_ckpt = PETSC_FALSE, same;

  PetscFunctionBegin;
  PetscCheck(ck->has_restart, ck->comm, PETSC_ERR_ORDER, "RslCheckpointOpenRestart: no restart file");
  PetscCall(PetscLogEventBegin(ck->ev_read, 0, 0, 0, 0));
  PetscCall(RslH5OpenRead(ck->comm, "-restart", ck->restart, f));
  PetscCall(RslH5GetAttrNames(*f, "/", &n, &names));
  for (PetscInt k = 0; k < n; k++)
    if (!strcmp(names[k], "format")) is_ckpt = PETSC_TRUE;
  PetscCall(PetscStrArrayDestroy(&names));
  if (is_ckpt) {
    PetscCall(RslH5GetAttrString(*f, "/", "format", &format));
    is_ckpt = (PetscBool)!strcmp(format, FORMAT);
  }
  if (!is_ckpt) PetscCall(RslH5Close(f, PETSC_FALSE));
  RSLCHECK(ck->comm, is_ckpt, "-restart: '%s' is not a ruissel checkpoint (%s)", ck->restart, format ? format : "no format attribute");
  PetscCall(PetscFree(format));
  PetscCall(RslCheckpointFingerprintCompare(ck, *f, PETSC_TRUE, &same, msg, sizeof msg));
  if (!same) PetscCall(RslH5Close(f, PETSC_FALSE));
  RSLCHECK(ck->comm, same, "-restart: '%s' is a checkpoint of another run: %s", ck->restart, msg);
  PetscCall(RslH5GetAttrDouble(*f, "/", "time", 1, time));
  PetscCall(PetscLogEventEnd(ck->ev_read, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslCheckpointRemove(RslCheckpoint ck)
{
  PetscMPIInt rank;
  char        part[PETSC_MAX_PATH_LEN + 8];

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(ck->comm, &rank));
  PetscCall(PetscSNPrintf(part, sizeof part, "%s.part", ck->file));
  if (!rank) {
    (void)remove(ck->file);
    (void)remove(part);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslCheckpointDestroy(RslCheckpoint *ck)
{
  PetscFunctionBegin;
  if (!*ck) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < (*ck)->nitem; k++) {
    PetscCall(PetscFree((*ck)->item[k].key));
    PetscCall(PetscFree((*ck)->item[k].value));
  }
  PetscCall(PetscFree((*ck)->item));
  PetscCall(PetscFree(*ck));
  PetscFunctionReturn(PETSC_SUCCESS);
}
