"""Class-fraction aggregation vs numpy: (1) -landcover_file, a random IGN naf class raster at
1/8 of the cell size with nodata pixels, fractions counted by pixel centres; (2) class
fractions given through RslHydroSetClassFractions; (3) 1 and 3 ranks and the class-map API (2 ranks) give identical fields;
(4) a soil texture raster overrides Ks and psi*dtheta (Rawls et al. 1983 table)."""
import os
import tempfile

import numpy as np
from osgeo import gdal, osr

from hydrolib import SRC, aggregate, check, read_fields, run, table

gdal.UseExceptions()
nx, ny, dx, sub = 24, 18, 4.0, 8
x0, y0 = 700000.0, 6600000.0
grid = ["-grid_nx", nx, "-grid_ny", ny, "-grid_dx", dx, "-grid_x0", x0, "-grid_y0", y0, "-grid_crs", "EPSG:2154"]
naf = os.path.join(SRC, "input/hydro/ign_ai_naf.csv")
T = table(naf)


def write(path, arr, gt, dtype, nodata=None):
    ds = gdal.GetDriverByName("GTiff").Create(path, arr.shape[1], arr.shape[0], 1, dtype)
    ds.SetGeoTransform(gt)
    s = osr.SpatialReference()
    s.ImportFromEPSG(2154)
    ds.SetProjection(s.ExportToWkt())
    if nodata is not None:
        ds.GetRasterBand(1).SetNoDataValue(nodata)
    ds.GetRasterBand(1).WriteArray(arr)
    ds = None


def compare(got, ref, what):
    worst = 0.0
    for k in ref:
        g, r = got[k], np.asarray(ref[k], float)
        err = np.abs(g - r) / np.maximum(np.abs(r), 1e-300)
        err[(r == 0) & (g == 0)] = 0
        worst = max(worst, float(err.max()))
    check(worst < 1e-13, f"{what}: fields differ from numpy by {worst:.2e}")
    print(f"{what}: 5 fields match numpy (worst relative {worst:.1e})")


