/* core/help: capture of PETSc's help text, ruissel's -help, "did you mean" (help.h). */
#define _POSIX_C_SOURCE 200809L /* strtok_r (the whole library got it from the json-c include path before) */
#include "core/help.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

/* Option names of ruissel's stages: a help section holding one of them is ruissel's. */
static const char *const Prefixes[] = {"stages", "out_", "dem", "ensemble", "grid_", "swe_", "rain_", "scenario_", "hydro_", "landcover_", "seg_", "metrics_", "change_", "zones", "hazard_", "progress_", "checkpoint_", "restart", NULL};
/* Stage order of the sections, by the first option name of each (others follow). */
static const char *const Order[] = {"stages", "grid_", "seg_", "metrics_", "landcover_", "hydro_", "scenario_", "rain_", "swe_", "hazard_", "zones", "checkpoint_", NULL};

static char  *text;          /* captured help */
static size_t ntext, captext;
static int    capturing, full; /* full: -help petsc */
static int    saved_stdout = -1; /* muted while PetscInitialize prints the bits it does not route through PetscHelpPrintf */
static char **known;         /* valid names without '-' */
static int    nknown;
static PetscErrorCode (*reader)(void);

static PetscErrorCode Capture(MPI_Comm comm, const char fmt[], ...)
{
  va_list ap;
  int     n;

  (void)comm;
  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n <= 0) return PETSC_SUCCESS;
  if (ntext + (size_t)n + 1 > captext) {
    size_t cap = 2 * (ntext + (size_t)n + 1) + 4096;
    char  *t   = (char *)realloc(text, cap);
    if (!t) return PETSC_ERR_MEM;
    text    = t;
    captext = cap;
  }
  va_start(ap, fmt);
  vsnprintf(text + ntext, (size_t)n + 1, fmt, ap);
  va_end(ap);
  ntext += (size_t)n;
  return PETSC_SUCCESS;
}

/* stdout to /dev/null and back: PETSc prints some of its help (lists of types, the program's
 * help text) straight to stdout, not through PetscHelpPrintf. */
static void Mute(void)
{
  int null;
  fflush(stdout);
  if (saved_stdout >= 0 || (saved_stdout = dup(1)) < 0) return;
  if ((null = open("/dev/null", O_WRONLY)) >= 0) {
    dup2(null, 1);
    close(null);
  }
}

static void Unmute(void)
{
  if (saved_stdout < 0) return;
  fflush(stdout);
  dup2(saved_stdout, 1);
  close(saved_stdout);
  saved_stdout = -1;
}

void RslHelpInstall(int *argc, char ***argv)
{
  static char *args[1024];
  int          n = 0, help = 0;

  for (int k = 1; k < *argc; k++) {
    if (!strcmp((*argv)[k], "-help") || !strcmp((*argv)[k], "--help")) {
      if (k + 1 < *argc && !strcmp((*argv)[k + 1], "intro")) return; /* PETSc's own */
      help = 1;
    }
    if (!strcmp((*argv)[k], "-help_petsc")) help = full = 1;
  }
  if (!help) return;
  capturing       = 1;
  PetscHelpPrintf = Capture;
  Mute();
  for (int k = 0; k < *argc && n < 1020; k++) /* -help_petsc and --help -> -help (PETSc's) */
    args[n++] = !strcmp((*argv)[k], "--help") || !strcmp((*argv)[k], "-help_petsc") ? (char *)"-help" : (*argv)[k];
  args[n] = NULL;
  *argc   = n;
  *argv   = args;
}

void RslHelpInitialized(void) { Unmute(); }

void RslHelpSetReader(PetscErrorCode (*read_all)(void)) { reader = read_all; }

/* The reader, its stray output muted. */
static PetscErrorCode ReadAll(void)
{
  PetscErrorCode ierr;

  Mute();
  ierr = reader ? reader() : PETSC_SUCCESS;
  Unmute();
  return ierr;
}

/* ---- parsing the captured text ------------------------------------------------------- */

typedef struct {
  char *name, *def, *now, *desc; /* name without '-'; default; current value (or NULL); description */
} Opt;

typedef struct {
  char *title;
  Opt  *opt;
  int   nopt;
  int   ours;
} Section;

static char *Dup(const char *s, size_t n)
{
  char *d = (char *)malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = 0;
  }
  return d;
}

static int IsOurs(const char *name)
{
  for (int k = 0; Prefixes[k]; k++)
    if (!strncmp(name, Prefixes[k], strlen(Prefixes[k]))) return 1;
  return 0;
}

