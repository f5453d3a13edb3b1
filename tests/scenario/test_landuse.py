"""Land-use scenarios on a synthetic FLAIR-19 class map (1 m pixels): identical maps for
1, 2, 3 and 4 ranks (bitwise); the area changed equals the request to one pixel;
artificialised pixels were convertible and lie next to the urban fabric (every convertible
pixel closer than the last ring is taken); de-sealing takes Y % of the sealed pixels;
the ZAN area follows the law, and -scenario_view shows it with the components on; the seed
changes the draw."""
import os
import re
import shlex
import subprocess
import sys
import tempfile

import numpy as np
from osgeo import gdal, osr
from scipy import ndimage

gdal.UseExceptions()
EXE = sys.argv[1]
MPI = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe"))
URBAN, CONV, NEW, SEALED = {0, 2, 12, 17}, {3, 5, 6, 7, 8, 9, 10, 11, 14, 15, 16}, {0, 2}, {2}


def check(c, m):
    if not c:
        sys.exit("FAIL: " + m)


def run(d, tag, np_, args):
    out = os.path.join(d, f"{tag}_{np_}.tif")
    r = subprocess.run(MPI + ["-n", str(np_), EXE, "-in", os.path.join(d, "lc.tif"), "-out", out] + [str(a) for a in args], capture_output=True, text=True, timeout=300)
    if r.returncode:
        sys.exit(f"FAIL: landuse_dump {args}\n{r.stdout}\n{r.stderr[-2000:]}")
    ch = [l.split() for l in r.stdout.splitlines() if l.startswith("changes")][0]
    ds = gdal.Open(out)
    return ds.ReadAsArray(), float(ch[1]), float(ch[2])


