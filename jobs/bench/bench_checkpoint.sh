#!/bin/bash
#SBATCH --job-name=ruissel-bench-ckpt
#SBATCH --nodes=1
#SBATCH --ntasks=2
#SBATCH --time=00:30:00
#SBATCH --output=bench_checkpoint_%j.out
# Checkpoint cost: write time and size per million cells, against the bandwidth of a plain
# sequential write of the same number of bytes to the same directory (dd, then fsync, as the
# checkpoint writer does: MPI_File_sync before its rename), measured in the same run.
#
#   bash jobs/bench/bench_checkpoint.sh                 # locally: N="1000 2000", RANKS="1 2"
#   N=8000 RANKS="64 128" sbatch --ntasks=128 jobs/bench/bench_checkpoint.sh
#
# For each N x N DEM (jobs/bench/make_dem.py) and rank count, the solver runs STEPS (default 12)
# steps of rain with a checkpoint after every step (-checkpoint_interval 1e-6 s: due at every
# step) and reports, from its `ruissel: checkpoint ... (X MB in Y s)` lines, the best and the
# median write time; then dd writes the same size (best of 3). Output: a table and
# $BENCH_DIR/bench_checkpoint.csv
# (cells,ranks,size_MB,bytes_per_cell,write_s_best,write_s_median,s_per_Mcell,MBps,dd_MBps,ratio).
# Environment: N, RANKS, STEPS, BENCH_DIR (default build/bench), plus jobs/common.sh's.
set -euo pipefail
ROOT=${RUISSEL_ROOT:-${SLURM_SUBMIT_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}}
# shellcheck source=SCRIPTDIR/../common.sh
source "$ROOT/jobs/common.sh"
rsl_require_exe
BENCH_DIR=${BENCH_DIR:-$BUILD/bench}
mkdir -p "$BENCH_DIR"
CSV=$BENCH_DIR/bench_checkpoint.csv
echo "cells,ranks,size_MB,bytes_per_cell,write_s_best,write_s_median,s_per_Mcell,MBps,dd_MBps,ratio" > "$CSV"

# dd_mbps MB: best of 3 sequential writes of MB megabytes, synced, in MB/s
dd_mbps() {
  local best=0 r
  for _ in 1 2 3; do
    r=$(dd if=/dev/zero of="$BENCH_DIR/dd.tmp" bs=1M count="$1" conv=fsync 2>&1 | awk '/copied/ {print $(NF-1), $NF}')
    rm -f "$BENCH_DIR/dd.tmp"
    r=$(awk -v v="${r% *}" -v u="${r#* }" 'BEGIN {f = u ~ /^GB/ ? 1000 : u ~ /^kB/ ? 0.001 : 1; printf "%.1f", v * f}')
    best=$(awk -v a="$best" -v b="$r" 'BEGIN {print (b > a ? b : a)}')
  done
  echo "$best"
}

for n in ${N:-1000 2000}; do
  dem=$BENCH_DIR/dem_$n.tif
  [ -f "$dem" ] || $PY "$ROOT/jobs/bench/make_dem.py" "$dem" --n "$n"
  for np in ${RANKS:-1 2}; do
    log=$BENCH_DIR/ckpt_${n}_$np.log
    rsl_launch "$np" 1 "$EXE" -stages swe -dem "$dem" -rain_rate 50 -swe_tfinal 1e7 -swe_max_steps "${STEPS:-12}" \
      -checkpoint_interval 1e-6 -out_file "$BENCH_DIR/ckpt_${n}_$np.h5" -progress_interval 0 > "$log" 2>&1 ||
      { echo "bench_checkpoint: run failed, see $log" >&2; continue; }
    rm -f "$BENCH_DIR/ckpt_${n}_$np".{h5,xmf} "$BENCH_DIR/ckpt_${n}_${np}_summary.csv"
    read -r size best median < <(sed -n 's/.*(\([0-9.]*\) MB in \([0-9.]*\) s)$/\1 \2/p' "$log" |
      sort -k2 -g | awk '{s[NR] = $2; m = $1} END {print m, s[1], s[int((NR + 1) / 2)]}')
    ddm=$(dd_mbps "$(awk -v s="$size" 'BEGIN {printf "%d", s + 0.5}')")
    awk -v c=$((n * n)) -v p="$np" -v s="$size" -v b="$best" -v m="$median" -v d="$ddm" 'BEGIN {
      mbps = s / b
      printf "%d,%d,%.1f,%.1f,%.4f,%.4f,%.4f,%.0f,%.0f,%.3f\n", c, p, s, s * 1e6 / c, b, m, b / (c / 1e6), mbps, d, mbps / d
    }' | tee -a "$CSV"
  done
done
echo "bench_checkpoint: $CSV (ratio = checkpoint write bandwidth / dd of the same size)"
