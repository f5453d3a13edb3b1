"""Bad hydro tables and inputs: one clear error naming the file, line and column (2 ranks)."""
import os
import tempfile

import numpy as np
from osgeo import gdal, osr

from hydrolib import SRC, check, run

gdal.UseExceptions()
grid = ["-grid_nx", 8, "-grid_ny", 6, "-grid_dx", 4, "-grid_x0", 700000, "-grid_y0", 6600000, "-grid_crs", "EPSG:2154"]
HDR = "class,name,manning_n,impervious_fraction,ks_m_per_s,suction_m,moisture_deficit,initial_abstraction_m\n"


def expect(args, text):
    out = run(grid + args, np_=2, expect_fail=True)
    check(text in out, f"expected '{text}' in the error, got:\n{out[-1500:]}")
    print("error ok:", text)


def lcraster(path, arr, epsg=2154):
    ds = gdal.GetDriverByName("GTiff").Create(path, arr.shape[1], arr.shape[0], 1, gdal.GDT_Byte)
    ds.SetGeoTransform((700000, 1, 0, 6600000, 0, -1))
    s = osr.SpatialReference()
    s.ImportFromEPSG(epsg)
    ds.SetProjection(s.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(arr)
    ds = None


with tempfile.TemporaryDirectory() as d:
    lc = os.path.join(d, "lc.tif")
    arr = np.full((24, 32), 13, np.uint8)
    arr[5, 7] = 7  # class 7 is unused in the IGN naf codes: absent from the table
    lcraster(lc, arr)
    naf = os.path.join(SRC, "input/hydro/ign_ai_naf.csv")
    expect(["-landcover_file", lc, "-hydro_table", naf], f"-hydro_table: '{naf}' has no row for class 7, present in the land cover")
    ok = "13,crop,0.04,0,1.8e-06,0.17,0.34,0.002\n"
    cases = [
        ("negks.csv", HDR + "# comment\n" + ok + "7,x,0.03,0,-1e-06,0.1,0.3,0\n", "negks.csv' line 4, column ks_m_per_s: negative conductivity -1e-06"),
        ("negn.csv", HDR + ok + "7,x,-0.03,0,1e-06,0.1,0.3,0\n", "line 3, column manning_n: negative Manning n -0.03"),
        ("frac.csv", HDR + ok + "7,x,0.03,1.5,1e-06,0.1,0.3,0\n", "line 3, column impervious_fraction: impervious fraction 1.5 must be in [0, 1]"),
        ("nan.csv", HDR + ok + "7,x,0.03,0,abc,0.1,0.3,0\n", "line 3, column ks_m_per_s: 'abc' is not a number"),
        ("short.csv", HDR + ok + "7,x,0.03,0,1e-6\n", "line 3: 5 fields, the header has 8"),
        ("nocol.csv", HDR.replace("suction_m,", "") + "13,crop,0.04,0,1.8e-06,0.34,0.002\n", "line 1: the header lacks column 'suction_m'"),
        ("dup.csv", HDR + ok + ok, "line 3: class 13 appears twice"),
    ]
    for name, text, msg in cases:
        p = os.path.join(d, name)
        open(p, "w").write(text)
        expect(["-landcover_file", lc, "-hydro_table", p], msg)
    # a reordered table with extra columns is fine
    p = os.path.join(d, "reordered.csv")
    open(p, "w").write("note,initial_abstraction_m,moisture_deficit,suction_m,ks_m_per_s,impervious_fraction,manning_n,name,class\n"
                       "a,0.002,0.34,0.17,1.8e-06,0,0.04,crop,13\nb,0.001,0.3,0.1,1e-6,0.2,0.05,x,7\n")
    out = run(grid + ["-landcover_file", lc, "-hydro_table", p])
    check("impervious" in out, "reordered table not accepted")
    print("reordered table with extra columns ok")
    wgs = os.path.join(d, "lc_wgs.tif")
    lcraster(wgs, arr, 4326)
    expect(["-landcover_file", wgs, "-hydro_table", naf], "is not in the grid's CRS")
    expect(["-landcover_file", lc], "no -hydro_table")
    expect(["-landcover_file", lc, "-hydro_table", os.path.join(d, "none.csv")], "-hydro_table: cannot read")
    expect(["-hydro_ks", -1], "-hydro_ks: -1")
print("table errors OK")
