/* Shared helpers of the kernel unit tests: a reported check and a reproducible generator. */
#pragma once
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static int kfails = 0;

/* Report |value| <= limit (the name says what is measured); count a failure otherwise. */
static inline void kcheck(const char *what, double value, double limit)
{
  int ok = fabs(value) <= limit; /* NaN fails */
  printf("%-64s %12.4e  limit %10.3e  %s\n", what, value, limit, ok ? "ok" : "FAIL");
  kfails += !ok;
}

/* Uniform in [a, b) from a 64-bit LCG (fixed seed: every run tests the same states). */
static inline double kuniform(uint64_t *s, double a, double b)
{
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return a + (b - a) * (double)(*s >> 11) * 0x1.0p-53;
}

static inline int kdone(void)
{
  printf("%s\n", kfails ? "FAILED" : "PASSED");
  return kfails ? 1 : 0;
}
