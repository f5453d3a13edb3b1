/* The validation layer's rules (core/validate.h, grid/grid.h) against hand-written
 * expectations: whole-field numbers, ranges, field splitting, options-file grammar (the
 * cases PETSc 3.18 would stop rank 0 on), the rank split of small grids (PETSc's choice
 * when it fits: DMDACreate2d with it must succeed), the size limits; the output-name rule. */
#include "core/validate.h"
#include "grid/grid.h"
#include "tests/io/io_test.h"
#include <math.h>
#include <string.h>

static void Numbers(void)
{
  static const struct {
    const char *s;
    int         ok;
    double      v;
  } R[] = {{"1", 1, 1},       {" -2.5e3 ", 1, -2500}, {"\t.5", 1, 0.5},  {"1e-999", 1, 0},    {"+7", 1, 7},     {"nan", 0, 0},    {"NaN", 0, 0},
           {"inf", 0, 0},     {"-Infinity", 0, 0},    {"1e999", 0, 0},   {"0x10", 0, 0},      {"10abc", 0, 0},  {"5 mm", 0, 0},   {"", 0, 0},
           {"   ", 0, 0},     {"1,5", 0, 0},          {"--1", 0, 0},     {"1e", 0, 0},        {".", 0, 0},      {"1.2.3", 0, 0}};
  for (size_t k = 0; k < sizeof R / sizeof R[0]; k++) {
    double v  = -42;
    int    ok = RslParseReal(R[k].s, &v);
    IO_EXPECT(ok == R[k].ok && (!ok || v == R[k].v), "RslParseReal('%s') = %d, %g", R[k].s, ok, v);
  }
  PetscInt i = 0;
  IO_EXPECT(RslParseInt(" 42 ", &i) && i == 42, "RslParseInt(' 42 ')");
  IO_EXPECT(!RslParseInt("4.2", &i) && !RslParseInt("1e3", &i) && !RslParseInt("x", &i) && !RslParseInt("99999999999999999999", &i) /* beyond any PetscInt */, "RslParseInt accepts junk");
  IO_EXPECT(RslInRange(0.5, RSL_FRACTION) && !RslInRange(NAN, RSL_FINITE) && !RslInRange(INFINITY, RSL_NONNEG) && !RslInRange(0, RSL_POSITIVE) && RslInRange(0, RSL_NONNEG) && !RslInRange(0, RSL_MANNING) && RslInRange(10, RSL_MANNING), "RslInRange");
  char buf[64];
  RslRangeText(RSL_MANNING, buf, sizeof buf);
  IO_EXPECT(!strcmp(buf, "in (0, 10]"), "range text '%s'", buf);
  RslRangeText(RSL_NONNEG, buf, sizeof buf);
  IO_EXPECT(!strcmp(buf, ">= 0"), "range text '%s'", buf);
  char line[] = " a , b,,c ", *f[4];
  int  n = RslSplitFields(line, ',', f, 4);
  IO_EXPECT(n == 4 && !strcmp(f[0], "a") && !strcmp(f[1], "b") && !f[2][0] && !strcmp(f[3], "c"), "split: %d fields", n);
  char line2[] = "1,2,3";
  IO_EXPECT(RslSplitFields(line2, ',', f, 2) == 3, "split must report more fields than room");
}

/* The output-name rule (core/rsl.h): every derived file name of a run. */
static void OutputNames(void)
{
  static const struct {
    const char *out, *member, *suffix, *want;
  } C[] = {{"dir/run.h5", NULL, ".xmf", "dir/run.xmf"},        {"run.h5", "2050", ".h5", "run_2050.h5"}, {"run.h5", NULL, ".ckpt.h5", "run.ckpt.h5"},
           {"run", NULL, "_classes.tif", "run_classes.tif"},   {"a.h5.h5", NULL, "_summary.csv", "a.h5_summary.csv"},
           {"ck.hdf", "m1", ".h5", "ck.hdf_m1.h5"}};
  for (size_t k = 0; k < sizeof C / sizeof C[0]; k++) {
    char name[64] = "";
    IO_EXPECT(!RslOutputName(C[k].out, C[k].member, C[k].suffix, name, sizeof name) && !strcmp(name, C[k].want), "RslOutputName('%s', %s, '%s') = '%s', expected '%s'", C[k].out, C[k].member ? C[k].member : "NULL", C[k].suffix, name, C[k].want);
  }
}

static void OptionsText(void)
{
  static const struct {
    const char *text, *why; /* why: a fragment of the error, NULL when the text is fine */
  } C[] = {
    {"-a 1\n# comment\n\n  -b \"two words\" # trailing comment\n-d\r\n-e -1e3\n-f value\n", NULL},
    {"-a 1 -b 2\n", "two options on one line"}, {"-a 1 2\n", "more than one value"}, {"a 1\n", "neither an option"},
    {"-1a x\n", "not an option name"},         {"-a nan\n", "not a finite number"},   {"-a 1,inf,3\n", "not a finite number"},
    {"-a -inf\n", "not a finite number"},       {"-a 1e999\n", "not a finite number"},  {"-a 1\x01\n", "control byte"},
    {"alias -c -a\n", "alias lines are not supported"}, {"-Options_File\n", "needs a file name"}, {"-prefix_push x_\n", "not supported"},
    {"-a \"1 -y -inf\"\n", "not a finite number"}, {"\"-a \" 1\n", "option name in quotes"}, {"-a x\"y\n", "inside a word"},
    {"-a 1\r-b 2\n", "carriage return"},
  };
  for (size_t k = 0; k < sizeof C / sizeof C[0]; k++) {
    char err[256];
    int  ok = RslOptionsTextCheck("t.opts", C[k].text, strlen(C[k].text), err, sizeof err, NULL, NULL);
    IO_EXPECT(C[k].why ? (!ok && strstr(err, C[k].why)) : ok, "options text %zu: ok=%d err='%s'", k, ok, err);
  }
  char err[256];
  IO_EXPECT(!RslOptionsTextCheck("t.opts", "-a 1\n\0", 6, err, sizeof err, NULL, NULL) && strstr(err, "line 2: NUL byte"), "NUL byte: '%s'", err);
}

