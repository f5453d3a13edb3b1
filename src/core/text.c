/* core/text: reading text inputs whole, their lines and fields (text.h). */
#include "core/text.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

PetscErrorCode RslReadTextFile(MPI_Comm comm, const char option[], const char path[], char **text)
{
  PetscMPIInt rank;
  long        n = -1;
  char       *buf = NULL;
  int         err = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    FILE *fp = fopen(path, "rb");
    if (!fp) err = errno ? errno : ENOENT;
    else {
      if (fseek(fp, 0, SEEK_END) == 0) n = ftell(fp);
      if (n < 0 || n > (64L << 20)) err = EFBIG;
      else {
        rewind(fp);
        buf = (char *)malloc((size_t)n + 1);
        if (!buf || fread(buf, 1, (size_t)n, fp) != (size_t)n) err = EIO;
        else buf[n] = 0;
      }
      fclose(fp);
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  if (err) free(buf);
  RSLCHECK(comm, !err, "%s: cannot read '%s' (%s)", option, path, strerror(err));
  PetscCallMPI(MPI_Bcast(&n, 1, MPI_LONG, 0, comm));
  PetscCall(PetscMalloc1(n + 1, text));
  if (!rank) {
    PetscCall(PetscArraycpy(*text, buf, n + 1));
    free(buf);
  }
  PetscCallMPI(MPI_Bcast(*text, (PetscMPIInt)(n + 1), MPI_CHAR, 0, comm));
  {
    PetscErrorCode ierr = RslCheckTextBytes(comm, option, path, *text, (size_t)n);
    if (ierr) PetscCall(PetscFree(*text));
    PetscCall(ierr);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslCheckTextBytes(MPI_Comm comm, const char option[], const char path[], const char *text, size_t len)
{
  int line = 1;

  PetscFunctionBegin;
  for (size_t k = 0; k < len; k++) {
    unsigned char c = (unsigned char)text[k];
    if (c == '\n') line++;
    else if (c < 0x20 && c != '\t' && c != '\r') {
      RSLCHECK(comm, 0, "%s: '%s' line %d: %s byte 0x%02x: not a text file", option, path, line, c ? "control" : "NUL", c);
    } else if (c == 0x7f) RSLCHECK(comm, 0, "%s: '%s' line %d: control byte 0x7f: not a text file", option, path, line);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

char *RslNextLine(char **cursor, int *lineno)
{
  while (*cursor && **cursor) {
    char *line = *cursor, *end = strchr(line, '\n');
    if (end) {
      *end    = 0;
      *cursor = end + 1;
    } else *cursor = line + strlen(line);
    (*lineno)++;
    if (end > line && end[-1] == '\r') end[-1] = 0;
    else if (!end && line[0] && line[strlen(line) - 1] == '\r') line[strlen(line) - 1] = 0;
    while (*line == ' ' || *line == '\t') line++;
    if (*line && *line != '#') return line;
  }
  return NULL;
}

int RslSplitFields(char *line, char sep, char *f[], int maxf)
{
  int n = 0;

  for (char *p = line;;) {
    char *c = strchr(p, sep), *e;
    if (c) *c = 0;
    while (*p == ' ' || *p == '\t') p++;
    e = p + strlen(p);
    while (e > p && (e[-1] == ' ' || e[-1] == '\t')) *--e = 0;
    if (n == maxf) return maxf + 1;
    f[n++] = p;
    if (!c) return n;
    p = c + 1;
  }
}

void RslRowsBegin(RslRows *r, MPI_Comm comm, const char option[], const char path[], char *text)
{
  r->p.comm   = comm;
  r->p.option = option;
  r->p.path   = path;
  r->p.line   = 0;
  r->cur      = text;
  r->nf       = 0;
}

PetscBool RslRowsNext(RslRows *r, char sep, int maxf)
{
  char *line = RslNextLine(&r->cur, &r->p.line);

  if (!line) return PETSC_FALSE;
  if (!sep) sep = strchr(line, ';') && !strchr(line, ',') ? ';' : ',';
  r->nf = RslSplitFields(line, sep, r->f, PetscMin(maxf, RSL_ROW_MAXF));
  return PETSC_TRUE;
}
