#!/usr/bin/env bash
# Set up (Debian packages), build, and run the main job on the bundled demo:
# synthetic catchment -> segmentation -> parameters -> today / 2050 / 2050 + artificialisation
# -> HDF5 results, a summary table, per-commune indicators and a report with maps and GIS
# files (build/demo/out/). input/demo/README.md explains the scene and what to expect.
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
  --compare build/demo/out/demo_2050.h5 build/demo/out/demo_2050_artif.h5 > /dev/null
/usr/bin/python3 - <<'EOF'
# The demo in a few lines: runoff coefficient and peak flow of each scenario, and the
# village's commune (32901 Saint-Ruissel) from the per-zone table.
import csv
summary = list(csv.DictReader(open("build/demo/out/demo_summary.csv")))
zones = [r for r in csv.DictReader(open("build/demo/out/report/zones_by_scenario.csv")) if r["zone"] == "32901"]
ha = lambda v: float(v) / 1e4 if v else float("nan")
print("\ndemo: runoff coefficient (outflow / rain) and peak outflow at the outlet:")
for s in summary:
    print(f"demo:   {s['scenario']:<11} C {float(s['runoff_coefficient']):.3f}   peak {float(s['peak_outflow_m3s']):5.2f} m3/s")
print("demo: the village's commune, 32901 Saint-Ruissel:")
for s, z in zip(summary, zones):
    strong = sum(ha(z.get(k)) for k in ("hazard_modere_m2", "hazard_fort_m2", "hazard_tres_fort_m2"))
    hazard = f"hazard modéré or worse {strong:4.2f} ha, " if strong == strong else ""  # NaN without /max/hazard
    print(f"demo:   {s['scenario']:<11} flooded {ha(z['flooded_area_m2']):5.2f} ha, {hazard}"
          f"max depth {float(z['max_depth_m']):4.2f} m, net runoff C {float(z['net_runoff_coefficient']):.3f}, "
          f"artificialised {ha(z['artificialised_change_m2']):+4.2f} ha")
EOF
echo "demo: results in build/demo/out (summary: demo_summary.csv; report: report/report.html; GIS files: report/gis/;"
echo "demo: ParaView: open build/demo/out/demo_*.xmf; expected figures: input/demo/README.md)"
