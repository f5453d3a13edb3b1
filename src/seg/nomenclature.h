/* seg/nomenclature: land-cover class tables (CSV files in input/nomenclature) mapping the values
 * of a class raster (0..255) to the codes of another nomenclature, e.g. FLAIR-19 or IGN
 * AI-programme codes -> OCS GE cover codes ("CS1.1.1.1"), so that maps in different
 * nomenclatures can be compared (metrics, change maps) and reported in OCS GE terms.
 *
 * Table format: CSV with a header; the FIRST column is the raster value (integer 0..255);
 * any other column, chosen by name, gives the target code as text. An empty target means
 * "no class" (e.g. 0 = no label, FLAIR "other"): such pixels are ignored. */
#pragma once
#include "core/rsl.h"

#define RSL_NOMEN_MAXCODE 32

typedef struct {
  char     path[PETSC_MAX_PATH_LEN];
  char     column[64];
  PetscInt ntargets;                         /* distinct non-empty target codes */
  char     (*targets)[RSL_NOMEN_MAXCODE];    /* their text, in order of first appearance */
  PetscInt map[256];                         /* raster value -> target index, -1 = ignored */
} RslNomenclature;

/* Read table `path` (rank 0 + broadcast), mapping values through `column`. Collective;
 * errors name `option`, the file and the line. */
PetscErrorCode RslNomenclatureLoad(MPI_Comm comm, const char option[], const char path[], const char column[], RslNomenclature *nom);
/* The same from the table's text (modified in place); path names it in messages. */
PetscErrorCode RslNomenclatureParse(MPI_Comm comm, const char option[], const char path[], char *text, const char column[], RslNomenclature *nom);
/* Identity table over values 0..n-1 (targets "0", "1", ...). */
PetscErrorCode RslNomenclatureIdentity(PetscInt n, RslNomenclature *nom);
PetscErrorCode RslNomenclatureFree(RslNomenclature *nom);
/* Index of target code `code` in nom, -1 when absent. */
PetscInt RslNomenclatureFind(const RslNomenclature *nom, const char code[]);
