/* Class -> hydraulic parameters table (-hydro_table): RslHydroTableParse. */
#include "fuzz_common.h"
#include "hydro/hydro_table.h"
#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char          *text = FuzzText(data, size);
  RslHydroTable *t;

  if (!text) return 0;
  t = (RslHydroTable *)calloc(1, sizeof *t);
  if (!RslHydroTableParse(PETSC_COMM_SELF, "-hydro_table", "fuzz.csv", text, t)) {
    for (int c = 0; c < 256; c++)
      if (t->has[c]) {
        FUZZ_ASSERT(t->p[c][HT_MANNING] > 0 && t->p[c][HT_MANNING] <= 10, "class %d: Manning %g", c, t->p[c][HT_MANNING]);
        FUZZ_ASSERT(t->p[c][HT_IMP] >= 0 && t->p[c][HT_IMP] <= 1, "class %d: imperviousness %g", c, t->p[c][HT_IMP]);
        for (int k = 0; k < HT_NPARAM; k++) FUZZ_ASSERT(isfinite(t->p[c][k]) && t->p[c][k] >= 0, "class %d column %d: %g", c, k, t->p[c][k]);
      }
    FUZZ_ASSERT(t->first >= 0 && t->first < 256 && t->has[t->first], "first class %d", (int)t->first);
  }
  free(t);
  free(text);
  return 0;
}
