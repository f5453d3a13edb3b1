/* core/validate: options files checked before PETSc reads them, and option values after
 * (validate.h). The file grammar mirrors PetscOptionsInsertFile of PETSc 3.18; the fuzz
 * target fuzz_options checks that PETSc accepts every file this accepts. */
#include "core/validate.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RSL_OPTIONS_FILE_MAX (16L << 20) /* bytes */
#define RSL_OPTIONS_DEPTH    8           /* nested -options_file levels */

/* PetscOptionsValidKey: "-name" (or "--name") whose first character is a letter and which
 * is not a number such as -inf or -1e3. */
static int ValidKey(const char *key)
{
  char *end;

  if (!key || key[0] != '-') return 0;
  if (key[1] == '-') key++;
  if (!isalpha((unsigned char)key[1])) return 0;
  (void)strtod(key, &end);
  if (end != key && !(*end == '_' || isalnum((unsigned char)*end))) return 0;
  return 1;
}

/* PETSc option names are case-insensitive: the first n characters of a and b (n = -1:
 * whole strings) are equal ignoring case. */
static int SameName(const char *a, const char *b, int n)
{
  for (int k = 0; n < 0 || k < n; k++) {
    if (tolower((unsigned char)a[k]) != tolower((unsigned char)b[k])) return 0;
    if (!a[k]) return 1;
  }
  return 1;
}

/* A value, or an element of a comma-separated array value, that reads wholly as a number
 * (as PETSc's strtod would) but is not finite: "nan", "-inf", "1e999", "1,nan,3". */
static int NonFinite(const char *v)
{
  while (v && *v) {
    char  *end;
    double x = strtod(v, &end);
    while (*end == ' ') end++;
    if (end != v && (!*end || *end == ',') && !isfinite(x)) return 1;
    v = strchr(v, ',');
    if (v) v++;
  }
  return 0;
}

/* A value with a non-finite number in it, word by word: a quoted value holds spaces, and
 * RslCheckOptionValues, reading PETSc's table back, sees its words one by one. */
static int NonFiniteWords(const char *v)
{
  while (v && *v) {
    size_t n = strcspn(v, " ");
    if (n) {
      char *word = malloc(n + 1);
      int   bad  = 1;
      if (word) {
        memcpy(word, v, n);
        word[n] = 0;
        bad     = NonFinite(word);
      }
      free(word);
      if (bad) return 1;
    }
    v += n;
    while (*v == ' ') v++;
  }
  return 0;
}

/* A '"' that neither opens a token nor closes one (PETSc's tokenizer and NextToken would
 * split such a line differently). */
static int StrayQuote(const char *s)
{
  int open = 0;

  for (const char *p = s; *p; p++) {
    if (*p != '"') continue;
    if (!open && p != s && p[-1] != ' ') return 1;
    if (open && p[1] && p[1] != ' ') return 1;
    open = !open;
  }
  return 0;
}

/* PetscTokenFind on a copy: tokens separated by runs of spaces; a token opening with '"'
 * runs to the next '"'. Returns the next token or NULL. */
static char *NextToken(char **cur)
{
  char *p = *cur, *tok, stop = ' ';

  if (!p || !*p) return NULL;
  tok = p;
  if (*p == '"') {
    stop = '"';
    tok  = ++p;
  }
  for (;; p++) {
    if (*p == stop) {
      *p++ = 0;
      while (*p == ' ') p++;
      *cur = p;
      return tok;
    }
    if (!*p) {
      *cur = NULL;
      return tok;
    }
  }
}

static int Fail(char err[], size_t errlen, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return 0;
}

