/* Tiny assertion helpers for the io tests: failures are counted per rank and reduced at the
 * end, so every rank reports and the exit status is non-zero when any rank failed. */
#pragma once
#include "core/rsl.h"

static int io_failures;

#define IO_EXPECT(cond, ...) \
  do { \
    if (!(cond)) { \
      io_failures++; \
      printf("FAIL %s:%d: ", __FILE__, __LINE__); \
      printf(__VA_ARGS__); \
      printf("\n"); \
    } \
  } while (0)

/* Sum the failures over comm; rank 0 prints a summary. Returns the global count. */
static inline int IoTestFinish(MPI_Comm comm, const char name[])
{
  int total = 0, rank;
  MPI_Allreduce(&io_failures, &total, 1, MPI_INT, MPI_SUM, comm);
  MPI_Comm_rank(comm, &rank);
  if (!rank) printf("%s: %s (%d failure(s))\n", name, total ? "FAILED" : "passed", total);
  return total;
}
