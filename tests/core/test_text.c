/* The one text reader (core/text.h) against hand-written files: line numbers count every
 * line (blank, blank-but-for-spaces, comment and CRLF lines too), fields and separators,
 * too many fields; and the readers built on it (hyetograph series, hydro table, class
 * table) name the right line after blank lines and comments. */
#include "core/series.h"
#include "core/text.h"
#include "hydro/hydro_table.h"
#include "seg/nomenclature.h"
#include "tests/io/io_test.h"
#include <string.h>

static char last[512]; /* the message of the last error raised */

static PetscErrorCode Record(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL) PetscStrncpy(last, mess, sizeof last);
  return n;
}

/* ierr must be an error whose message holds `want`. */
static void ExpectMessage(PetscErrorCode ierr, const char want[], const char what[])
{
  IO_EXPECT(ierr && strstr(last, want), "%s: error %d, message '%s', expected '%s'", what, (int)ierr, last, want);
  last[0] = 0;
}

static void Rows(void)
{
  char    text[] = "# comment\n\nname;value\r\n  \t\n1;2\r\n\n# x\n3;4;5\n\t6 , 7";
  RslRows r;
  int     lines[8], nf[8], n = 0;

  RslRowsBegin(&r, PETSC_COMM_SELF, "-t", "t.csv", text);
  while (n < 8 && RslRowsNext(&r, 0, 2)) {
    lines[n] = r.p.line;
    nf[n++]  = r.nf;
    if (n == 1) IO_EXPECT(r.nf == 2 && !strcmp(r.f[0], "name") && !strcmp(r.f[1], "value"), "';' row: '%s' '%s'", r.f[0], r.nf > 1 ? r.f[1] : "");
    if (n == 4) IO_EXPECT(r.nf == 2 && !strcmp(r.f[0], "6") && !strcmp(r.f[1], "7"), "',' row, blanks trimmed: '%s' '%s'", r.f[0], r.f[1]);
  }
  IO_EXPECT(n == 4, "%d rows, expected 4", n);
  IO_EXPECT(n == 4 && lines[0] == 3 && lines[1] == 5 && lines[2] == 8 && lines[3] == 9, "row lines %d %d %d %d, expected 3 5 8 9", lines[0], lines[1], lines[2], lines[3]);
  IO_EXPECT(n == 4 && nf[1] == 2 && nf[2] == 3, "field counts %d %d (3 = more than the 2 asked)", nf[1], nf[2]);
  IO_EXPECT(!RslRowsNext(&r, 0, 2), "a row after the end");
}

/* Each reader on a file whose bad line comes after blank and comment lines. */
static void Readers(void)
{
  {
    char            text[] = "value,ocsge\n\n\n0,CS1\n\n# comment\n1,CS2\n  \n\r\nx,CS3\n";
    RslNomenclature nom;
    ExpectMessage(RslNomenclatureParse(PETSC_COMM_SELF, "-metrics_nomenclature", "n.csv", text, "ocsge", &nom), "'n.csv' line 10: class value 'x'", "nomenclature");
  }
  {
    char            text[] = "\n# header next\nvalue,other\n0,1\n";
    RslNomenclature nom;
    ExpectMessage(RslNomenclatureParse(PETSC_COMM_SELF, "-metrics_nomenclature", "n.csv", text, "ocsge", &nom), "(header line 3)", "nomenclature header");
  }
  {
    char      text[] = "time_s,mm_per_h\r\n\r\n0,10\r\n# pause\r\n\r\n60,x\r\n";
    RslSeries s;
    ExpectMessage(RslSeriesParse(PETSC_COMM_SELF, "-rain_hyetograph", "h.csv", text, PETSC_FALSE, PETSC_TRUE, &s), "'h.csv' line 6, column value", "series");
  }
  {
    char text[] = "# classes\n\nclass,name,manning_n,impervious_fraction,ks_m_per_s,suction_m,moisture_deficit,initial_abstraction_m\n\n"
                  "0,a,0.03,0,1e-6,0.1,0.3,0.001\n\n\n1,b,0.03,2,1e-6,0.1,0.3,0.001\n";
    RslHydroTable t;
    ExpectMessage(RslHydroTableParse(PETSC_COMM_SELF, "-hydro_table", "t.csv", text, &t), "'t.csv' line 8, column impervious_fraction", "hydro table");
  }
}

int main(int argc, char **argv)
{
  int total;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  Rows();
  PetscCall(PetscPushErrorHandler(Record, NULL));
  Readers();
  PetscCall(PetscPopErrorHandler());
  total = IoTestFinish(PETSC_COMM_WORLD, "test_text");
  PetscCall(PetscFinalize());
  return total ? 1 : 0;
}
