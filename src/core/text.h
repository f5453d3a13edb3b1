/* core/text: the one reader of text inputs (CSV tables, hyetographs, class tables, list
 * files, the solver's gauges/sources/segments). A file is read whole on rank 0 and
 * broadcast (RslReadTextFile), so every rank parses the same bytes and reaches the same
 * verdict; its rows come out of RslRowsNext: lines end with LF or CRLF and are numbered
 * from 1 counting every line (blank and comment lines too), blank lines and '#' comment
 * lines are skipped, fields are split at one separator with blanks trimmed (no quoting:
 * no input of ruissel needs a separator inside a field). Every message names the option,
 * the file and the line: "OPTION: 'PATH' line N: ...". */
#pragma once
#include "core/rsl.h"

/* Read a whole (small, <= 64 MB) text file on rank 0 and broadcast it, so that every rank
 * parses the same bytes and reaches the same verdict on errors; NUL and control bytes are
 * refused (RslCheckTextBytes). Collective error naming option/path. */
PetscErrorCode RslReadTextFile(MPI_Comm comm, const char option[], const char path[], char **text);
/* The bytes of a text input: no NUL or control byte (tab, CR, LF allowed), not empty of
 * text. Collective error "OPTION: 'PATH' line N: ...". Called by RslReadTextFile. */
PetscErrorCode RslCheckTextBytes(MPI_Comm comm, const char option[], const char path[], const char *text, size_t len);

/* Where a field of a text file is: every message starts "OPTION: 'PATH' line N". */
typedef struct {
  MPI_Comm    comm;
  const char *option, *path;
  int         line;
} RslTextPos;

/* Next data line of a text buffer read with RslReadTextFile, cut in place: blank lines and
 * '#' comments are skipped, leading blanks and a trailing '\r' removed; *lineno counts every
 * line (for messages). NULL at the end. Start with *cursor = text, *lineno = 0. */
char *RslNextLine(char **cursor, int *lineno);
/* Split line in place at sep into at most maxf fields, blanks trimmed; returns the field
 * count, or maxf + 1 when the line has more fields than that. */
int RslSplitFields(char *line, char sep, char *f[], int maxf);

/* The rows of a table: the data lines of a text, split into fields. */
#define RSL_ROW_MAXF 64
typedef struct {
  RslTextPos p;   /* comm, option, path; p.line: the line of the current row */
  char      *cur; /* the rest of the text */
  int        nf;  /* fields of the current row (maxf + 1: more than maxf) */
  char      *f[RSL_ROW_MAXF];
} RslRows;

/* Rows of text (modified in place) from the file `path` given by `option`. */
void RslRowsBegin(RslRows *r, MPI_Comm comm, const char option[], const char path[], char *text);
/* The next data line split at sep into r->f[0..r->nf) (at most maxf <= RSL_ROW_MAXF fields;
 * r->nf = maxf + 1 when the line has more); sep 0: ';' when the line holds a ';' and no
 * ',', else ','. PETSC_FALSE at the end of the text. */
PetscBool RslRowsNext(RslRows *r, char sep, int maxf);