int RslOptionsTextCheck(const char path[], const char *text, size_t len, char err[], size_t errlen, int (*include)(const char *, void *), void *ctx)
{
  char  *buf;
  size_t start = 0;
  int    line  = 0, ok = 1;

  err[0] = 0;
  for (size_t k = 0; k < len; k++) {
    unsigned char c = (unsigned char)text[k];
    /* a CR must end a line (CRLF): PETSc breaks lines at a lone CR, the check would not */
    if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f || (c == '\r' && k + 1 < len && text[k + 1] != '\n')) {
      int l = 1;
      for (size_t q = 0; q < k; q++) l += text[q] == '\n';
      if (c == '\r') return Fail(err, errlen, "'%s' line %d: a carriage return inside a line (old Mac line endings?): not an options file", path, l);
      return Fail(err, errlen, "'%s' line %d: %s byte 0x%02x: not an options file", path, l, c ? "control" : "NUL", c);
    }
  }
  if (!(buf = malloc(len + 1))) return Fail(err, errlen, "'%s': out of memory", path);
  while (ok && start < len) {
    size_t end = start;
    char  *s, *cur, *tok[4];
    int    n = 0;
    while (end < len && text[end] != '\n') end++;
    memcpy(buf, text + start, end - start);
    buf[end - start] = 0;
    start            = end + 1;
    line++;
    if ((s = strchr(buf, '#'))) *s = 0;
    for (s = buf; *s; s++)
      if (*s == '\t' || *s == '\r') *s = ' ';
    if (StrayQuote(buf)) {
      ok = Fail(err, errlen, "'%s' line %d: a '\"' inside a word: quote whole values only (-name \"a value\")", path, line);
      continue;
    }
    cur = buf;
    while (*cur == ' ') cur++;
    while (n < 4 && (tok[n] = NextToken(&cur))) n++;
    if (!n) continue;
    if (tok[0] != buf && tok[0][-1] == '"') ok = Fail(err, errlen, "'%s' line %d: an option name in quotes (\"%.64s\"): write it without quotes", path, line, tok[0]);
    else if (tok[0][0] == '-') {
      if (!ValidKey(tok[0])) ok = Fail(err, errlen, "'%s' line %d: '%.64s' is not an option name", path, line, tok[0]);
      else if ((n > 1 && ValidKey(tok[1])) || (n > 2 && ValidKey(tok[2]))) ok = Fail(err, errlen, "'%s' line %d: two options on one line (%.64s ... %.64s)", path, line, tok[0], ValidKey(tok[1]) ? tok[1] : tok[2]);
      else if (n > 2) ok = Fail(err, errlen, "'%s' line %d: %.64s: more than one value ('%.64s')", path, line, tok[0], tok[2]);
      else if (n > 1 && NonFiniteWords(tok[1])) ok = Fail(err, errlen, "'%s' line %d: %.64s: '%.64s' is not a finite number", path, line, tok[0], tok[1]);
      else if (SameName(tok[0], "-options_file", -1)) {
        if (n < 2 || !tok[1][0]) ok = Fail(err, errlen, "'%s' line %d: -options_file needs a file name", path, line);
        else if (include && include(tok[1], ctx)) ok = 0;
      } else if (SameName(tok[0], "-prefix_push", -1) || SameName(tok[0], "-prefix_pop", -1) || SameName(tok[0], "-options_file_yaml", -1) || SameName(tok[0], "-options_string_yaml", -1))
        ok = Fail(err, errlen, "'%s' line %d: %s is not supported in ruissel options files", path, line, tok[0]);
    } else {
      /* alias lines are refused: PETSc holds at most 25 over all files (then stops rank 0 alone) */
      if (SameName(tok[0], "alias", -1)) ok = Fail(err, errlen, "'%s' line %d: alias lines are not supported in ruissel options files (write the option's own name)", path, line);
      else ok = Fail(err, errlen, "'%s' line %d: '%.64s' is neither an option (-name value) nor a comment (#)", path, line, tok[0]);
    }
  }
  free(buf);
  return ok;
}

typedef struct {
  int    depth;
  char  *err;
  size_t errlen;
} IncludeCtx;

static int CheckFile(const char *path, IncludeCtx *ic);

static int Include(const char *file, void *ctx)
{
  IncludeCtx *ic = (IncludeCtx *)ctx;
  if (ic->depth >= RSL_OPTIONS_DEPTH) return !Fail(ic->err, ic->errlen, "'%s': options files nested more than %d deep (does a file include itself?)", file, RSL_OPTIONS_DEPTH);
  return !CheckFile(file, ic);
}

