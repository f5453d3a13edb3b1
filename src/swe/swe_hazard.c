/* Flood-hazard records of the run: the "flooded" threshold, arrival time and duration above it,
 * maximum unit discharge h|u| (updated in the fused step sweep, swe_step.c) and, at output, the
 * hazard class map of the French PPRi grid from the maximum depth and speed (docs/theory.md
 * §13); written by the output writer (output/output_hdf5.c: /max/hv, /timing, /max/hazard). */
#include "swe/swe_impl.h"
#include "kernels/swe_hazard.h"

/* Default class grid: arrêté du 5 juillet 2019 (JORF 7 juillet 2019, art. 2), qualification of
 * the reference hazard of PPRs "débordement de cours d'eau et submersion marine": depth classes
 * H < 0.5, 0.5-1, 1-2, > 2 m against a slow / medium / fast dynamics; the dynamics are left to
 * each study, the speed breaks 0.2 and 0.5 m/s are those of the PPRi practice (guide
 * méthodologique PPR inondation, MATE/METL 1999). Classes: 1 faible, 2 modéré, 3 fort,
 * 4 très fort; 0: never above the flooded threshold. Neither text sets a depth below which the
 * speed stops counting; their speed classes are about people and vehicles in the water, which a
 * film of a few centimetres does not endanger at hillslope speeds (Defra/EA 2006 rate d < 0.1 m
 * "low" below 7 m/s): below SpeedDepth the class is that of still water (docs/theory.md §13). */
static const double        DepthBreaks[] = {0.5, 1.0, 2.0};
static const double        SpeedBreaks[] = {0.2, 0.5};
static const unsigned char Matrix[]      = {1, 2, 3, 2, 2, 3, 3, 3, 4, 4, 4, 4};
static const double        SpeedDepth    = 0.1;

