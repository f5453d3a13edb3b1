#!/usr/bin/env bash
#SBATCH --job-name=ruissel-bench-seg
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=2
#SBATCH --time=00:45:00
#SBATCH --output=bench_seg_%j.out
# Segmentation engine throughput: 512^2 tiles per second of the full-width ResNet-34 U-Net
# (5 bands, 19 classes) per precision of the `cpu` backend (oneDNN fp32 / bf16 / int8,
# im2col+BLAS fp32) against PyTorch CPU fp32 in the same run, at 1 and 2 threads per rank,
# plus the `ref` oracle once; peak resident memory (getrusage maxrss: the whole process,
# weights and one tile's activations included).
#
# Shared machines are noisy, so the measurements are INTERLEAVED: ROUNDS rounds, each runs
# PyTorch then every implementation, each at every thread count in turn (TILES timed passes
# each after a warm-up pass), and every figure is the best over the rounds. Printed per
# row: tiles/s, tiles/s per core (= per thread: a rank's threads each get a core), the
# ratio to PyTorch fp32 with the same threads, the least CPU seconds (user + system, all
# threads) of a pass and PyTorch's over ours (contention barely inflates CPU time), and
# peak RSS vs PyTorch's. Then the goals:
#   speed     tiles/s per core >= 2 x PyTorch fp32's (each precision, each thread count)
#   threads   tiles/s at 2 threads >= 1.8 x at 1 thread
#   memory    peak RSS below PyTorch's, every precision
# with "met" or by how much each is missed; last, the oneDNN kernels (ISA) each precision ran.
#
#   jobs/bench/seg_bench.sh                 # locally, or: sbatch jobs/bench/seg_bench.sh
#   ctest -L bench -R seg_bench             # the same, from the build tree
# Environment (optional): THREADS ("1 2"), ROUNDS (3), TILES (2), REF_TILES (1), SIZE (512),
#   ARCH (resnet34), WIDTH (1), CLASSES (19), PRECISIONS ("fp32 bf16 int8"), BENCH_DIR
#   (<build>/bench), SEG_BENCH (driver), RUISSEL_BUILD / RUISSEL_MODULES / MPIEXEC
#   (jobs/common.sh). Locally the programs run as single processes (no mpiexec: its default
#   binding would give the rank one core for all its threads); under Slurm through srun.
set -euo pipefail
ROOT=${RUISSEL_ROOT:-${SLURM_SUBMIT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}}
source "$ROOT/jobs/common.sh"
THREADS=${THREADS:-"1 2"}
ROUNDS=${ROUNDS:-3}
TILES=${TILES:-2}
REF_TILES=${REF_TILES:-1}
SIZE=${SIZE:-512}
ARCH=${ARCH:-resnet34}
WIDTH=${WIDTH:-1}
CLASSES=${CLASSES:-19}
PRECISIONS=${PRECISIONS:-"fp32 bf16 int8"}
BENCH_DIR=${BENCH_DIR:-$BUILD/bench}
SEG_BENCH=${SEG_BENCH:-$BUILD/tests/seg_bench}
mkdir -p "$BENCH_DIR"
[ -x "$SEG_BENCH" ] || { echo "seg_bench: $SEG_BENCH not built (cmake --build build --target seg_bench)"; exit 1; }
launch() { if [ -n "${SLURM_JOB_ID:-}" ] || [ -n "${MPIEXEC:-}" ]; then rsl_launch 1 1 "$@"; else "$@"; fi; }
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
best() { awk -v a="$1" -v b="$2" -v hi="$3" 'BEGIN{ if (a == "") print b; else if (hi ? b > a : b < a) print b; else print a }'; }

# seeded weights with smp's names (the values do not change the cost); INT8 scales
# recorded by an fp32 pass on the benchmark's input
W=$BENCH_DIR/seg_${ARCH}_x${WIDTH}_${CLASSES}
"$PY" "$ROOT/scripts/seg/make_parity_fixture.py" "$W" --arch "$ARCH" --width "$WIDTH" --classes "$CLASSES" --size 32 >/dev/null
OPTS=(-seg_weights "$W/weights.safetensors" -seg_arch "unet_$ARCH" -seg_width_mult "$WIDTH" -seg_classes "$CLASSES" -seg_bench_size "$SIZE")
OMP_NUM_THREADS=1 launch "$SEG_BENCH" "${OPTS[@]}" -seg_precision fp32 -seg_bench_tiles 1 -seg_bench_warmup 0 -seg_calibration_out "$W/int8.safetensors" >/dev/null
echo "seg_bench: $(uname -n), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"

