/* Boundary segments file (-swe_bc_segments, `side,start,end,type[,value]`): RslSegmentsParse. */
#include "fuzz_common.h"
#include "swe/swe_files.h"
#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char          *text = FuzzText(data, size);
  PetscInt       n;
  RslSegmentRow *rows;

  if (!text) return 0;
  if (!RslSegmentsParse(PETSC_COMM_SELF, "fuzz.csv", text, &n, &rows)) {
    for (PetscInt k = 0; k < n; k++) FUZZ_ASSERT(rows[k].side >= 0 && rows[k].side < 4 && isfinite(rows[k].a) && isfinite(rows[k].b) && rows[k].type[0], "row %d", (int)k);
    PetscFree(rows);
  }
  free(text);
  return 0;
}