static PetscErrorCode Split(void)
{
  PetscInt m, n;

  PetscFunctionBegin;
  IO_EXPECT(RslGridSplit(20, 15, 2, 3, &m, &n) && m == 3 && n == 1, "20x15 on 3 ranks: %dx%d", (int)m, (int)n); /* PETSc's own choice */
  IO_EXPECT(RslGridSplit(400, 3, 2, 4, &m, &n) && m == 4 && n == 1, "400x3 on 4 ranks: %dx%d", (int)m, (int)n);
  IO_EXPECT(RslGridSplit(3, 400, 2, 4, &m, &n) && m == 1 && n == 4, "3x400 on 4 ranks: %dx%d", (int)m, (int)n);
  IO_EXPECT(!RslGridSplit(3, 3, 2, 3, &m, &n), "3x3 on 3 ranks must not fit");
  IO_EXPECT(RslGridSplit(3, 3, 2, 1, &m, &n) && m == 1 && n == 1, "3x3 on 1 rank");
  IO_EXPECT(!RslGridSplit(7, 7, 2, 5, &m, &n), "7x7 on 5 ranks (prime) must not fit");
  /* whatever the split, DMDACreate2d accepts it on this communicator */
  {
    const PetscInt sizes[][2] = {{20, 15}, {400, 3}, {3, 400}, {5, 5}, {64, 2}};
    PetscMPIInt    size;
    PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
      const double gt[6] = {0, 1, 0, 0, 0, -1};
      RslGrid     *g;
      if (!RslGridSplit(sizes[k][0], sizes[k][1], 2, size, &m, &n)) continue;
      PetscCall(RslGridCreate(PETSC_COMM_WORLD, sizes[k][0], sizes[k][1], gt, "", 2, PETSC_DECIDE, PETSC_DECIDE, NULL, NULL, &g));
      IO_EXPECT(g->xm >= 2 && g->ym >= 2, "%dx%d: a block of %dx%d", (int)sizes[k][0], (int)sizes[k][1], (int)g->xm, (int)g->ym);
      PetscCall(RslGridDestroy(&g));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A collective check must fail on every rank (PETSc errors returned, not printed). */
static void ExpectError(PetscErrorCode ierr, const char what[])
{
  int bad = ierr != 0, all;
  MPI_Allreduce(&bad, &all, 1, MPI_INT, MPI_MIN, PETSC_COMM_WORLD);
  IO_EXPECT(all, "%s: not an error on every rank", what);
}

int main(int argc, char **argv)
{
  PetscInt m, n;
  int      total;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  Numbers();
  OutputNames();
  OptionsText();
  PetscCall(Split());
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ExpectError(RslGridCheckSize(PETSC_COMM_WORLD, "-dem", "x.tif", 100, 100, 1e-9, 1e-9, 2, &m, &n), "1e-9 m cells");
  ExpectError(RslGridCheckSize(PETSC_COMM_WORLD, "-dem", "x.tif", 100, 100, NAN, 1, 2, &m, &n), "NaN cell size");
  /* more cells than PetscInt indexes (3 unknowns per cell): 1e12 with 32-bit indices, 4e18 with 64-bit */
  const PetscInt side = sizeof(PetscInt) == 8 ? (PetscInt)2000000000 : (PetscInt)1000000;
  ExpectError(RslGridCheckSize(PETSC_COMM_WORLD, "-dem", "x.tif", side, side, 1, 1, 2, &m, &n), "more cells than PetscInt indexes");
  ExpectError(RslCheckOptionReal(PETSC_COMM_WORLD, "-x", NAN, RSL_FINITE), "NaN option");
  {
    char       text[] = "name,x,y\n";
    RslTextPos p      = {PETSC_COMM_WORLD, "-t", "t.csv", 3};
    double     v;
    ExpectError(RslFieldReal(&p, "x", "1e400", RSL_FINITE, &v), "1e400 field");
    ExpectError(RslFieldReal(&p, "x", "-1", RSL_NONNEG, &v), "negative field");
    ExpectError(RslCheckTextBytes(PETSC_COMM_WORLD, "-t", "t.csv", "a\0b", 3), "NUL byte");
    IO_EXPECT(!RslCheckTextBytes(PETSC_COMM_WORLD, "-t", "t.csv", text, strlen(text)), "plain text refused");
  }
  PetscCall(PetscPopErrorHandler());
  total = IoTestFinish(PETSC_COMM_WORLD, "test_validate");
  PetscCall(PetscFinalize());
  return total ? 1 : 0;
}