static PetscErrorCode Breaks(PetscOptionItems *PetscOptionsObject, MPI_Comm comm, const char opt[], const char what[], PetscReal *b, PetscInt *n)
{
  PetscInt  m = 8;
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(PetscOptionsRealArray(opt, what, "", b, &m, &set));
  if (set) {
    RSLCHECK(comm, m >= 1, "%s: give 1 to 8 increasing values", opt);
    for (PetscInt k = 0; k < m; k++) RSLCHECK(comm, b[k] > 0 && (k == 0 || b[k] > b[k - 1]), "%s: values must be > 0 and increasing (value %d is %g)", opt, (int)k + 1, (double)b[k]);
    *n = m;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEHazardSetFromOptions(RslSWE swe)
{
  PetscInt  mat[81], nm = 81, nd, ns;
  PetscBool set;

  PetscFunctionBegin;
  swe->hazard_threshold = 0.01;
  swe->hz_speed_depth   = SpeedDepth;
  swe->hz_nd            = 3;
  swe->hz_ns            = 2;
  PetscCall(PetscArraycpy(swe->hz_depth, DepthBreaks, 3));
  PetscCall(PetscArraycpy(swe->hz_speed, SpeedBreaks, 2));
  PetscCall(PetscArraycpy(swe->hz_matrix, Matrix, 12));
  for (PetscInt k = 0; k < 12; k++) mat[k] = Matrix[k]; /* what -help shows as the default */
  /* PETSc's -help shows an array option's first value only: the help texts give the defaults */
  PetscOptionsBegin(swe->comm, NULL, "Flood hazard records", "SWE");
  PetscCall(PetscOptionsReal("-hazard_threshold", "Flooded depth (m): arrival time, duration, hazard map and indicators count depths above it", "", swe->hazard_threshold, &swe->hazard_threshold, NULL));
  nd = swe->hz_nd;
  ns = swe->hz_ns;
  PetscCall(Breaks(PetscOptionsObject, swe->comm, "-hazard_depth_breaks", "Depth class breaks (m), increasing (default 0.5,1,2)", swe->hz_depth, &nd));
  PetscCall(Breaks(PetscOptionsObject, swe->comm, "-hazard_speed_breaks", "Speed class breaks (m/s), increasing (default 0.2,0.5)", swe->hz_speed, &ns));
  PetscCall(PetscOptionsIntArray("-hazard_matrix", "Hazard class (0-255) per depth class (rows) and speed class (columns), row by row (default 1,2,3,2,2,3,3,3,4,4,4,4)", "", mat, &nm, &set));
  PetscCall(PetscOptionsReal("-hazard_speed_depth", "Max depth (m) below which the speed does not raise the hazard class (thin films)", "", swe->hz_speed_depth, &swe->hz_speed_depth, NULL));
  PetscOptionsEnd();
  RSLCHECK(swe->comm, swe->hazard_threshold > 0 && swe->hazard_threshold <= 1e3, "-hazard_threshold: %g m must be in (0, 1e3]", (double)swe->hazard_threshold);
  RSLCHECK(swe->comm, swe->hz_speed_depth >= 0, "-hazard_speed_depth: %g must be >= 0", (double)swe->hz_speed_depth);
  if (set) {
    RSLCHECK(swe->comm, nm == (nd + 1) * (ns + 1), "-hazard_matrix: %d values given, %d expected ((depth breaks + 1) x (speed breaks + 1))", (int)nm, (int)((nd + 1) * (ns + 1)));
    for (PetscInt k = 0; k < nm; k++) {
      RSLCHECK(swe->comm, mat[k] >= 0 && mat[k] <= 255, "-hazard_matrix: value %d is %d, not a class 0-255", (int)k + 1, (int)mat[k]);
      swe->hz_matrix[k] = (unsigned char)mat[k];
    }
  } else RSLCHECK(swe->comm, nd == 3 && ns == 2, "-hazard_depth_breaks/-hazard_speed_breaks: a class grid other than 4 x 3 needs its -hazard_matrix");
  swe->hz_nd = nd;
  swe->hz_ns = ns;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Records at the initial state: cells already above the threshold arrived, and opened their
 * flooded interval, at the start. */
PetscErrorCode RslSWEHazardInit(RslSWE swe)
{
  const PetscScalar *u, *act;
  PetscScalar       *ta, *tu;
  PetscInt           n;

  PetscFunctionBegin;
  PetscCall(VecSet(swe->qmax, 0));
  PetscCall(VecSet(swe->dur, 0));
  PetscCall(VecGetLocalSize(swe->tarr, &n));
  PetscCall(VecGetArrayRead(swe->U, &u));
  PetscCall(VecGetArrayRead(swe->act, &act));
  PetscCall(VecGetArray(swe->tarr, &ta));
  PetscCall(VecGetArray(swe->tup, &tu));
  for (PetscInt c = 0; c < n; c++) ta[c] = tu[c] = act[c] > 0.5 && u[3 * c] > swe->hazard_threshold ? swe->t : -1.0;
  PetscCall(VecRestoreArray(swe->tup, &tu));
  PetscCall(VecRestoreArray(swe->tarr, &ta));
  PetscCall(VecRestoreArrayRead(swe->act, &act));
  PetscCall(VecRestoreArrayRead(swe->U, &u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetHazardTiming(RslSWE swe, Vec duration, Vec arrival)
{
  PetscScalar       *pd, *pa;
  const PetscScalar *ta, *tu, *du;
  PetscInt           n;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(duration, &n));
  PetscCall(VecGetArray(duration, &pd));
  PetscCall(VecGetArray(arrival, &pa));
  PetscCall(VecGetArrayRead(swe->tup, &tu));
  PetscCall(VecGetArrayRead(swe->dur, &du));
  PetscCall(VecGetArrayRead(swe->tarr, &ta));
  for (PetscInt c = 0; c < n; c++) {
    pd[c] = du[c] + (tu[c] < 0 ? 0.0 : swe->t - tu[c]); /* with the interval still open */
    pa[c] = ta[c] < 0 ? (PetscScalar)NAN : ta[c];
  }
  PetscCall(VecRestoreArrayRead(swe->tarr, &ta));
  PetscCall(VecRestoreArrayRead(swe->dur, &du));
  PetscCall(VecRestoreArrayRead(swe->tup, &tu));
  PetscCall(VecRestoreArray(arrival, &pa));
  PetscCall(VecRestoreArray(duration, &pd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetHazardClass(RslSWE swe, Vec cls)
{
  PetscScalar       *pw;
  const PetscScalar *hm, *sm;
  PetscInt           n;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(cls, &n));
  PetscCall(VecGetArray(cls, &pw));
  PetscCall(VecGetArrayRead(swe->hmax, &hm));
  PetscCall(VecGetArrayRead(swe->smax, &sm));
  for (PetscInt c = 0; c < n; c++) pw[c] = rsl_hazard_class(hm[c], sm[c], swe->hazard_threshold, swe->hz_speed_depth, (int)swe->hz_nd, swe->hz_depth, (int)swe->hz_ns, swe->hz_speed, swe->hz_matrix);
  PetscCall(VecRestoreArrayRead(swe->smax, &sm));
  PetscCall(VecRestoreArrayRead(swe->hmax, &hm));
  PetscCall(VecRestoreArray(cls, &pw));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEGetHazardGrid(RslSWE swe, RslSWEHazardGrid *hg)
{
  PetscFunctionBegin;
  hg->threshold   = swe->hazard_threshold;
  hg->speed_depth = swe->hz_speed_depth;
  hg->nd          = swe->hz_nd;
  hg->ns          = swe->hz_ns;
  PetscCall(PetscArraycpy(hg->depth, swe->hz_depth, 8));
  PetscCall(PetscArraycpy(hg->speed, swe->hz_speed, 8));
  PetscCall(PetscArraycpy(hg->matrix, swe->hz_matrix, 81));
  PetscFunctionReturn(PETSC_SUCCESS);
}
