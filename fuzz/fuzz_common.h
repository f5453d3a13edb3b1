/* fuzz/fuzz_common.h: what every target shares. PETSc starts once (one process, no
 * arguments: the fuzzer's own flags are not PETSc options), errors are returned silently
 * (a rejected input is the expected outcome, not a finding); findings are what the
 * sanitizers and the targets' own assertions report. */
#pragma once
#include "core/validate.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  if (PetscInitializeNoArguments()) abort();
  if (PetscPushErrorHandler(PetscReturnErrorHandler, NULL)) abort();
  return 0;
}

/* The bytes as the text readers see them: RslReadTextFile refuses NUL and control bytes
 * (RslCheckTextBytes), then parsers get a NUL-terminated copy. NULL when refused. */
static inline char *FuzzText(const uint8_t *data, size_t size)
{
  char *text;
  if (RslCheckTextBytes(PETSC_COMM_SELF, "-fuzz", "fuzz.txt", (const char *)data, size)) return NULL;
  text = (char *)malloc(size + 1);
  if (!text) abort();
  memcpy(text, data, size);
  text[size] = 0;
  return text;
}

/* A finding the sanitizers cannot see: stop with a message (libFuzzer keeps the input). */
#define FUZZ_ASSERT(cond, ...) \
  do { \
    if (!(cond)) { \
      fprintf(stderr, "fuzz assertion failed: " __VA_ARGS__); \
      fprintf(stderr, "\n"); \
      abort(); \
    } \
  } while (0)
