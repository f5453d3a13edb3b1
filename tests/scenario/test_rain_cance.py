"""The real Cance radar series (Météo-France, Oct 2014, Int32 in 0.1 mm/h, EPSG:2154, 1 km)
applied to a 300 m grid not aligned with the radar pixels, covering the Cance catchment:
the grid mean of every hour equals the radar mean over the grid's footprint (overlap-area
weighted, computed here with GDAL + numpy) within 1e-9; 1 and 3 ranks give identical fields."""
import filecmp
import glob
import os
import sys
import tempfile

import numpy as np
from osgeo import gdal

from rainlib import check, run

gdal.UseExceptions()
data = os.environ.get("RUISSEL_DATA_DIR", "")
files = sorted(glob.glob(os.path.join(data, "rain/cance_2014/10/10/rain_precipitation_*.tif")))
if len(files) < 24:
    print("SKIPPED: Cance radar data absent")
    sys.exit(77)

x0, y0, dx, nx, ny = 815130.0, 6474870.0, 300.0, 100, 80
grid = ["-grid_nx", nx, "-grid_ny", ny, "-grid_dx", dx, "-grid_x0", x0, "-grid_y0", y0, "-grid_crs", "EPSG:2154"]


def overlap_weights(gt, ncol, nrow):
    """Area of each radar pixel inside the grid's footprint (m²)."""
    xe = gt[0] + gt[1] * np.arange(ncol + 1)
    ye = gt[3] + gt[5] * np.arange(nrow + 1)
    wx = np.clip(np.minimum(xe[1:], x0 + nx * dx) - np.maximum(xe[:-1], x0), 0, None)
    wy = np.clip(np.minimum(ye[:-1], y0) - np.maximum(ye[1:], y0 - ny * dx), 0, None)
    return np.outer(wy, wx)


with tempfile.TemporaryDirectory() as d:
    spec = os.path.join(os.path.dirname(files[0]), "rain_precipitation_*.tif")
    args = grid + ["-rain_raster_series", spec, "-rain_raster_scale", 0.1, "-rain_raster_dt", 3600, "-dump_tmax", 86400]
    _, iv1 = run(args + ["-dump_fields", os.path.join(d, "f1.bin")], np=1)
    _, iv3 = run(args + ["-dump_fields", os.path.join(d, "f3.bin")], np=3)
    check(filecmp.cmp(os.path.join(d, "f1.bin"), os.path.join(d, "f3.bin"), shallow=False), "fields differ between 1 and 3 ranks")
    check(len(iv1) == 24, f"24 hourly intervals expected, got {len(iv1)}")
    worst, total = 0.0, 0.0
    for k, f in enumerate(files[:24]):
        ds = gdal.Open(f)
        a = ds.GetRasterBand(1).ReadAsArray().astype(np.float64)
        w = overlap_weights(ds.GetGeoTransform(), ds.RasterXSize, ds.RasterYSize)
        valid = a >= 0
        ref = (w * a * valid).sum() / (w * valid).sum() * 0.1  # mm/h
        t0, t1, mean = iv1[k][:3]
        check((t0, t1) == (3600.0 * k, 3600.0 * (k + 1)), f"hour {k}: interval {t0}-{t1}")
        got = mean * 3.6e6
        err = abs(got - ref) / max(ref, 1e-300)
        if ref > 0:
            worst = max(worst, err)
        else:
            check(got == 0, f"hour {k}: rain {got} where the radar has none")
        total += ref
    check(worst < 1e-9, f"grid mean differs from the radar mean by {worst:.3e} (relative)")
    print(f"cance 2014-10-10: 24 h, grid-mean rain {total:.3f} mm, worst relative error {worst:.2e}, 1 vs 3 ranks identical")
