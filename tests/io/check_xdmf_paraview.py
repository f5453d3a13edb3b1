#!/usr/bin/python3
"""The XDMF sidecar opens in ParaView (issue 12): runs on 2 ranks, with snapshots and with
the final state only, on a DEM with a nodata corner; ParaView's legacy XDMF Reader and Xdmf3ReaderS (pvpython) load the .xmf from
another working directory, by a relative and by an absolute path, with the right extent,
bounds, times and values (tests/io/xdmf_paraview.py). SKIPPED (77) without pvpython
(Debian package paraview, installed by scripts/setup-debian.sh --tests)."""
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from osgeo import gdal, osr


def main():
    pv = shutil.which("pvpython")
    exe = os.environ.get("RUISSEL_EXE")
    if not pv or not exe or not os.path.exists(exe):
        print("skipped: pvpython (Debian package paraview) or RUISSEL_EXE missing")
        return 77
    mpiexec = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe"))
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory(prefix="io_paraview_") as tmp:
        run = os.path.join(tmp, "run")
        os.makedirs(run)
        nx, ny, gt = 30, 20, (700000.0, 10.0, 0.0, 6300000.0, 0.0, -10.0)
        rows, cols = np.mgrid[0:ny, 0:nx]
        z = (100 + 0.05 * cols + 0.1 * (ny - rows)).astype(np.float32)
        z[0:3, 0:4] = -9999
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(2154)
        ds = gdal.GetDriverByName("GTiff").Create(os.path.join(run, "dem.tif"), nx, ny, 1, gdal.GDT_Float32)
        ds.SetGeoTransform(gt)
        ds.SetProjection(srs.ExportToWkt())
        ds.GetRasterBand(1).SetNoDataValue(-9999)
        ds.GetRasterBand(1).WriteArray(z)
        ds = None
        for out, snap in (("res", ["-out_interval", "20"]), ("final", [])):  # snapshots; the final state only
            r = subprocess.run(mpiexec + ["-n", "2", exe, "-dem", "dem.tif", "-stages", "swe", "-swe_tfinal", "60", "-rain_rate", "80",
                                          "-swe_manning", "0.03", "-out_file", out + ".h5", "-progress_interval", "0"] + snap,
                               cwd=run, capture_output=True, text=True, timeout=300)
            if r.returncode:
                print(f"FAIL: ruissel ({r.returncode}): {r.stderr[-2000:]}")
                return 1
        other = os.path.join(tmp, "elsewhere")
        os.makedirs(other)
        bad = 0
        for xmf in ("../run/res.xmf", os.path.join(run, "res.xmf"), "../run/final.xmf"):
            p = subprocess.run([pv, os.path.join(here, "xdmf_paraview.py"), xmf, os.path.join(run, os.path.basename(xmf)[:-4] + ".h5")],
                               cwd=other, capture_output=True, text=True, timeout=300)
            print(f"-- pvpython, from {other}, {xmf}")
            print("\n".join(line for line in p.stdout.splitlines() if line.startswith(("ok", "FAIL"))))
            bad |= p.returncode != 0
            if p.returncode and "FAIL" not in p.stdout:
                print(p.stderr[-3000:])
    print("check_xdmf_paraview:", "FAILED" if bad else "passed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
