/* Benchmark driver (label bench, run by jobs/bench/seg_bench.sh): 512^2 tiles per second
 * of RslSegModelForward on a backend, and peak resident memory (getrusage maxrss) after
 * set-up and after the forward passes. A pass is one call on as many tiles as the model
 * runs at once (threads over tiles: -seg_threads of them; else 1); one untimed warm-up pass
 * (primitive creation, first-touch) unless -seg_bench_warmup 0; s_per_tile is the best of
 * -seg_bench_tiles passes over the tiles of a pass (shared machines are noisy), the mean
 * is printed too, and cpu_s_per_tile the least CPU time (user + system, all threads) of a
 * pass per tile, which contention barely inflates.
 * With -seg_calibration_out, the passes record INT8 activation scales and write them.
 * Prints: seg_bench backend=.. precision=.. tiles=.. size=.. s_per_tile=.. mean_s_per_tile=..
 *         cpu_s_per_tile=.. tiles_per_s=.. rss_setup_mb=.. rss_peak_mb=.. */
#include "seg/model.h"
#include <sys/resource.h>

static double cpu_s(void) /* user + system time of all threads */
{
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + 1e-6 * u.ru_utime.tv_usec + u.ru_stime.tv_sec + 1e-6 * u.ru_stime.tv_usec;
}

static double maxrss_mb(void)
{
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0; /* kB on Linux */
}

int main(int argc, char **argv)
{
  RslSegModel m;
  PetscInt    tiles = 3, size = 512, warm = 1, C, B, nt;
  char        backend[16] = "cpu";
  const char *prec;
  float      *in, *out;
  double      rss0, best = 0, cpu = 0, sum = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-seg_bench_tiles", &tiles, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-seg_bench_size", &size, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-seg_bench_warmup", &warm, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-seg_backend", backend, sizeof backend, NULL));
  PetscCall(RslSegModelCreate(PETSC_COMM_WORLD, &m));
  PetscCall(RslSegModelSetFromOptions(m));
  PetscCall(RslSegModelSetUp(m));
  PetscCall(RslSegModelGetNumClasses(m, &C));
  PetscCall(RslSegModelGetInputBands(m, &B));
  PetscCall(RslSegModelGetPrecision(m, &prec));
  PetscCall(RslSegModelGetConcurrency(m, &nt));
  PetscCall(PetscMalloc2(nt * B * size * size, &in, nt * C * size * size, &out));
  for (PetscInt i = 0; i < nt * B * size * size; i++) in[i] = (float)sin(0.001 * i) + 0.1f * (float)((i * 2654435761u) % 1000) / 1000.0f;
  rss0 = maxrss_mb();
  if (warm) PetscCall(RslSegModelForward(m, nt, size, size, in, out));
  for (PetscInt t = 0; t < tiles; t++) {
    double t0 = RslWallTime(), c0 = cpu_s(), dt, dc;
    PetscCall(RslSegModelForward(m, nt, size, size, in, out));
    dt   = (RslWallTime() - t0) / nt;
    dc   = (cpu_s() - c0) / nt;
    best = t ? PetscMin(best, dt) : dt;
    cpu  = t ? PetscMin(cpu, dc) : dc;
    sum += dt;
  }
  PetscCall(RslSegModelWriteCalibration(m));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "seg_bench backend=%s precision=%s tiles=%" PetscInt_FMT " size=%" PetscInt_FMT " s_per_tile=%.4f mean_s_per_tile=%.4f cpu_s_per_tile=%.4f tiles_per_s=%.4f rss_setup_mb=%.1f rss_peak_mb=%.1f\n", backend, prec, tiles, size, best, sum / tiles, cpu, 1.0 / best, rss0, maxrss_mb()));
  PetscCall(PetscFree2(in, out));
  PetscCall(RslSegModelDestroy(&m));
  PetscCall(PetscFinalize());
  return 0;
}
