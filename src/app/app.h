/* app: the job around the stages — one scenario run (a
 * "member": land use -> hydraulic parameters -> rain -> solver -> result file) on a
 * communicator, and the ensemble of members on MPI sub-communicators with its summary. */
#pragma once
#include "grid/grid.h"
#include "seg/classmap.h"
#include "swe/swe.h"

typedef struct {
  char          name[64];
  double        climate_factor, artificialised_ha, desealed_ha, wall_s;
  RslSWESummary swe;
} RslMemberSummary;

/* One member on comm with the current options database. landcover: class raster from the
 * segmentation stage ("" if none; -landcover_file overrides). out_file: its result. */
PetscErrorCode RslMemberRun(MPI_Comm comm, const char name[], const char landcover[], const char out_file[], RslMemberSummary *s);

/* Read and check the options of every member stage without running anything (on the DEM's
 * grid, or a placeholder grid under -help, which then prints them). */
PetscErrorCode RslMemberCheckOptions(MPI_Comm comm);
/* Check every member's options (and the output directory) before the expensive stages run,
 * so a typo in a scenario fails in seconds, not after the segmentation. Collective. */
PetscErrorCode RslEnsembleCheck(MPI_Comm comm, const char out_file[]);

/* -ensemble a,b,c (-ensemble_a FILE.opts: that member's extra options): every member on its
 * own sub-communicator, each with its result file OUT_<name>.h5, then OUT_summary.csv and a
 * printed table. Without -ensemble, one member writing out_file. */
PetscErrorCode RslEnsembleRun(MPI_Comm comm, const char landcover[], const char out_file[]);
