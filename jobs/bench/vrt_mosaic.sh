#!/usr/bin/env bash
# A DEM as a VRT mosaic of many tiles ("dalles", as RGE ALTI ships) against the same DEM as
# one GeoTIFF (issue 10, item 3): each rank reads its block once, through the tiles its block
# meets only. Prints the DEM read time (-log_view event GridReadDEM, max over ranks), the
# ratio VRT / GeoTIFF, the peak RSS per rank (/run rss_peak_max) and checks that both runs
# give bitwise the same fields.
#
#   jobs/bench/vrt_mosaic.sh                  (after a build; N=4000 cells a side, 16 x 16 tiles, 4 ranks)
#   N=8000 TILES=32 NP=16 jobs/bench/vrt_mosaic.sh
set -euo pipefail
ROOT=${RUISSEL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=SCRIPTDIR/../common.sh
source "$ROOT/jobs/common.sh"
rsl_require_exe
N=${N:-4000} TILES=${TILES:-16} NP=${NP:-4} STEPS=${STEPS:-5}
OUT=$BUILD/bench/vrt_mosaic
mkdir -p "$OUT/tiles"
DEM=$OUT/dem_$N.tif
[ -f "$DEM" ] || $PY "$ROOT/jobs/bench/make_dem.py" "$DEM" --n "$N" >/dev/null
VRT=$OUT/dem_${N}_${TILES}x${TILES}.vrt
if [ ! -f "$VRT" ]; then
  rm -f "$OUT"/tiles/*.tif
  $PY "$ROOT/jobs/bench/make_mosaic.py" "$DEM" "$OUT/tiles" "$TILES" "$VRT"
fi
rsl_launcher "$NP" 1
run() { # name dem
  "${RSL_LAUNCHER[@]}" "$EXE" -stages swe -dem "$2" -rain_rate 50 -swe_max_steps "$STEPS" -swe_tfinal 3600 -swe_bc_east free \
    -progress_interval 0 -out_interval 0 -out_file "$OUT/$1.h5" -log_view ":$OUT/$1.log" >"$OUT/$1.out" 2>&1
  awk '/^GridReadDEM/ {print $4}' "$OUT/$1.log"
}
t_tif=$(run tif "$DEM")
t_vrt=$(run vrt "$VRT")
ntiles=$((TILES * TILES))
$PY - "$OUT" "$t_tif" "$t_vrt" "$N" "$ntiles" "$NP" <<'EOF'
import sys
import h5py, numpy as np
out, t_tif, t_vrt, n, ntiles, np_ = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
a, b = h5py.File(f"{out}/tif.h5"), h5py.File(f"{out}/vrt.h5")
same = all(np.array_equal(a[d][()].view(np.uint64), b[d][()].view(np.uint64)) for d in ("/fields/h", "/fields/hu", "/max/h"))
rss = [f["/run"].attrs["rss_peak_max"] / 2**20 for f in (a, b)]
print(f"vrt_mosaic: {n}x{n} cells ({n * n / 1e6:.0f} M) on {np_} ranks; DEM as one GeoTIFF: read {t_tif:.3f} s; "
      f"as a VRT of {ntiles} tiles: read {t_vrt:.3f} s (ratio {t_vrt / t_tif:.2f}); peak RSS/rank {rss[0]:.0f} / {rss[1]:.0f} MiB; "
      f"fields {'bitwise equal' if same else 'DIFFERENT'}")
sys.exit(0 if same else 1)
EOF
