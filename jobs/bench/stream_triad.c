/* STREAM triad a[i] = b[i] + s*c[i]: the sustainable memory bandwidth that bounds an explicit
 * stencil code such as the SWE solver (the roofline of jobs/bench/bench_swe.sh).
 *
 * Usage: stream_triad [MB_PER_ARRAY] [REPEATS]   (defaults 80 MB, 20 repeats)
 * Prints, best of REPEATS, one line per thread count:
 *   stream_triad_GBps=<x> threads=1
 *   stream_triad_GBps=<x> threads=<N>   N = OpenMP threads (OMP_NUM_THREADS, default all
 *                                       cores); N = 1 again when built without OpenMP
 * Bytes counted per element: 3 x 8 (read b, read c, write a), as McCalpin's STREAM does —
 * write-allocate traffic is not counted, so the figure is the conventional one.
 * Build: cc -O3 -march=native [-fopenmp] stream_triad.c -o stream_triad */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#ifdef _OPENMP
  #include <omp.h>
#endif

static double now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Best (minimum) time over `repeats` triads run with `threads` threads. */
static double best_triad_seconds(double *restrict a, const double *restrict b, const double *restrict c, long n, int repeats, int threads)
{
  const double s    = 3.0;
  double       best = 1e300;
  (void)threads;
  for (int r = 0; r < repeats; r++) {
    double t0 = now();
#ifdef _OPENMP
  #pragma omp parallel for schedule(static) num_threads(threads)
#endif
    for (long i = 0; i < n; i++) a[i] = b[i] + s * c[i];
    double t = now() - t0;
    if (t < best) best = t;
  }
  return best;
}

int main(int argc, char **argv)
{
  long mb      = argc > 1 ? atol(argv[1]) : 80;
  int  repeats = argc > 2 ? atoi(argv[2]) : 20;
  if (mb < 1 || repeats < 1) {
    fprintf(stderr, "stream_triad: usage: stream_triad [MB_PER_ARRAY>=1] [REPEATS>=1]\n");
    return 1;
  }
  long    n = mb * 1000000L / (long)sizeof(double);
  double *a = malloc((size_t)n * sizeof(double)), *b = malloc((size_t)n * sizeof(double)), *c = malloc((size_t)n * sizeof(double));
  if (!a || !b || !c) {
    fprintf(stderr, "stream_triad: cannot allocate 3 x %ld MB\n", mb);
    return 1;
  }
  int nthreads = 1;
#ifdef _OPENMP
  nthreads = omp_get_max_threads();
#endif
  /* First touch with the same static schedule as the timed loop, so pages land on the
   * NUMA node of the thread that later streams them. */
#ifdef _OPENMP
  #pragma omp parallel for schedule(static) num_threads(nthreads)
#endif
  for (long i = 0; i < n; i++) {
    a[i] = 0.0;
    b[i] = 1.0;
    c[i] = 2.0;
  }
  const double bytes = 3.0 * (double)sizeof(double) * (double)n;
  double       t1    = best_triad_seconds(a, b, c, n, repeats, 1);
  double       tall  = best_triad_seconds(a, b, c, n, repeats, nthreads);
  /* Check the result so the compiler cannot drop the loop and a wrong build shows. */
  for (long i = 0; i < n; i += n / 97 + 1)
    if (a[i] != 7.0) {
      fprintf(stderr, "stream_triad: wrong result a[%ld]=%g (expected 7)\n", i, a[i]);
      return 1;
    }
  printf("stream_triad: %ld MB per array, best of %d, %d thread(s)\n", mb, repeats, nthreads);
  printf("stream_triad_GBps=%.3f threads=1\n", bytes / t1 * 1e-9);
  printf("stream_triad_GBps=%.3f threads=%d\n", bytes / tall * 1e-9, nthreads);
  free(a);
  free(b);
  free(c);
  return 0;
}
