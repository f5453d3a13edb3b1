/* core/validate: numbers, ranges, fields and bytes of text inputs (validate.h). */
#include "core/validate.h"
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

PetscBool RslInRange(double v, RslRange r)
{
  if (!isfinite(v)) return PETSC_FALSE;
  if (r.lo_open ? !(v > r.lo) : !(v >= r.lo)) return PETSC_FALSE;
  if (r.hi_open ? !(v < r.hi) : !(v <= r.hi)) return PETSC_FALSE;
  return PETSC_TRUE;
}

void RslRangeText(RslRange r, char buf[], size_t len)
{
  PetscBool nolo = (PetscBool)(r.lo <= -PETSC_MAX_REAL), nohi = (PetscBool)(r.hi >= PETSC_MAX_REAL);

  if (nolo && nohi) snprintf(buf, len, "finite");
  else if (nohi) snprintf(buf, len, "%s %g", r.lo_open ? ">" : ">=", r.lo);
  else if (nolo) snprintf(buf, len, "%s %g", r.hi_open ? "<" : "<=", r.hi);
  else snprintf(buf, len, "in %c%g, %g%c", r.lo_open ? '(' : '[', r.lo, r.hi, r.hi_open ? ')' : ']');
}

static const char *SkipBlanks(const char *s)
{
  while (*s == ' ' || *s == '\t') s++;
  return s;
}

PetscBool RslParseReal(const char *s, double *v)
{
  const char *p;
  char       *end;
  double      x;

  if (!s) return PETSC_FALSE;
  s = SkipBlanks(s);
  /* decimal only: strtod would also take "inf", "nan", "0x1p3" and locale-specific forms */
  for (p = s; *p && strchr("0123456789+-.eE", *p); p++) {}
  if (p == s || *SkipBlanks(p)) return PETSC_FALSE;
  errno = 0;
  x     = strtod(s, &end);
  if (end != p || !isfinite(x)) return PETSC_FALSE;
  *v = x;
  return PETSC_TRUE;
}

PetscBool RslParseInt(const char *s, PetscInt *v)
{
  char     *end;
  long long x;

  if (!s) return PETSC_FALSE;
  s = SkipBlanks(s);
  if (!(*s >= '0' && *s <= '9') && !((*s == '-' || *s == '+') && s[1] >= '0' && s[1] <= '9')) return PETSC_FALSE;
  errno = 0;
  x     = strtoll(s, &end, 10);
  if (errno || *SkipBlanks(end) || x < PETSC_MIN_INT || x > PETSC_MAX_INT) return PETSC_FALSE;
  *v = (PetscInt)x;
  return PETSC_TRUE;
}

PetscErrorCode RslCheckOptionReal(MPI_Comm comm, const char opt[], double v, RslRange r)
{
  char want[64];

  PetscFunctionBegin;
  RslRangeText(r, want, sizeof want);
  RSLCHECK(comm, RslInRange(v, r), "%s: %g must be %s", opt, v, want);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslFieldReal(const RslTextPos *p, const char column[], const char *text, RslRange r, double *v)
{
  char want[64];

  PetscFunctionBegin;
  RSLCHECK(p->comm, RslParseReal(text, v), "%s: '%s' line %d, column %s: '%.40s' is not a finite decimal number", p->option, p->path, p->line, column, text);
  RslRangeText(r, want, sizeof want);
  RSLCHECK(p->comm, RslInRange(*v, r), "%s: '%s' line %d, column %s: %g must be %s", p->option, p->path, p->line, column, *v, want);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslFieldInt(const RslTextPos *p, const char column[], const char *text, PetscInt lo, PetscInt hi, PetscInt *v)
{
  PetscFunctionBegin;
  RSLCHECK(p->comm, RslParseInt(text, v), "%s: '%s' line %d, column %s: '%.40s' is not an integer", p->option, p->path, p->line, column, text);
  RSLCHECK(p->comm, *v >= lo && *v <= hi, "%s: '%s' line %d, column %s: %" PetscInt_FMT " must be in %" PetscInt_FMT "..%" PetscInt_FMT, p->option, p->path, p->line, column, *v, lo, hi);
  PetscFunctionReturn(PETSC_SUCCESS);
}
