#!/usr/bin/python3
"""postproc on a synthetic result (postproc/rslpost/synthetic.py): every subcommand of
postproc/ruissel_post.py runs; its indicators equal values computed by hand from the
synthetic arrays (written out below as literals, not recomputed), for zones given as a
raster on the grid, as a raster at another resolution and as polygons in another CRS; the
exported rasters are valid COGs with CRS, band description, unit, and for class rasters a
colour table and category names matching their QGIS styles; the GeoPackage is valid and
holds the zones with their indicators; the PNGs are real images; observed data join the
hydrograph. Also: bad inputs give exit status 1 and a one-line message."""
import csv
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import numpy as np

SRC = os.environ.get("RUISSEL_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
POST = os.path.join(SRC, "postproc", "ruissel_post.py")
sys.path.insert(0, os.path.join(SRC, "postproc"))
sys.path.insert(0, os.path.join(SRC, "tests"))
from rslpost import export, synthetic  # noqa: E402
from rslpost.result import HAZARD_COLOURS  # noqa: E402
from rsltest import Checks  # noqa: E402

check = Checks()
close = check.close


def post(*args):
    return subprocess.run([sys.executable, POST, *args], capture_output=True, text=True)


def is_png(path, min_px=300):
    if not os.path.isfile(path):
        return False
    with open(path, "rb") as f:
        if f.read(8) != b"\x89PNG\r\n\x1a\n":
            return False
    import matplotlib.image

    img = matplotlib.image.imread(path)
    return min(img.shape[:2]) >= min_px and float(img[..., :3].std()) > 0.01


def write_zones(path, nx, ny, gt, shape_ok=True, refine=1):
    """Zone 1 = columns 0-2, zone 2 = columns 3-5, cell (row 3, col 5) nodata (255); refine
    > 1 writes it with refine x refine pixels per cell."""
    from osgeo import gdal

    z = np.where(np.arange(nx)[None, :] < 3, 1, 2).repeat(ny, axis=0).astype(np.uint8)
    z[3, 5] = 255
    if not shape_ok:
        z = z[:, :-1]
    z = z.repeat(refine, axis=0).repeat(refine, axis=1)
    ds = gdal.GetDriverByName("GTiff").Create(path, z.shape[1], z.shape[0], 1, gdal.GDT_Byte)
    ds.SetGeoTransform((gt[0], gt[1] / refine, 0.0, gt[3], 0.0, gt[5] / refine))
    ds.GetRasterBand(1).SetNoDataValue(255)
    ds.GetRasterBand(1).WriteArray(z)
    ds = None


def write_polygons(path):
    """Zones A (columns 0-2) and B (columns 3-5) as polygons in EPSG:4326 (GeoPackage)."""
    from osgeo import ogr, osr

    src, dst = osr.SpatialReference(), osr.SpatialReference()
    src.ImportFromEPSG(2154)
    dst.ImportFromEPSG(4326)
    for s in (src, dst):
        s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(src, dst)
    x0, y0 = synthetic.GT[0], synthetic.GT[3]
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    lay = ds.CreateLayer("zones", dst, ogr.wkbPolygon)
    lay.CreateField(ogr.FieldDefn("ZONE", ogr.OFTString))
    for name, (a, b) in (("A", (x0 - 1, x0 + 6)), ("B", (x0 + 6, x0 + 13))):
        ring = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in ((a, y0 + 1), (b, y0 + 1), (b, y0 - 13), (a, y0 - 13), (a, y0 + 1)):
            ring.AddPoint_2D(x, y)
        g = ogr.Geometry(ogr.wkbPolygon)
        g.AddGeometry(ring)
        g.Transform(ct)
        f = ogr.Feature(lay.GetLayerDefn())
        f.SetField("ZONE", name)
        f.SetGeometry(g)
        lay.CreateFeature(f)
    ds = None


def check_raster_zones(rows, what):
    # Zone 1 (columns 0-2 minus the nodata cell): 11 cells; flooded 0.2 0.5 0.12 1.2 = 24 m2;
    # max 1.2; volume (10 x 0.05 + 1.0) x 6 = 9.0; hazard 1 1 2 3 -> faible 12, modéré 6,
    # fort 6; rain 11 x 6 x 0.5 = 33, losses 11 x 6 x 0.2 = 13.2, net 19.8, coefficient 0.6.
    z1, z2 = rows.get("1", {}), rows.get("2", {})
    check(z1.get("cells") == 11, f"{what} zone 1: 11 cells")
    for key, val in (("flooded_area_m2", 24.0), ("max_depth_m", 1.2), ("volume_m3", 9.0), ("hazard_faible_m2", 12.0),
                     ("hazard_modere_m2", 6.0), ("hazard_fort_m2", 6.0), ("hazard_tres_fort_m2", 0.0), ("rain_m3", 33.0),
                     ("losses_m3", 13.2), ("net_runoff_m3", 19.8), ("net_runoff_coefficient", 0.6), ("first_arrival_s", 60.0)):
        close(z1.get(key), val, f"{what} zone 1: {key}")
    # Zone 2 (columns 3-5 minus the zone-nodata cell holding the 2 m): 11 cells; flooded 0.3
    # 0.11 = 12 m2 (both faible); max 0.3; volume 11 x 0.05 x 6 = 3.3; net (0.5 - 0.1) / 0.5.
    check(z2.get("cells") == 11, f"{what} zone 2: 11 cells")
    for key, val in (("flooded_area_m2", 12.0), ("max_depth_m", 0.3), ("volume_m3", 3.3), ("hazard_faible_m2", 12.0),
                     ("hazard_tres_fort_m2", 0.0), ("net_runoff_coefficient", 0.8), ("first_arrival_s", 240.0)):
        close(z2.get(key), val, f"{what} zone 2: {key}")


def check_cog(path, what, colours=None, names=None):
    from osgeo import gdal, osr
    from osgeo_utils.samples.validate_cloud_optimized_geotiff import validate

    _, errors, _ = validate(path, full_check=True)
    check(not errors, f"{what}: valid COG ({errors})")
    ds = gdal.Open(path)
    srs = osr.SpatialReference(wkt=ds.GetProjection())
    srs.AutoIdentifyEPSG()
    check(srs.GetAuthorityCode(None) == "2154", f"{what}: CRS EPSG:2154")
    b = ds.GetRasterBand(1)
    check(bool(b.GetDescription()), f"{what}: band description '{b.GetDescription()}'")
    if colours:
        ct = b.GetColorTable()
        got = {v: "#%02x%02x%02x" % ct.GetColorEntry(v)[:3] for v in colours} if ct else {}
        check(got == colours, f"{what}: colour table {got}")
        check(list(b.GetCategoryNames() or [])[:len(names)] == names, f"{what}: category names {b.GetCategoryNames()}")
        style = ET.parse(path[:-4] + ".qml").getroot()
        entries = {int(e.get("value")): (e.get("label"), e.get("color")) for e in style.iter("paletteEntry")}
        check(all(entries[v] == (names[v], colours[v]) for v in entries) and entries, f"{what}: .qml palette matches ({len(entries)} entries)")
    else:
        check(b.DataType == gdal.GDT_Float32 and b.GetUnitType() != "", f"{what}: Float32 with a unit '{b.GetUnitType()}'")
    return ds


def main():
    tmp = tempfile.mkdtemp(prefix="rsl_post_")
    a, b = os.path.join(tmp, "today.h5"), os.path.join(tmp, "y2050.h5")
    synthetic.write_synthetic(a)
    synthetic.write_synthetic(b, depth_factor=2.0, outflow_m3=30.0)
    zones = os.path.join(tmp, "zones.tif")
    write_zones(zones, synthetic.NX, synthetic.NY, synthetic.GT)

    # Indicators. Cell area 2 x 3 = 6 m2; 23 active cells (north-west one is nodata, and
    # its 5 m max depth and class-4 hazard must be ignored). The run's flood depth is 0.1 m:
    # max depth > 0.1: 0.2 0.3 0.5 0.12 1.2 0.11 2.0 (0.1 itself is not above) = 7 cells =
    # 42 m2. Final volume (22 x 0.05 + 1.0) x 6 = 12.6. Hazard: faible 4 cells, modéré 1,
    # fort 1, très fort 1.
    r = post("indicators", a, "--zones", zones, "--out", os.path.join(tmp, "ind"))
    check(r.returncode == 0, f"indicators exit 0 ({r.stderr.strip()})")
    rows = {row["zone"]: row for row in json.load(open(os.path.join(tmp, "ind", "indicators.json")))}
    d = rows["all"]
    check(d["cells"] == 23, "all: 23 active cells")
    for key, val in (("area_m2", 138.0), ("flooded_area_m2", 42.0), ("max_depth_m", 2.0), ("volume_m3", 12.6),
                     ("runoff_coefficient", 0.25), ("peak_outflow_m3s", 0.6), ("peak_outflow_time_s", 300.0),
                     ("hazard_faible_m2", 24.0), ("hazard_modere_m2", 6.0), ("hazard_fort_m2", 6.0), ("hazard_tres_fort_m2", 6.0),
                     ("max_hv_m2s", 2.0), ("rain_m3", 100.0), ("losses_m3", 10.0), ("net_runoff_coefficient", 0.9)):
        close(d.get(key), val, f"all: {key}")
    check_raster_zones(rows, "raster zones")
    with open(os.path.join(tmp, "ind", "indicators.csv")) as f:
        check(len(list(csv.DictReader(f))) == 3, "indicators.csv: 3 rows")
    # the same zones at 1/3 of the cell size (nearest-neighbour warp to the grid)
    fine = os.path.join(tmp, "zones_fine.tif")
    write_zones(fine, synthetic.NX, synthetic.NY, synthetic.GT, refine=3)
    r = post("indicators", a, "--zones", fine, "--out", os.path.join(tmp, "ind_fine"))
    check(r.returncode == 0, f"indicators, finer zone raster: exit 0 ({r.stderr.strip()})")
    if r.returncode == 0:
        check_raster_zones({row["zone"]: row for row in json.load(open(os.path.join(tmp, "ind_fine", "indicators.json")))}, "fine raster zones")
    # polygons in EPSG:4326 give the figures of the run's own /zones table (synthetic.py)
    gpkg = os.path.join(tmp, "zones.gpkg")
    write_polygons(gpkg)
    r = post("indicators", a, "--zones", gpkg, "--zones-field", "ZONE", "--out", os.path.join(tmp, "ind_poly"))
    check(r.returncode == 0, f"indicators, polygon zones: exit 0 ({r.stderr.strip()})")
    if r.returncode == 0:
        poly = {row["zone"]: row for row in json.load(open(os.path.join(tmp, "ind_poly", "indicators.json")))}
        r = post("indicators", a, "--out", os.path.join(tmp, "ind_own"))
        own = {row["zone"]: row for row in json.load(open(os.path.join(tmp, "ind_own", "indicators.json")))}
        for zid in ("A", "B"):
            for key in ("cells", "flooded_area_m2", "hazard_faible_m2", "hazard_tres_fort_m2", "max_depth_m", "max_hv_m2s",
                        "first_arrival_s", "volume_m3", "rain_m3", "losses_m3", "net_runoff_coefficient"):
                close(poly.get(zid, {}).get(key), own[zid][key], f"polygons (EPSG:4326) vs /zones table: {zid} {key}")

    # Maps and hydrograph (with observed outflow and gauge g2).
    r = post("maps", a, "--out", os.path.join(tmp, "maps"), "--zones", gpkg, "--zones-field", "ZONE")
    check(r.returncode == 0, f"maps exit 0 ({r.stderr.strip()})")
    for name in ("max_depth", "max_speed", "max_hv", "hazard", "arrival", "duration"):
        check(is_png(os.path.join(tmp, "maps", name + ".png")), f"{name}.png is a real image")
    obs = os.path.join(tmp, "observed.csv")
    with open(obs, "w") as f:
        f.write("time_s,outflow,g2\n0,0.1,0\n300,0.55,0.1\n600,0.15,0.19\n")
    r = post("hydrograph", a, "--out", os.path.join(tmp, "hyd"), "--observed", obs)
    check(r.returncode == 0, f"hydrograph exit 0 ({r.stderr.strip()})")
    check(is_png(os.path.join(tmp, "hyd", "hydrograph.png")), "hydrograph.png is a real image")
    q = np.genfromtxt(os.path.join(tmp, "hyd", "outflow.csv"), delimiter=",", names=True)
    close(q["total"].max(), 0.6, "outflow.csv: peak total")
    with open(os.path.join(tmp, "hyd", "gauges.csv")) as f:
        g = list(csv.DictReader(f))
    check(len(g) == 22 and g[-1]["gauge"] == "g2", "gauges.csv: 2 gauges x 11 samples")
    close(float(g[-1]["h"]), 0.2, "gauges.csv: g2 final depth")

    # Comparison: 2050 doubles depths: above 0.1 m now also 0.1 -> 0.2 and 0.08 -> 0.16, 9
    # cells = 54 m2 (+28.571 %); outflow 30 vs 25 (+20 %). Per zone: A 4 -> 5 flooded cells
    # (+25 %), B 3 -> 4 (+33.3 %).
    r = post("compare", a, b, "--out", os.path.join(tmp, "cmp"))
    check(r.returncode == 0, f"compare exit 0 ({r.stderr.strip()})")
    with open(os.path.join(tmp, "cmp", "compare.csv")) as f:
        c = list(csv.DictReader(f))
    close(float(c[1]["flooded_area_m2"]), 54.0, "compare: 2050 flooded area")
    close(float(c[1]["flooded_area_m2_change_pct"]), 100.0 * 12.0 / 42.0, "compare: flooded area change", 1e-5)
    close(float(c[1]["outflow_m3_change_pct"]), 20.0, "compare: outflow change", 1e-5)
    with open(os.path.join(tmp, "cmp", "zones_by_scenario.csv")) as f:
        zc = {(r_["zone"], r_["scenario"]): r_ for r_ in csv.DictReader(f)}
    close(float(zc[("A", "y2050")]["flooded_area_change_pct"]), 25.0, "compare: zone A flooded change", 1e-5)
    close(float(zc[("B", "y2050")]["flooded_area_change_pct"]), 100.0 / 3.0, "compare: zone B flooded change", 1e-5)
    check(is_png(os.path.join(tmp, "cmp", "diff_max_depth_y2050_vs_today.png")), "difference map is a real image")

    # GIS export: COGs (hazard with the class colours), styles, GeoPackage.
    from osgeo import gdal, ogr
    from osgeo_utils.samples.validate_gpkg import check as validate_gpkg

    lc = os.path.join(tmp, "landcover.tif")  # a class raster at 1 m with classes 0..18
    ds = gdal.GetDriverByName("GTiff").Create(lc, 12, 12, 1, gdal.GDT_Byte)
    ds.SetGeoTransform((1000.0, 1.0, 0.0, 5000.0, 0.0, -1.0))
    ds.SetProjection(synthetic._wkt())
    ds.GetRasterBand(1).WriteArray((np.arange(144).reshape(12, 12) % 19).astype(np.uint8))
    ds = None
    zones_frac = os.path.join(tmp, "fractions.tif")  # not a class raster: fractional values
    ds = gdal.GetDriverByName("GTiff").Create(zones_frac, 12, 12, 1, gdal.GDT_Float64)
    ds.SetGeoTransform((1000.0, 1.0, 0.0, 5000.0, 0.0, -1.0))
    ds.SetProjection(synthetic._wkt())
    ds.GetRasterBand(1).WriteArray(np.full((12, 12), 2.5))
    ds = None
    gis = os.path.join(tmp, "gis")
    r = post("export", a, "--out", gis, "--compare", b, "--landcover", lc, "--zones", gpkg, "--zones-field", "ZONE")
    check(r.returncode == 0, f"export exit 0 ({r.stderr.strip()})")
    for name in ("max_depth", "max_speed", "max_hv", "arrival", "duration", "depth_final", "bed", "net_runoff"):
        check_cog(os.path.join(gis, f"today_{name}.tif"), f"today_{name}.tif")
    hz = check_cog(os.path.join(gis, "today_hazard.tif"), "today_hazard.tif", {k: HAZARD_COLOURS[k] for k in range(1, 5)},
                   ["none", "faible", "modéré", "fort", "très fort"])
    check(np.array_equal(hz.ReadAsArray(), np.where(synthetic.HAZARD == 4, np.where(np.arange(6)[None, :] == 0, 0, 4), synthetic.HAZARD)),
          "today_hazard.tif: the classes, 0 outside the domain")
    nom = export.nomenclature()
    check_cog(os.path.join(gis, "today_landcover.tif"), "today_landcover.tif", {v: c for v, (_, c) in nom.items()},
              [nom[v][0] for v in range(19)])
    check(nom[0] == ("building", "#db0e9a") and nom[4] == ("water", "#1553ae"), "FLAIR-19 colours from input/nomenclature/flair19.csv")
    depth_qml = ET.parse(os.path.join(gis, "today_max_depth.qml")).getroot()
    check(len(list(depth_qml.iter("item"))) == 4, "today_max_depth.qml: a colour ramp")
    gp = os.path.join(gis, "today.gpkg")
    try:
        validate_gpkg(gp)
        check(True, "today.gpkg: valid GeoPackage (GDAL's validate_gpkg)")
    except Exception as e:  # noqa: BLE001 (the validator raises its own error class)
        check(False, f"today.gpkg: valid GeoPackage ({e})")
    g = ogr.Open(gp)
    layers = {g.GetLayer(i).GetName() for i in range(g.GetLayerCount())}
    check({"zones", "zone_indicators", "gauges", "flood_extent", "hazard"} <= layers, f"today.gpkg layers {sorted(layers)}")
    zl = {f.GetField("ZONE"): f for f in g.GetLayerByName("zones")}
    close(zl["A"].GetField("flooded_area_m2") if "A" in zl else None, 24.0, "today.gpkg zones: A flooded area")
    close(zl["B"].GetField("net_runoff_coefficient") if "B" in zl else None, 0.8, "today.gpkg zones: B net runoff coefficient")
    check(g.GetLayerByName("zone_indicators").GetFeatureCount() == 4, "today.gpkg zone_indicators: 2 zones x 2 scenarios")
    area = sum(f.GetGeometryRef().GetArea() for f in g.GetLayerByName("flood_extent"))
    close(area, 42.0, "today.gpkg flood_extent: 7 cells of 6 m2", 1e-9)
    hzl = {}
    for f in g.GetLayerByName("hazard"):
        hzl[f.GetField("class_name")] = hzl.get(f.GetField("class_name"), 0.0) + f.GetGeometryRef().GetArea()
    close(hzl.get("faible"), 24.0, "today.gpkg hazard: faible area", 1e-9)
    g = None

    # Report: every image and file it links exists, with the zone tables.
    r = post("report", a, "--out", os.path.join(tmp, "rep"), "--compare", b, "--observed", obs)
    check(r.returncode == 0, f"report exit 0 ({r.stderr.strip()})")
    html = open(os.path.join(tmp, "rep", "report.html")).read()
    imgs = [s.split("'")[0] for s in html.split("<img src='")[1:]]
    links = [s.split("'")[0] for s in html.split("<a href='")[1:]]
    check(len(imgs) == 8 and all(os.path.isfile(os.path.join(tmp, "rep", i)) for i in imgs), f"report.html links 8 existing images ({imgs})")
    check(links and all(os.path.isfile(os.path.join(tmp, "rep", i)) for i in links), f"report.html links {len(links)} existing GIS files")
    check("Per zone and scenario" in html and "très fort" in html, "report.html: per-zone tables by scenario")

    # Bad inputs: one-line error, exit 1.
    r = post("indicators", os.path.join(tmp, "missing.h5"))
    check(r.returncode == 1 and "missing.h5" in r.stderr and r.stderr.count("\n") == 1, "missing result: one-line error")
    r = post("indicators", a, "--zones", gpkg, "--out", tmp)
    check(r.returncode == 1 and "--zones-field" in r.stderr, "polygons without --zones-field: error naming it")
    r = post("indicators", a, "--zones", gpkg, "--zones-field", "NOPE", "--out", tmp)
    check(r.returncode == 1 and "NOPE" in r.stderr and "ZONE" in r.stderr, "unknown zone field: error listing the fields")
    r = post("indicators", a, "--zones", os.path.join(tmp, "ind", "indicators.csv"), "--out", tmp)
    check(r.returncode == 1 and "--zones" in r.stderr, "zones neither polygons nor raster: error naming --zones")
    r = post("hydrograph", a, "--observed", zones, "--out", tmp)
    check(r.returncode == 1 and "--observed" in r.stderr, "unreadable observed data: error naming --observed")
    for opt, val in (("--depth-threshold", "-1"), ("--depth-threshold", "nan"), ("--min-depth", "-0.5")):
        r = post("indicators" if opt == "--depth-threshold" else "maps", a, opt, val, "--out", os.path.join(tmp, "bad"))
        check(r.returncode == 1 and opt in r.stderr and r.stderr.count("\n") == 1, f"{opt} {val}: one-line error naming it")
    for what, bad in (("not a raster", os.path.join(tmp, "ind", "indicators.csv")), ("not class codes", zones_frac)):
        bad_out = os.path.join(tmp, "bad_export")
        r = post("export", a, "--out", bad_out, "--landcover", bad)
        check(r.returncode == 1 and "--landcover" in r.stderr and r.stderr.count("\n") == 1 and not os.listdir(bad_out),
              f"export --landcover {what}: one-line error naming it, nothing exported ({r.stderr.strip()})")

    if not check.failures:
        import shutil

        shutil.rmtree(tmp)
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