IMPLS=()
for p in $PRECISIONS; do IMPLS+=("cpu-dnnl:$p"); done
IMPLS+=("cpu-gemm:fp32")
declare -A TPS CPU RSS
record() { # KEY LINE: keep the best figures of KEY
  TPS[$1]=$(best "${TPS[$1]:-}" "$(field "$2" tiles_per_s)" 1)
  CPU[$1]=$(best "${CPU[$1]:-}" "$(field "$2" cpu_s_per_tile)" 0)
  RSS[$1]=$(best "${RSS[$1]:-}" "$(field "$2" rss_peak_mb)" 0)
}
T1=$(echo $THREADS | cut -d' ' -f1)
# the oracle once (slow), at the first thread count
record "ref:fp32:$T1" "$(OMP_NUM_THREADS=$T1 launch "$SEG_BENCH" "${OPTS[@]}" -seg_backend ref -seg_bench_tiles "$REF_TILES" -seg_bench_warmup 0 | grep '^seg_bench')"
# rounds outermost, thread counts innermost: the runs a ratio compares (an implementation
# at 1 and 2 threads, it and PyTorch) are seconds apart, under the same load
for ((r = 1; r <= ROUNDS; r++)); do
  for im in torch:fp32 "${IMPLS[@]}"; do
    for t in $THREADS; do
      export OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t
      if [ "$im" = torch:fp32 ]; then
        l=$(launch "$PY" "$ROOT/scripts/seg/torch_bench.py" "$W/weights.safetensors" "$ARCH" "$WIDTH" "$CLASSES" "$SIZE" "$TILES" "$t")
      else
        conv=${im%%:*} conv=${conv#cpu-} p=${im##*:}
        l=$(launch "$SEG_BENCH" "${OPTS[@]}" -seg_backend cpu -seg_cpu_conv "$conv" -seg_threads "$t" -seg_precision "$p" \
          -seg_calibration "$W/int8.safetensors" -seg_bench_tiles "$TILES" | grep '^seg_bench')
      fi
      record "$im:$t" "$l"
    done
  done
done

CSV=$BENCH_DIR/seg_bench.csv
echo "impl,precision,threads,tiles_per_s,tiles_per_s_per_core,vs_torch,cpu_s_per_tile,cpu_ratio_vs_torch,rss_peak_mb,rss_vs_torch" >"$CSV"
printf "%-9s %-9s %7s %8s %13s %8s %10s %9s %11s %8s\n" impl precision threads tiles/s tiles/s/core vs_torch cpu_s/tile cpu_ratio rss_peak_MB rss/torch
for t in $THREADS; do
  for im in torch:fp32 "${IMPLS[@]}" ref:fp32; do
    k="$im:$t"
    [ -n "${TPS[$k]:-}" ] || continue
    tr="torch:fp32:$t"
    row=$(awk -v tps="${TPS[$k]}" -v t="$t" -v tt="${TPS[$tr]}" -v c="${CPU[$k]}" -v ct="${CPU[$tr]}" -v m="${RSS[$k]}" -v mt="${RSS[$tr]}" \
      'BEGIN{printf "%.3f %.3f %.3f %.3f %.3f %.1f %.2f", tps, tps / t, tps / tt, c, ct / c, m, m / mt}')
    read -r a b c d e f g <<<"$row"
    printf "%-9s %-9s %7s %8s %13s %8s %10s %9s %11s %8s\n" "${im%%:*}" "${im##*:}" "$t" "$a" "$b" "$c" "$d" "$e" "$f" "$g"
    echo "${im%%:*},${im##*:},$t,$a,$b,$c,$d,$e,$f,$g" >>"$CSV"
  done
done

echo "goals (PyTorch fp32 in the same run, best of $ROUNDS interleaved rounds):"
for t in $THREADS; do
  for im in "${IMPLS[@]}"; do
    awk -v n="$im" -v t="$t" -v r="$(awk -v a="${TPS[$im:$t]}" -v b="${TPS[torch:fp32:$t]}" 'BEGIN{print a / b}')" \
      'BEGIN{printf "  speed    %-14s %s thread(s): %.2f x PyTorch per core, goal 2: %s\n", n, t, r, (r >= 2 ? "met" : sprintf("MISSED by %.0f %%", 100 * (1 - r / 2)))}'
  done
done
set -- $THREADS
if [ $# -ge 2 ]; then
  for im in torch:fp32 "${IMPLS[@]}"; do
    awk -v n="$im" -v a="${TPS[$im:$1]}" -v b="${TPS[$im:$2]}" -v c1="${CPU[$im:$1]}" -v c2="${CPU[$im:$2]}" -v t1="$1" -v t2="$2" \
      'BEGIN{s = b / a; printf "  threads  %-14s %s -> %s: x%.2f (CPU s/tile %.3f -> %.3f), goal 1.8: %s\n", n, t1, t2, s, c1, c2, (n ~ /^torch/ ? "(reference)" : (s >= 1.8 ? "met" : sprintf("MISSED by %.0f %%", 100 * (1 - s / 1.8))))}'
  done
fi
for im in "${IMPLS[@]}"; do
  for t in $THREADS; do
    awk -v n="$im" -v t="$t" -v m="${RSS[$im:$t]}" -v mt="${RSS[torch:fp32:$t]}" \
      'BEGIN{printf "  memory   %-14s %s thread(s): peak RSS %.0f MB vs PyTorch %.0f MB: %s\n", n, t, m, mt, (m < mt ? "met" : "MISSED")}'
  done
done
# which kernels ran: oneDNN's verbose log of one small pass per precision names each
# convolution's implementation and ISA (e.g. brgconv:avx512_core_bf16) and its input type
echo "oneDNN convolutions run on this CPU (implementation:ISA, input type, count):"
for p in $PRECISIONS; do
  isa=$(ONEDNN_VERBOSE=1 OMP_NUM_THREADS=1 launch "$SEG_BENCH" "${OPTS[@]}" -seg_bench_size 64 -seg_precision "$p" \
    -seg_calibration "$W/int8.safetensors" -seg_bench_tiles 1 -seg_bench_warmup 0 |
    awk -F, '$2 == "exec" && $4 == "convolution" { split($7, d, " "); sub(/::.*/, "", d[1]); print $5, d[1] }' |
    sort | uniq -c | awk '{printf "%s%s %s x%d", (NR > 1 ? ", " : ""), $2, $3, $1}')
  echo "  isa      cpu-dnnl:$p: $isa"
done
echo "seg_bench: $CSV; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
