#!/usr/bin/env bash
# The whole job on national-style inputs (issue 10's acceptance run): imagery and DEM as VRT
# mosaics of T x T tiled GeoTIFFs, segmentation -> parameters -> shallow water -> results on
# NP ranks, then the GIS export under the same launcher. Prints every rank's peak resident
# memory for both steps (/usr/bin/time), the run's own balance line, the products written,
# and checks that no rank holds more than its block: rank 0's peak within 10 % of the mean of
# the other ranks (a gathered field or a whole-array read on rank 0 would show there).
#
#   jobs/bench/mosaic_job.sh                        (after a build: 8 km x 8 km at 2 m = 16 M
#                                                    cells and imagery pixels, 8 x 8 tiles, 4 ranks)
#   SIZE=16000 TILES=16 NP=16 sbatch -n 16 jobs/bench/mosaic_job.sh
#
# Environment: SIZE (scene side, m; 2 m cells), TILES (tiles per side), NP, STEPS (SWE steps,
# 20), TOL (rank-0 tolerance, 0.10), EXTRA (more ruissel options, e.g. "-out_compress 0"), plus
# jobs/common.sh's. Timings at more ranks than cores are not speed figures; memory figures are.
set -euo pipefail
ROOT=${RUISSEL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=SCRIPTDIR/../common.sh
source "$ROOT/jobs/common.sh"
rsl_require_exe
SIZE=${SIZE:-8000} TILES=${TILES:-8} NP=${NP:-4} STEPS=${STEPS:-20} TOL=${TOL:-0.10}
read -r -a EXTRA <<<"${EXTRA:-}"
OUT=$BUILD/bench/mosaic_job
SCENE=$OUT/scene_$SIZE
[ -f "$SCENE/dem.tif" ] || $PY "$ROOT/input/demo/make_scene.py" --out "$SCENE" --width "$SIZE" --height "$SIZE" --dem-res 2 --img-res 2 >/dev/null
for r in dem image; do
  [ -f "$SCENE/${r}_$TILES.vrt" ] || $PY "$ROOT/jobs/bench/make_mosaic.py" "$SCENE/$r.tif" "$SCENE/tiles_$TILES" "$TILES" "$SCENE/${r}_$TILES.vrt"
done
RUN=$OUT/run_np$NP
rm -rf "$RUN" && mkdir -p "$RUN"
rsl_launcher "$NP" 1
# every rank under /usr/bin/time, tagged with its rank (Open MPI, MPICH/PMI or Slurm)
timed() { # tag log cmd...
  local tag=$1 log=$2
  shift 2
  "${RSL_LAUNCHER[@]}" sh -c 'exec /usr/bin/time -f "rss $0 rank=${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-${SLURM_PROCID:-?}}} kb=%M" "$@"' "$tag" "$@" >"$log" 2>&1 || {
    echo "mosaic_job: $tag failed, see $log" >&2
    exit 1
  }
}
t0=$(date +%s)
timed job "$RUN/job.log" "$EXE" -dem "$SCENE/dem_$TILES.vrt" -seg_image "$SCENE/image_$TILES.vrt" \
  -seg_weights "$ROOT/input/demo/demo_model.safetensors" -seg_arch unet_resnet18 -seg_width_mult 0.25 -seg_classes 19 \
  -seg_backend cpu -seg_output "$RUN/classes.vrt" -hydro_table "$ROOT/input/hydro/flair19.csv" \
  -rain_rate 50 -swe_tfinal 3600 -swe_max_steps "$STEPS" -swe_bc_east free -out_interval 0 \
  -zones "$SCENE/communes.gpkg" -zones_field INSEE_COM -progress_interval 0 -out_file "$RUN/job.h5" -log_view ":$RUN/job.log_view" ${EXTRA[@]+"${EXTRA[@]}"}
t1=$(date +%s)
timed export "$RUN/export.log" $PY "$ROOT/postproc/ruissel_post.py" export "$RUN/job.h5" --vrt --out "$RUN/gis"
t2=$(date +%s)
grep -h "balance over" "$RUN/job.log"
echo "mosaic_job: ${SIZE} m x ${SIZE} m at 2 m ($((SIZE * SIZE / 4)) cells and imagery pixels), DEM and imagery as VRTs of $((TILES * TILES)) tiles, $NP ranks: job $((t1 - t0)) s, export $((t2 - t1)) s"
bytes=$(du -b "$RUN/job.h5" | cut -f1)
echo "mosaic_job: result $bytes bytes ($(awk -v b="$bytes" -v c=$((SIZE * SIZE / 4)) 'BEGIN {printf "%.1f", b / c}') B per cell), written in $(awk '/^OutResults/ {print $4}' "$RUN/job.log_view") s (OutResults, max over ranks)"
echo "mosaic_job: products: $(cd "$RUN" && find . -type f ! -name '*.log' | sed 's|^\./||' | sort | awk -F/ '{d = NF > 1 ? $1 "/" : ""; n[d]++} END {for (k in n) printf "%s%d files  ", k, n[k]}')"
$PY - "$RUN" "$NP" "$TOL" <<'PYEOF'
import re, sys
run, np_, tol = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
ok = True
for tag in ("job", "export"):
    kb = {}
    for m in re.finditer(r"rss (\w+) rank=(\d+) kb=(\d+)", open(f"{run}/{tag}.log").read()):
        kb[int(m.group(2))] = int(m.group(3))
    if sorted(kb) != list(range(np_)):
        sys.exit(f"mosaic_job: {tag}: peak RSS of ranks {sorted(kb)}, expected 0..{np_ - 1}")
    mib = [kb[r] / 1024 for r in range(np_)]
    others = sum(mib[1:]) / max(np_ - 1, 1) if np_ > 1 else mib[0]
    ratio = mib[0] / others
    good = abs(ratio - 1) <= tol
    ok &= good
    print(f"mosaic_job: {tag}: peak RSS per rank (MiB) " + " ".join(f"{v:.0f}" for v in mib)
          + f"; rank 0 / mean of the others {ratio:.3f} ({'within' if good else 'NOT within'} {tol:.0%})")
sys.exit(0 if ok else 1)
PYEOF
