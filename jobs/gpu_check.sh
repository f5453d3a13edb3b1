#!/usr/bin/env bash
#SBATCH --job-name=ruissel-gpu-check
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=4
#SBATCH --gpus=1
#SBATCH --time=00:10:00
#SBATCH --output=gpu_check_%j.out
# GPU check of a CUDA node, under 5 minutes: the CUDA paths are compiled in CI but never run
# on the development machines, so this is where they first run.
#   1. builds with CUDA in RUISSEL_BUILD (default build/, as `cmake --preset default`);
#   2. runs the `cuda` CTest label (swe_gpu_parity: -swe_backend cuda bitwise equal to cpu);
#   3. times the SWE on one N x N DEM, -swe_backend cpu vs cuda (cell-updates/s, order 1 and 2);
#   4. times the segmentation, -seg_backend cpu vs cuda (tiles/s, seg_bench driver).
# Without a usable GPU it says so and stops (exit 2) before building anything.
#   jobs/gpu_check.sh          # on a GPU node, or: sbatch jobs/gpu_check.sh
# Environment (optional): N (1000), STEPS (40), SEG_SIZE (512), SEG_TILES (4), and those of
#   jobs/common.sh (RUISSEL_BUILD, RUISSEL_MODULES, MPIEXEC).
set -euo pipefail
ROOT=${RUISSEL_ROOT:-${SLURM_SUBMIT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}}
# shellcheck source=SCRIPTDIR/common.sh
source "$ROOT/jobs/common.sh"
N=${N:-1000}
STEPS=${STEPS:-40}
SEG_SIZE=${SEG_SIZE:-512}
SEG_TILES=${SEG_TILES:-4}

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L 2>/dev/null | grep -q '^GPU'; then
  echo "gpu_check: no GPU on $(hostname) (nvidia-smi lists none): nothing to check here. Run it on a CUDA node."
  exit 2
fi
nvidia-smi -L
t0=$(date +%s)

# 1. CUDA build (RUISSEL_CUDA=ON: configuring fails clearly when nvcc is not found)
if [ ! -f "$BUILD/src/libruissel_cuda.a" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DRUISSEL_CUDA=ON >/dev/null
fi
cmake --build "$BUILD" -j"$(nproc)" --target ruissel seg_bench >/dev/null
[ -f "$BUILD/src/libruissel_cuda.a" ] || { echo "gpu_check: $BUILD has no CUDA kernels"; exit 1; }

# 2. parity
ctest --test-dir "$BUILD" -L cuda --output-on-failure

# 3. SWE throughput, one rank per backend
W=$BUILD/gpu_check
mkdir -p "$W"
DEM=$W/dem_${N}.tif
[ -f "$DEM" ] || $PY "$ROOT/jobs/bench/make_dem.py" "$DEM" --n "$N"
printf '%-6s %-6s %-14s\n' order swe updates/s
for order in 1 2; do
  for be in cpu cuda; do
    log=$W/swe_${be}_o${order}.log
    rsl_launch 1 1 "$EXE" -stages swe -dem "$DEM" -rain_rate 50 -swe_tfinal 1e7 -swe_max_steps "$STEPS" \
      -swe_order "$order" -swe_backend "$be" -out_file "$W/swe_${be}.h5" -out_interval 0 -progress_interval 0 >"$log" 2>&1 ||
      { echo "gpu_check: SWE run failed ($be, order $order), see $log"; tail -5 "$log"; exit 1; }
    printf '%-6s %-6s %-14s\n' "$order" "$be" "$(rsl_perf "$log" cell_updates_per_s)"
  done
done

# 4. segmentation throughput
SW=$W/seg_fixture
$PY "$ROOT/scripts/seg/make_parity_fixture.py" "$SW" --arch resnet34 --width 1 --classes 19 --size 32 >/dev/null
printf '%-6s %-10s\n' seg tiles/s
for be in cpu cuda; do
  line=$("$BUILD/tests/seg_bench" -seg_weights "$SW/weights.safetensors" -seg_arch unet_resnet34 -seg_classes 19 \
    -seg_bench_size "$SEG_SIZE" -seg_bench_tiles "$SEG_TILES" -seg_backend "$be" | grep '^seg_bench')
  printf '%-6s %-10s\n' "$be" "$(sed -n 's/.* tiles_per_s=\([^ ]*\).*/\1/p' <<<"$line")"
done
echo "gpu_check: done in $(($(date +%s) - t0)) s"
