/* hydro internals: the class -> parameter table (CSV, read on rank 0 and broadcast). */
#pragma once
#include "core/rsl.h"

enum { HT_MANNING, HT_IMP, HT_KS, HT_SUCTION, HT_DEFICIT, HT_IA, HT_NPARAM };

typedef struct {
  char      path[PETSC_MAX_PATH_LEN];
  PetscBool has[256];              /* class present in the table */
  double    p[256][HT_NPARAM];     /* parameters per class */
  PetscInt  first;                 /* first class of the file */
} RslHydroTable;

/* Parse FILE (collective; errors name `option`, the file, the line and the column).
 * Manning n in (0, 10], fractions in [0, 1], Ks in [0, 1] m/s, suction in [0, 100] m,
 * initial abstraction in [0, 10] m. */
PetscErrorCode RslHydroTableRead(MPI_Comm comm, const char option[], const char path[], RslHydroTable *t);
/* The same from the file's text (modified in place); path names it in messages. */
PetscErrorCode RslHydroTableParse(MPI_Comm comm, const char option[], const char path[], char *text, RslHydroTable *t);

/* Soil texture table: code -> Ks, suction, effective porosity. */
typedef struct {
  PetscBool has[256];
  double    ks[256], suction[256], porosity[256];
} RslSoilTable;
PetscErrorCode RslSoilTableRead(MPI_Comm comm, const char option[], const char path[], RslSoilTable *t);
