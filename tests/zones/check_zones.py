#!/usr/bin/python3
"""Per-zone indicators of the run (-zones, src/output/zones.c) on a small demo scene with its
four communes (a GeoPackage in EPSG:4326, reprojected to the grid's Lambert-93):
  - the zone sums close the water budget: sum over zones of rain, losses and final volume
    equal the /budget's rain_m3, infiltration_m3 and storage_final_m3 (the communes cover
    the domain: cells_outside = 0), to 1e-10;
  - /zones is bitwise identical on 1, 2 and 3 ranks (exact 128-bit sums);
  - every column equals an independent computation in Python from the result's fields with
    the polygons rasterised by GDAL (postproc --zones), to 1e-12;
  - the artificialised area grows, over all communes, by exactly the -scenario_artificialise_ha
    of the scenario (ZAN accounting), and only where the map changed;
  - bad zone inputs fail on every rank with one line naming the option.
Usage: check_zones.py WORKDIR"""
import os
import subprocess
import sys

import h5py
import numpy as np

SRC = os.environ.get("RUISSEL_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXE = os.environ.get("RUISSEL_EXE", os.path.join(SRC, "build", "ruissel"))
sys.path.insert(0, os.path.join(SRC, "postproc"))
sys.path.insert(0, os.path.join(SRC, "tests"))
from rslpost import indicators  # noqa: E402
from rslpost.result import Result  # noqa: E402
from rsltest import Checks, mpi  # noqa: E402

check = Checks()


def run(np_, args, work, ok=True):
    p = mpi(EXE, args, np_, work)
    if ok and p.returncode:
        sys.exit(f"FAIL: ruissel {' '.join(args)}\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    return p


def zones(path):
    with h5py.File(path, "r") as f:
        cols = f["/zones/table"].attrs["columns"].split(",")
        return [i.decode() for i in f["/zones/id"][()]], cols, f["/zones/table"][()], dict(f["/zones"].attrs), dict(f["/budget"].attrs)


def main():
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    subprocess.run(["/usr/bin/python3", os.path.join(SRC, "input/demo/make_scene.py"), "--out", work, "--width", "600",
                    "--height", "500", "--dem-res", "10", "--img-res", "2"], check=True, capture_output=True)
    base = ["-dem", "dem.tif", "-landcover_file", "landcover.tif", "-hydro_table", os.path.join(SRC, "input/hydro/flair19.csv"),
            "-rain_design", "chicago", "-rain_idf_a", "6.7", "-rain_idf_b", "0.55", "-rain_duration", "1200", "-rain_dt", "300",
            "-swe_tfinal", "1500", "-swe_bc_east", "free", "-progress_interval", "0", "-out_ts_interval", "60",
            "-zones", "communes.gpkg", "-zones_field", "INSEE_COM"]
    art = ["-scenario_type", "artificialise", "-scenario_artificialise_ha", "1.5", "-scenario_seed", "3"]
    for n in (1, 2, 3):
        run(n, base + art + ["-out_file", f"z{n}.h5"], work)
    ids, cols, tab, attrs, budget = zones(os.path.join(work, "z2.h5"))
    c = {k: cols.index(k) for k in cols}
    check(ids == ["32901", "32902", "32903", "32904"], f"zones {ids}: the four communes, in id order")
    check(int(attrs["cells_outside"]) == 0, "the communes cover every active cell")
    for col, key in (("rain_m3", "rain_m3"), ("losses_m3", "infiltration_m3"), ("volume_m3", "storage_final_m3")):
        s, ref = tab[:, c[col]].sum(), budget[key]
        check(abs(s - ref) <= 1e-10 * abs(ref) and ref > 0, f"sum over zones of {col} {s:.12g} == /budget {key} {ref:.12g} (rel {abs(s - ref) / ref:.1e})")
    with h5py.File(os.path.join(work, "z2.h5"), "r") as f:
        active = f["/fields/z"][()] != -9999
        ncells = int(active.sum())
    check(int(tab[:, c["cells"]].sum()) == ncells, f"sum of zone cells {int(tab[:, c['cells']].sum())} == {ncells} active cells")
    for n in (1, 3):
        other = zones(os.path.join(work, f"z{n}.h5"))
        check(other[0] == ids and np.array_equal(other[2].view(np.uint64), tab.view(np.uint64)), f"/zones on {n} rank(s) bitwise equal to 2 ranks")
    # an independent computation from the fields (GDAL rasterisation in Python)
    res = Result(os.path.join(work, "z2.h5"))
    rows = {r["zone"]: r for r in indicators.compute(res, os.path.join(work, "communes.gpkg"), None, "INSEE_COM")[1:]}
    for k, zid in enumerate(ids):
        for col in cols:
            if col.startswith("artificialised"):
                continue
            a, b = tab[k, c[col]], rows.get(zid, {}).get(col)
            same = (b is None and not np.isfinite(a)) or (b is not None and abs(a - b) <= 1e-12 * max(abs(b), 1.0))
            check(same, f"zone {zid} {col}: run {a:.15g} == postproc {b}")
    # ZAN accounting: 1.5 ha artificialised in all, where the map changed
    change = tab[:, c["artificialised_change_m2"]]
    check(abs(change.sum() - 15000.0) < 1e-6, f"artificialised change over the communes {change.sum():.1f} m2 == 1.5 ha")
    check(np.all(change >= 0) and np.all(tab[:, c["artificialised_m2"]] >= tab[:, c["artificialised_base_m2"]]), "no commune loses artificialised area")
    from osgeo import gdal
    before = gdal.Open(os.path.join(work, "landcover.tif")).ReadAsArray()
    after = gdal.Open(os.path.join(work, "z2_landcover.tif")).ReadAsArray()
    art_cls = np.isin(before, [0, 1, 2, 12, 17])
    art_after = np.isin(after, [0, 1, 2, 12, 17])
    check(abs((art_after.sum() - art_cls.sum()) * 4.0 - 15000.0) < 1e-6, "the land-cover maps differ by 1.5 ha of artificialised pixels")
    before_m2 = tab[:, c["artificialised_base_m2"]].sum()
    check(abs(before_m2 - art_cls.sum() * 4.0) < 1e-6, f"artificialised area before the scenario {before_m2:.0f} m2 == the input map's")

    # bad inputs: one line naming the option, every rank, exit 1, no result
    bad = [(["-zones", "nothere.gpkg"], "-zones: cannot open 'nothere.gpkg'"),
           (["-zones_field", "NOPE"], "-zones_field: layer 'communes' of 'communes.gpkg' has no field 'NOPE'"),
           (["-zones_layer", "nolayer"], "-zones_layer: 'communes.gpkg' has no layer 'nolayer'"),
           (["-zones", "dem.tif"], "-zones: cannot open 'dem.tif' as a vector source"),
           (["-zones", "gauges.csv"], "-zones: layer 'gauges' of 'gauges.csv' holds None geometries, not polygons"),
           (["-zones_artificial_classes", "3,300"], "-zones_artificial_classes: '3,300'")]
    for extra, msg in bad:
        p = run(2, base + extra + ["-out_file", "bad.h5"], work, ok=False)
        lines = [line for line in p.stderr.splitlines() if line.startswith("ruissel: error")]
        check(p.returncode != 0 and len(lines) == 1 and msg in lines[0] and not os.path.exists(os.path.join(work, "bad.h5")),
              f"{' '.join(extra)}: {lines[0] if lines else p.stderr[-300:]}")
    p = run(1, [a for a in base if a not in ("-zones_field", "INSEE_COM")] + ["-out_file", "bad.h5"], work, ok=False)
    check(p.returncode != 0 and "-zones_field" in p.stderr, "-zones without -zones_field: error naming -zones_field")
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
