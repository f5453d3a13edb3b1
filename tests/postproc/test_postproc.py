#!/usr/bin/python3
"""postproc on a synthetic result (postproc/rslpost/synthetic.py): every subcommand of
postproc/ruissel_post.py runs, its indicators equal values computed by hand from the
synthetic arrays (written out below as literals, not recomputed), and the PNGs are real
images. Also: bad inputs give exit status 1 and a one-line message."""
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

SRC = os.environ.get("RUISSEL_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
POST = os.path.join(SRC, "postproc", "ruissel_post.py")
sys.path.insert(0, os.path.join(SRC, "postproc"))
from rslpost import maps, synthetic  # noqa: E402

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def close(a, b, what, tol=1e-12):
    check(a is not None and abs(float(a) - b) <= tol * max(1.0, abs(b)), f"{what}: {a} == {b}")


def post(*args):
    return subprocess.run([sys.executable, POST, *args], capture_output=True, text=True)


def is_png(path, min_px=300):
    if not os.path.isfile(path):
        return False
    with open(path, "rb") as f:
        if f.read(8) != b"\x89PNG\r\n\x1a\n":
            return False
    import matplotlib.image

    img = matplotlib.image.imread(path)
    return min(img.shape[:2]) >= min_px and float(img[..., :3].std()) > 0.01


def write_zones(path, nx, ny, gt, shape_ok=True):
    """Zone 1 = columns 0-2, zone 2 = columns 3-5, cell (row 3, col 5) nodata (255)."""
    from osgeo import gdal

    z = np.where(np.arange(nx)[None, :] < 3, 1, 2).repeat(ny, axis=0).astype(np.uint8)
    z[3, 5] = 255
    if not shape_ok:
        z = z[:, :-1]
    ds = gdal.GetDriverByName("GTiff").Create(path, z.shape[1], z.shape[0], 1, gdal.GDT_Byte)
    ds.SetGeoTransform(gt)
    ds.GetRasterBand(1).SetNoDataValue(255)
    ds.GetRasterBand(1).WriteArray(z)
    ds = None


def main():
    tmp = tempfile.mkdtemp(prefix="rsl_post_")
    a, b = os.path.join(tmp, "today.h5"), os.path.join(tmp, "y2050.h5")
    synthetic.write_synthetic(a)
    synthetic.write_synthetic(b, depth_factor=2.0, outflow_m3=30.0)
    zones = os.path.join(tmp, "zones.tif")
    write_zones(zones, synthetic.NX, synthetic.NY, synthetic.GT)

    # Indicators. Cell area 2 x 3 = 6 m2; 23 active cells (north-west one is nodata, and
    # its 5 m max depth must be ignored). Max depth > 0.1: 0.2 0.3 0.5 0.12 1.2 0.11 2.0
    # (0.1 itself is not above) = 7 cells = 42 m2. Final volume (22 x 0.05 + 1.0) x 6 = 12.6.
    r = post("indicators", a, "--zones", zones, "--out", os.path.join(tmp, "ind"))
    check(r.returncode == 0, f"indicators exit 0 ({r.stderr.strip()})")
    rows = {row["zone"]: row for row in json.load(open(os.path.join(tmp, "ind", "indicators.json")))}
    d = rows["all"]
    check(d["cells"] == 23, "all: 23 active cells")
    close(d["area_m2"], 138.0, "all: area")
    close(d["flooded_area_m2"], 42.0, "all: flooded area > 0.1 m")
    close(d["max_depth_m"], 2.0, "all: max depth (nodata cell ignored)")
    close(d["volume_m3"], 12.6, "all: final volume")
    close(d["runoff_coefficient"], 0.25, "all: runoff coefficient = 25 / 100")
    close(d["peak_outflow_m3s"], 0.6, "all: peak outflow 0.5 + 0.1")
    close(d["peak_outflow_time_s"], 300.0, "all: peak time")
    # Zone 1 (columns 0-2 minus the nodata cell): 11 cells; flooded 0.2 0.5 0.12 1.2 = 24 m2;
    # max 1.2; volume (10 x 0.05 + 1.0) x 6 = 9.0.
    z1, z2 = rows.get("1", {}), rows.get("2", {})
    check(z1.get("cells") == 11, "zone 1: 11 cells")
    close(z1.get("flooded_area_m2"), 24.0, "zone 1: flooded area")
    close(z1.get("max_depth_m"), 1.2, "zone 1: max depth")
    close(z1.get("volume_m3"), 9.0, "zone 1: volume")
    # Zone 2 (columns 3-5 minus the zone-nodata cell holding the 2 m): 11 cells; flooded 0.3
    # 0.11 = 12 m2; max 0.3; volume 11 x 0.05 x 6 = 3.3.
    check(z2.get("cells") == 11, "zone 2: 11 cells")
    close(z2.get("flooded_area_m2"), 12.0, "zone 2: flooded area")
    close(z2.get("max_depth_m"), 0.3, "zone 2: max depth")
    close(z2.get("volume_m3"), 3.3, "zone 2: volume")
    check(z1.get("runoff_coefficient") is None, "zone: no runoff coefficient (needs border fluxes)")
    with open(os.path.join(tmp, "ind", "indicators.csv")) as f:
        check(len(list(csv.DictReader(f))) == 3, "indicators.csv: 3 rows")

    # Hazard rating HR = d (v + 0.5) + DF by hand: 0.2 (0.7 + 0.5) = 0.24 low; 0.3 x 1.3 + 0.5
    # = 0.89 moderate; 0.6 x 1.5 + 0.5 = 1.4 significant; 1.2 x 1.0 + 1 = 2.2 extreme.
    hz = maps.hazard_class(np.array([0.2, 0.3, 0.6, 1.2]), np.array([0.7, 0.8, 1.0, 0.5]))
    check(list(hz) == [0, 1, 2, 3], f"hazard classes {list(hz)} == [0, 1, 2, 3]")

    # Maps and hydrograph.
    r = post("maps", a, "--out", os.path.join(tmp, "maps"))
    check(r.returncode == 0, f"maps exit 0 ({r.stderr.strip()})")
    for name in ("max_depth", "max_speed", "hazard"):
        check(is_png(os.path.join(tmp, "maps", name + ".png")), f"{name}.png is a real image")
    r = post("hydrograph", a, "--out", os.path.join(tmp, "hyd"))
    check(r.returncode == 0, f"hydrograph exit 0 ({r.stderr.strip()})")
    check(is_png(os.path.join(tmp, "hyd", "hydrograph.png")), "hydrograph.png is a real image")
    q = np.genfromtxt(os.path.join(tmp, "hyd", "outflow.csv"), delimiter=",", names=True)
    close(q["total"].max(), 0.6, "outflow.csv: peak total")
    with open(os.path.join(tmp, "hyd", "gauges.csv")) as f:
        g = list(csv.DictReader(f))
    check(len(g) == 22 and g[-1]["gauge"] == "g2", "gauges.csv: 2 gauges x 11 samples")
    close(float(g[-1]["h"]), 0.2, "gauges.csv: g2 final depth")

    # Comparison: 2050 doubles depths: above 0.1 m now also 0.1 -> 0.2 and 0.08 -> 0.16, 9
    # cells = 54 m2 (+28.571 %); outflow 30 vs 25 (+20 %).
    r = post("compare", a, b, "--out", os.path.join(tmp, "cmp"))
    check(r.returncode == 0, f"compare exit 0 ({r.stderr.strip()})")
    with open(os.path.join(tmp, "cmp", "compare.csv")) as f:
        c = list(csv.DictReader(f))
    close(float(c[1]["flooded_area_m2"]), 54.0, "compare: 2050 flooded area")
    close(float(c[1]["flooded_area_m2_change_pct"]), 100.0 * 12.0 / 42.0, "compare: flooded area change", 1e-5)
    close(float(c[1]["outflow_m3_change_pct"]), 20.0, "compare: outflow change", 1e-5)
    check(is_png(os.path.join(tmp, "cmp", "diff_max_depth_y2050_vs_today.png")), "difference map is a real image")

    # Report: every image it links exists.
    r = post("report", a, "--out", os.path.join(tmp, "rep"), "--zones", zones, "--compare", b)
    check(r.returncode == 0, f"report exit 0 ({r.stderr.strip()})")
    html = open(os.path.join(tmp, "rep", "report.html")).read()
    imgs = [s.split("'")[0] for s in html.split("<img src='")[1:]]
    check(len(imgs) == 5 and all(os.path.isfile(os.path.join(tmp, "rep", i)) for i in imgs),
          f"report.html links 5 existing images ({imgs})")

    # Bad inputs: one-line error, exit 1.
    r = post("indicators", os.path.join(tmp, "missing.h5"))
    check(r.returncode == 1 and "missing.h5" in r.stderr and r.stderr.count("\n") == 1, "missing result: one-line error")
    bad = os.path.join(tmp, "bad_zones.tif")
    write_zones(bad, synthetic.NX, synthetic.NY, synthetic.GT, shape_ok=False)
    r = post("indicators", a, "--zones", bad, "--out", tmp)
    check(r.returncode == 1 and "--zones" in r.stderr, "zones on another grid: error naming --zones")

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    import shutil

    shutil.rmtree(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
