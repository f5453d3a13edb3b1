#!/usr/bin/python3
"""References from the real SRTM DEM of the Cevennes (shared data), computed with GDAL's
Python bindings for test_real: a window overhanging the north-west corner (nodata and
outside -> -1) and a 2x-coarser "average" of a sub-area by gdal.Warp. Exit 77 (skipped)
when the shared data are absent. Usage: real_reference.py OUTDIR"""
import os
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
DEM = os.path.join(os.environ.get("RUISSEL_DATA_DIR", ""), "dem", "cevennes_srtm30m_utm31n.tif")
WIN = (-20, -10, 300, 200)  # col0, row0, ncols, nrows
SUB = (400, 300, 240, 180)  # source pixels for the 2x average


def main(out):
    if not os.path.exists(DEM):
        print("skipped: no", DEM)
        return 77
    os.makedirs(out, exist_ok=True)
    ds = gdal.Open(DEM)
    b = ds.GetRasterBand(1)
    nd = b.GetNoDataValue()
    c0, r0, nc, nr = WIN
    win = np.full((nr, nc), -1.0)
    a = b.ReadAsArray(0, 0, c0 + nc, r0 + nr).astype(np.float64)
    a[a == nd] = -1.0
    win[-r0:, -c0:] = a
    win.tofile(os.path.join(out, "cevennes_window.bin"))
    gt = ds.GetGeoTransform()
    c, r, w, h = SUB
    x0, y0 = gt[0] + c * gt[1], gt[3] + r * gt[5]
    avg = gdal.Warp("", ds, format="MEM", outputBounds=(x0, y0 + h * gt[5], x0 + w * gt[1], y0),
                    xRes=2 * gt[1], yRes=-2 * gt[5], resampleAlg="average", outputType=gdal.GDT_Float64,
                    dstNodata=-1.0)
    avg.GetRasterBand(1).ReadAsArray().astype(np.float64).tofile(os.path.join(out, "cevennes_avg2.bin"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
