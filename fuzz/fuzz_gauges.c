/* Gauges file (-swe_gauges, `name,x,y`): RslGaugesParse. */
#include "fuzz_common.h"
#include "swe/swe_files.h"
#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char        *text = FuzzText(data, size);
  PetscInt     n;
  RslGaugeRow *rows;

  if (!text) return 0;
  if (!RslGaugesParse(PETSC_COMM_SELF, "fuzz.csv", text, &n, &rows)) {
    for (PetscInt k = 0; k < n; k++) FUZZ_ASSERT(isfinite(rows[k].x) && isfinite(rows[k].y) && rows[k].name[0] && strlen(rows[k].name) < sizeof rows[k].name, "row %d", (int)k);
    PetscFree(rows);
  }
  free(text);
  return 0;
}
