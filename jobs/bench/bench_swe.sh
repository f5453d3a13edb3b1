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
# 4. prints cell-updates/s/core and the ratio to the roofline (and to the traffic of the
#    passes as implemented, ratio_impl)
#       roofline updates/s = bandwidth(ranks) / bytes moved per cell update
#    with bandwidth(ranks) = min(ranks x STREAM_1core, STREAM_allcores) (just ranks x
#    STREAM_1core when stream_triad was built without OpenMP), and writes a CSV.
# Environment (all optional): N (2000), STEPS (50), RANKS ("1 2"), ORDERS ("1 2"),
#   BENCH_DIR (default <build>/bench), and those of jobs/common.sh (RUISSEL_MODULES,
#   RUISSEL_BUILD, RUISSEL_EXE, MPIEXEC). Under sbatch, submit from the project root or set
#   RUISSEL_ROOT.
set -euo pipefail

# Bytes moved per cell update (one cell advanced by one time step), compulsory traffic only
# (see docs/hpc.md, "Roofline model"): a stage reads the state h,hu,hv and the bed z (4 x 8 B)
# and writes h,hu,hv (3 x 8 B) = 56 B; neighbours come from cache. Order 2 (SSP-RK2) has two
# stages and its second stage also reads U^n for the average: 56 + (56 + 24) = 136 B. Halo
# copies, the CFL reduction pass and the maxima are not counted, so the roofline is an
# optimistic bound and the ratio a conservative efficiency.
BYTES_PER_UPDATE_ORDER1=56
BYTES_PER_UPDATE_ORDER2=136
# The same count for the passes the solver makes today (src/swe as of commit 8dfe225), each
# streaming its arrays once (docs/hpc.md §5 has the table). Order 1: halo copy U -> Uloc
# (48 B), residual (read Uloc, z, active mask; write R: 64 B), update fused with the sources
# and maxima (read U, R, mask, Manning, rain; write U; r/w hmax, smax: 128 B) = 240 B.
# Order 2: two halo + residual passes (224 B), two positivity checks (56 + 80 B), Euler
# stage (72 B), stage friction (64 B), final fused update (152 B) = 648 B. The ratio to this
# "implementation roofline" says how close the passes are to streaming speed; the ratio to
# the compulsory one above says what fusing passes could still gain.
BYTES_IMPL_ORDER1=240
BYTES_IMPL_ORDER2=648

ROOT=${RUISSEL_ROOT:-${SLURM_SUBMIT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}}
# shellcheck source=SCRIPTDIR/../common.sh
source "$ROOT/jobs/common.sh"
BENCH_DIR=${BENCH_DIR:-$BUILD/bench}
N=${N:-2000}
STEPS=${STEPS:-50}
RANKS=${RANKS:-"1 2"}
ORDERS=${ORDERS:-"1 2"}
rsl_require_exe
mkdir -p "$BENCH_DIR"

# Other jobs on the node skew every figure below: say how loaded it was.
echo "bench_swe: $(hostname) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"

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
echo "order,ranks,cells,steps,cell_updates_per_s,wall_s,updates_per_s_per_core,bytes_per_update,stream_GBps,roofline_updates_per_s,ratio,bytes_impl,ratio_impl" > "$CSV"
printf '%-5s %-5s %-10s %-6s %-11s %-14s %-11s %-6s %-6s\n' order ranks cells steps updates/s updates/s/core roofline/s ratio ratio_impl
for order in $ORDERS; do
  bytes=$BYTES_PER_UPDATE_ORDER1 bimpl=$BYTES_IMPL_ORDER1
  [ "$order" = 2 ] && bytes=$BYTES_PER_UPDATE_ORDER2 bimpl=$BYTES_IMPL_ORDER2
  for np in $RANKS; do
    log=$BENCH_DIR/run_o${order}_n${np}.log
    if ! rsl_launch "$np" 1 "$EXE" -stages swe -dem "$DEM" -rain_rate 50 -swe_tfinal 1e7 \
         -swe_max_steps "$STEPS" -swe_order "$order" -out_file "$BENCH_DIR/run_o${order}_n${np}.h5" \
         -out_interval 0 -progress_interval 0 > "$log" 2>&1; then
      echo "bench_swe: run failed (order $order, $np ranks), see $log" >&2
      tail -5 "$log" >&2
      exit 1
    fi
    cells=$(rsl_perf "$log" cells); steps=$(rsl_perf "$log" steps)
    cups=$(rsl_perf "$log" cell_updates_per_s); wall=$(rsl_perf "$log" wall)
    [ -n "$cups" ] || { echo "bench_swe: no perf line in $log" >&2; exit 1; }
    rm -f "$BENCH_DIR/run_o${order}_n${np}".{h5,xmf} "$BENCH_DIR/run_o${order}_n${np}_summary.csv" # timings only
    read -r percore bw roof ratio rimpl < <(awk -v c="$cups" -v np="$np" -v b1="$BW1" -v ba="$BWALL" -v t="$NTHR" -v by="$bytes" -v bi="$bimpl" 'BEGIN {
      bw = np * b1; if (t > 1 && bw > ba) bw = ba;
      roof = bw * 1e9 / by; printf "%.4g %.4g %.4g %.3f %.3f\n", c / np, bw, roof, c / roof, c * bi / (bw * 1e9) }')
    echo "$order,$np,$cells,$steps,$cups,$wall,$percore,$bytes,$bw,$roof,$ratio,$bimpl,$rimpl" >> "$CSV"
    printf '%-5s %-5s %-10s %-6s %-11s %-14s %-11s %-6s %-6s\n' "$order" "$np" "$cells" "$steps" "$cups" "$percore" "$roof" "$ratio" "$rimpl"
  done
done
echo "bench_swe: CSV in $CSV (bytes/update, compulsory: order 1 = $BYTES_PER_UPDATE_ORDER1, order 2 = $BYTES_PER_UPDATE_ORDER2; as implemented: $BYTES_IMPL_ORDER1, $BYTES_IMPL_ORDER2)"
