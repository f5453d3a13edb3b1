"""The real Cance radar series (Météo-France, Oct 2014, Int32 in 0.1 mm/h, EPSG:2154, 1 km)
applied to a 300 m grid not aligned with the radar pixels, covering the Cance catchment:
the grid mean of every hour equals the radar mean over the grid's footprint (overlap-area
weighted, computed here with GDAL + numpy) within 1e-9; 1 and 3 ranks give identical fields;
through the solver, the budget's rain volume equals the radar volume times the climate factor."""
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


def overlap_weights(gt, ncol, nrow, x0=x0, y0=y0, dx=dx, nx=nx, ny=ny):
    """Area of each radar pixel inside the footprint of the grid (x0, y0 = north-west corner) (m²)."""
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

# Through the solver: 2 h of the radar series on a closed flat DEM (100 m cells, not aligned
# with the radar) with the 2050 climate factor: the rain volume of the budget equals the
# radar volume over the footprint times 1.07 (TRACC default).
EXE = os.environ.get("RUISSEL_EXE", "")
if EXE and os.path.exists(EXE):
    import h5py
    import shlex
    import subprocess
    from osgeo import osr

    gx0, gy0, gdx, gnx, gny = 820050.0, 6471950.0, 100.0, 40, 30
    with tempfile.TemporaryDirectory() as d:
        dem = os.path.join(d, "flat.tif")
        ds = gdal.GetDriverByName("GTiff").Create(dem, gnx, gny, 1, gdal.GDT_Float32)
        ds.SetGeoTransform((gx0, gdx, 0, gy0, 0, -gdx))
        s = osr.SpatialReference()
        s.ImportFromEPSG(2154)
        ds.SetProjection(s.ExportToWkt())
        ds.GetRasterBand(1).WriteArray(np.full((gny, gnx), 200.0, np.float32))
        ds = None
        out = os.path.join(d, "r.h5")
        mpi = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe"))
        cmd = mpi + ["-n", "2", EXE, "-dem", dem, "-stages", "swe", "-swe_tfinal", "7200", "-rain_raster_series", spec,
                     "-rain_raster_scale", "0.1", "-scenario_type", "climate", "-out_file", out, "-progress_interval", "0"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        check(r.returncode == 0, f"ruissel failed:\n{r.stdout}\n{r.stderr[-2000:]}")
        with h5py.File(out) as f:
            b = dict(f["/budget"].attrs)
        ref = 0.0
        for fpath in files[:2]:
            ds = gdal.Open(fpath)
            a = ds.GetRasterBand(1).ReadAsArray().astype(np.float64)
            ref += (overlap_weights(ds.GetGeoTransform(), ds.RasterXSize, ds.RasterYSize, gx0, gy0, gdx, gnx, gny) * a).sum() * 0.1 / 1000.0 * 1.07
        err = abs(b["rain_m3"] - ref) / ref
        check(err < 1e-12 and abs(b["relative_error"]) < 1e-12, f"solver rain {b['rain_m3']} vs radar {ref} ({err:.2e}), budget {b['relative_error']:.2e}")
        print(f"solver: 2 h of radar rain x 1.07 = {b['rain_m3']:.3f} m3 (radar {ref:.3f}, relative {err:.1e}), budget {b['relative_error']:.1e}")
