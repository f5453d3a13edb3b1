#!/usr/bin/env bash
# Set up (Debian packages), build, and run the main job on the bundled demo:
# synthetic scene -> segmentation -> parameters -> today / 2050 / 2050 + artificialisation
# -> HDF5 results, a summary table and a report with maps (build/demo/out/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
cmake --preset default > /dev/null
cmake --build --preset default
NP=${NP:-2}
MPIFLAGS="--oversubscribe"
[ "$(id -u)" = 0 ] && MPIFLAGS="$MPIFLAGS --allow-run-as-root"
/usr/bin/python3 input/demo/make_scene.py --out build/demo --dem-res 10
mkdir -p build/demo/out
mpiexec $MPIFLAGS -n "$NP" build/ruissel -options_file input/demo/demo.opts "$@"
/usr/bin/python3 postproc/ruissel_post.py report build/demo/out/demo_today.h5 --out build/demo/out/report \
  --compare build/demo/out/demo_2050.h5 build/demo/out/demo_2050_artif.h5
echo "demo: results in build/demo/out (summary: demo_summary.csv, report: report/report.html; open demo_*.xmf in ParaView)"
