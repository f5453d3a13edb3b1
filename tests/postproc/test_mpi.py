#!/usr/bin/python3
"""postproc under mpiexec: `ruissel_post.py export`, `indicators` and `compare` on 1 and 3 ranks, and
without mpiexec, on the synthetic result split into 5 x 5 cells per cell (20 x 30 cells)
read by blocks of one row (and a land-cover raster), give the same COGs byte for byte, the same indicator tables
(text-identical JSON: same bits whatever the rank count) and the same GeoPackage
polygons; --vrt keeps a VRT over one tiled GeoTIFF per rank with the same pixels and, on a
larger grid, the COG's overviews; a bad
input fails on every rank with exit status 1 and no hang. Skipped (77) without mpi4py."""
import filecmp
import os
import shlex
import subprocess
import sys
import tempfile

SRC = os.environ.get("RUISSEL_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
POST = os.path.join(SRC, "postproc", "ruissel_post.py")
sys.path.insert(0, os.path.join(SRC, "postproc"))
sys.path.insert(0, os.path.join(SRC, "tests"))
from rslpost import synthetic  # noqa: E402
from rsltest import Checks  # noqa: E402

check = Checks()
MPI = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe --allow-run-as-root"))
ONE_ROW = "1e-9"  # --block-mb: blocks of one row


def post(ranks, *args):
    cmd = ([] if ranks is None else MPI + ["-n", str(ranks)]) + [sys.executable, POST, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def main(tmp):
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        print("SKIP: no mpi4py (apt-get install python3-mpi4py)")
        return 77
    from osgeo import gdal, ogr

    res = os.path.join(tmp, "fine.h5")
    synthetic.write_synthetic(res, refine=5)
    other = os.path.join(tmp, "y2050.h5")
    synthetic.write_synthetic(other, depth_factor=2.0, outflow_m3=30.0, refine=5)
    zones = os.path.join(tmp, "zones.tif")  # zone = 1 + column // 7 of the 30 columns
    ds = gdal.GetDriverByName("GTiff").Create(zones, 30, 20, 1, gdal.GDT_Byte)
    ds.SetGeoTransform((synthetic.GT[0], synthetic.DX / 5, 0.0, synthetic.GT[3], 0.0, -synthetic.DY / 5))
    ds.SetProjection(synthetic._wkt())
    import numpy as np

    ds.GetRasterBand(1).WriteArray((1 + np.arange(30)[None, :] // 7).repeat(20, axis=0).astype(np.uint8))
    ds = None
    lc = os.path.join(tmp, "landcover.tif")  # classes 0..18 on a finer grid, its own row blocks
    ds = gdal.GetDriverByName("GTiff").Create(lc, 120, 80, 1, gdal.GDT_Byte)
    ds.SetGeoTransform((synthetic.GT[0], 0.1, 0.0, synthetic.GT[3], 0.0, -0.15))
    ds.SetProjection(synthetic._wkt())
    ds.GetRasterBand(1).WriteArray((np.arange(9600).reshape(80, 120) % 19).astype(np.uint8))
    ds = None

    runs = {}
    for ranks in (None, 1, 3):
        tag = "plain" if ranks is None else f"n{ranks}"
        r = post(ranks, "export", res, "--out", os.path.join(tmp, tag, "gis"), "--landcover", lc, "--block-mb", ONE_ROW)
        check(r.returncode == 0, f"export, {tag}: exit 0 ({r.stderr.strip()[-300:]})")
        r = post(ranks, "indicators", res, "--zones", zones, "--out", os.path.join(tmp, tag, "ind"), "--block-mb", ONE_ROW)
        check(r.returncode == 0, f"indicators, {tag}: exit 0 ({r.stderr.strip()[-300:]})")
        r = post(ranks, "compare", res, other, "--out", os.path.join(tmp, tag, "cmp"), "--block-mb", ONE_ROW)
        check(r.returncode == 0, f"compare, {tag}: exit 0 ({r.stderr.strip()[-300:]})")
        runs[tag] = os.path.join(tmp, tag)
    base = runs["plain"]
    tifs = sorted(f for f in os.listdir(os.path.join(base, "gis")) if f.endswith(".tif"))
    check(len(tifs) == 10, f"10 rasters exported ({tifs})")
    with open(os.path.join(base, "ind", "indicators.json")) as f:
        table = f.read()
    check(table.count('"zone"') == 6, "indicators: the domain and 5 zones")
    for tag in ("n1", "n3"):
        for t in tifs:
            check(filecmp.cmp(os.path.join(base, "gis", t), os.path.join(runs[tag], "gis", t), shallow=False),
                  f"{tag}: {t} byte-identical to the plain run's")
        for side in ("fine_landcover.qml", "fine_landcover.tif.aux.xml"):  # classes present, class names
            check(filecmp.cmp(os.path.join(base, "gis", side), os.path.join(runs[tag], "gis", side), shallow=False),
                  f"{tag}: {side} identical to the plain run's")
        with open(os.path.join(runs[tag], "ind", "indicators.json")) as f:
            check(f.read() == table, f"{tag}: indicators.json identical to the plain run's")
        for t in ("compare.csv", "zones_by_scenario.csv"):
            check(filecmp.cmp(os.path.join(base, "cmp", t), os.path.join(runs[tag], "cmp", t), shallow=False),
                  f"{tag}: {t} identical to the plain run's")
        areas = []
        for d in (base, runs[tag]):
            g = ogr.Open(os.path.join(d, "gis", "fine.gpkg"))
            areas.append({n: sorted(round(f.GetGeometryRef().GetArea(), 9) for f in g.GetLayerByName(n)) for n in ("flood_extent", "hazard")})
        check(areas[0] == areas[1] and areas[0]["flood_extent"], f"{tag}: GeoPackage polygons as in the plain run")

    # --vrt: one tiled GeoTIFF per rank under a VRT, the same pixels as the COG
    r = post(3, "export", res, "--out", os.path.join(tmp, "vrt"), "--vrt", "--block-mb", ONE_ROW)
    check(r.returncode == 0, f"export --vrt on 3 ranks: exit 0 ({r.stderr.strip()[-300:]})")
    vrt = os.path.join(tmp, "vrt", "fine_max_depth.vrt")
    tiles = sorted(f for f in os.listdir(os.path.join(tmp, "vrt")) if f.startswith("fine_max_depth_r"))
    check(tiles == ["fine_max_depth_r0000.tif", "fine_max_depth_r0001.tif", "fine_max_depth_r0002.tif"], f"3 rank tiles {tiles}")
    if os.path.exists(vrt):
        v, c = gdal.Open(vrt), gdal.Open(os.path.join(base, "gis", "fine_max_depth.tif"))
        check(np.array_equal(v.ReadAsArray(), c.ReadAsArray()), "VRT mosaic == COG, pixel for pixel")
        check(v.GetRasterBand(1).GetNoDataValue() == c.GetRasterBand(1).GetNoDataValue() and
              v.GetRasterBand(1).GetDescription() == c.GetRasterBand(1).GetDescription(), "VRT: nodata and description of the COG")

    # --vrt on a grid larger than a COG block (240 x 360 cells): each rank's tile carries the
    # COG's overview levels, which the VRT shows as its own, with the COG's pixels
    big = os.path.join(tmp, "big.h5")
    synthetic.write_synthetic(big, refine=60)
    for flag, sub in (("--vrt", "big_vrt"), (None, "big_cog")):
        r = post(3, "export", big, "--out", os.path.join(tmp, sub), *([flag] if flag else []))
        check(r.returncode == 0, f"export {flag or ''} of a 240 x 360 result on 3 ranks: exit 0 ({r.stderr.strip()[-300:]})")
    v = gdal.Open(os.path.join(tmp, "big_vrt", "big_max_depth.vrt"))
    c = gdal.Open(os.path.join(tmp, "big_cog", "big_max_depth.tif"))
    if v and c:
        vb, cb = v.GetRasterBand(1), c.GetRasterBand(1)
        sizes = [(b.GetOverview(k).XSize, b.GetOverview(k).YSize) for b in (vb, cb) for k in range(b.GetOverviewCount())]
        check(vb.GetOverviewCount() == cb.GetOverviewCount() == 1 and sizes[0] == sizes[1] == (180, 120),
              f"VRT of per-rank tiles: the COG's overview levels {sizes}")
        if vb.GetOverviewCount() == cb.GetOverviewCount() == 1:
            check(np.array_equal(vb.GetOverview(0).ReadAsArray(), cb.GetOverview(0).ReadAsArray()), "VRT overview == COG overview, pixel for pixel")

    # a bad input on 3 ranks: exit 1, the message, no hang (the timeout would raise)
    r = post(3, "export", res, "--out", os.path.join(tmp, "bad"), "--landcover", zones + ".nope", "--block-mb", ONE_ROW)
    check(r.returncode != 0 and "--landcover" in r.stderr, f"bad --landcover on 3 ranks: fails naming it ({r.stderr.strip()[-200:]})")
    frac = os.path.join(tmp, "fractions.tif")  # class codes but a 2.5 in the last row: only the last rank sees it
    ds = gdal.GetDriverByName("GTiff").Create(frac, 120, 80, 1, gdal.GDT_Float32)
    ds.SetGeoTransform((synthetic.GT[0], 0.1, 0.0, synthetic.GT[3], 0.0, -0.15))
    ds.SetProjection(synthetic._wkt())
    a = np.ones((80, 120), np.float32)
    a[-1, 7] = 2.5
    ds.GetRasterBand(1).WriteArray(a)
    ds = None
    r = post(3, "export", res, "--out", os.path.join(tmp, "bad2"), "--landcover", frac, "--block-mb", ONE_ROW)
    check(r.returncode != 0 and r.stderr.count("not a class raster") == 3 and not os.listdir(os.path.join(tmp, "bad2")),
          f"--landcover with a bad value in the last rank's rows: every rank fails with the message, nothing exported ({r.returncode})")
    r = post(3, "indicators", res, "--out", os.path.join(tmp, "bad"), "--block-mb", "0")
    check(r.returncode != 0 and "--block-mb" in r.stderr, "--block-mb 0 on 3 ranks: fails naming it")
    return check.status()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="rsl_post_mpi_") as work:
        sys.exit(main(work))
