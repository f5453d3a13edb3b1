#include "seg/nomenclature.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rank 0 reads the whole file; every rank then parses the same bytes, so a bad table
 * fails identically everywhere. */
static PetscErrorCode ReadText(MPI_Comm comm, const char option[], const char path[], char **text)
{
  PetscMPIInt rank;
  long        len = -1;
  FILE       *f   = NULL;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0 && (f = fopen(path, "rb"))) {
    if (fseek(f, 0, SEEK_END) == 0) len = ftell(f);
    if (len > (1L << 24)) len = -2;
    rewind(f);
  }
  PetscCallMPI(MPI_Bcast(&len, 1, MPI_LONG, 0, comm));
  if (len < 0 && f) fclose(f);
  RSLCHECK(comm, len != -1, "%s: cannot read class table '%s'", option, path);
  RSLCHECK(comm, len != -2, "%s: class table '%s' is larger than 16 MB", option, path);
  PetscCall(PetscCalloc1(len + 1, text));
  if (rank == 0) {
    size_t got = fread(*text, 1, (size_t)len, f);
    fclose(f);
    if ((long)got != len) len = -1;
  }
  PetscCallMPI(MPI_Bcast(&len, 1, MPI_LONG, 0, comm));
  RSLCHECK(comm, len >= 0, "%s: error reading class table '%s'", option, path);
  PetscCallMPI(MPI_Bcast(*text, (PetscMPIInt)len, MPI_CHAR, 0, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Split line in place on commas into at most maxf trimmed fields; returns the count. */
static int SplitCSV(char *line, char **fields, int maxf)
{
  int n = 0;
  for (char *p = line; n < maxf;) {
    char *end = strchr(p, ',');
    if (end) *end = 0;
    while (isspace((unsigned char)*p)) p++;
    {
      size_t l = strlen(p);
      while (l && isspace((unsigned char)p[l - 1])) p[--l] = 0;
    }
    fields[n++] = p;
    if (!end) break;
    p = end + 1;
  }
  return n;
}

PetscErrorCode RslNomenclatureLoad(MPI_Comm comm, const char option[], const char path[], const char column[], RslNomenclature *nom)
{
  char    *text, *save = NULL, *line;
  char    *f[32];
  int      col = -1, lineno = 0, nf;
  PetscInt cap = 16;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(nom, sizeof(*nom)));
  PetscCall(PetscStrncpy(nom->path, path, sizeof(nom->path)));
  PetscCall(PetscStrncpy(nom->column, column, sizeof(nom->column)));
  for (int v = 0; v < 256; v++) nom->map[v] = -1;
  PetscCall(ReadText(comm, option, path, &text));
  PetscCall(PetscMalloc1(cap, &nom->targets));
  for (line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
    lineno++;
    if (line[0] == '#') continue;
    nf = SplitCSV(line, f, 32);
    if (col < 0) { /* header */
      for (int k = 1; k < nf; k++)
        if (!strcmp(f[k], column)) col = k;
      RSLCHECK(comm, col > 0, "%s: class table '%s' has no column '%s' (header line %d)", option, path, column, lineno);
      continue;
    }
    {
      char *end;
      long  v = strtol(f[0], &end, 10);
      RSLCHECK(comm, f[0][0] && !*end && v >= 0 && v <= 255, "%s: '%s' line %d: class value '%s' is not an integer in 0..255", option, path, lineno, f[0]);
      RSLCHECK(comm, nom->map[v] == -1, "%s: '%s' line %d: class value %ld listed twice", option, path, lineno, v);
      if (col >= nf || !f[col][0]) continue; /* no target: ignored class */
      RSLCHECK(comm, strlen(f[col]) < RSL_NOMEN_MAXCODE, "%s: '%s' line %d: code '%s' too long", option, path, lineno, f[col]);
      nom->map[v] = RslNomenclatureFind(nom, f[col]);
      if (nom->map[v] < 0) {
        if (nom->ntargets == cap) {
          char(*t)[RSL_NOMEN_MAXCODE];
          PetscCall(PetscMalloc1(2 * cap, &t));
          PetscCall(PetscArraycpy(t, nom->targets, nom->ntargets));
          PetscCall(PetscFree(nom->targets));
          nom->targets = t;
          cap *= 2;
        }
        PetscCall(PetscStrncpy(nom->targets[nom->ntargets], f[col], RSL_NOMEN_MAXCODE));
        nom->map[v] = nom->ntargets++;
      }
    }
  }
  PetscCall(PetscFree(text));
  RSLCHECK(comm, col > 0, "%s: class table '%s' is empty", option, path);
  RSLCHECK(comm, nom->ntargets > 0, "%s: class table '%s' maps no value through column '%s'", option, path, column);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslNomenclatureIdentity(PetscInt n, RslNomenclature *nom)
{
  PetscFunctionBegin;
  PetscCheck(n >= 1 && n <= 256, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "identity nomenclature of %" PetscInt_FMT " classes (1..256)", n);
  PetscCall(PetscMemzero(nom, sizeof(*nom)));
  PetscCall(PetscStrncpy(nom->path, "identity", sizeof(nom->path)));
  PetscCall(PetscMalloc1(n, &nom->targets));
  for (int v = 0; v < 256; v++) nom->map[v] = v < n ? v : -1;
  for (PetscInt v = 0; v < n; v++) PetscCall(PetscSNPrintf(nom->targets[v], RSL_NOMEN_MAXCODE, "%" PetscInt_FMT, v));
  nom->ntargets = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslNomenclatureFree(RslNomenclature *nom)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(nom->targets));
  nom->ntargets = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscInt RslNomenclatureFind(const RslNomenclature *nom, const char code[])
{
  for (PetscInt k = 0; k < nom->ntargets; k++)
    if (!strcmp(nom->targets[k], code)) return k;
  return -1;
}