/* "  -name <now A : formerly B>: description (man)" and PETSc's other forms -> o. */
static int ParseOption(const char *line, Opt *o)
{
  const char *p = line, *e;
  size_t      n;

  memset(o, 0, sizeof *o);
  while (*p == ' ') p++;
  if (*p != '-' || p[1] == '-' || p[1] == ' ' || !p[1]) return 0;
  p++;
  for (e = p; *e && *e != ' ' && *e != ':' && *e != '<'; e++) {}
  o->name = Dup(p, (size_t)(e - p));
  p       = e;
  while (*p == ' ' || *p == ':') p++;
  if (*p == '<') { /* <now A : formerly B>, <A : B> (bools: default : value), <a,b,...> */
    int depth = 0;
    for (e = p; *e; e++) {
      depth += *e == '<';
      depth -= *e == '>';
      if (!depth) break;
    }
    n = (size_t)(e - p - 1);
    {
      char *v = Dup(p + 1, n), *sep = strstr(v, " : ");
      if (sep) {
        *sep = 0;
        if (!strncmp(v, "now ", 4)) { /* now A : formerly B */
          o->now = Dup(v + 4, strlen(v + 4));
          o->def = Dup(sep + 3 + (strncmp(sep + 3, "formerly ", 9) ? 0 : 9), strlen(sep + 3 + (strncmp(sep + 3, "formerly ", 9) ? 0 : 9)));
        } else { /* reals and bools: value : default */
          o->now = Dup(v, strlen(v));
          o->def = Dup(sep + 3, strlen(sep + 3));
        }
        free(v);
      } else o->def = v;
    }
    p = *e ? e + 1 : e;
    while (*p == ' ' || *p == ':') p++;
  }
  e = p + strlen(p);
  while (e > p && (e[-1] == '\n' || e[-1] == ' ')) e--;
  if (e > p && e[-1] == ')') { /* drop the trailing "(ManualPage)" */
    const char *q = e - 1;
    int         depth = 0;
    for (; q >= p; q--) {
      depth += *q == ')';
      depth -= *q == '(';
      if (!depth) break;
    }
    if (q >= p && !strstr(q, " ")) e = q;
    while (e > p && e[-1] == ' ') e--;
  }
  o->desc = Dup(p, (size_t)(e - p));
  if (o->now && o->def && !strcmp(o->now, o->def)) {
    free(o->now);
    o->now = NULL;
  }
  return o->name && o->desc;
}

static void FreeSections(Section *s, int ns)
{
  for (int k = 0; k < ns; k++) {
    for (int o = 0; o < s[k].nopt; o++) {
      free(s[k].opt[o].name);
      free(s[k].opt[o].def);
      free(s[k].opt[o].now);
      free(s[k].opt[o].desc);
    }
    free(s[k].opt);
    free(s[k].title);
  }
  free(s);
}

/* Sections of the captured text (a section starts after a line of dashes). */
static Section *Parse(int *nsec)
{
  Section *s  = NULL;
  int      ns = 0, after_rule = 0;
  char    *copy = text ? Dup(text, ntext) : NULL, *save = NULL;

  *nsec = 0;
  if (!copy) return NULL;
  for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    Opt o;
    if (!strncmp(line, "-----", 5)) {
      after_rule = 1;
      continue;
    }
    if (after_rule || !ns) { /* a title line */
      Section *t = (Section *)realloc(s, sizeof(Section) * (size_t)(ns + 1));
      if (!t) break;
      s = t;
      memset(&s[ns], 0, sizeof(Section));
      s[ns++].title = Dup(line, strlen(line) - (line[strlen(line) - 1] == ':' ? 1 : 0));
      after_rule    = 0;
      if (line[0] != ' ' || strncmp(line, "  -", 3)) continue;
    }
    if (ParseOption(line, &o)) {
      Section *c = &s[ns - 1];
      Opt     *t = (Opt *)realloc(c->opt, sizeof(Opt) * (size_t)(c->nopt + 1));
      if (!t) break;
      c->opt          = t;
      c->opt[c->nopt++] = o;
      c->ours |= IsOurs(o.name);
    }
  }
  free(copy);
  *nsec = ns;
  return s;
}

/* ---- printing ---------------------------------------------------------------------- */

static int Rank(const Section *s)
{
  for (int k = 0; Order[k]; k++)
    if (s->nopt && !strncmp(s->opt[0].name, Order[k], strlen(Order[k]))) return k + 1;
  return s->nopt && !strncmp(s->opt[0].name, "stages", 6) ? 0 : 100;
}

static void PrintWrapped(FILE *fp, const char *head, const char *desc, const char *now)
{
  char   buf[4096];
  size_t col = 36, width = 100, pos;
  snprintf(buf, sizeof buf, "%s%s%s%s", desc, now ? " [now: " : "", now ? now : "", now ? "]" : "");
  fprintf(fp, "  %-*s", (int)col - 2, head);
  if (strlen(head) > col - 3) fprintf(fp, "\n%*s", (int)col, "");
  pos = col;
  for (char *w = strtok(buf, " "); w; w = strtok(NULL, " ")) {
    if (pos + strlen(w) + 1 > width && pos > col) {
      fprintf(fp, "\n%*s", (int)col, "");
      pos = col;
    }
    fprintf(fp, "%s%s", pos > col ? " " : "", w);
    pos += strlen(w) + (pos > col);
  }
  fputc('\n', fp);
}

