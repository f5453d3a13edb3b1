/* -out_type hdf5: the result in one HDF5 file (io/h5out.h) and its XDMF sidecar FILE.xmf
 * (FILE.prj) for ParaView. The layout (DESIGN.md, docs/user-guide.md): /grid, /snapshots,
 * /fields, /max, /timing, /budget, /run, /hydrographs, /gauges, /xdmf/z. */
#include "output/output_impl.h"
#include "io/checkpoint.h"
#include <stdio.h>

static const char *const Comp[] = {"h", "hu", "hv"};
static const char *const Side[RSL_NSIDES] = {"west", "east", "south", "north", "nodata"};
static const char        HazardClassNames[] = "none,faible,modéré,fort,très fort";

/* Deflate level by default (-out_compress): see docs/hpc.md §3.7 for its cost and gain. */
#define RSL_OUT_COMPRESS_DEFAULT 1

typedef struct {
  RslH5    f;
  PetscInt deflate; /* -out_compress */
} HDF5;

/* The three state components under group `grp`. */
static PetscErrorCode WriteState(RslOutput out, RslH5 f, const char grp[])
{
  Vec  U, c;
  char name[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCall(RslSWEGetState(out->swe, &U));
  PetscCall(DMGetGlobalVector(out->grid->da1, &c));
  for (PetscInt k = 0; k < 3; k++) {
    PetscCall(VecStrideGather(U, k, c, INSERT_VALUES));
    PetscCall(PetscSNPrintf(name, sizeof name, "%s/%s", grp, Comp[k]));
    PetscCall(RslH5WriteField(f, name, out->grid->da1, c));
  }
  PetscCall(DMRestoreGlobalVector(out->grid->da1, &c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* /max/hv, /timing (arrival, duration) and /max/hazard with the class grid it used. */
static PetscErrorCode WriteHazard(RslOutput out, RslH5 f)
{
  DM               da1 = out->grid->da1;
  Vec              w, w2, qmax;
  RslSWEHazardGrid hg;
  PetscInt         mat[81], nm;
  char             grid[320];

  PetscFunctionBegin;
  PetscCall(RslSWEGetMaxima(out->swe, NULL, NULL, &qmax));
  PetscCall(RslSWEGetHazardGrid(out->swe, &hg));
  PetscCall(RslH5WriteField(f, "/max/hv", da1, qmax));
  PetscCall(DMGetGlobalVector(da1, &w));
  PetscCall(DMGetGlobalVector(da1, &w2));
  PetscCall(RslSWEGetHazardTiming(out->swe, w, w2));
  PetscCall(RslH5WriteField(f, "/timing/duration", da1, w));
  PetscCall(RslH5WriteField(f, "/timing/arrival", da1, w2));
  PetscCall(RslH5SetAttrDouble(f, "/timing", "threshold_m", 1, &hg.threshold));
  PetscCall(RslH5SetAttrString(f, "/timing", "definition", "arrival: first time (s) the depth exceeds threshold_m, NaN if never; duration: time (s) above it; depth linear in time within a step"));
  PetscCall(RslSWEGetHazardClass(out->swe, w));
  PetscCall(RslH5WriteFieldByte(f, "/max/hazard", da1, w));
  PetscCall(DMRestoreGlobalVector(da1, &w2));
  PetscCall(DMRestoreGlobalVector(da1, &w));

  nm = (hg.nd + 1) * (hg.ns + 1);
  for (PetscInt k = 0; k < nm; k++) mat[k] = hg.matrix[k];
  PetscCall(PetscSNPrintf(grid, sizeof grid, "class = matrix[i][j], i = number of depth_breaks_m <= max depth, j = number of speed_breaks_m_per_s <= max speed, 0 where max depth < speed_depth_m (matrix %d x %d, row-major); 0 where max depth <= threshold_m", (int)hg.nd + 1, (int)hg.ns + 1));
  PetscCall(RslH5SetAttrDouble(f, "/max/hazard", "threshold_m", 1, &hg.threshold));
  PetscCall(RslH5SetAttrDouble(f, "/max/hazard", "depth_breaks_m", hg.nd, hg.depth));
  PetscCall(RslH5SetAttrDouble(f, "/max/hazard", "speed_breaks_m_per_s", hg.ns, hg.speed));
  PetscCall(RslH5SetAttrDouble(f, "/max/hazard", "speed_depth_m", 1, &hg.speed_depth));
  PetscCall(RslH5SetAttrInt(f, "/max/hazard", "matrix", nm, mat));
  PetscCall(RslH5SetAttrString(f, "/max/hazard", "definition", grid));
  PetscCall(RslH5SetAttrString(f, "/max/hazard", "class_names", HazardClassNames));
  PetscCall(RslH5SetAttrString(f, "/max/hazard", "source", "arrêté du 5 juillet 2019 (PPR débordement de cours d'eau, art. 2) depth classes; speed breaks of the PPRi guide (MATE/METL 1999), speed not counted below speed_depth_m; from max depth and max speed, which need not be simultaneous"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* /budget attributes: per side, totals, sources, storage, relative error. */
static PetscErrorCode WriteBudget(RslOutput out, RslH5 f)
{
  RslSWEBudgetT b;
  double        tot_out = 0, tot_in = 0;
  char          name[128];

  PetscFunctionBegin;
  PetscCall(RslSWEBudget(out->swe, &b));
  for (int s = 0; s < RSL_NSIDES; s++) {
    PetscCall(PetscSNPrintf(name, sizeof name, "outflow_%s_m3", Side[s]));
    PetscCall(RslH5SetAttrDouble(f, "/budget", name, 1, &b.out[s]));
    PetscCall(PetscSNPrintf(name, sizeof name, "inflow_%s_m3", Side[s]));
    PetscCall(RslH5SetAttrDouble(f, "/budget", name, 1, &b.in[s]));
    tot_out += b.out[s];
    tot_in += b.in[s];
  }
  tot_in += b.sources;
  PetscCall(RslH5SetAttrDouble(f, "/budget", "outflow_m3", 1, &tot_out));
  PetscCall(RslH5SetAttrDouble(f, "/budget", "inflow_m3", 1, &tot_in));
  PetscCall(RslH5SetAttrDouble(f, "/budget", "point_sources_m3", 1, &b.sources));
  PetscCall(RslH5SetAttrDouble(f, "/budget", "rain_m3", 1, &b.rain));
  PetscCall(RslH5SetAttrDouble(f, "/budget", "infiltration_m3", 1, &b.infiltration));
  PetscCall(RslH5SetAttrDouble(f, "/budget", "storage_initial_m3", 1, &b.storage0));
  PetscCall(RslH5SetAttrDouble(f, "/budget", "storage_final_m3", 1, &b.storage));
  PetscCall(RslH5SetAttrDouble(f, "/budget", "relative_error", 1, &b.relative_error));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode WriteRun(RslOutput out, RslH5 f)
{
  RslSWERunInfo r;

  PetscFunctionBegin;
  PetscCall(RslSWEGetRunInfo(out->swe, &r));
  PetscCall(RslH5SetAttrDouble(f, "/run", "time", 1, &r.t));
  PetscCall(RslH5SetAttrInt(f, "/run", "steps", 1, &r.steps));
  PetscCall(RslH5SetAttrDouble(f, "/run", "dt_min", 1, &r.dt_min));
  PetscCall(RslH5SetAttrDouble(f, "/run", "dt_cfl_min", 1, &r.dt_cfl_min));
  PetscCall(RslH5SetAttrDouble(f, "/run", "dt_cfl_min_time", 1, &r.dt_cfl_min_t));
  PetscCall(RslH5SetAttrDouble(f, "/run", "dt_cfl_min_x", 1, &r.dt_cfl_min_x));
  PetscCall(RslH5SetAttrDouble(f, "/run", "dt_cfl_min_y", 1, &r.dt_cfl_min_y));
  PetscCall(RslH5SetAttrInt(f, "/run", "negative_depth_cells", 1, &r.negative_cells));
  PetscCall(RslH5SetAttrInt(f, "/run", "order", 1, &r.order));
  PetscCall(RslH5SetAttrInt(f, "/run", "rejected_steps", 1, &r.rejected));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* /hydrographs/outflow and one table per gauge. */
static PetscErrorCode WriteSeries(RslOutput out, RslH5 f)
{
  const double *hydro, *gauges;
  PetscInt      nts, ngauge;
  char          name[128];

  PetscFunctionBegin;
  PetscCall(RslSWEGetSeries(out->swe, &nts, &hydro, &ngauge, &gauges));
  PetscCall(RslH5WriteTable(f, "/hydrographs/outflow", nts, RSL_NSIDES + 2, hydro, "time,west,east,south,north,nodata,total"));
  for (PetscInt k = 0; k < ngauge; k++) {
    const char *gname;
    double     *tab, x, y;
    PetscCall(RslSWEGetGauge(out->swe, k, &gname, &x, &y));
    PetscCall(PetscMalloc1(5 * nts, &tab));
    for (PetscInt r = 0; r < nts; r++)
      for (int c = 0; c < 5; c++) tab[5 * r + c] = gauges[r * 5 * ngauge + 5 * k + c];
    PetscCall(PetscSNPrintf(name, sizeof name, "/gauges/%s", gname));
    PetscCall(RslH5WriteTable(f, name, nts, 5, tab, "time,h,hu,hv,eta"));
    PetscCall(RslH5SetAttrDouble(f, name, "x", 1, &x));
    PetscCall(RslH5SetAttrDouble(f, name, "y", 1, &y));
    PetscCall(PetscFree(tab));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Results(RslOutput out)
{
  HDF5  *h   = (HDF5 *)out->data;
  DM     da1 = out->grid->da1;
  Vec    z, hmax, smax, F, loss;
  double nodata;
  PetscBool has;

  PetscFunctionBegin;
  PetscCall(RslSWEGetBed(out->swe, &z, &nodata));
  PetscCall(RslSWEGetMaxima(out->swe, &hmax, &smax, NULL));
  PetscCall(RslSWEGetInfiltration(out->swe, &F));
  PetscCall(RslH5WriteField(h->f, "/fields/z", da1, z));
  PetscCall(WriteState(out, h->f, "/fields"));
  PetscCall(RslH5WriteField(h->f, "/max/h", da1, hmax));
  PetscCall(RslH5WriteField(h->f, "/max/speed", da1, smax));
  PetscCall(WriteHazard(out, h->f));
  PetscCall(RslH5WriteField(h->f, "/fields/infiltration", da1, F));
  PetscCall(DMGetGlobalVector(da1, &loss));
  PetscCall(RslSWEGetLossDepth(out->swe, loss, &has));
  if (has) PetscCall(RslH5WriteField(h->f, "/fields/losses", da1, loss));
  PetscCall(DMRestoreGlobalVector(da1, &loss));
  PetscCall(WriteBudget(out, h->f));
  PetscCall(WriteRun(out, h->f));
  PetscCall(WriteSeries(out, h->f));
  PetscCall(RslXdmfWriteBed(h->f, da1, z, nodata)); /* the sidecar's bed */
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* FILE.xmf (and FILE.prj) next to the complete FILE.h5: the snapshots (or the final state),
 * each shown with the bed, maxima, hazard and timing. */
static PetscErrorCode WriteXdmf(RslOutput out)
{
  /* the bed with NaN outside the domain (/xdmf/z; else the raw one with its nodata) */
  static const char *const shown[] = {"z",      "/xdmf/z",     "z",       "/fields/z",       "max_h",    "/max/h",          "max_speed", "/max/speed", "max_hv", "/max/hv",
                                      "hazard", "/max/hazard", "arrival", "/timing/arrival", "duration", "/timing/duration", NULL};
  char                     xmf[PETSC_MAX_PATH_LEN];
  const double            *times;
  PetscInt                 nsnap;

  PetscFunctionBegin;
  PetscCall(RslSWEGetSnapshots(out->swe, &nsnap, &times));
  PetscCall(RslOutputName(out->file, NULL, ".xmf", xmf, sizeof xmf));
  PetscCall(RslXdmfWrite(out->comm, xmf, out->file, out->grid->da1, out->grid->crs_wkt, shown, nsnap, times, Comp, 3));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A new file, or the .part an interrupted run left when the solver resumed from a checkpoint
 * (with the snapshots written before it, later ones dropped). */
static PetscErrorCode SetUp(RslOutput out, const char file[])
{
  HDF5     *h = (HDF5 *)out->data;
  PetscBool resumed, ok = PETSC_FALSE;
  PetscReal t;
  PetscInt  nsnap;

  PetscFunctionBegin;
  PetscCall(RslSWEGetResumed(out->swe, &resumed, &t, &nsnap));
  if (resumed) {
    RslCheckpoint ck;
    PetscCall(RslSWEGetCheckpoint(out->swe, &ck));
    PetscCall(RslH5Resume(out->comm, file, &h->f));
    if (h->f) PetscCall(RslH5SetCompression(h->f, h->deflate));
    if (h->f) PetscCall(RslSWEResumeResult(out->swe, h->f, &ok));
    if (h->f && !ok) PetscCall(RslH5Suspend(&h->f));
    RSLCHECK(out->comm, ok || !nsnap, "-out_file: cannot resume '%s.part' (missing, damaged, or not this run's): it holds the %d snapshots written before t = %g s; remove the checkpoint %s to run again from t = 0", file, (int)nsnap, (double)t, RslCheckpointRestartFile(ck));
    if (ok) PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(RslH5Create(out->comm, "-out_file", file, &h->f));
  PetscCall(RslH5SetCompression(h->f, h->deflate));
  PetscCall(RslH5WriteGrid(h->f, out->grid->nx, out->grid->ny, out->grid->gt, out->grid->crs_wkt));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Snapshot(RslOutput out, PetscInt k, PetscReal t, Vec U)
{
  HDF5 *h = (HDF5 *)out->data;

  PetscFunctionBegin;
  PetscCall(RslH5WriteSnapshot(h->f, k, t, out->grid->da, U, Comp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Flush(RslOutput out)
{
  HDF5 *h = (HDF5 *)out->data;

  PetscFunctionBegin;
  PetscCall(RslH5Flush(h->f));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Finish(RslOutput out, RslOutputEnd how)
{
  HDF5 *h = (HDF5 *)out->data;

  PetscFunctionBegin;
  if (!h->f) PetscFunctionReturn(PETSC_SUCCESS);
  if (how == RSL_OUTPUT_SUSPEND) PetscCall(RslH5Suspend(&h->f));
  else PetscCall(RslH5Close(&h->f, how == RSL_OUTPUT_COMPLETE ? PETSC_TRUE : PETSC_FALSE));
  if (how == RSL_OUTPUT_COMPLETE) PetscCall(WriteXdmf(out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View(RslOutput out, PetscViewer v)
{
  HDF5 *h = (HDF5 *)out->data;
  char  xmf[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  if (!out->file[0]) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(RslOutputName(out->file, NULL, ".xmf", xmf, sizeof xmf));
  PetscCall(PetscViewerASCIIPrintf(v, "  XDMF sidecar: %s\n", xmf));
  if (h->deflate) PetscCall(PetscViewerASCIIPrintf(v, "  fields and snapshots: chunks 256 x 256, shuffle + deflate level %d\n", (int)h->deflate));
  else PetscCall(PetscViewerASCIIPrintf(v, "  fields and snapshots: chunks 256 x 256, uncompressed\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy(RslOutput out)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(out->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* What the run adds: its fields under the part's group, its records as attributes of theirs. */
static const char *const PartGroup[]   = {"/params", "/landcover", "/fields"};
static const char *const RecordGroup[] = {"/scenario", "/provenance", "/summary", "/run"};

static PetscErrorCode Field(RslOutput out, RslOutputPart part, const char name[], Vec v)
{
  HDF5 *h = (HDF5 *)out->data;
  char  dset[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(dset, sizeof dset, "%s/%s", PartGroup[part], name));
  PetscCall(RslH5WriteField(h->f, dset, out->grid->da1, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Record(RslOutput out, RslOutputRecord r, const char name[], RslOutputType t, PetscInt n, const void *v)
{
  HDF5 *h = (HDF5 *)out->data;

  PetscFunctionBegin;
  if (t == RSL_OUTPUT_DOUBLE) PetscCall(RslH5SetAttrDouble(h->f, RecordGroup[r], name, n, (const double *)v));
  else if (t == RSL_OUTPUT_INT) PetscCall(RslH5SetAttrInt(h->f, RecordGroup[r], name, n, (const PetscInt *)v));
  else PetscCall(RslH5SetAttrString(h->f, RecordGroup[r], name, (const char *)v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The indicators read the solver's fields back from the file (zones.c). */
static PetscErrorCode Zones(RslOutput out, RslZones zones, Vec z, double nodata, double flood_threshold)
{
  PetscFunctionBegin;
  PetscCall(RslZonesWrite(zones, ((HDF5 *)out->data)->f, z, nodata, flood_threshold));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Fingerprint(RslOutput out, RslCheckpoint ck)
{
  PetscFunctionBegin;
  PetscCall(RslCheckpointFingerprintWrite(ck, ((HDF5 *)out->data)->f));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Completed(RslOutput out, RslCheckpoint ck, const char file[], PetscInt n, const char *const names[], double values[], PetscBool *done, char msg[], size_t len)
{
  PetscMPIInt rank;
  int         exists = 0;
  RslH5       f;

  PetscFunctionBegin;
  *done  = PETSC_FALSE;
  msg[0] = 0;
  PetscCallMPI(MPI_Comm_rank(out->comm, &rank));
  if (!rank) {
    FILE *fp = fopen(file, "rb");
    if (fp) exists = 1, fclose(fp);
  }
  PetscCallMPI(MPI_Bcast(&exists, 1, MPI_INT, 0, out->comm));
  if (!exists) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(RslH5OpenRead(out->comm, "-out_file", file, &f));
  PetscCall(RslCheckpointFingerprintCompare(ck, f, PETSC_FALSE, done, msg, len));
  if (*done) PetscCall(RslH5Exists(f, RecordGroup[RSL_OUTPUT_SUMMARY], done));
  if (*done)
    for (PetscInt k = 0; k < n; k++) PetscCall(RslH5GetAttrDouble(f, RecordGroup[RSL_OUTPUT_SUMMARY], names[k], 1, &values[k]));
  else if (!msg[0]) PetscCall(PetscStrncpy(msg, "no summary", len));
  PetscCall(RslH5Close(&f, PETSC_FALSE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslOutputCreate_HDF5(RslOutput out)
{
  HDF5 *h;

  PetscFunctionBegin;
  PetscCall(PetscNew(&h));
  h->deflate = RSL_OUT_COMPRESS_DEFAULT;
  PetscOptionsBegin(out->comm, NULL, "HDF5 result (-out_type hdf5)", "Output");
  PetscCall(PetscOptionsInt("-out_compress", "Shuffle + deflate level of the result's fields and snapshots, 0 (none) to 9: lossless, written in parallel", "", h->deflate, &h->deflate, NULL));
  PetscOptionsEnd();
  PetscCall(RslH5CheckCompression(out->comm, "-out_compress", h->deflate));
  out->data            = h;
  out->ops.setup       = SetUp;
  out->ops.snapshot    = Snapshot;
  out->ops.flush       = Flush;
  out->ops.results     = Results;
  out->ops.field       = Field;
  out->ops.record      = Record;
  out->ops.zones       = Zones;
  out->ops.fingerprint = Fingerprint;
  out->ops.completed   = Completed;
  out->ops.finish      = Finish;
  out->ops.view        = View;
  out->ops.destroy     = Destroy;
  PetscFunctionReturn(PETSC_SUCCESS);
}
