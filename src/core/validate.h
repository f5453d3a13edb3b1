/* core/validate: the input-validation layer. Every reader of user input (options, text
 * tables, rasters, weights) checks what it reads with these functions, so one set of rules
 * holds everywhere:
 *  - a number is a whole field, decimal, finite: no NaN, no inf, no trailing junk;
 *  - physical ranges are RslRange values (Manning n > 0, depths >= 0, fractions in [0,1]);
 *  - text files hold no NUL or other control bytes and are read whole (RslReadTextFile),
 *    lines are numbered from 1 and every message names the option, the file and the line;
 *  - options files are checked before PETSc reads them, option values after.
 * Errors are raised with RSLCHECK on a communicator whose ranks all see the same bytes, so
 * every rank stops with the same one-line message. Checks that need the grid (a raster's
 * CRS and overlap, sizes against the rank split and 32-bit indices) are in grid/grid.h. */
#pragma once
#include "core/text.h"

/* A closed or open interval; [lo, hi] with open ends when lo_open / hi_open. */
typedef struct {
  double    lo, hi;
  PetscBool lo_open, hi_open;
} RslRange;

#define RSL_RANGE(lo, hi, lo_open, hi_open) ((RslRange){(lo), (hi), (lo_open), (hi_open)})
#define RSL_FINITE   RSL_RANGE(-PETSC_MAX_REAL, PETSC_MAX_REAL, PETSC_FALSE, PETSC_FALSE)
#define RSL_POSITIVE RSL_RANGE(0.0, PETSC_MAX_REAL, PETSC_TRUE, PETSC_FALSE)
#define RSL_NONNEG   RSL_RANGE(0.0, PETSC_MAX_REAL, PETSC_FALSE, PETSC_FALSE)
#define RSL_FRACTION RSL_RANGE(0.0, 1.0, PETSC_FALSE, PETSC_FALSE)

/* Physical bounds shared by the readers (docs/user-guide.md, "Errors"). */
#define RSL_CELL_MIN  1e-3 /* m: smaller cells make the CFL step collapse */
#define RSL_CELL_MAX  1e5  /* m */
#define RSL_DEPTH_MAX 1e4  /* m: deeper than any ocean */
#define RSL_MANNING   RSL_RANGE(0.0, 10.0, PETSC_TRUE, PETSC_FALSE)
#define RSL_DEPTH     RSL_RANGE(0.0, RSL_DEPTH_MAX, PETSC_FALSE, PETSC_FALSE)

/* v is finite and inside r. */
PetscBool RslInRange(double v, RslRange r);
/* "> 0", ">= 0", "in [0, 1]", "in (0, 10]", "finite" */
void RslRangeText(RslRange r, char buf[], size_t len);

/* The whole of s (blanks around it allowed) is one decimal number: digits, sign, point,
 * exponent; no hexadecimal, no inf/nan, finite, nothing after it. */
PetscBool RslParseReal(const char *s, double *v);
/* The whole of s is a decimal integer that fits a PetscInt. */
PetscBool RslParseInt(const char *s, PetscInt *v);

/* Collective check of an option's value: "-swe_cfl: 1.5 must be in (0, 1]". */
PetscErrorCode RslCheckOptionReal(MPI_Comm comm, const char opt[], double v, RslRange r);

/* Field `text` of column `column` as a number in r (collective error naming all of it). */
PetscErrorCode RslFieldReal(const RslTextPos *p, const char column[], const char *text, RslRange r, double *v);
PetscErrorCode RslFieldInt(const RslTextPos *p, const char column[], const char *text, PetscInt lo, PetscInt hi, PetscInt *v);


/* ---- options ------------------------------------------------------------------------ */
/* An options file's text checked as PETSc 3.18 reads it (PetscOptionsInsertFile), before
 * PETSc sees it: PETSc stops rank 0 alone on a bad file, with a traceback, and leaves the
 * other ranks waiting. Rules: '#' starts a comment; per line nothing, `-key [value]` or
 * `alias -key -other`; a value may be "quoted"; no control bytes; a value that reads as a
 * number must be finite. Pure C (callable before MPI/PETSc start): returns 0 and writes
 * "'PATH' line N: ..." to err on the first problem. Each `-options_file F` line met is
 * passed to include(F, ctx) when include is not NULL (its return value, when non-zero,
 * stops the check). */
int RslOptionsTextCheck(const char path[], const char *text, size_t len, char err[], size_t errlen, int (*include)(const char *file, void *ctx), void *ctx);
/* The options files named by -options_file in argv, and those they include, checked with
 * RslOptionsTextCheck (reading them). Pure C, no MPI: returns 0 with err set on a problem. */
int RslOptionsFilesCheck(int argc, char **argv, char err[], size_t errlen);
/* Collective: rank 0 checks options file `path` (given by `option`) and those it includes
 * as RslOptionsFilesCheck does; "OPTION: 'PATH' line N: ..." on every rank. */
PetscErrorCode RslCheckOptionsFile(MPI_Comm comm, const char option[], const char path[]);
/* Every value of the current options database that reads as a number must be finite:
 * collective error "-swe_tfinal: 'nan' is not a finite number". */
PetscErrorCode RslCheckOptionValues(MPI_Comm comm);
/* The name ("-opt") of an option whose value is `value`, for messages of PETSc's parser;
 * PETSC_FALSE when none. Never raises an error (called from the error handler). */
PetscBool RslOptionsNameOfValue(const char value[], char name[], size_t len);
