/* app: the job around the stages — one scenario run (a
 * "member": land use -> hydraulic parameters -> rain -> solver -> result file) on a
 * communicator, and the ensemble of members on MPI sub-communicators with its summary. */
#pragma once
#include "grid/grid.h"
#include "seg/classmap.h"
#include "swe/swe.h"

/* How a member's run ended. */
typedef enum {
  RSL_MEMBER_DONE,         /* result complete (now, or by an earlier job: -restart auto) */
  RSL_MEMBER_FAILED,       /* an error: no result */
  RSL_MEMBER_CHECKPOINTED, /* stopped on a signal or -checkpoint_walltime, checkpoint written */
  RSL_MEMBER_STOPPED,      /* stopped on a signal, no checkpoint asked for: no result */
  RSL_MEMBER_NOT_STARTED   /* a stop came before it started */
} RslMemberStatus;

typedef struct {
  char            name[64];
  double          climate_factor, artificialised_ha, desealed_ha, wall_s;
  RslSWESummary   swe;
  RslMemberStatus status;
  int             stop;  /* the stop reason (core/signal.h), 0 if none */
  PetscBool       saved; /* this process wrote a checkpoint or the complete result */
} RslMemberSummary;

/* The summary's figures, in the order of the CSV columns: name (also the attribute name in
 * the result's /summary group) and where the value is in RslMemberSummary. */
typedef struct {
  const char *name;
  size_t      offset;
} RslMemberFigure;
extern const RslMemberFigure RslMemberFigures[];
extern const int             RslMemberNFigures;

/* One member on comm with the current options database. name: the member's name; in_ensemble:
 * it is one of several (checkpoint names get _<name>, -restart must be auto). landcover: class
 * raster from the segmentation stage ("" if none; -landcover_file overrides). out_file: its
 * result. A stop signal ends it with s->status CHECKPOINTED or STOPPED (not an error). */
PetscErrorCode RslMemberRun(MPI_Comm comm, const char name[], PetscBool in_ensemble, const char landcover[], const char out_file[], RslMemberSummary *s);

/* Read and check the options of every member stage without running anything (on the DEM's
 * grid, or a placeholder grid under -help, which then prints them). */
PetscErrorCode RslMemberCheckOptions(MPI_Comm comm);
/* Check every member's options (and the output directory) before the expensive stages run,
 * so a typo in a scenario fails in seconds, not after the segmentation. Collective. */
PetscErrorCode RslEnsembleCheck(MPI_Comm comm, const char out_file[]);

/* -ensemble a,b,c (-ensemble_a FILE.opts: that member's extra options): every member on its
 * own sub-communicator, each with its result file OUT_<name>.h5, then OUT_summary.csv and a
 * printed table. Without -ensemble, one member writing out_file. A failing member is reported
 * (name and error) and the others go on; the summary marks it and the exit status is 1. On a
 * stop signal the members checkpoint (exit status 3) or end (128 + signal without
 * checkpoints), and no summary is written. */
PetscErrorCode RslEnsembleRun(MPI_Comm comm, const char landcover[], const char out_file[]);
