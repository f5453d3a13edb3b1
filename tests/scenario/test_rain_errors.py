"""Bad rain / scenario inputs give one clear collective error (no hang, 2 ranks)."""
import os
import tempfile

import numpy as np
from osgeo import gdal, osr

from rainlib import check, run

gdal.UseExceptions()


def raster(path, epsg, gt, arr, nodata=None):
    ds = gdal.GetDriverByName("GTiff").Create(path, arr.shape[1], arr.shape[0], 1, gdal.GDT_Float32)
    ds.SetGeoTransform(gt)
    if epsg:
        s = osr.SpatialReference()
        s.ImportFromEPSG(epsg)
        ds.SetProjection(s.ExportToWkt())
    if nodata is not None:
        ds.GetRasterBand(1).SetNoDataValue(nodata)
    ds.GetRasterBand(1).WriteArray(arr)
    ds = None


grid = ["-grid_nx", 20, "-grid_ny", 16, "-grid_dx", 100, "-grid_x0", 830000, "-grid_y0", 6460000, "-grid_crs", "EPSG:2154"]


def expect(args, text, np=2):
    out = run(grid + args, np=np, expect_fail=True)
    check(text in out, f"expected '{text}' in the error, got:\n{out[-1500:]}")
    print("error ok:", text)


with tempfile.TemporaryDirectory() as d:
    far = os.path.join(d, "far_wgs84.tif")  # Sumatra, in lon/lat
    raster(far, 4326, (100.0, 0.01, 0, 1.0, 0, -0.01), np.full((50, 50), 5.0, np.float32))
    expect(["-rain_raster_series", far], f"'{far}' does not overlap the grid")
    nocrs = os.path.join(d, "nocrs.tif")
    raster(nocrs, None, (830000, 1000, 0, 6460000, 0, -1000), np.full((5, 5), 5.0, np.float32))
    expect(["-rain_raster_series", nocrs], "the raster has no CRS")
    far93 = os.path.join(d, "far_l93.tif")
    raster(far93, 2154, (100000, 1000, 0, 6900000, 0, -1000), np.full((5, 5), 5.0, np.float32))
    expect(["-rain_raster_series", far93], f"'{far93}' does not overlap the grid")
    # another CRS that does overlap: reprojected, constant value everywhere
    wgs = os.path.join(d, "cance_wgs84.tif")
    raster(wgs, 4326, (4.0, 0.01, 0, 45.5, 0, -0.01), np.full((100, 150), 7.5, np.float32))
    _, iv = run(grid + ["-rain_raster_series", wgs, "-dump_tmax", 3600], np=2)
    check(abs(iv[0][2] * 3.6e6 - 7.5) < 1e-12 and iv[0][3] == iv[0][4], f"reprojected constant raster: {iv[0]}")
    print("reprojected raster ok")
    # nodata: a single valid pixel -> every cell takes it (mean of the valid pixels)
    arr = np.full((6, 6), -99.0, np.float32)
    arr[2, 2] = 4.0  # under the grid (x 831-832 km, y 6458-6459 km)
    arr[1, 1] = -1.0  # negative: nodata by the radar convention
    one = os.path.join(d, "one.tif")
    raster(one, 2154, (829000, 1000, 0, 6461000, 0, -1000), arr, nodata=-99)
    _, iv = run(grid + ["-rain_raster_series", one, "-dump_tmax", 3600])
    check(abs(iv[0][3] * 3.6e6 - 4.0) < 1e-12 and abs(iv[0][4] * 3.6e6 - 4.0) < 1e-12, f"nodata fill: {iv[0]}")
    _, iv = run(grid + ["-rain_raster_series", one, "-rain_raster_nodata", "zero", "-dump_tmax", 3600])
    check(iv[0][3] == 0.0 and abs(iv[0][4] * 3.6e6 - 4.0) < 1e-12, f"nodata zero: {iv[0]}")
    print("nodata handling ok")
    # a .txt list with times (relative paths), and a comma-separated list with -rain_raster_dt
    for k, v in ((0, 2.0), (1, 6.0)):
        raster(os.path.join(d, f"r{k}.tif"), 2154, (829000, 1000, 0, 6461000, 0, -1000), np.full((6, 6), v, np.float32))
    with open(os.path.join(d, "list.txt"), "w") as f:
        f.write("# time_s,path\n600,r0.tif\n2400,r1.tif\n")
    _, iv = run(grid + ["-rain_raster_series", os.path.join(d, "list.txt"), "-rain_raster_dt", 900, "-dump_tmax", 1e5])
    got = [(a, b, round(m * 3.6e6, 12)) for a, b, m, _, _ in iv]
    check(got == [(0.0, 600.0, 0.0), (600.0, 2400.0, 2.0), (2400.0, 3300.0, 6.0), (3300.0, 1.7976931348623157e308, 0.0)], f"list.txt series: {got}")
    _, iv = run(grid + ["-rain_raster_series", os.path.join(d, "r1.tif") + "," + os.path.join(d, "r0.tif"), "-rain_raster_dt", 300, "-rain_raster_start", 100, "-dump_tmax", 1e5])
    got = [(a, b, round(m * 3.6e6, 12)) for a, b, m, _, _ in iv]
    check(got == [(0.0, 100.0, 0.0), (100.0, 400.0, 6.0), (400.0, 700.0, 2.0), (700.0, 1.7976931348623157e308, 0.0)], f"comma list series: {got}")
    print("raster lists ok")
    expect(["-scenario_type", "climate,flood2100"], "-scenario_type: unknown scenario 'flood2100'")
    expect(["-rain_rate", -3], "-rain_rate: -3")
    expect(["-rain_rate", 3, "-rain_hyetograph", "x.csv"], "give at most one of")
    expect(["-rain_hyetograph", os.path.join(d, "missing.csv")], "-rain_hyetograph: cannot read")
    expect(["-rain_design", "chicago", "-rain_idf_a", 5, "-rain_idf_b", 1.2, "-rain_duration", 3600], "-rain_idf_b: 1.2 must be in (0,1)")
    expect(["-rain_raster_series", os.path.join(d, "nothing_*.tif")], "no file matches")
print("rain errors OK")
