#!/usr/bin/env bash
# Sizing figures for docs/hpc.md (issue 10): the whole job — segmentation, then parameters +
# shallow water — stage by stage, each stage its own process so that its peak resident memory
# is its own (/usr/bin/time %M per rank), on two scene sizes (the memory per pixel and per cell
# is the slope between them: the fixed cost of the libraries cancels), at 1 and 4 ranks.
#
#   jobs/bench/sizing.sh                          (from the project root, after a build)
#   SIZES="1000x800 2000x1600" RANKS="1 4" jobs/bench/sizing.sh
#
# Prints one line per (size, ranks, stage) and writes build/bench/sizing.csv with: pixels of
# imagery, SWE cells, ranks, stage, wall s, max and mean peak RSS per rank (bytes), bytes read
# (inputs) and written (outputs), seconds per tile and per cell update. Timings at more ranks
# than cores (4 ranks on a 2-core machine) are not speed figures: the script says so.
# Environment: SIZES (catchment width x height in m; 1 m imagery, 2 m DEM), RANKS, STEPS
# (SWE steps, 200), plus jobs/common.sh's (RUISSEL_BUILD, MPIEXEC, ...).
set -euo pipefail
ROOT=${RUISSEL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=SCRIPTDIR/../common.sh
source "$ROOT/jobs/common.sh"
rsl_require_exe
SIZES=${SIZES:-"1200x1000 2400x2000"}
RANKS=${RANKS:-"1 4"}
STEPS=${STEPS:-200}
OUT=$BUILD/bench/sizing
mkdir -p "$OUT"
CSV=$BUILD/bench/sizing.csv
CORES=$(nproc)
echo "size,pixels,cells,ranks,stage,wall_s,rss_max_B,rss_mean_B,read_B,written_B,tiles,s_per_tile,cell_updates,s_per_cell_update" >"$CSV"

# stage SIZE NP NAME ARGS...: run one stage under /usr/bin/time on every rank; sets WALL, RSSMAX,
# RSSMEAN and LOG.
stage() {
  local size=$1 np=$2 name=$3
  shift 3
  LOG=$OUT/${size}_np${np}_$name.log
  rsl_launcher "$np" 1
  local t0 t1
  t0=$(date +%s.%N)
  "${RSL_LAUNCHER[@]}" /usr/bin/time -f "sizing_rss_kb=%M" "$EXE" "$@" >"$LOG" 2>&1 || {
    echo "sizing: $name failed, see $LOG" >&2
    exit 1
  }
  t1=$(date +%s.%N)
  WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
  read -r RSSMAX RSSMEAN < <(grep -o 'sizing_rss_kb=[0-9]*' "$LOG" | cut -d= -f2 |
    awk '{s += $1; if ($1 > m) m = $1; n++} END {printf "%d %d\n", m * 1024, s * 1024 / n}')
}

bytes() { du -cb "$@" 2>/dev/null | tail -1 | cut -f1; }

for size in $SIZES; do
  w=${size%x*} h=${size#*x}
  scene=$OUT/scene_$size
  [ -f "$scene/dem.tif" ] || $PY "$ROOT/input/demo/make_scene.py" --out "$scene" --width "$w" --height "$h" --dem-res 2 --img-res 1 >/dev/null
  pixels=$((w * h)) cells=$((w * h / 4))
  for np in $RANKS; do
    note=""
    [ "$np" -gt "$CORES" ] && note=" (more ranks than the $CORES cores: memory figures only)"
    run=$OUT/run_${size}_np$np
    rm -rf "$run" && mkdir -p "$run"
    seg=(-stages seg -seg_image "$scene/image.tif" -dem "$scene/dem.tif" -seg_weights "$ROOT/input/demo/demo_model.safetensors"
      -seg_arch unet_resnet18 -seg_width_mult 0.25 -seg_classes 19 -seg_backend cpu -out_file "$run/job.h5")
    stage "$size" "$np" seg "${seg[@]}"
    tiles=$(sed -n "s/.*seg: \([0-9]*\) tiles computed.*/\1/p" "$LOG" | tail -1)
    rd=$(bytes "$scene/image.tif" "$scene/dem.tif") wr=$(bytes "$run"/job_classes*)
    spt=$(awk -v t="$WALL" -v n="${tiles:-0}" -v p="$np" 'BEGIN {printf "%.4g", (n > 0 ? t * p / n : 0)}')
    echo "$size,$pixels,$cells,$np,seg,$WALL,$RSSMAX,$RSSMEAN,$rd,$wr,$tiles,$spt,," >>"$CSV"
    echo "sizing: $size np=$np seg: wall ${WALL} s, tiles $tiles (${spt} rank-s/tile), peak RSS/rank max $((RSSMAX >> 20)) MiB mean $((RSSMEAN >> 20)) MiB$note"
    swe=(-stages swe -dem "$scene/dem.tif" -landcover_file "$run/job_classes.vrt" -hydro_table "$ROOT/input/hydro/flair19.csv"
      -rain_rate 50 -swe_max_steps "$STEPS" -swe_tfinal 3600 -swe_bc_east free -progress_interval 0 -out_file "$run/job.h5")
    stage "$size" "$np" swe "${swe[@]}"
    read -r ups steps < <(sed -n 's/.*perf cells=[0-9]* steps=\([0-9]*\) cell_updates_per_s=\([0-9.e+-]*\).*/\2 \1/p' "$LOG" | tail -1)
    rd=$(bytes "$scene/dem.tif" "$run/job_classes.vrt" "$run/job_classes_blocks") wr=$(bytes "$run/job.h5" "$run/job.xmf")
    upd=$(awk -v c="$cells" -v s="$steps" 'BEGIN {printf "%d", c * s}')
    spu=$(awk -v u="$ups" -v p="$np" 'BEGIN {printf "%.4g", (u > 0 ? p / u : 0)}')
    echo "$size,$pixels,$cells,$np,swe,$WALL,$RSSMAX,$RSSMEAN,$rd,$wr,,,$upd,$spu" >>"$CSV"
    echo "sizing: $size np=$np swe: wall ${WALL} s, $steps steps, ${spu} rank-s/cell-update, peak RSS/rank max $((RSSMAX >> 20)) MiB mean $((RSSMEAN >> 20)) MiB, read $((rd >> 10)) KiB, written $((wr >> 10)) KiB$note"
  done
done
# memory per pixel / per cell: the slope between the two sizes at 1 rank
$PY - "$CSV" <<'EOF'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["ranks"] == "1"]
for st, unit in (("seg", "pixels"), ("swe", "cells")):
    r = sorted((int(x[unit]), int(x["rss_max_B"])) for x in rows if x["stage"] == st)
    if len(r) >= 2 and r[-1][0] > r[0][0]:
        print(f"sizing: {st}: {(r[-1][1] - r[0][1]) / (r[-1][0] - r[0][0]):.0f} bytes of peak RSS per {unit[:-1]} "
              f"(slope between {r[0][0]} and {r[-1][0]} {unit}), fixed part {r[0][1] / 2**20:.0f} MiB")
EOF
echo "sizing: wrote $CSV"
