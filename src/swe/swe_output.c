/* Writing the solver's results into the run's HDF5 file (layout: DESIGN.md, user guide). */
#include "swe/swe_impl.h"
#include <string.h>

static const char *const Comp[] = {"h", "hu", "hv"};

/* Write the three state components under group `grp`. */
static PetscErrorCode WriteState(RslSWE swe, RslH5 out, const char grp[])
{
  Vec  c;
  char name[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCall(DMGetGlobalVector(swe->grid->da1, &c));
  for (PetscInt k = 0; k < 3; k++) {
    PetscCall(VecStrideGather(swe->U, k, c, INSERT_VALUES));
    PetscCall(PetscSNPrintf(name, sizeof name, "%s/%s", grp, Comp[k]));
    PetscCall(RslH5WriteField(out, name, swe->grid->da1, c));
  }
  PetscCall(DMRestoreGlobalVector(swe->grid->da1, &c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEWriteSnapshot(RslSWE swe, RslH5 out)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(swe->ev_output, 0, 0, 0, 0));
  PetscCall(RslH5WriteSnapshot(out, swe->nsnap, swe->t, swe->grid->da, swe->U, Comp));
  PetscCall(PetscRealloc(sizeof(double) * (swe->nsnap + 1), &swe->snap_t));
  swe->snap_t[swe->nsnap++] = swe->t;
  PetscCall(PetscLogEventEnd(swe->ev_output, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEWriteResults(RslSWE swe, RslH5 out)
{
  static const char *const side[RSL_NSIDES] = {"west", "east", "south", "north", "nodata"};
  RslSWEBudgetT b;
  double   tot_out = 0, tot_in = 0;
  PetscInt negs = swe->negative_cells, steps = swe->step;
  char     name[128];

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(swe->ev_output, 0, 0, 0, 0));
  PetscCall(RslH5WriteField(out, "/fields/z", swe->grid->da1, swe->z));
  PetscCall(WriteState(swe, out, "/fields"));
  PetscCall(RslH5WriteField(out, "/max/h", swe->grid->da1, swe->hmax));
  PetscCall(RslH5WriteField(out, "/max/speed", swe->grid->da1, swe->smax));
  PetscCall(RslSWEHazardWrite(swe, out));
  PetscCall(RslH5WriteField(out, "/fields/infiltration", swe->grid->da1, swe->F));
  if (swe->soil.ks) {
    Vec loss;
    PetscCall(DMGetGlobalVector(swe->grid->da1, &loss));
    PetscCall(RslSWELossDepth(swe, loss));
    PetscCall(RslH5WriteField(out, "/fields/losses", swe->grid->da1, loss));
    PetscCall(DMRestoreGlobalVector(swe->grid->da1, &loss));
  }

  PetscCall(RslSWEBudget(swe, &b));
  for (int s = 0; s < RSL_NSIDES; s++) {
    PetscCall(PetscSNPrintf(name, sizeof name, "outflow_%s_m3", side[s]));
    PetscCall(RslH5SetAttrDouble(out, "/budget", name, 1, &b.out[s]));
    PetscCall(PetscSNPrintf(name, sizeof name, "inflow_%s_m3", side[s]));
    PetscCall(RslH5SetAttrDouble(out, "/budget", name, 1, &b.in[s]));
    tot_out += b.out[s];
    tot_in += b.in[s];
  }
  tot_in += b.sources;
  PetscCall(RslH5SetAttrDouble(out, "/budget", "outflow_m3", 1, &tot_out));
  PetscCall(RslH5SetAttrDouble(out, "/budget", "inflow_m3", 1, &tot_in));
  PetscCall(RslH5SetAttrDouble(out, "/budget", "point_sources_m3", 1, &b.sources));
  PetscCall(RslH5SetAttrDouble(out, "/budget", "rain_m3", 1, &b.rain));
  PetscCall(RslH5SetAttrDouble(out, "/budget", "infiltration_m3", 1, &b.infiltration));
  PetscCall(RslH5SetAttrDouble(out, "/budget", "storage_initial_m3", 1, &b.storage0));
  PetscCall(RslH5SetAttrDouble(out, "/budget", "storage_final_m3", 1, &b.storage));
  PetscCall(RslH5SetAttrDouble(out, "/budget", "relative_error", 1, &b.relative_error));

  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &negs, 1, MPIU_INT, MPI_SUM, swe->comm));
  PetscCall(RslH5SetAttrDouble(out, "/run", "time", 1, &swe->t));
  PetscCall(RslH5SetAttrInt(out, "/run", "steps", 1, &steps));
  PetscCall(RslH5SetAttrDouble(out, "/run", "dt_min", 1, &swe->dt_min));
  {
    PetscBool cfl  = swe->dt_cfl_min_cell >= 0 ? PETSC_TRUE : PETSC_FALSE; /* some step was CFL-limited */
    double    v[4] = {cfl ? swe->dt_cfl_min : NAN, cfl ? swe->dt_cfl_min_t : NAN, NAN, NAN};
    if (cfl) RslGridCellCentre(swe->grid, swe->dt_cfl_min_cell % swe->grid->nx, swe->dt_cfl_min_cell / swe->grid->nx, &v[2], &v[3]);
    PetscCall(RslH5SetAttrDouble(out, "/run", "dt_cfl_min", 1, &v[0]));
    PetscCall(RslH5SetAttrDouble(out, "/run", "dt_cfl_min_time", 1, &v[1]));
    PetscCall(RslH5SetAttrDouble(out, "/run", "dt_cfl_min_x", 1, &v[2]));
    PetscCall(RslH5SetAttrDouble(out, "/run", "dt_cfl_min_y", 1, &v[3]));
  }
  PetscCall(RslH5SetAttrInt(out, "/run", "negative_depth_cells", 1, &negs));
  PetscCall(RslH5SetAttrInt(out, "/run", "order", 1, &swe->order));
  PetscCall(RslH5SetAttrInt(out, "/run", "rejected_steps", 1, &swe->rejected));

  PetscCall(RslH5WriteTable(out, "/hydrographs/outflow", swe->nts, RSL_NSIDES + 2, swe->ts_hydro, "time,west,east,south,north,nodata,total"));
  for (PetscInt k = 0; k < swe->ngauge; k++) {
    double *tab;
    PetscCall(PetscMalloc1(5 * swe->nts, &tab));
    for (PetscInt r = 0; r < swe->nts; r++)
      for (int c = 0; c < 5; c++) tab[5 * r + c] = swe->ts_gauge[r * 5 * swe->ngauge + 5 * k + c];
    PetscCall(PetscSNPrintf(name, sizeof name, "/gauges/%s", swe->gauge[k].name));
    PetscCall(RslH5WriteTable(out, name, swe->nts, 5, tab, "time,h,hu,hv,eta"));
    PetscCall(RslH5SetAttrDouble(out, name, "x", 1, &swe->gauge[k].x));
    PetscCall(RslH5SetAttrDouble(out, name, "y", 1, &swe->gauge[k].y));
    PetscCall(PetscFree(tab));
  }
  PetscCall(PetscLogEventEnd(swe->ev_output, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEWriteXdmf(RslSWE swe, const char h5path[])
{
  /* shown at every time: the bed with NaN outside the domain (RslXdmfWriteBed; else the raw
   * one with its nodata), the maxima, hazard and timing */
  static const char *const shown[] = {"z",      "/xdmf/z",     "z",       "/fields/z",       "max_h",    "/max/h",          "max_speed", "/max/speed", "max_hv", "/max/hv",
                                      "hazard", "/max/hazard", "arrival", "/timing/arrival", "duration", "/timing/duration", NULL};
  char                     xmf[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCall(RslOutputName(h5path, NULL, ".xmf", xmf, sizeof xmf));
  PetscCall(RslXdmfWrite(swe->comm, xmf, h5path, swe->grid->da1, swe->grid->crs_wkt, shown, swe->nsnap, swe->snap_t, Comp, 3));
  PetscFunctionReturn(PETSC_SUCCESS);
}
