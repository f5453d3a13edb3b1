/* Land-cover class tables (input/nomenclature/ CSVs): RslNomenclatureParse on the `ocsge`
 * column (the seeds have it), then lookups of every target code. */
#include "fuzz_common.h"
#include "seg/nomenclature.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char           *text = FuzzText(data, size);
  RslNomenclature nom;

  if (!text) return 0;
  if (!RslNomenclatureParse(PETSC_COMM_SELF, "-metrics_pred_map", "fuzz.csv", text, "ocsge", &nom)) {
    FUZZ_ASSERT(nom.ntargets > 0, "accepted a table without targets");
    for (int v = 0; v < 256; v++) FUZZ_ASSERT(nom.map[v] >= -1 && nom.map[v] < nom.ntargets, "value %d maps to %d", v, (int)nom.map[v]);
    for (PetscInt k = 0; k < nom.ntargets; k++) FUZZ_ASSERT(RslNomenclatureFind(&nom, nom.targets[k]) == k, "target %d not found", (int)k);
    RslNomenclatureFree(&nom);
  }
  free(text);
  return 0;
}
