#include "seg/nomenclature.h"
#include "core/validate.h"
#include <string.h>

PetscErrorCode RslNomenclatureParse(MPI_Comm comm, const char option[], const char path[], char *text, const char column[], RslNomenclature *nom)
{
  RslRows  r;
  char   **f = r.f;
  int      col = -1, nf;
  PetscInt cap = 16;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(nom, sizeof(*nom)));
  PetscCall(PetscStrncpy(nom->path, path, sizeof(nom->path)));
  PetscCall(PetscStrncpy(nom->column, column, sizeof(nom->column)));
  for (int v = 0; v < 256; v++) nom->map[v] = -1;
  PetscCall(PetscMalloc1(cap, &nom->targets));
  RslRowsBegin(&r, comm, option, path, text);
  while (RslRowsNext(&r, ',', 32)) {
    const int lineno = r.p.line;
    PetscInt  v;
    nf = r.nf;
    if (nf > 32) PetscCall(RslNomenclatureFree(nom));
    RSLCHECK(comm, nf <= 32, "%s: '%s' line %d: more than 32 fields", option, path, lineno);
    if (col < 0) { /* header */
      for (int k = 1; k < nf; k++)
        if (!strcmp(f[k], column)) col = k;
      if (col <= 0) PetscCall(RslNomenclatureFree(nom));
      RSLCHECK(comm, col > 0, "%s: class table '%s' has no column '%s' (header line %d)", option, path, column, lineno);
      continue;
    }
    if (!RslParseInt(f[0], &v) || v < 0 || v > 255 || nom->map[v] != -1 || (col < nf && f[col][0] && strlen(f[col]) >= RSL_NOMEN_MAXCODE)) {
      char what[96];
      if (!RslParseInt(f[0], &v) || v < 0 || v > 255) PetscCall(PetscSNPrintf(what, sizeof what, "class value '%.40s' is not an integer in 0..255", f[0]));
      else if (nom->map[v] != -1) PetscCall(PetscSNPrintf(what, sizeof what, "class value %d listed twice", (int)v));
      else PetscCall(PetscSNPrintf(what, sizeof what, "code '%.40s' too long (at most %d characters)", f[col], RSL_NOMEN_MAXCODE - 1));
      PetscCall(RslNomenclatureFree(nom));
      RSLCHECK(comm, 0, "%s: '%s' line %d: %s", option, path, lineno, what);
    }
    if (col >= nf || !f[col][0]) { /* no target: ignored class, but listed */
      nom->map[v] = -2;
      continue;
    }
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
  for (int v = 0; v < 256; v++)
    if (nom->map[v] == -2) nom->map[v] = -1;
  if (col <= 0 || !nom->ntargets) PetscCall(RslNomenclatureFree(nom));
  RSLCHECK(comm, col > 0, "%s: class table '%s' is empty", option, path);
  RSLCHECK(comm, nom->ntargets > 0, "%s: class table '%s' maps no value through column '%s'", option, path, column);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslNomenclatureLoad(MPI_Comm comm, const char option[], const char path[], const char column[], RslNomenclature *nom)
{
  char          *text;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(RslReadTextFile(comm, option, path, &text));
  ierr = RslNomenclatureParse(comm, option, path, text, column, nom);
  PetscCall(PetscFree(text));
  PetscCall(ierr);
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
