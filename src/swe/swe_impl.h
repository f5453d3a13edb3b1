/* swe internals shared by the solver's files (not a public header). */
#pragma once
#include "swe/swe.h"
#include "core/series.h"
#include "io/checkpoint.h"
#include "kernels/swe_cell.h" /* RslBCType, sides */

typedef struct {
  PetscScalar h, hu, hv;
} RslSWEField;

extern const char *const RslBCTypes[];

/* Boundary faces of one side, indexed along it (j for W/E, i for S/N). */
typedef struct {
  RslBCType *type;
  PetscInt  *forcing; /* index into swe->forcing, -1 when none */
} RslSide;

typedef struct {
  PetscInt  i, j; /* cell */
  RslSeries q;    /* m3/s */
} RslPointSource;

/* The two states a step works on: U (committed) and U1 (SSP-RK stage). */
typedef enum { RSL_SWE_U, RSL_SWE_U1 } RslSWESlot;

/* A solver backend (-swe_backend, swe_backend.c): the cell work of a step on its own copy of
 * the state. The time-step logic (swe_step.c) calls these; host readers of the Vecs (outputs,
 * gauges, checkpoints) call RslSWEBackendDownload first. */
typedef struct {
  /* L(slot) into the backend's residual; sets swe->bflux, bflux_in; local largest rate, cell */
  PetscErrorCode (*residual)(RslSWE, RslSWESlot, PetscReal t, double *rate, PetscInt *cell);
  /* local smallest active depth of x + dt R, or of (U + x + dt R)/2 when avg */
  PetscErrorCode (*min_depth)(RslSWE, RslSWESlot x, PetscBool avg, PetscReal dt, double *hmin);
  /* w = x + dt R with the point sources dhsrc, rain and friction; final: commit and records */
  PetscErrorCode (*stage)(RslSWE, PetscReal dt, RslSWESlot w, RslSWESlot x, const double *dhsrc, PetscBool final, PetscBool avg);
  PetscErrorCode (*losses)(RslSWE, PetscReal dt);
  PetscErrorCode (*upload)(RslSWE);   /* host Vecs -> backend (NULL: shares them) */
  PetscErrorCode (*download)(RslSWE); /* backend -> host Vecs (NULL: shares them) */
  PetscErrorCode (*destroy)(RslSWE);
} RslSWEBackendOps;

typedef struct {
  char     name[64];
  double   x, y;
  PetscInt i, j;
} RslGauge;

struct _p_RslSWE {
  MPI_Comm  comm;
  RslGrid  *grid;
  PetscReal g, cfl, hdry, tfinal, dtmax, manning;
  PetscInt  order, max_steps, nactive, nactive_local;
  PetscReal out_interval, ts_interval, progress_interval;
  PetscReal init_stage, init_depth, init_u, init_v;
  char      init_depth_file[PETSC_MAX_PATH_LEN];
  PetscBool has_init_stage;
  double    nodata;

  Vec U, U1, R, Uloc;             /* state, stage, residual, ghosted state */
  Vec z, zloc, act, actloc;       /* bed, active mask (1/0) */
  Vec nman, nmanloc, rain;        /* manning (global, ghosted), rain rate (m/s) */
  Vec F, ia_left;                 /* cumulative infiltration (m), abstraction still unfilled (m) */
  Vec hmax, smax, qmax;           /* maxima of depth, speed, unit discharge h|u| */
  Vec tarr, tup, dur;             /* above hazard_threshold: first time (-1: never yet), start of the current
                                     interval (-1: below), time in the intervals closed so far */
  PetscReal hazard_threshold;     /* the "flooded" depth (m) of the records, hazard map and indicators */
  PetscInt  hz_nd, hz_ns;         /* hazard classes: depth and speed breaks, class matrix (nd+1) x (ns+1) */
  PetscReal hz_depth[8], hz_speed[8];
  PetscReal hz_speed_depth;       /* below this max depth (m) the speed does not raise the class */
  unsigned char hz_matrix[81];
  RslSWERain rainsrc;
  PetscBool  have_rain;
  PetscInt   rain_version;        /* counts the updates of rain (a backend copy knows when to refresh) */
  RslSeries  rain_series;         /* -rain_rate / -rain_hyetograph (m/s) when no rainsrc */
  RslSWESoil soil;

  /* boundaries */
  RslSide    side[4];
  RslBCType  nodata_bc;
  PetscInt   nforcing;
  RslSeries *forcing;             /* inflow q (m2/s) or stage (m), per forcing index */
  PetscReal  slope[4];            /* normal-depth slope per side */
  PetscInt   nsrc;
  RslPointSource *src;
  PetscInt   ngauge;
  RslGauge  *gauge;

