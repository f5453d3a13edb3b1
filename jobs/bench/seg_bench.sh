#!/usr/bin/env bash
#SBATCH --job-name=ruissel-bench-seg
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=2
#SBATCH --time=00:30:00
#SBATCH --output=bench_seg_%j.out
# Segmentation engine throughput: 512^2 tiles per second of the full-width resnet34 U-Net
# (5 bands, 19 classes), `cpu` backend (oneDNN and im2col+BLAS convolutions) vs PyTorch CPU
# in the same run with the same thread count, plus the `ref` oracle; peak memory per tile
# (getrusage maxrss: after set-up, and peak after the passes = set-up + one tile's
# activations and scratch). Times are the best of TILES passes after a warm-up (shared
# machines are noisy); the mean is reported too, and the least CPU time of a pass
# (cpu_ratio = PyTorch CPU s / ours), which other jobs on the node barely inflate.
#
#   jobs/bench/seg_bench.sh                 # locally, or: sbatch jobs/bench/seg_bench.sh
#   ctest -L bench -R seg_bench             # the same, from the build tree
# Environment (optional): THREADS ("1 2"), TILES (3), REF_TILES (1), SIZE (512),
#   ARCH (resnet34), WIDTH (1), CLASSES (19), BENCH_DIR (<build>/bench), SEG_BENCH (driver),
#   RUISSEL_BUILD / RUISSEL_MODULES (jobs/common.sh).
set -euo pipefail
ROOT=${RUISSEL_ROOT:-${SLURM_SUBMIT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}}
source "$ROOT/jobs/common.sh"
THREADS=${THREADS:-"1 2"}
TILES=${TILES:-3}
REF_TILES=${REF_TILES:-1}
SIZE=${SIZE:-512}
ARCH=${ARCH:-resnet34}
WIDTH=${WIDTH:-1}
CLASSES=${CLASSES:-19}
BENCH_DIR=${BENCH_DIR:-$BUILD/bench}
SEG_BENCH=${SEG_BENCH:-$BUILD/tests/seg_bench}
mkdir -p "$BENCH_DIR"
[ -x "$SEG_BENCH" ] || { echo "seg_bench: $SEG_BENCH not built (cmake --build build --target seg_bench)"; exit 1; }

# seeded weights with smp's names (the values do not change the cost)
W=$BENCH_DIR/seg_${ARCH}_x${WIDTH}_${CLASSES}
"$PY" "$ROOT/scripts/seg/make_parity_fixture.py" "$W" --arch "$ARCH" --width "$WIDTH" --classes "$CLASSES" --size 32 >/dev/null
OPTS=(-seg_weights "$W/weights.safetensors" -seg_arch "unet_$ARCH" -seg_width_mult "$WIDTH" -seg_classes "$CLASSES" -seg_bench_size "$SIZE")

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
CSV=$BENCH_DIR/seg_bench.csv
echo "impl,threads,best_s_per_tile,mean_s_per_tile,tiles_per_s,ratio_vs_torch,cpu_s_per_tile,cpu_ratio_vs_torch,rss_setup_mb,rss_peak_mb" >"$CSV"
printf "%-9s %7s %11s %11s %8s %8s %10s %9s %12s %11s\n" impl threads best_s/tile mean_s/tile tiles/s vs_torch cpu_s/tile cpu_ratio rss_setup_MB rss_peak_MB
for t in $THREADS; do
  export OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t
  tl=$("$PY" "$ROOT/scripts/seg/torch_bench.py" "$W/weights.safetensors" "$ARCH" "$WIDTH" "$CLASSES" "$SIZE" "$TILES" "$t")
  tref=$(field "$tl" tiles_per_s)
  cref=$(field "$tl" cpu_s_per_tile)
  rows=("torch $tl")
  for conv in dnnl gemm; do
    rows+=("cpu-$conv $(rsl_launch 1 1 "$SEG_BENCH" "${OPTS[@]}" -seg_backend cpu -seg_cpu_conv $conv -seg_bench_tiles "$TILES" | grep '^seg_bench')")
  done
  if [ "$t" = "$(echo $THREADS | cut -d' ' -f1)" ]; then # the oracle once (slow)
    rows+=("ref $(rsl_launch 1 1 "$SEG_BENCH" "${OPTS[@]}" -seg_backend ref -seg_bench_tiles "$REF_TILES" -seg_bench_warmup 0 | grep '^seg_bench')")
  fi
  for r in "${rows[@]}"; do
    name=${r%% *}
    tps=$(field "$r" tiles_per_s)
    cpu=$(field "$r" cpu_s_per_tile)
    ratio=$(awk -v a="$tps" -v b="$tref" 'BEGIN{printf "%.3f", a/b}')
    cratio=$(awk -v a="$cpu" -v b="$cref" 'BEGIN{printf "%.3f", b/a}')
    printf "%-9s %7s %11s %11s %8s %8s %10s %9s %12s %11s\n" "$name" "$t" "$(field "$r" s_per_tile)" "$(field "$r" mean_s_per_tile)" "$tps" "$ratio" "$cpu" "$cratio" "$(field "$r" rss_setup_mb)" "$(field "$r" rss_peak_mb)"
    echo "$name,$t,$(field "$r" s_per_tile),$(field "$r" mean_s_per_tile),$tps,$ratio,$cpu,$cratio,$(field "$r" rss_setup_mb),$(field "$r" rss_peak_mb)" >>"$CSV"
  done
done
echo "seg_bench: $CSV (vs_torch = best tiles/s over PyTorch CPU best tiles/s, same threads; goal >= 1 for cpu)"
