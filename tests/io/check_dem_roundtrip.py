#!/usr/bin/python3
"""Georeferencing is never lost (DESIGN invariant 5), end to end: a GeoTIFF DEM with a
nodata corner goes through `ruissel -stages swe` on 2 ranks (a few steps) into the HDF5
result, and postproc/h5_to_geotiff.py brings /fields/z back to a GeoTIFF that equals the
DEM pixel for pixel (north row first), with the same geotransform, CRS and nodata; the XDMF
sidecar references datasets that exist with the announced shapes."""
import os
import shlex
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from osgeo import gdal, osr

import xdmf_check

gdal.UseExceptions()
SRC = os.environ.get("RUISSEL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def main():
    exe = os.environ.get("RUISSEL_EXE")
    if not exe or not os.path.exists(exe):
        print("skipped: RUISSEL_EXE not set")
        return 77
    mpiexec = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe"))
    with tempfile.TemporaryDirectory(prefix="io_roundtrip_") as tmp:
        dem = os.path.join(tmp, "dem.tif")
        nx, ny, gt = 40, 30, (700000.0, 10.0, 0.0, 6300000.0, 0.0, -10.0)
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(2154)
        rows, cols = np.mgrid[0:ny, 0:nx]
        z = (100 + 0.1 * cols + 0.2 * (ny - rows)).astype(np.float32)  # rises to the north
        z[0:3, 0:4] = -9999
        ds = gdal.GetDriverByName("GTiff").Create(dem, nx, ny, 1, gdal.GDT_Float32)
        ds.SetGeoTransform(gt)
        ds.SetProjection(srs.ExportToWkt())
        ds.GetRasterBand(1).SetNoDataValue(-9999)
        ds.GetRasterBand(1).WriteArray(z)
        ds = None
        out = os.path.join(tmp, "run.h5")
        r = subprocess.run(mpiexec + ["-n", "2", exe, "-dem", dem, "-stages", "swe", "-swe_tfinal", "30", "-swe_max_steps", "5",
                                      "-rain_rate", "50", "-out_file", out, "-out_interval", "1", "-progress_interval", "0"],
                           capture_output=True, text=True, timeout=300)
        expect(r.returncode == 0 and os.path.exists(out), f"ruissel failed ({r.returncode}): {r.stderr[-2000:]}")
        if failures:
            return 1
        with h5py.File(out, "r") as f:
            expect(tuple(f["/grid"].attrs["geotransform"]) == gt, "HDF5 /grid geotransform")
        xmf = os.path.splitext(out)[0] + ".xmf"
        expect(os.path.exists(xmf), "no XDMF sidecar")
        if os.path.exists(xmf):
            xdmf_check.check_xdmf(xmf, expect)
            xdmf_check.bed_is_blanked(out, expect)
        tif = os.path.join(tmp, "z.tif")
        r = subprocess.run([sys.executable, os.path.join(SRC, "postproc", "h5_to_geotiff.py"), out, "-d", "/fields/z", "-o", tif],
                           capture_output=True, text=True)
        expect(r.returncode == 0, f"h5_to_geotiff failed: {r.stderr}")
        if failures:
            return 1
        back = gdal.Open(tif)
        expect(np.array_equal(back.ReadAsArray(), z.astype(np.float64)), "exported /fields/z differs from the DEM")
        expect(back.GetGeoTransform() == gt, f"geotransform {back.GetGeoTransform()}")
        got = osr.SpatialReference(wkt=back.GetProjection())
        expect(got.IsSame(srs), "CRS lost")
        expect(back.GetRasterBand(1).GetNoDataValue() == -9999, "nodata lost")
    print("check_dem_roundtrip:", "FAILED" if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
