/* The model's JSON header of a safetensors file (tensor names, dtypes, shapes, offsets,
 * __metadata__): the fuzzer's bytes are the JSON text, wrapped here in a valid frame
 * (8-byte length, then a 4 KiB data region) so that every input reaches the JSON parser. */
#include "fuzz_common.h"
#include "seg/safetensors.h"

#define DATA 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  unsigned char *buf = (unsigned char *)calloc(8 + size + DATA, 1);
  RslSafetensors st;

  for (int k = 0; k < 8; k++) buf[k] = (unsigned char)(((uint64_t)size >> (8 * k)) & 0xff);
  memcpy(buf + 8, data, size);
  if (!RslSafetensorsOpenMemory(PETSC_COMM_SELF, "fuzz.safetensors", buf, 8 + size + DATA, &st)) {
    PetscInt n;
    RslSafetensorsGetNumTensors(st, &n);
    for (PetscInt i = 0; i < n; i++) {
      const RslSTTensor *t;
      RslSafetensorsGetTensor(st, i, &t);
      FUZZ_ASSERT(t->begin <= t->end && t->end <= DATA, "tensor '%s' [%zu, %zu) outside the data", t->name, t->begin, t->end);
    }
    RslSafetensorsClose(&st);
  }
  free(buf);
  return 0;
}
