/* The result writer's contract with the solver: a writer registered by name (RslOutputRegister,
 * selected by -out_type) gets every snapshot through the solver's monitor, in order, at the
 * -out_interval times, with the state of that time (a closed flat basin keeps its water: the
 * depth sum is the initial one to round-off), and its results call after the solve sees the
 * same snapshot times through the accessors. */
#include "output/output_impl.h"

#define NSNAP 5
typedef struct {
  PetscInt  n, flushes, results;
  PetscReal t[NSNAP + 1], h[NSNAP + 1];
} Count;

static PetscErrorCode SetUp(RslOutput out, const char file[]) { (void)out, (void)file; return PETSC_SUCCESS; }
static PetscErrorCode Snapshot(RslOutput out, PetscInt k, PetscReal t, Vec U)
{
  Count *c = (Count *)out->data;

  PetscFunctionBegin;
  PetscCheck(k == c->n && k <= NSNAP, out->comm, PETSC_ERR_PLIB, "snapshot %d after %d", (int)k, (int)c->n);
  c->t[k] = t;
  PetscCall(VecStrideNorm(U, 0, NORM_1, &c->h[k]));
  c->n++;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode Flush(RslOutput out) { ((Count *)out->data)->flushes++; return PETSC_SUCCESS; }
static PetscErrorCode Results(RslOutput out)
{
  Count        *c = (Count *)out->data;
  PetscInt      n;
  const double *t;

  PetscFunctionBegin;
  PetscCall(RslSWEGetSnapshots(out->swe, &n, &t));
  PetscCheck(n == c->n, out->comm, PETSC_ERR_PLIB, "accessor: %d snapshots, monitor %d", (int)n, (int)c->n);
  for (PetscInt k = 0; k < n; k++) PetscCheck(t[k] == c->t[k], out->comm, PETSC_ERR_PLIB, "snapshot %d time %g vs %g", (int)k, t[k], (double)c->t[k]);
  c->results++;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode Finish(RslOutput out, RslOutputEnd how) { (void)out, (void)how; return PETSC_SUCCESS; }

static Count Seen; /* the test's record (the writer's data) */

static PetscErrorCode Create_count(RslOutput out)
{
  PetscFunctionBegin;
  out->data         = &Seen;
  out->ops.setup    = SetUp;
  out->ops.snapshot = Snapshot;
  out->ops.flush    = Flush;
  out->ops.results  = Results;
  out->ops.finish   = Finish;
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const double gt[6] = {0, 10, 0, 60, 0, -10};
  RslGrid     *grid;
  RslSWE       swe;
  RslOutput    out;
  Vec          z;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsInsertString(NULL, "-swe_tfinal 100 -out_interval 25 -progress_interval 0 -swe_init_depth 0.1 -out_type count"));
  PetscCall(RslOutputRegister("count", Create_count));
  PetscCall(RslGridCreate(PETSC_COMM_WORLD, 8, 6, gt, "", 2, PETSC_DECIDE, PETSC_DECIDE, NULL, NULL, &grid));
  PetscCall(DMCreateGlobalVector(grid->da1, &z));
  PetscCall(VecSet(z, 0.0));
  PetscCall(RslSWECreate(grid, &swe));
  PetscCall(RslSWESetFromOptions(swe));
  PetscCall(RslOutputCreate(swe, &out));
  PetscCall(RslOutputSetFromOptions(out));
  PetscCall(RslSWESetBed(swe, z, -9999.0));
  PetscCall(RslSWESetUp(swe));
  PetscCall(RslOutputSetUp(out, "unused.h5"));
  PetscCall(RslSWESolve(swe));
  PetscCall(RslOutputResults(out));
  PetscCall(RslOutputFinish(out, RSL_OUTPUT_COMPLETE));
  PetscCheck(Seen.n == NSNAP && Seen.flushes == 0 && Seen.results == 1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%d snapshots (expected %d), %d flushes, %d results", (int)Seen.n, NSNAP, (int)Seen.flushes, (int)Seen.results);
  for (PetscInt k = 0; k < NSNAP; k++) {
    PetscCheck(Seen.t[k] == 25.0 * k, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "snapshot %d at t = %.17g, expected %g", (int)k, (double)Seen.t[k], 25.0 * k);
    PetscCheck(PetscAbsReal(Seen.h[k] - 0.1 * 48) <= 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "snapshot %d: depth sum %.17g, expected 4.8", (int)k, (double)Seen.h[k]);
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ok: %d snapshots at t = 0, 25, 50, 75, 100 s through the -out_type count writer, depth sum 4.8 m kept\n", (int)Seen.n));
  PetscCall(RslOutputDestroy(&out));
  PetscCall(RslSWEDestroy(&swe));
  PetscCall(VecDestroy(&z));
  PetscCall(RslGridDestroy(&grid));
  PetscCall(PetscFinalize());
  return 0;
}
