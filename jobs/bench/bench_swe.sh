#!/usr/bin/env bash
#SBATCH --job-name=ruissel-bench-swe
#SBATCH --nodes=1
#SBATCH --ntasks-per-node=2
#SBATCH --cpus-per-task=1
#SBATCH --exclusive
#SBATCH --time=00:30:00
#SBATCH --output=bench_swe_%j.out
# SWE solver throughput vs the memory roofline.
#
#   jobs/bench/bench_swe.sh            # locally (mpiexec), or
#   sbatch jobs/bench/bench_swe.sh     # on a cluster node (srun; run from the project root)
#
# 1. builds jobs/bench/stream_triad.c into $BENCH_DIR and measures STREAM-triad bandwidth
#    for 1 core and for all cores;
# 2. generates an N x N tilted rough DEM (make_dem.py, 1 m cells, EPSG:2154);
# 3. runs `ruissel -stages swe` for orders 1 and 2 on each rank count of RANKS, parses the
#    solver's last line `ruissel: perf cells=.. steps=.. cell_updates_per_s=.. wall=..`;
# 4. prints cell-updates/s/core and the ratio to the roofline
#       roofline updates/s = bandwidth(ranks) / bytes moved per cell update
#    with bandwidth(ranks) = min(ranks x STREAM_1core, STREAM_allcores) (just ranks x
#    STREAM_1core when stream_triad was built without OpenMP), and writes a CSV.
# Environment (all optional): N (2000), STEPS (50), RANKS ("1 2"), ORDERS ("1 2"),
#   RUISSEL_BUILD (build dir, default <root>/build), BENCH_DIR (default $RUISSEL_BUILD/bench),
#   MPIEXEC (launcher; default srun under Slurm, else mpiexec --oversubscribe).
set -euo pipefail

# Bytes moved per cell update (one cell advanced by one time step), compulsory traffic only
# (see docs/hpc.md, "Roofline model"): a stage reads the state h,hu,hv and the bed z (4 x 8 B)
# and writes h,hu,hv (3 x 8 B) = 56 B; neighbours come from cache. Order 2 (SSP-RK2) has two
# stages and its second stage also reads U^n for the average: 56 + (56 + 24) = 136 B. Halo
# copies, the CFL reduction pass and the maxima are not counted, so the roofline is an
# optimistic bound and the ratio a conservative efficiency.
BYTES_PER_UPDATE_ORDER1=56
BYTES_PER_UPDATE_ORDER2=136

ROOT=${SLURM_SUBMIT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
[ -f "$ROOT/jobs/bench/make_dem.py" ] || ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${RUISSEL_BUILD:-$ROOT/build}
EXE=$BUILD/ruissel
BENCH_DIR=${BENCH_DIR:-$BUILD/bench}
N=${N:-2000}
STEPS=${STEPS:-50}
RANKS=${RANKS:-"1 2"}
ORDERS=${ORDERS:-"1 2"}
PY=/usr/bin/python3

if [ -z "${MPIEXEC:-}" ]; then
  if [ -n "${SLURM_JOB_ID:-}" ]; then
    MPIEXEC="srun --cpu-bind=cores"
  else
    MPIEXEC="mpiexec --oversubscribe"
    [ "$(id -u)" = 0 ] && MPIEXEC="$MPIEXEC --allow-run-as-root"
  fi
fi
[ -x "$EXE" ] || { echo "bench_swe: $EXE not found: build first (cmake --build build)" >&2; exit 1; }
mkdir -p "$BENCH_DIR"

# 1. STREAM triad (OpenMP when the compiler has it).
ST=$BENCH_DIR/stream_triad
cc -O3 -march=native -fopenmp "$ROOT/jobs/bench/stream_triad.c" -o "$ST" 2>/dev/null ||
  cc -O3 -march=native "$ROOT/jobs/bench/stream_triad.c" -o "$ST"
ST_OUT=$("$ST" 80 20)
echo "$ST_OUT"
BW1=$(echo "$ST_OUT" | awk -F'[= ]' '/^stream_triad_GBps=.* threads=1$/ {print $2; exit}')
BWALL=$(echo "$ST_OUT" | awk -F'[= ]' '/^stream_triad_GBps=/ {v=$2} END {print v}')
NTHR=$(echo "$ST_OUT" | awk -F'[= ]' '/^stream_triad_GBps=/ {v=$4} END {print v}')

# 2. DEM (regenerated only when the size changed).
DEM=$BENCH_DIR/dem_${N}.tif
[ -f "$DEM" ] || $PY "$ROOT/jobs/bench/make_dem.py" "$DEM" --n "$N"

# 3.-4. Runs.
CSV=$BENCH_DIR/bench_swe.csv
echo "order,ranks,cells,steps,cell_updates_per_s,wall_s,updates_per_s_per_core,bytes_per_update,stream_GBps,roofline_updates_per_s,ratio" > "$CSV"
printf '%-5s %-5s %-12s %-6s %-14s %-14s %-14s %-7s\n' order ranks cells steps updates/s updates/s/core roofline/s ratio
for order in $ORDERS; do
  bytes=$BYTES_PER_UPDATE_ORDER1
  [ "$order" = 2 ] && bytes=$BYTES_PER_UPDATE_ORDER2
  for np in $RANKS; do
    log=$BENCH_DIR/run_o${order}_n${np}.log
    if ! $MPIEXEC -n "$np" "$EXE" -stages swe -dem "$DEM" -rain_rate 50 -swe_tfinal 1e9 \
         -swe_max_steps "$STEPS" -swe_order "$order" -out_file "$BENCH_DIR/run_o${order}_n${np}.h5" \
         -out_interval 0 -progress_interval 0 > "$log" 2>&1; then
      echo "bench_swe: run failed (order $order, $np ranks), see $log" >&2
      tail -5 "$log" >&2
      exit 1
    fi
    perf=$(grep '^ruissel: perf ' "$log" | tail -1)
    [ -n "$perf" ] || { echo "bench_swe: no perf line in $log" >&2; exit 1; }
    get() { echo "$perf" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
    cells=$(get cells); steps=$(get steps); cups=$(get cell_updates_per_s); wall=$(get wall)
    read -r percore bw roof ratio < <(awk -v c="$cups" -v np="$np" -v b1="$BW1" -v ba="$BWALL" -v t="$NTHR" -v by="$bytes" 'BEGIN {
      bw = np * b1; if (t > 1 && bw > ba) bw = ba;
      roof = bw * 1e9 / by; printf "%.4g %.4g %.4g %.3f\n", c / np, bw, roof, c / roof }')
    echo "$order,$np,$cells,$steps,$cups,$wall,$percore,$bytes,$bw,$roof,$ratio" >> "$CSV"
    printf '%-5s %-5s %-12s %-6s %-14s %-14s %-14s %-7s\n' "$order" "$np" "$cells" "$steps" "$cups" "$percore" "$roof" "$ratio"
  done
done
echo "bench_swe: CSV in $CSV (bytes/update: order 1 = $BYTES_PER_UPDATE_ORDER1, order 2 = $BYTES_PER_UPDATE_ORDER2)"
