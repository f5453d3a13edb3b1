/* core: what every stage shares — the error policy, collective checks, log class,
 * and small utilities. Stages include this header first. */
#pragma once
#include <petsc.h>

#ifndef PETSC_SUCCESS /* PETSc < 3.19 */
  #define PETSC_SUCCESS 0
#endif

extern PetscClassId RSL_CLASSID;

/* Register the ruissel log class once; stages register their own events after it. */
PetscErrorCode RslInitializePackage(void);
/* Register (once) an event named name under the ruissel class. */
PetscErrorCode RslLogEventRegister(const char name[], PetscLogEvent *ev);

/* Error policy (DESIGN invariant 6): an input problem must stop every rank with the same
 * one-line message and no hang. RslCheckCollective reduces a local "bad" flag over comm;
 * when any rank is bad, every rank raises PETSC_ERR_USER with msg (the ranks that saw the
 * problem contribute their text, rank order), marking the error as collective so the
 * driver exits cleanly on all ranks instead of aborting. */
PetscErrorCode RslCheckCollective(MPI_Comm comm, PetscBool bad, const char msg[]);
PetscBool      RslErrorIsCollective(void);
void           RslErrorSetCollective(void);
void           RslErrorClearCollective(void); /* a new unit of work (ensemble member) starts */

/* Collective user error with a formatted message: every rank of comm must reach this call
 * with the same condition (e.g. after a broadcast of the inputs). */
#define RSLCHECK(comm, cond, ...) \
  do { \
    if (PetscUnlikely(!(cond))) { \
      RslErrorSetCollective(); \
      SETERRQ((comm), PETSC_ERR_USER, __VA_ARGS__); \
    } \
  } while (0)

/* Kahan-compensated accumulator for budgets summed over thousands of steps. */
typedef struct {
  double sum, c;
} RslKahan;
static inline void RslKahanAdd(RslKahan *k, double v)
{
  double y = v - k->c, t = k->sum + y;
  k->c   = (t - k->sum) - y;
  k->sum = t;
}

/* Wall-clock seconds (MPI_Wtime). */
double RslWallTime(void);
/* This process's peak resident set size so far, bytes (getrusage; 0 if unknown). */
double RslPeakRSS(void);
/* min, mean and max of a per-rank figure over the ranks of comm (load balance). Collective. */
PetscErrorCode RslRankSpread(MPI_Comm comm, double v, double spread[3]);

/* The one rule for the names of a run's files: the result path OUT (-out_file) without a
 * final ".h5", then "_<member>" when member is given (ensembles), then suffix:
 *   run.h5, NULL, ".xmf"          -> run.xmf        run.h5, NULL, "_classes.tif" -> run_classes.tif
 *   run.h5, "2050", ".h5"         -> run_2050.h5    run.h5, NULL, ".ckpt.h5"     -> run.ckpt.h5 */
PetscErrorCode RslOutputName(const char out[], const char member[], const char suffix[], char name[], size_t len);
/* Resolve `name` relative to the directory of `base` unless it is absolute. */
PetscErrorCode RslPathRelativeTo(const char base[], const char name[], char out[], size_t len);

/* Hot CPU loops get an AVX2 clone beside the baseline one, picked when the program loads
 * (GCC target_clones, x86-64): the same IEEE operations — no FMA, the build is -std=c17, so
 * -ffp-contract=off — hence bitwise the same results on every machine, 1.4x faster. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
  #define RSL_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
  #define RSL_MULTIVERSION
#endif