rng = np.random.default_rng(3)
with tempfile.TemporaryDirectory() as d:
    # land cover 1 px beyond the grid on each side, 0.5 m pixels; clustered classes
    classes = np.array(sorted(T))
    lc = classes[rng.integers(0, len(classes), (ny * sub + 2, nx * sub + 2))].astype(np.uint8)
    lc[:, : (nx * sub) // 3] = 13  # a crop field
    lc[rng.random(lc.shape) < 0.05] = 200  # nodata
    lc[1:1 + sub, 1:1 + sub] = 200  # a cell without any data (north-west corner cell)
    lcf = os.path.join(d, "lc.tif")
    write(lcf, lc, (x0 - dx / sub, dx / sub, 0, y0 + dx / sub, 0, -dx / sub), gdal.GDT_Byte, nodata=200)
    out1, out3 = os.path.join(d, "h1.bin"), os.path.join(d, "h3.bin")
    run(grid + ["-landcover_file", lcf, "-hydro_table", naf, "-dump", out1])
    run(grid + ["-landcover_file", lcf, "-hydro_table", naf, "-dump", out3], np_=3)
    check(open(out1, "rb").read() == open(out3, "rb").read(), "fields differ between 1 and 3 ranks")
    out2 = os.path.join(d, "h2.bin")  # the same land cover as a class map (RslHydroSetClassMap)
    run(grid + ["-test_classmap", lcf, "-hydro_table", naf, "-dump", out2], np_=2)
    check(open(out1, "rb").read() == open(out2, "rb").read(), "RslHydroSetClassMap differs from -landcover_file")
    got = read_fields(out1, ny, nx)
    inner = lc[1:-1, 1:-1]  # pixels whose centres are in the grid; row 0 = north
    w = {}
    for c in classes:
        cnt = (inner == c).reshape(ny, sub, nx, sub).sum(axis=(1, 3)).astype(float)[::-1]  # row 0 = south
        if cnt.any():
            w[int(c)] = cnt
    ref = aggregate(T, w)
    empty = sum(w.values()) == 0
    check(empty.sum() == 1 and empty[ny - 1, 0], "test set-up: one empty cell expected")
    row0 = T[0]  # cells without data take class 0 of the table
    for k, v in (("manning", row0["manning_n"]), ("impervious", row0["impervious_fraction"]), ("ks", row0["ks_m_per_s"]), ("psi_dtheta", row0["suction_m"] * row0["moisture_deficit"]), ("ia", row0["initial_abstraction_m"])):
        ref[k] = np.where(empty, v, ref[k])
    compare(got, ref, "-landcover_file")

    # class fractions through the API (3 classes: table rows 0, 1, 2 of flair19)
    fl = table(os.path.join(SRC, "input/hydro/flair19.csv"))
    out = os.path.join(d, "f.bin")
    run(grid + ["-test_fractions", "-hydro_table", os.path.join(SRC, "input/hydro/flair19.csv"), "-dump", out], np_=2)
    J, I = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
    f0, f1 = (I % 4) / 4.0 * 0.5, (J % 3) / 3.0 * 0.5
    wf = {0: f0, 1: f1, 2: 1.0 - f0 - f1}
    compare(read_fields(out, ny, nx), aggregate(fl, {c: v for c, v in wf.items()}), "RslHydroSetClassFractions")

    # soil texture override: codes 1..11 per cell (cell-sized pixels)
    soil = rng.integers(1, 12, (ny, nx)).astype(np.int16)
    sf = os.path.join(d, "soil.tif")
    write(sf, soil, (x0, dx, 0, y0, 0, -dx), gdal.GDT_Int16)
    st = os.path.join(SRC, "input/hydro/soil_texture_rawls1983.csv")
    run(grid + ["-landcover_file", lcf, "-hydro_table", naf, "-hydro_soil_file", sf, "-hydro_soil_table", st, "-dump", out])
    g2 = read_fields(out, ny, nx)
    rows = [l for l in open(st) if not l.startswith("#")]
    import csv
    S = {int(r["code"]): r for r in csv.DictReader(rows)}
    codes = soil[::-1]
    ks = np.vectorize(lambda c: float(S[c]["ks_m_per_s"]))(codes)
    psd = np.vectorize(lambda c: float(S[c]["suction_m"]) * 0.7 * float(S[c]["effective_porosity"]))(codes)
    check(np.array_equal(g2["ks"], ks) and np.allclose(g2["psi_dtheta"], psd, rtol=1e-15, atol=0), "soil map override wrong")
    check(np.array_equal(g2["manning"], got["manning"]) and np.array_equal(g2["impervious"], got["impervious"]), "soil map must not change n or imperviousness")
    print("soil texture override OK")

# Real IGN labels (Gers, 2016 and 2019 naf tiles, 0.25 m) on a 5 m grid: same rule, and the
# 2016 -> 2019 change (conifers cut: class 8 -> 9) shows in the parameters.
data = os.environ.get("RUISSEL_DATA_DIR", "")
tiles = [os.path.join(data, f"landcover/gers_ocsge_ia/{y}/naf/zone_v13_478208-0000_6275328-0000.tiff") for y in (2016, 2019)]
if all(os.path.exists(t) for t in tiles):
    gnx = 51
    g = ["-grid_nx", gnx, "-grid_ny", gnx, "-grid_dx", 5.0, "-grid_x0", 478208.0, "-grid_y0", 6275328.0, "-grid_crs", "EPSG:2154"]
    fields = {}
    with tempfile.TemporaryDirectory() as d:
        for y, t in zip((2016, 2019), tiles):
            out = os.path.join(d, f"{y}.bin")
            run(g + ["-landcover_file", t, "-hydro_table", naf, "-dump", out], np_=2)
            fields[y] = read_fields(out, gnx, gnx)
            lab = gdal.Open(t).ReadAsArray()[: gnx * 20, : gnx * 20]
            w = {}
            for c in np.unique(lab):
                w[int(c)] = (lab == c).reshape(gnx, 20, gnx, 20).sum(axis=(1, 3)).astype(float)[::-1]
            compare(fields[y], aggregate(T, w), f"Gers {y} labels")
    check((fields[2019]["ia"] != fields[2016]["ia"]).any(), "the 2016 -> 2019 land-cover change does not show")
else:
    print("Gers labels absent: real-data part skipped")
print("aggregation OK")
