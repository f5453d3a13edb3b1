#!/usr/bin/python3
"""postproc by blocks of rows: on the synthetic result split into 3 x 3 cells per cell
(postproc/rslpost/synthetic.py --refine 3, 12 x 18 cells), the indicators computed by
blocks of 1, 2, 7 rows and of the whole grid equal those computed here from the whole
arrays with numpy (counts, areas, maxima and minima exactly; sums exactly with one block,
to 1e-12 otherwise, and the same bits for every block size of a given run on any rank
count, see test_mpi.py), for the domain and for zones given as a raster; the figures also
equal the hand-computed ones of the unrefined synthetic result. The rasters written by
blocks of one row equal the whole-array ones pixel for pixel; a map's view of a field wider
than maps.MAX_PIXELS is every step-th cell of it. And no reader of postproc
reads more of a 2D field at once than the --block-mb budget: every h5py read is recorded
while indicators, export, maps, compare and h5_to_geotiff run on a field 8 times larger
than the budget."""
import os
import sys
import tempfile

import h5py
import numpy as np

SRC = os.environ.get("RUISSEL_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(SRC, "postproc"))
sys.path.insert(0, os.path.join(SRC, "tests"))
from rslpost import compare, export, indicators, maps, synthetic  # noqa: E402
from rslpost.result import Result, block_rows, row_bytes  # noqa: E402
from rsltest import Checks  # noqa: E402

check = Checks()
close = check.close
REFINE = 3
NFIELDS = len(set(indicators.NAMES) | {"z"})  # the fields indicators read per block


def write_zone_raster(path, res):
    """Zone 7 = columns left of x = 1005 m, zone 9 = the rest, zone nodata (255) in the
    south-east cell of the synthetic grid (the refined cells of it)."""
    from osgeo import gdal

    x = res.gt[0] + (np.arange(res.nx) + 0.5) * res.gt[1]
    z = np.where(x < 1005.0, 7, 9)[None, :].repeat(res.ny, axis=0).astype(np.uint8)
    z[-REFINE:, -REFINE:] = 255
    ds = gdal.GetDriverByName("GTiff").Create(path, res.nx, res.ny, 1, gdal.GDT_Byte)
    ds.SetGeoTransform(res.gt)
    ds.SetProjection(res.crs_wkt)
    ds.GetRasterBand(1).SetNoDataValue(255)
    ds.GetRasterBand(1).WriteArray(z)
    ds = None
    return np.where(z == 255, -1, z.astype(np.int64))


def whole(path, zid=None):
    """{zone: row} from the whole arrays (zid: zone per cell, -1 none; None = domain)."""
    with h5py.File(path, "r") as f:
        a = {k: f[d][()] for k, d in (("z", "fields/z"), ("h", "fields/h"), ("max_h", "max/h"), ("hazard", "max/hazard"),
                                      ("max_hv", "max/hv"), ("arrival", "timing/arrival"), ("rain", "fields/rain"),
                                      ("losses", "fields/losses"))}
        g = f["grid"].attrs
        area = float(g["dx"]) * float(g["dy"])
    active = a["z"] != -9999.0
    out = {}
    for k in ([None] if zid is None else sorted(set(zid[active].tolist()) - {-1})):
        m = active if k is None else active & (zid == k)
        t = a["arrival"][m]
        out["all" if k is None else str(k)] = {
            "cells": int(m.sum()), "flooded_area_m2": float((a["max_h"][m] > synthetic.THRESHOLD).sum()) * area,
            "max_depth_m": float(a["max_h"][m].max()), "max_hv_m2s": float(a["max_hv"][m].max()),
            "first_arrival_s": float(np.nanmin(t)) if np.isfinite(t).any() else None,
            "volume_m3": float(a["h"][m].sum()) * area, "rain_m3": float(a["rain"][m].sum()) * area,
            "losses_m3": float(a["losses"][m].sum()) * area,
            **{col: float((a["hazard"][m] == c + 1).sum()) * area for c, col in enumerate(indicators.HAZARD_COLUMNS)}}
    return out


SUMS = ("volume_m3", "rain_m3", "losses_m3")


def compare_rows(got, ref, what, exact_sums):
    check(set(got) == set(ref), f"{what}: zones {sorted(got)} == {sorted(ref)}")
    for zone, r in ref.items():
        for key, v in r.items():
            g = got.get(zone, {}).get(key)
            if key in SUMS and not exact_sums:
                close(g, v, f"{what}: {zone} {key}", 1e-12)
            else:
                check(g == v, f"{what}: {zone} {key} = {g!r} (whole arrays {v!r})")


def main(tmp):
    path = os.path.join(tmp, "fine.h5")
    synthetic.write_synthetic(path, refine=REFINE)
    res = Result(path)
    check((res.ny, res.nx) == (12, 18), f"refined grid 12 x 18 ({res.ny} x {res.nx})")
    zid = write_zone_raster(os.path.join(tmp, "zones.tif"), res)
    ref_all, ref_zones = whole(path), whole(path, zid)

    # The hand-computed figures of the unrefined result (test_postproc.py) hold for the
    # refined one: 23 active cells of 6 m2 each became 207 of 2/3 m2.
    close(ref_all["all"]["flooded_area_m2"], 42.0, "whole arrays: flooded area 42 m2", 1e-12)
    close(ref_all["all"]["volume_m3"], 12.6, "whole arrays: volume 12.6 m3", 1e-12)
    check(ref_all["all"]["cells"] == 23 * REFINE * REFINE, "whole arrays: 207 active cells")

    row_mb = row_bytes(res.nx, NFIELDS) / 2**20  # the budget of one row of the fields read
    for rows in (1, 2, 7, res.ny):
        mb = (rows + 0.5) * row_mb
        check(block_rows(res.nx, NFIELDS, mb) == rows, f"--block-mb {mb:.3g}: blocks of {rows} rows")
        r = Result(path, block_mb=mb)
        # the domain's per-cell sums (compute's "all" row puts the budget's rain and losses)
        got = {row["zone"]: row for row in indicators.zone_rows(r, None, lambda k: "all", synthetic.THRESHOLD)}
        compare_rows(got, ref_all, f"domain, blocks of {rows} rows", rows == res.ny)
        got = {row["zone"]: row for row in indicators.compute(r, os.path.join(tmp, "zones.tif"))[1:]}
        compare_rows(got, ref_zones, f"raster zones, blocks of {rows} rows", rows == res.ny)

    # Rasters written by blocks of 1 row and of the whole grid are the same pixels.
    outs = {}
    for rows in (1, res.ny):
        r = Result(path, block_mb=(rows + 0.5) * row_bytes(res.nx, 2) / 2**20)
        outs[rows] = export.export_rasters(r, os.path.join(tmp, f"gis{rows}"))
    from osgeo import gdal

    for p1, p2 in zip(outs[1], outs[res.ny]):
        if p1.endswith(".tif"):
            a1, a2 = gdal.Open(p1).ReadAsArray(), gdal.Open(p2).ReadAsArray()
            check(np.array_equal(a1, a2), f"{os.path.basename(p1)}: blocks of 1 row == one block, pixel for pixel")
    with h5py.File(path, "r") as f:
        mh = f["max/h"][()].astype(np.float32)
        act = f["fields/z"][()] != -9999.0
    want = np.where(act & (mh > synthetic.THRESHOLD), mh, np.float32(export.NODATA))
    check(np.array_equal(gdal.Open(outs[1][0]).ReadAsArray(), want), "fine_max_depth.tif: max depth where flooded, nodata elsewhere")

    # Maps of a field wider than maps.MAX_PIXELS: every step-th cell, read by blocks of rows.
    big = os.path.join(tmp, "big.h5")
    synthetic.write_synthetic(big, refine=10)  # 40 x 60 cells: 19200 bytes per float64 field
    maps.MAX_PIXELS = 25
    v = maps.view(Result(big, block_mb=1e-9), "max_h", "hazard")
    with h5py.File(big, "r") as f:
        check(v["step"] == 3 and np.array_equal(v["max_h"], f["max/h"][()][::3, ::3]) and
              np.array_equal(v["hazard"], f["max/hazard"][()][::3, ::3]), f"map view: every 3rd cell of 40 x 60 (step {v['step']})")
    maps.MAX_PIXELS = 2000

    # No read of a 2D field larger than the budget.
    budget_mb = 2400 / 2**20
    largest = []
    get = h5py.Dataset.__getitem__

    def spy(self, key):
        a = get(self, key)
        if self.ndim == 2 and self.shape == (40, 60):
            largest.append(np.asarray(a).nbytes)
        return a
    h5py.Dataset.__getitem__ = spy
    try:
        r = Result(big, block_mb=budget_mb)
        indicators.compute(r)
        export.export(r, os.path.join(tmp, "gis_big"))
        maps.make_maps(r, os.path.join(tmp, "maps_big"))
        compare.make_compare([r, Result(big, block_mb=budget_mb)], os.path.join(tmp, "cmp_big"))
        import h5_to_geotiff

        h5_to_geotiff.main([big, "-d", "/max/h", "-o", os.path.join(tmp, "h.tif"), "--block-mb", str(budget_mb)])
    finally:
        h5py.Dataset.__getitem__ = get
    check("mpi4py" not in sys.modules, "a plain run never imports mpi4py")
    check(len(largest) > 100, f"{len(largest)} reads of 2D fields recorded")
    check(max(largest) <= budget_mb * 2**20 < 19200,
          f"largest read of a field {max(largest)} bytes <= budget {budget_mb * 2**20:.0f} bytes < field 19200 bytes")
    return check.status()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="rsl_blocks_") as work:
        sys.exit(main(work))
