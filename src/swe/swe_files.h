/* swe/swe_files: the solver's input files parsed from their text (RslReadTextFile):
 *   gauges      `name,x,y`
 *   sources     `x,y,hydrograph.csv`            (point inflows, the CSV holds time_s,m3_per_s)
 *   segments    `side,start,end,type[,value]`   (side W/E/S/N; map coordinates along it)
 * '#' comments and blank lines are skipped; a first line whose numbers do not parse is a
 * header. Every field goes through the validation layer (core/validate.h): finite decimal
 * numbers, no trailing junk, the expected field count; errors name the option, the file and
 * the line. Every rank of comm parses the same bytes and reaches the same verdict. Placing
 * on the grid is the caller's (swe_bc.c); these parsers need no grid, so the fuzz targets
 * call them directly. text is modified in place. */
#pragma once
#include "core/validate.h"

typedef struct {
  char   name[64];
  double x, y;
  int    line;
} RslGaugeRow;

typedef struct {
  double x, y;
  char   file[PETSC_MAX_PATH_LEN];
  int    line;
} RslSourceRow;

typedef struct {
  int       side; /* 0..3: W, E, S, N */
  double    a, b;
  char      type[16];
  char      value[PETSC_MAX_PATH_LEN];
  PetscBool has_value;
  int       line;
} RslSegmentRow;

PetscErrorCode RslGaugesParse(MPI_Comm comm, const char path[], char *text, PetscInt *n, RslGaugeRow **rows);
PetscErrorCode RslSourcesParse(MPI_Comm comm, const char path[], char *text, PetscInt *n, RslSourceRow **rows);
PetscErrorCode RslSegmentsParse(MPI_Comm comm, const char path[], char *text, PetscInt *n, RslSegmentRow **rows);
