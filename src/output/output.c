/* RslOutput: the -out_type registry and the calls every writer shares. */
#include "output/output_impl.h"
#include "core/rsl.h"

static PetscFunctionList Types;
static char              Names[256]; /* the registered names, for the error message */

PetscErrorCode RslOutputRegister(const char name[], PetscErrorCode (*create)(RslOutput))
{
  PetscFunctionBegin;
  PetscCall(PetscFunctionListAdd(&Types, name, create));
  if (Names[0]) PetscCall(PetscStrlcat(Names, ", ", sizeof Names));
  PetscCall(PetscStrlcat(Names, name, sizeof Names));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The built-in writers: a new format is its output_<type>.c and one line here. */
static PetscErrorCode RegisterAll(void)
{
  PetscFunctionBegin;
  if (Types) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(RslOutputRegister("hdf5", RslOutputCreate_HDF5));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Monitor(RslSWE swe, PetscInt k, PetscReal t, Vec U, void *ctx)
{
  RslOutput out = (RslOutput)ctx;

  PetscFunctionBegin;
  (void)swe;
  if (k < 0) PetscCall(out->ops.flush(out));
  else PetscCall(RslOutputSnapshot(out, k, t, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslOutputCreate(RslSWE swe, RslOutput *out)
{
  RslOutput o;

  PetscFunctionBegin;
  PetscCall(RegisterAll());
  PetscCall(PetscNew(&o));
  o->swe = swe;
  PetscCall(RslSWEGetGrid(swe, &o->grid));
  o->comm = o->grid->comm;
  PetscCall(PetscStrncpy(o->type, "hdf5", sizeof o->type));
  PetscCall(RslLogEventRegister("OutResults", &o->ev_results));
  *out = o;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslOutputSetFromOptions(RslOutput out)
{
  PetscErrorCode (*create)(RslOutput) = NULL;
  char text[320];

  PetscFunctionBegin;
  /* a string option: PETSc prints an FList's help straight to stdout, past ruissel's -help */
  PetscCall(PetscSNPrintf(text, sizeof text, "Result file format: %s (hdf5: FILE.h5 with its FILE.xmf sidecar)", Names));
  PetscOptionsBegin(out->comm, NULL, "Result file", "Output");
  PetscCall(PetscOptionsString("-out_type", text, "", out->type, out->type, sizeof out->type, NULL));
  PetscOptionsEnd();
  PetscCall(PetscFunctionListFind(Types, out->type, &create));
  RSLCHECK(out->comm, create, "-out_type: unknown type '%s' (registered: %s)", out->type, Names);
  PetscCall(create(out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslOutputSetUp(RslOutput out, const char file[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(out->file, file, sizeof out->file));
  PetscCall(out->ops.setup(out, file));
  out->open = PETSC_TRUE;
  PetscCall(RslSWEMonitorSet(out->swe, Monitor, out, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslOutputSnapshot(RslOutput out, PetscInt k, PetscReal t, Vec U)
{
  PetscFunctionBegin;
  PetscCall(out->ops.snapshot(out, k, t, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslOutputResults(RslOutput out)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(out->ev_results, 0, 0, 0, 0));
  PetscCall(out->ops.results(out));
  PetscCall(PetscLogEventEnd(out->ev_results, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A writer without the operation cannot hold what the run adds: say which. */
#define RSL_OUTPUT_HAS(out, op, what) RSLCHECK((out)->comm, (out)->ops.op, "-out_type %s: this format cannot store %s", (out)->type, what)

PetscErrorCode RslOutputParameters(RslOutput out, RslHydro hydro)
{
  static const char *const names[5] = {"manning", "impervious", "ks", "psi_dtheta", "initial_abstraction"};
  Vec                      f[5];
  const Vec               *frac;
  PetscInt                 nc;
  char                     name[32];

  PetscFunctionBegin;
  RSL_OUTPUT_HAS(out, field, "the hydraulic parameters");
  PetscCall(RslHydroGetFields(hydro, &f[0], &f[1], &f[2], &f[3], &f[4]));
  for (int k = 0; k < 5; k++)
    if (f[k]) PetscCall(out->ops.field(out, RSL_OUTPUT_PARAMS, names[k], f[k]));
  PetscCall(RslHydroGetClassFractions(hydro, &nc, &frac));
  for (PetscInt c = 0; c < nc; c++) {
    PetscCall(PetscSNPrintf(name, sizeof name, "fraction_%02d", (int)c));
    PetscCall(out->ops.field(out, RSL_OUTPUT_LANDCOVER, name, frac[c]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslOutputRain(RslOutput out, Vec depth)
{
  PetscFunctionBegin;
  RSL_OUTPUT_HAS(out, field, "the rain per cell");
  PetscCall(out->ops.field(out, RSL_OUTPUT_FIELDS, "rain", depth));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Record(RslOutput out, RslOutputRecord r, const char name[], RslOutputType t, PetscInt n, const void *v)
{
  PetscFunctionBegin;
  RSL_OUTPUT_HAS(out, record, "records");
  PetscCall(out->ops.record(out, r, name, t, n, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslOutputRecordDouble(RslOutput out, RslOutputRecord r, const char name[], PetscInt n, const double v[]) { return Record(out, r, name, RSL_OUTPUT_DOUBLE, n, v); }
PetscErrorCode RslOutputRecordInt(RslOutput out, RslOutputRecord r, const char name[], PetscInt n, const PetscInt v[]) { return Record(out, r, name, RSL_OUTPUT_INT, n, v); }
PetscErrorCode RslOutputRecordString(RslOutput out, RslOutputRecord r, const char name[], const char v[]) { return Record(out, r, name, RSL_OUTPUT_STRING, 1, v); }

PetscErrorCode RslOutputZones(RslOutput out, RslZones zones, Vec z, double nodata, double flood_threshold)
{
  PetscFunctionBegin;
  RSL_OUTPUT_HAS(out, zones, "the per-zone indicators (-zones)");
  PetscCall(out->ops.zones(out, zones, z, nodata, flood_threshold));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslOutputFingerprint(RslOutput out, RslCheckpoint ck)
{
  PetscFunctionBegin;
  RSL_OUTPUT_HAS(out, fingerprint, "the run's fingerprint");
  PetscCall(out->ops.fingerprint(out, ck));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslOutputCompleted(RslOutput out, RslCheckpoint ck, const char file[], PetscInt n, const char *const names[], double values[], PetscBool *done, char msg[], size_t len)
{
  PetscFunctionBegin;
  RSL_OUTPUT_HAS(out, completed, "a fingerprint for -restart auto");
  PetscCall(out->ops.completed(out, ck, file, n, names, values, done, msg, len));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslOutputFinish(RslOutput out, RslOutputEnd how)
{
  PetscFunctionBegin;
  if (!out->open) PetscFunctionReturn(PETSC_SUCCESS);
  out->open = PETSC_FALSE;
  PetscCall(RslSWEMonitorSet(out->swe, NULL, NULL, NULL));
  PetscCall(out->ops.finish(out, how));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslOutputView(RslOutput out, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "Output: %s, %s\n", out->type, out->file[0] ? out->file : "(not set up)"));
  if (out->ops.view) PetscCall(out->ops.view(out, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslOutputDestroy(RslOutput *out)
{
  PetscFunctionBegin;
  if (!*out) PetscFunctionReturn(PETSC_SUCCESS);
  /* a result never finished is removed: the caller suspends the one a checkpoint resumes */
  PetscCall(RslOutputFinish(*out, RSL_OUTPUT_DISCARD));
  if ((*out)->ops.destroy) PetscCall((*out)->ops.destroy(*out));
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}
