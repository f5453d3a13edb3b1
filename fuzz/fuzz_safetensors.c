/* Weights files (-seg_weights): RslSafetensorsOpenMemory on the raw bytes, then every
 * float tensor converted as the model loader does. */
#include "fuzz_common.h"
#include "seg/safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  RslSafetensors st;
  PetscInt       n;

  if (RslSafetensorsOpenMemory(PETSC_COMM_SELF, "fuzz.safetensors", data, size, &st)) return 0;
  RslSafetensorsGetNumTensors(st, &n);
  for (PetscInt i = 0; i < n; i++) {
    const RslSTTensor *t;
    PetscInt           idx;
    RslSafetensorsGetTensor(st, i, &t);
    RslSafetensorsFind(st, t->name, &idx);
    FUZZ_ASSERT(idx == i, "tensor '%s' found at %d, not %d", t->name, (int)idx, (int)i);
    if (t->dtype == RSL_ST_F32 || t->dtype == RSL_ST_F16 || t->dtype == RSL_ST_BF16) {
      PetscInt64 numel = RslSTTensorNumel(t);
      float     *out   = (float *)malloc(sizeof(float) * (size_t)(numel ? numel : 1));
      FUZZ_ASSERT(out, "tensor of %lld elements in a %zu-byte file", (long long)numel, size);
      FUZZ_ASSERT(!RslSafetensorsReadFloat(st, t, out), "ReadFloat failed on a float tensor");
      free(out);
    }
  }
  RslSafetensorsClose(&st);
  return 0;
}