PetscErrorCode RslHelpPrint(MPI_Comm comm, const char intro[], const char *const extra[])
{
  PetscMPIInt rank;
  int         ns, *order;
  Section    *s;

  PetscFunctionBegin;
  PetscCall(ReadAll());
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!capturing || rank) PetscFunctionReturn(PETSC_SUCCESS);
  s = Parse(&ns);
  order = (int *)calloc((size_t)ns + 1, sizeof(int));
  for (int k = 0; k < ns; k++) order[k] = k;
  for (int a = 1; a < ns; a++) /* stable insertion sort by stage */
    for (int b = a; b > 0 && Rank(&s[order[b]]) < Rank(&s[order[b - 1]]); b--) {
      int t        = order[b];
      order[b]     = order[b - 1];
      order[b - 1] = t;
    }
  fputs(intro, stdout);
  printf("\nOptions by stage: -name <default> description [now: the value given]. -help_petsc also lists\n"
         "PETSc's own options (logging -log_view, debugging, DMDA); -options_file FILE reads options from a file.\n");
  for (int i = 0; i < ns; i++) {
    Section *c = &s[order[i]];
    if (!c->ours || !c->nopt) continue;
    printf("\n%s:\n", c->title);
    for (int o = 0; o < c->nopt; o++) {
      char head[512];
      snprintf(head, sizeof head, "-%s%s%s%s", c->opt[o].name, c->opt[o].def ? " <" : "", c->opt[o].def ? c->opt[o].def : "", c->opt[o].def ? ">" : "");
      PrintWrapped(stdout, head, c->opt[o].desc, c->opt[o].now);
    }
    if (i == 0 && extra)
      for (int e = 0; extra[e]; e++) {
        char        head[256];
        const char *tab = strchr(extra[e], '\t');
        snprintf(head, sizeof head, "%.*s", tab ? (int)(tab - extra[e]) : (int)strlen(extra[e]), extra[e]);
        PrintWrapped(stdout, head, tab ? tab + 1 : "", NULL);
      }
  }
  if (full && text) {
    printf("\n======================================== PETSc ========================================\n");
    fputs(text, stdout);
  }
  fflush(stdout);
  free(order);
  FreeSections(s, ns);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- valid names and suggestions -------------------------------------------------------- */

static void KnownFromText(void)
{
  int      ns;
  Section *s = Parse(&ns);

  for (int k = 0; k < ns; k++)
    for (int o = 0; o < s[k].nopt; o++) {
      char **t = (char **)realloc(known, sizeof(char *) * (size_t)(nknown + 1));
      if (!t) break;
      known           = t;
      known[nknown++] = Dup(s[k].opt[o].name, strlen(s[k].opt[o].name));
    }
  FreeSections(s, ns);
}

PetscErrorCode RslHelpPrepare(void)
{
  PetscOptions db;
  PetscErrorCode (*saved)(MPI_Comm, const char[], ...) = PetscHelpPrintf;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  if (known) PetscFunctionReturn(PETSC_SUCCESS);
  if (capturing) { /* a -help run: its own text */
    KnownFromText();
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (!reader) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscOptionsCreate(&db));
  PetscCall(PetscOptionsInsertString(db, "-help"));
  PetscCall(PetscOptionsPush(db));
  PetscHelpPrintf = Capture;
  ierr            = ReadAll();
  PetscHelpPrintf = saved;
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&db));
  PetscCall(ierr);
  KnownFromText();
  free(text);
  text  = NULL;
  ntext = captext = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscBool RslHelpIsKnown(const char name[])
{
  if (!known) return PETSC_TRUE;
  for (int k = 0; k < nknown; k++)
    if (!strcmp(known[k], name + (name[0] == '-'))) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions). */
static int Distance(const char *a, const char *b)
{
  int la = (int)strlen(a), lb = (int)strlen(b), d[64][64];

  if (la > 62 || lb > 62) return 99;
  for (int i = 0; i <= la; i++) d[i][0] = i;
  for (int j = 0; j <= lb; j++) d[0][j] = j;
  for (int i = 1; i <= la; i++)
    for (int j = 1; j <= lb; j++) {
      int c = a[i - 1] != b[j - 1], v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + c < v) v = d[i - 1][j - 1] + c;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v) v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  return d[la][lb];
}

void RslHelpSuggest(const char given[], char suggestion[], size_t len)
{
  const char *g    = given + (given[0] == '-');
  int         best = 99, lg = (int)strlen(g), limit = lg <= 5 ? 1 : lg <= 10 ? 2 : 3;
  const char *pick = NULL;

  suggestion[0] = 0;
  if (!known || RslHelpIsKnown(given)) return;
  for (int k = 0; k < nknown; k++) {
    int d = Distance(g, known[k]), lk = (int)strlen(known[k]);
    if (lk >= 3 && lk < lg && !strcmp(g + lg - lk, known[k]) && (g[lg - lk - 1] == '_')) d = PetscMin(d, limit); /* -swe_rain_rate */
    if (d < best) {
      best = d;
      pick = known[k];
    }
  }
  if (pick && best <= limit) snprintf(suggestion, len, "-%s", pick);
}
