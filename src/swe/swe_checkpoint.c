/* The solver's restartable state, as one table, and its checkpoint files (io/checkpoint.h):
 *   per-cell fields  ny x nx float64 datasets /state/<name>, written and read with collective
 *                    hyperslabs, so a restart may run on any number of ranks;
 *   replicated       numbers every rank holds identically (time, step, series bookkeeping):
 *                    attributes of /state, and the series so far as datasets;
 *   partial sums     the budget accumulators, which each rank sums over its own cells
 *                    (Kahan pairs): one row per rank in /state/partial. On the same
 *                    decomposition every rank gets its row back, so the budget and the
 *                    hydrographs are bitwise those of an uninterrupted run; on another one
 *                    rank 0 takes the totals (equal to round-off, like an uninterrupted run on
 *                    another rank count: fields, maxima and gauges stay bitwise equal).
 * Adding an accumulator to the solver is one line in Fields(), Replicated() or Partials(). */
#include "swe/swe_impl.h"

typedef struct {
  const char *name;
  Vec         v; /* dof-1 global Vec of the grid */
} CkField;

typedef struct {
  const char *name;
  double     *d; /* n doubles, or */
  PetscInt   *i; /* n integers */
  PetscInt    n;
} CkNumber;

enum { MAX_ITEMS = 32 };

static const char *const Comp[] = {"h", "hu", "hv"}; /* the components of U */

static PetscInt Fields(RslSWE s, CkField f[])
{
  PetscInt n = 0;
  f[n++]     = (CkField){"max_h", s->hmax};
  f[n++]     = (CkField){"max_speed", s->smax};
  f[n++]     = (CkField){"max_hv", s->qmax};
  f[n++]     = (CkField){"arrival", s->tarr};
  f[n++]     = (CkField){"flooded_since", s->tup};
  f[n++]     = (CkField){"flooded_duration", s->dur};
  f[n++]     = (CkField){"infiltration", s->F};
  f[n++]     = (CkField){"abstraction_left", s->ia_left};
  return n;
}

static PetscInt Replicated(RslSWE s, CkNumber c[])
{
  PetscInt n = 0;
  c[n++]     = (CkNumber){"t", &s->t, NULL, 1};
  c[n++]     = (CkNumber){"dt", &s->dt, NULL, 1};
  c[n++]     = (CkNumber){"dt_min", &s->dt_min, NULL, 1};
  c[n++]     = (CkNumber){"dt_cfl_min", &s->dt_cfl_min, NULL, 1};
  c[n++]     = (CkNumber){"dt_cfl_min_time", &s->dt_cfl_min_t, NULL, 1};
  c[n++]     = (CkNumber){"dt_cfl_min_cell", NULL, &s->dt_cfl_min_cell, 1};
  c[n++]     = (CkNumber){"step", NULL, &s->step, 1};
  c[n++]     = (CkNumber){"rejected_steps", NULL, &s->rejected, 1};
  c[n++]     = (CkNumber){"storage_initial", &s->storage0, NULL, 1};
  c[n++]     = (CkNumber){"next_out", &s->next_out, NULL, 1};
  c[n++]     = (CkNumber){"next_ts", &s->next_ts, NULL, 1};
  c[n++]     = (CkNumber){"ts_last_t", &s->ts_last_t, NULL, 1};
  c[n++]     = (CkNumber){"ts_last_out", s->ts_last_out, NULL, RSL_NSIDES};
  return n;
}

/* Kahan pairs (sum, compensation) summed per rank */
static PetscInt Partials(RslSWE s, RslKahan *k[])
{
  PetscInt n = 0;
  for (int side = 0; side < RSL_NSIDES; side++) k[n++] = &s->out_side[side];
  for (int side = 0; side < RSL_NSIDES; side++) k[n++] = &s->in_side[side];
  k[n++] = &s->rain_vol;
  k[n++] = &s->src_vol;
  k[n++] = &s->infil_vol;
  return n;
}

/* A row of /state/partial: the rank's block xs, ys, xm, ym, its negative-depth count, then the
 * Kahan pairs. */
enum { P_XS, P_YS, P_XM, P_YM, P_NEG, P_K };

