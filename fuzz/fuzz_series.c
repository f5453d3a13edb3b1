/* Time series CSV (hyetographs, hydrographs, stage series): RslSeriesParse, then the
 * evaluation functions on what it accepted. */
#include "fuzz_common.h"
#include "core/series.h"
#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  for (int nonneg = 0; nonneg < 2; nonneg++) {
    char     *text = FuzzText(data, size);
    RslSeries s;
    if (!text) return 0;
    if (!RslSeriesParse(PETSC_COMM_SELF, "-rain_hyetograph", "fuzz.csv", text, (PetscBool)nonneg, (PetscBool)nonneg, &s)) {
      /* what the validation layer promises: finite, times >= 0 and increasing, values >= 0 */
      for (PetscInt k = 0; k < s.n; k++) {
        FUZZ_ASSERT(isfinite(s.t[k]) && isfinite(s.v[k]) && s.t[k] >= 0, "row %d not finite", (int)k);
        FUZZ_ASSERT(k == 0 || s.t[k] > s.t[k - 1], "times not increasing at row %d", (int)k);
        FUZZ_ASSERT(!nonneg || s.v[k] >= 0, "negative value at row %d", (int)k);
      }
      double t0 = s.t[0], t1 = s.t[s.n - 1];
      FUZZ_ASSERT(isfinite(RslSeriesEval(&s, 0.5 * (t0 + t1))), "Eval not finite");
      (void)RslSeriesMean(&s, t0, t0 + 0.5 * (t1 - t0) + 1.0);
      (void)RslSeriesNextBreak(&s, t0);
      RslSeriesFree(&s);
    }
    free(text);
  }
  return 0;
}