/* Read path and check it (and what it includes); 0 with ic->err set on a problem. */
static int CheckFile(const char *path, IncludeCtx *ic)
{
  FILE *fp = fopen(path, "rb");
  char *text;
  long  n = -1;
  int   ok;

  if (!fp) return Fail(ic->err, ic->errlen, "-options_file: cannot read '%s' (%s)", path, strerror(errno));
  if (fseek(fp, 0, SEEK_END) == 0) n = ftell(fp);
  if (n < 0 || n > RSL_OPTIONS_FILE_MAX) {
    fclose(fp);
    return Fail(ic->err, ic->errlen, "-options_file: '%s' is not a readable options file (%s)", path, n < 0 ? "not a regular file" : "larger than 16 MB");
  }
  rewind(fp);
  text = malloc((size_t)n + 1);
  ok   = text && fread(text, 1, (size_t)n, fp) == (size_t)n;
  fclose(fp);
  if (!ok) {
    free(text);
    return Fail(ic->err, ic->errlen, "-options_file: cannot read '%s'", path);
  }
  ic->depth++;
  ok = RslOptionsTextCheck(path, text, (size_t)n, ic->err, ic->errlen, Include, ic);
  ic->depth--;
  free(text);
  if (!ok && strncmp(ic->err, "-options_file", 13)) { /* name the option once, at the top */
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "-options_file: %s", ic->err);
    snprintf(ic->err, ic->errlen, "%s", tmp);
  }
  return ok;
}

PetscErrorCode RslCheckOptionsFile(MPI_Comm comm, const char option[], const char path[])
{
  PetscMPIInt rank;
  char        err[1024] = "";
  int         ok        = 1;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    IncludeCtx ic = {0, err, sizeof err};
    ok            = CheckFile(path, &ic);
  }
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(err, sizeof err, MPI_CHAR, 0, comm));
  /* CheckFile names -options_file; here the file came from `option` */
  RSLCHECK(comm, ok, "%s: %s", option, !strncmp(err, "-options_file: ", 15) ? err + 15 : err);
  PetscFunctionReturn(PETSC_SUCCESS);
}

int RslOptionsFilesCheck(int argc, char **argv, char err[], size_t errlen)
{
  IncludeCtx ic = {0, err, errlen};

  err[0] = 0;
  for (int k = 1; k < argc; k++) {
    if (!SameName(argv[k], "-options_file", -1)) continue;
    if (k + 1 >= argc || ValidKey(argv[k + 1]) || !argv[k + 1][0]) return Fail(err, errlen, "-options_file: no file name given");
    if (!CheckFile(argv[++k], &ic)) return 0;
  }
  return 1;
}

PetscErrorCode RslCheckOptionValues(MPI_Comm comm)
{
  char *all, *cur, *tok, *name = NULL;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetAll(NULL, &all));
  cur = all;
  while (*cur == ' ') cur++;
  /* "-name value -name value ...": a value is what follows a name up to the next name */
  while ((tok = NextToken(&cur))) {
    if (ValidKey(tok)) name = tok;
    else if (name && NonFinite(tok)) {
      char msg[256];
      PetscCall(PetscSNPrintf(msg, sizeof msg, "%s: '%s' is not a finite number", name, tok));
      PetscCall(PetscFree(all));
      RSLCHECK(comm, 0, "%s", msg);
    }
  }
  PetscCall(PetscFree(all));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscBool RslOptionsNameOfValue(const char value[], char name[], size_t len)
{
  char     *all = NULL, *cur, *tok, *key = NULL;
  PetscBool found = PETSC_FALSE;

  if (PetscOptionsGetAll(NULL, &all) || !all) return PETSC_FALSE;
  cur = all;
  while (*cur == ' ') cur++;
  while (!found && (tok = NextToken(&cur))) {
    if (ValidKey(tok)) key = tok;
    else if (key && !strcmp(tok, value)) {
      snprintf(name, len, "%s", key);
      found = PETSC_TRUE;
    }
  }
  (void)PetscFree(all);
  return found;
}