rng = np.random.default_rng(5)
ny, nx = 160, 200
lc = np.full((ny, nx), 10, np.uint8)  # agricultural land
lc[:, 120:] = 6  # deciduous forest
lc[70:78, :] = 4  # a river (water: not convertible)
yy, xx = np.mgrid[0:ny, 0:nx]
village = (yy - 40) ** 2 + (xx - 60) ** 2 < 18 ** 2
lc[village] = np.where(rng.random(village.sum()) < 0.5, 0, 2)  # buildings and streets
lc[30:34, 52:56] = 12  # a pool
lc[village & (rng.random((ny, nx)) < 0.15)] = 1  # gardens
lc[150:, :5] = 255  # nodata
with tempfile.TemporaryDirectory() as d:
    ds = gdal.GetDriverByName("GTiff").Create(os.path.join(d, "lc.tif"), nx, ny, 1, gdal.GDT_Byte)
    ds.SetGeoTransform((700000, 1, 0, 6600000, 0, -1))
    s = osr.SpatialReference()
    s.ImportFromEPSG(2154)
    ds.SetProjection(s.ExportToWkt())
    ds.GetRasterBand(1).SetNoDataValue(255)
    ds.GetRasterBand(1).WriteArray(lc)
    ds = None

    args = ["-scenario_artificialise_ha", 0.2345, "-scenario_desealing_pct", 30, "-scenario_seed", 11]
    maps = {n: run(d, "a", n, args) for n in (1, 2, 3, 4)}
    m1, art, des = maps[1]
    for n in (2, 3, 4):
        check(np.array_equal(maps[n][0], m1), f"map with {n} ranks differs from 1 rank")
    changed = m1 != lc
    conv_before = np.isin(lc, list(CONV))
    art_px = changed & conv_before
    des_px = changed & np.isin(lc, list(SEALED))
    check(not (changed & ~conv_before & ~np.isin(lc, list(SEALED))).any(), "pixels outside the convertible/sealed classes changed")
    check(np.isin(m1[art_px], list(NEW)).all(), "artificialised pixels must become building/impervious")
    check(abs(art_px.sum() - 2345) <= 1 and abs(art - 0.2345) < 1e-4 + 1e-12, f"artificialised {art_px.sum()} px ({art} ha) for 0.2345 ha")
    nsealed = np.isin(lc, list(SEALED)).sum()
    check(des_px.sum() == round(0.3 * nsealed) and (m1[des_px] == 1).all(), f"de-sealed {des_px.sum()} of {nsealed} sealed pixels, expected 30 %")
    # adjacency: chessboard distance to the original urban fabric
    dist = ndimage.distance_transform_cdt(~np.isin(lc, list(URBAN)), metric="chessboard")
    K = dist[art_px].max()
    check(K <= 20, f"artificialised pixels up to {K} px from the urban fabric")
    check(art_px[(dist < K) & conv_before].all(), "a convertible pixel closer than the last ring was left")
    check((dist[art_px] >= 1).all(), "distance 0 pixels converted?")
    print(f"artificialisation: {art_px.sum()} px = {art} ha within {K} px of the urban fabric; de-sealing {des_px.sum()} px; 1-4 ranks identical")

    # the seed changes the draw in the last ring, not the area
    m2, art2, _ = run(d, "b", 2, ["-scenario_artificialise_ha", 0.2345, "-scenario_seed", 12])
    check(art2 == art and not np.array_equal(m2 != lc, art_px), "seed 12 gives the same draw as seed 11")

    # ZAN: 0.01 ha/yr from 2021 to 2050 = 0.01 * (10/2 + 10/4 + 9/8) ha
    zan = 0.01 * (5 + 2.5 + 1.125)
    m3, art3, _ = run(d, "z", 3, ["-scenario_zan", 2050, "-scenario_zan_ref_rate", 0.01])
    n3 = ((m3 != lc) & conv_before).sum()
    check(abs(n3 - zan * 1e4) <= 1 and abs(art3 - zan) <= 1e-4, f"ZAN 2050: {n3} px for {zan} ha")
    m4, art4, _ = run(d, "z2", 1, ["-scenario_zan", 2031, "-scenario_zan_ref_rate", 0.01])
    check(abs(art4 - 0.05) <= 1e-4, f"ZAN 2031: {art4} ha, expected half the 2011-2021 rate over 10 years (0.05)")
    print(f"ZAN: 2050 -> {art3} ha, 2031 -> {art4} ha")
    # -scenario_view: the components on (in their order, not the list's), the ZAN hectares of
    # the law, the factor (1 + rate)^dT; artificialise's option given but not listed: off
    r = subprocess.run(MPI + ["-n", "2", EXE, "-in", os.path.join(d, "lc.tif"), "-out", os.path.join(d, "v.tif"), "-scenario_view",
                              "-scenario_type", "desealing,zan,climate", "-scenario_zan", "2050", "-scenario_zan_ref_rate", "0.01",
                              "-scenario_desealing_pct", "20", "-scenario_warming", "2", "-scenario_artificialise_ha", "5"], capture_output=True, text=True, timeout=120)
    v = r.stdout
    req = re.search(r"zan: .*: (\S+) ha requested, (\S+) ha done", v)
    fac = re.search(r"factor on rain intensities (\S+)", v)
    check(r.returncode == 0 and "Scenario: climate, zan, desealing\n" in v and "artificialise:" not in v, f"-scenario_view components:\n{v}{r.stderr[-1500:]}")
    check(req is not None and abs(float(req.group(1)) - zan) <= 1e-6 * zan and abs(float(req.group(2)) - zan) <= 1e-4, f"-scenario_view ZAN hectares: {v}")
    check(fac is not None and abs(float(fac.group(1)) - 1.07**2) <= 1e-15, f"-scenario_view factor: {v}")
    print("-scenario_view ok:", req.group(0), "|", fac.group(0))

    # errors
    for args, text in ((["-scenario_type", "sprawl"], "-scenario_type: unknown scenario 'sprawl'"),
                       (["-scenario_artificialise_ha", 50], "only"),
                       (["-scenario_type", "zan"], "-scenario_zan YEAR needs -scenario_zan_ref_rate"),
                       (["-scenario_artificialise_ha", 1, "-scenario_zan", 2050, "-scenario_zan_ref_rate", 1], "-scenario_artificialise_ha and -scenario_zan: give one of them"),
                       (["-scenario_type", "desealing"], "-scenario_desealing_pct: required by -scenario_type desealing")):
        r = subprocess.run(MPI + ["-n", "2", EXE, "-in", os.path.join(d, "lc.tif"), "-out", os.path.join(d, "e.tif")] + [str(a) for a in args], capture_output=True, text=True, timeout=120)
        check(r.returncode != 0 and text in r.stdout + r.stderr, f"expected error '{text}'")
        print("error ok:", text)
print("land use OK")