/* The fixed part of the table, written to or read from f: the components of U, the per-cell
 * fields and the replicated numbers (one traversal, so writing and reading cannot drift). */
static PetscErrorCode Transfer(RslSWE swe, RslH5 f, PetscBool write)
{
  RslGrid *g = swe->grid;
  Vec      c;
  CkField  fld[MAX_ITEMS];
  CkNumber num[MAX_ITEMS];
  PetscInt nf = Fields(swe, fld), nn = Replicated(swe, num);
  char     name[64];

  PetscFunctionBegin;
  PetscCall(DMGetGlobalVector(g->da1, &c));
  for (PetscInt q = 0; q < 3; q++) {
    PetscCall(PetscSNPrintf(name, sizeof name, "/state/%s", Comp[q]));
    if (write) {
      PetscCall(VecStrideGather(swe->U, q, c, INSERT_VALUES));
      PetscCall(RslH5WriteField(f, name, g->da1, c));
    } else {
      PetscCall(RslH5ReadFieldFrom(f, name, g->da1, c));
      PetscCall(VecStrideScatter(c, q, swe->U, INSERT_VALUES));
    }
  }
  PetscCall(DMRestoreGlobalVector(g->da1, &c));
  for (PetscInt q = 0; q < nf; q++) {
    PetscCall(PetscSNPrintf(name, sizeof name, "/state/%s", fld[q].name));
    if (write) PetscCall(RslH5WriteField(f, name, g->da1, fld[q].v));
    else PetscCall(RslH5ReadFieldFrom(f, name, g->da1, fld[q].v));
  }
  for (PetscInt q = 0; q < nn; q++) {
    if (num[q].d && write) PetscCall(RslH5SetAttrDouble(f, "/state", num[q].name, num[q].n, num[q].d));
    else if (num[q].d) PetscCall(RslH5GetAttrDouble(f, "/state", num[q].name, num[q].n, num[q].d));
    else if (write) PetscCall(RslH5SetAttrInt(f, "/state", num[q].name, num[q].n, num[q].i));
    else PetscCall(RslH5GetAttrInt(f, "/state", num[q].name, num[q].n, num[q].i));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWECheckpointWrite(RslSWE swe)
{
  RslGrid    *g = swe->grid;
  RslH5       f;
  RslKahan   *k[MAX_ITEMS];
  PetscInt    nk = Partials(swe, k), nh = RSL_NSIDES + 2, ng = 5 * swe->ngauge;
  PetscMPIInt size;
  double     *row, *rows;

  PetscFunctionBegin;
  /* the monitor wrote every snapshot up to now: it makes them durable first, so that a
   * restart from this checkpoint finds them */
  if (swe->monitor) PetscCall(swe->monitor(swe, -1, swe->t, swe->U, swe->monitor_ctx));
  PetscCall(RslCheckpointWriteBegin(swe->ck, swe->t, swe->step, &f));
  PetscCall(Transfer(swe, f, PETSC_TRUE));
  /* series so far */
  PetscCall(RslH5SetAttrInt(f, "/state", "snapshots", 1, &swe->nsnap));
  PetscCall(RslH5SetAttrInt(f, "/state", "series_rows", 1, &swe->nts));
  PetscCall(RslH5WriteArray(f, "/state/snapshot_times", swe->nsnap, 0, swe->snap_t));
  PetscCall(RslH5WriteArray(f, "/state/hydrographs", swe->nts, nh, swe->ts_hydro));
  if (ng) PetscCall(RslH5WriteArray(f, "/state/gauges", swe->nts, ng, swe->ts_gauge));
  /* partial sums, one row per rank */
  PetscCallMPI(MPI_Comm_size(swe->comm, &size));
  PetscCall(PetscMalloc2(P_K + 2 * nk, &row, (size_t)size * (P_K + 2 * nk), &rows));
  row[P_XS]  = (double)g->xs;
  row[P_YS]  = (double)g->ys;
  row[P_XM]  = (double)g->xm;
  row[P_YM]  = (double)g->ym;
  row[P_NEG] = (double)swe->negative_cells;
  for (PetscInt q = 0; q < nk; q++) {
    row[P_K + 2 * q]     = k[q]->sum;
    row[P_K + 2 * q + 1] = k[q]->c;
  }
  PetscCallMPI(MPI_Allgather(row, (PetscMPIInt)(P_K + 2 * nk), MPI_DOUBLE, rows, (PetscMPIInt)(P_K + 2 * nk), MPI_DOUBLE, swe->comm));
  PetscCall(RslH5WriteArray(f, "/state/partial", size, P_K + 2 * nk, rows));
  PetscCall(PetscFree2(row, rows));
  PetscCall(RslCheckpointWriteEnd(swe->ck, &f));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The partial sums of a checkpoint written on `old` ranks: each rank its own row when every
 * block is the same, else the totals on rank 0. */
static PetscErrorCode ReadPartials(RslSWE swe, RslH5 f, PetscInt old)
{
  RslGrid    *g = swe->grid;
  RslKahan   *k[MAX_ITEMS];
  PetscInt    nk = Partials(swe, k), w = P_K + 2 * nk;
  PetscMPIInt size, rank;
  double     *rows;
  int         same;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(swe->comm, &size));
  PetscCallMPI(MPI_Comm_rank(swe->comm, &rank));
  PetscCall(PetscMalloc1(old * w, &rows));
  PetscCall(RslH5ReadReplicated(f, "/state/partial", old * w, rows));
  same = old == size;
  if (same) {
    const double *r = rows + rank * w;
    same            = r[P_XS] == g->xs && r[P_YS] == g->ys && r[P_XM] == g->xm && r[P_YM] == g->ym;
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &same, 1, MPI_INT, MPI_MIN, swe->comm));
  for (PetscInt q = 0; q < nk; q++) *k[q] = (RslKahan){0, 0};
  swe->negative_cells = 0;
  if (same) {
    const double *r     = rows + rank * w;
    swe->negative_cells = (PetscInt)r[P_NEG];
    for (PetscInt q = 0; q < nk; q++) *k[q] = (RslKahan){r[P_K + 2 * q], r[P_K + 2 * q + 1]};
  } else if (!rank) {
    for (PetscInt o = 0; o < old; o++) {
      const double *r = rows + o * w;
      swe->negative_cells += (PetscInt)r[P_NEG];
      for (PetscInt q = 0; q < nk; q++) { /* a pair's value is sum - c */
        RslKahanAdd(k[q], r[P_K + 2 * q]);
        RslKahanAdd(k[q], -r[P_K + 2 * q + 1]);
      }
    }
  }
  PetscCall(PetscFree(rows));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ReadState(RslSWE swe, RslH5 f)
{
  PetscInt nh = RSL_NSIDES + 2, ng = 5 * swe->ngauge, ranks;

  PetscFunctionBegin;
  PetscCall(Transfer(swe, f, PETSC_FALSE));
  PetscCall(RslH5GetAttrInt(f, "/state", "snapshots", 1, &swe->nsnap));
  PetscCall(RslH5GetAttrInt(f, "/state", "series_rows", 1, &swe->nts));
  PetscCall(PetscFree(swe->snap_t));
  PetscCall(PetscMalloc1(swe->nsnap + 1, &swe->snap_t));
  PetscCall(RslH5ReadReplicated(f, "/state/snapshot_times", swe->nsnap, swe->snap_t));
  PetscCall(PetscFree2(swe->ts_hydro, swe->ts_gauge));
  swe->cap_ts = PetscMax(256, swe->nts);
  PetscCall(PetscMalloc2(swe->cap_ts * nh, &swe->ts_hydro, swe->cap_ts * PetscMax(ng, 1), &swe->ts_gauge));
  PetscCall(RslH5ReadReplicated(f, "/state/hydrographs", swe->nts * nh, swe->ts_hydro));
  if (ng) PetscCall(RslH5ReadReplicated(f, "/state/gauges", swe->nts * ng, swe->ts_gauge));
  PetscCall(RslH5GetAttrInt(f, "/", "ranks", 1, &ranks));
  PetscCall(ReadPartials(swe, f, ranks));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWESetCheckpoint(RslSWE swe, RslCheckpoint ck)
{
  RslGrid *g = swe->grid;
  Vec      c;
  char     grid[512];
  RslH5    f;
  double   t;

  PetscFunctionBegin;
  PetscCheck(swe->U, swe->comm, PETSC_ERR_ORDER, "RslSWESetUp() must be called before RslSWESetCheckpoint()");
  swe->ck = ck;
  /* what the results depend on, cell by cell (so any input that changes them is caught,
   * whatever file or option it came from) */
  PetscCall(PetscSNPrintf(grid, sizeof grid, "%d x %d cells, geotransform %.17g %.17g %.17g %.17g %.17g %.17g, nodata %.17g", (int)g->nx, (int)g->ny, g->gt[0], g->gt[1], g->gt[2], g->gt[3], g->gt[4], g->gt[5], swe->nodata));
  PetscCall(RslCheckpointFingerprintAdd(ck, "grid", grid, PETSC_TRUE));
  PetscCall(RslCheckpointFingerprintAdd(ck, "grid CRS", g->crs_wkt, PETSC_TRUE));
  PetscCall(RslCheckpointFingerprintField(ck, "cells: bed elevation", g->da1, swe->z));
  PetscCall(RslCheckpointFingerprintField(ck, "cells: Manning n", g->da1, swe->nman));
  if (swe->soil.ks) {
    PetscCall(RslCheckpointFingerprintField(ck, "cells: impervious fraction", g->da1, swe->soil.impervious));
    PetscCall(RslCheckpointFingerprintField(ck, "cells: Green-Ampt Ks", g->da1, swe->soil.ks));
    PetscCall(RslCheckpointFingerprintField(ck, "cells: Green-Ampt suction x deficit", g->da1, swe->soil.psi_dtheta));
    PetscCall(RslCheckpointFingerprintField(ck, "cells: initial abstraction", g->da1, swe->soil.initial_abstraction));
  }
  PetscCall(DMGetGlobalVector(g->da1, &c));
  for (PetscInt q = 0; q < 3; q++) {
    char key[64];
    PetscCall(VecStrideGather(swe->U, q, c, INSERT_VALUES));
    PetscCall(PetscSNPrintf(key, sizeof key, "cells: initial %s", Comp[q]));
    PetscCall(RslCheckpointFingerprintField(ck, key, g->da1, c));
  }
  PetscCall(DMRestoreGlobalVector(g->da1, &c));
  if (!RslCheckpointRestartFile(ck)) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(RslCheckpointOpenRestart(ck, &f, &t));
  PetscCall(ReadState(swe, f));
  PetscCall(RslH5Close(&f, PETSC_FALSE));
  RSLCHECK(swe->comm, swe->t <= swe->tfinal, "-swe_tfinal: %g s is before the checkpoint's time %g s (a restart may only extend it)", (double)swe->tfinal, (double)swe->t);
  swe->resumed = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEResumeResult(RslSWE swe, RslH5 out, PetscBool *ok)
{
  char grp[64];

  PetscFunctionBegin;
  *ok = PETSC_TRUE;
  for (PetscInt k = 0; k < swe->nsnap && *ok; k++) {
    double    t = -1;
    PetscBool has;
    PetscCall(RslH5SnapshotName(k, grp, sizeof grp));
    PetscCall(RslH5Exists(out, grp, &has));
    if (has) PetscCall(RslH5GetAttrDouble(out, grp, "time", 1, &t));
    *ok = (PetscBool)(has && t == swe->snap_t[k]);
  }
  for (PetscInt k = swe->nsnap; *ok; k++) { /* written after the checkpoint by the interrupted run */
    PetscBool has;
    PetscCall(RslH5SnapshotName(k, grp, sizeof grp));
    PetscCall(RslH5Exists(out, grp, &has));
    if (!has) break;
    PetscCall(RslH5Delete(out, grp));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetResumed(RslSWE swe, PetscBool *resumed, PetscReal *t, PetscInt *nsnap)
{
  PetscFunctionBegin;
  *resumed = swe->resumed;
  if (t) *t = swe->t;
  if (nsnap) *nsnap = swe->nsnap;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetStop(RslSWE swe, int *reason, PetscReal *t, PetscInt *step)
{
  PetscFunctionBegin;
  *reason = swe->stop;
  if (t) *t = swe->t;
  if (step) *step = swe->step;
  PetscFunctionReturn(PETSC_SUCCESS);
}