  /* time and budget (local partial sums; reduced when reported) */
  PetscReal t, dt, dt_min, wall;
  PetscReal dt_cfl_min, dt_cfl_min_t; /* smallest CFL time step (before clipping to output times) */
  PetscInt  dt_cfl_min_cell;          /* its limiting cell, j nx + i */
  PetscInt  step, dt_monitor;         /* -swe_dt_monitor N: a line every N steps (0: off) */
  double    work, work_t0; /* this rank's seconds in cell work (flux, update, sources): its load */
  RslKahan  out_side[RSL_NSIDES], in_side[RSL_NSIDES];
  RslKahan  rain_vol, src_vol, infil_vol;
  double    storage0;
  double    bflux[RSL_NSIDES], bflux_in[RSL_NSIDES]; /* boundary m3/s of the last residual */
  PetscInt  negative_cells, rejected; /* negative depths seen (must stay 0), rejected steps */

  /* time series (identical on every rank) */
  PetscInt  nts, cap_ts;
  double   *ts_hydro;  /* rows: time, W, E, S, N, nodata, total */
  double   *ts_gauge;  /* rows: per gauge time, h, hu, hv, eta */
  double    ts_last_t;
  double    ts_last_out[RSL_NSIDES];

  /* snapshots */
  PetscInt  nsnap;
  double   *snap_t;
  RslSWEMonitorFn monitor; /* RslSWEMonitorSet */
  void           *monitor_ctx;
  PetscErrorCode (*monitor_destroy)(void **);
  double    next_out, next_ts; /* next snapshot and series times */

  /* checkpoint/restart (swe_checkpoint.c): stop agreed in the time-step reduction */
  RslCheckpoint ck;
  PetscBool     resumed;
  int           stop;
  PetscLogEvent ev_flux, ev_update, ev_halo, ev_output, ev_source;

  char             backend[16]; /* -swe_backend */
  RslSWEBackendOps be;
  void            *be_data;
};

static inline Vec RslSWESlotVec(RslSWE swe, RslSWESlot s) { return s == RSL_SWE_U ? swe->U : swe->U1; }

/* A stretch of cell work: logged as event ev and timed into swe->work, the per-rank load
 * that /run reports (solve_time_*), free of the waits in halo exchanges and reductions. */
static inline PetscErrorCode RslSWEWorkBegin(RslSWE swe, PetscLogEvent ev)
{
  swe->work_t0 = MPI_Wtime();
  return PetscLogEventBegin(ev, 0, 0, 0, 0);
}
static inline PetscErrorCode RslSWEWorkEnd(RslSWE swe, PetscLogEvent ev)
{
  swe->work += MPI_Wtime() - swe->work_t0;
  return PetscLogEventEnd(ev, 0, 0, 0, 0);
}

PetscErrorCode RslSWEBCSetFromOptions(RslSWE swe);
PetscErrorCode RslSWEBCDestroy(RslSWE swe);
/* Residual L(U) into swe->R; fills swe->bflux (m3/s out per side) and returns the largest CFL
 * rate (1/s, rsl_swe_cell_rate) over the owned active cells and its cell (j nx + i; -1: none). */
PetscErrorCode RslSWEResidualCPU(RslSWE swe, RslSWESlot U, PetscReal t, double *rate, PetscInt *cell);
PetscErrorCode RslSWEMinDepthCPU(RslSWE swe, RslSWESlot x, PetscBool avg, PetscReal dt, double *hmin);
PetscErrorCode RslSWEStageCPU(RslSWE swe, PetscReal dt, RslSWESlot w, RslSWESlot x, const double *dhsrc, PetscBool final, PetscBool avg);
PetscErrorCode RslSWELossesCPU(RslSWE swe, PetscReal dt);
/* Backends (swe_backend.c): the -swe_backend registry; Create_* fill swe->be. */
PetscErrorCode RslSWEBackendSetUp(RslSWE swe);
PetscErrorCode RslSWEBackendUpload(RslSWE swe);
PetscErrorCode RslSWEBackendDownload(RslSWE swe);
PetscErrorCode RslSWEBackendDestroy(RslSWE swe);
PetscErrorCode RslSWEBackendCreate_CPU(RslSWE swe);
PetscErrorCode RslSWEBackendCreate_CUDA(RslSWE swe);
PetscErrorCode RslSWEBackendCreate_CUDASim(RslSWE swe);
/* Values at time t of the boundary forcings (fval[k] of swe->forcing[k]), the scalars the face
 * kernels take. */
void RslSWEForcingValues(RslSWE swe, PetscReal t, double *fval);
PetscErrorCode RslSWEStep(RslSWE swe, PetscReal tnext_limit);
PetscErrorCode RslSWEDiagInit(RslSWE swe);
PetscErrorCode RslSWEDiagStep(RslSWE swe);
PetscErrorCode RslSWEStorage(RslSWE swe, double *vol, PetscInt *wet);
PetscErrorCode RslSWESampleSeries(RslSWE swe);
PetscErrorCode RslSWESnapshot(RslSWE swe);
/* Depth removed from each cell so far (initial abstraction taken + infiltration over the
 * pervious part), the per-cell counterpart of the budget's infiltration. Needs soil. */
PetscErrorCode RslSWELossDepth(RslSWE swe, Vec loss);
PetscErrorCode RslSWECheckpointWrite(RslSWE swe);
PetscErrorCode RslSWEHazardSetFromOptions(RslSWE swe);
PetscErrorCode RslSWEHazardInit(RslSWE swe);
