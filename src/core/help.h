/* core/help: ruissel's -help and its "did you mean".
 *
 * PETSc prints the help of every options block (PetscOptionsBegin/End) and object a run
 * meets, through the PetscHelpPrintf hook; ruissel captures that text instead
 * (RslHelpInstall, before PetscInitialize) and RslHelpPrint shows only ruissel's own
 * options, grouped by stage, one line each: name, default, description (with its unit),
 * and the current value when it differs from the default. PETSc's own options (logging,
 * debugging, solvers, DM) are printed with -help_petsc, as PETSc would.
 * `-help intro` is left to PETSc.
 *
 * The same capture, run once on an options database holding only -help, lists every valid
 * option name: an option given but unknown to ruissel and PETSc gets the nearest valid
 * name by edit distance (Damerau-Levenshtein; at most 1 edit for names up to 5 letters,
 * 2 up to 10, 3 beyond) or a name it is a suffix of (-rain_rate given as -swe_rain_rate). */
#pragma once
#include "core/rsl.h"

/* Call before PetscInitialize with main's arguments: with -help (not -help intro) or
 * -help_petsc on the command line, PETSc's help text is captured instead of printed
 * (-help_petsc and --help become -help: argv may be replaced). */
void RslHelpInstall(int *argc, char ***argv);
/* Call right after PetscInitialize (stdout is muted in between under -help: PETSc prints
 * some of its help directly). */
void RslHelpInitialized(void);
/* The function that reads every option of the program (with -help set it must only read
 * options, not run anything); used to list the valid names. */
void RslHelpSetReader(PetscErrorCode (*read_all)(void));
/* Under -help: run the reader of RslHelpSetReader (collective), then print the program's
 * intro text and the captured help (rank 0 of comm): ruissel's options by stage, with
 * -help_petsc also everything PETSc printed. extra: lines to add to the first section (options that
 * are families, e.g. "-ensemble_<name> FILE.opts\tmember NAME's options"), NULL-terminated. */
PetscErrorCode RslHelpPrint(MPI_Comm comm, const char intro[], const char *const extra[]);
/* Make the list of valid option names (collective on PETSC_COMM_WORLD: runs the reader of
 * RslHelpSetReader on an options database holding only -help). After a -help run the
 * captured text serves and nothing runs. */
PetscErrorCode RslHelpPrepare(void);
/* The valid option name nearest to `given` ("-dme" -> "-dem"), "" when none is close, when
 * `given` is valid, or when no list was made. Not collective. */
void RslHelpSuggest(const char given[], char suggestion[], size_t len);
/* Whether `name` (with its leading '-') is in the list (PETSC_TRUE when no list was made). */
PetscBool RslHelpIsKnown(const char name[]);
