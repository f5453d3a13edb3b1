"""A result's products ready for a GIS: Cloud Optimized GeoTIFFs (GDAL's COG driver: tiled,
DEFLATE, internal overviews) with band description, unit and nodata, Float32 for the
continuous fields (Float64 adds nothing to a map), Byte with a colour table and category
names for the class rasters (hazard, land cover), a QGIS style (.qml, loaded by QGIS with
the raster of the same name) for depth, hazard and land cover, and one GeoPackage with the
vector products: zones with their indicators, the per-zone table of every scenario, the
gauges, the flood extent and the hazard polygons."""
import csv
import os
import shutil
import tempfile
from xml.sax.saxutils import quoteattr

import numpy as np

from . import vectors
from .result import HAZARD_COLOURS, ResultError

NODATA = -9999.0
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOMENCLATURE = os.path.join(ROOT, "input", "nomenclature", "flair19.csv")
DEPTH_RAMP = ["#c6dbef", "#6baed6", "#2171b5", "#08306b"]  # the report maps' blues


def _gdal():
    from osgeo import gdal

    gdal.UseExceptions()
    return gdal


def write_cog(path, arr, res, description, unit="", nodata=None, colours=None, names=None, resampling="AVERAGE", cog=True):
    """arr (ny x nx, uint8, float32 or float64) as a COG at path (cog=False: a plain tiled
    GeoTIFF), on the result's grid (or on the geotransform/CRS of `res` when it is a
    (gt, wkt) pair). colours: {value: '#rrggbb'} for a colour table, names: category names
    (index = value). Written as PATH.part.tif, then renamed."""
    gdal = _gdal()
    gt, wkt = (res.gt, res.crs_wkt) if hasattr(res, "gt") else res
    gtype = {np.dtype(np.uint8): gdal.GDT_Byte, np.dtype(np.float64): gdal.GDT_Float64}.get(arr.dtype, gdal.GDT_Float32)
    mem = gdal.GetDriverByName("MEM").Create("", arr.shape[1], arr.shape[0], 1, gtype)
    mem.SetGeoTransform(gt)
    if wkt:
        mem.SetProjection(wkt)
    b = mem.GetRasterBand(1)
    b.SetDescription(description)
    if unit:
        b.SetUnitType(unit)
    if nodata is not None:
        b.SetNoDataValue(nodata)
    if colours:
        ct = gdal.ColorTable()
        for v, c in colours.items():
            ct.SetColorEntry(int(v), tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) + (0 if v == nodata else 255,))
        b.SetRasterColorTable(ct)
        b.SetRasterColorInterpretation(gdal.GCI_PaletteIndex)
    b.WriteArray(arr)
    part = path + ".part.tif"  # nothing half-written under the final name
    if cog:
        gdal.GetDriverByName("COG").CreateCopy(part, mem, options=["COMPRESS=DEFLATE", "BLOCKSIZE=256", "OVERVIEW_RESAMPLING=" + resampling])
    else:
        gdal.GetDriverByName("GTiff").CreateCopy(part, mem, options=["TILED=YES", "COMPRESS=DEFLATE"])
    mem = None
    os.replace(part, path)
    if names:  # category names are not a TIFF tag: GDAL keeps them in PATH.aux.xml
        ds = gdal.Open(path)
        ds.GetRasterBand(1).SetCategoryNames(list(names))
        ds = None
    return path


def nomenclature(path=NOMENCLATURE):
    """{class value: (name, '#rrggbb')} of a class table of input/nomenclature/."""
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(line for line in f if not line.startswith("#"))]
    return {int(r["class"]): (r.get("name", str(r["class"])), r.get("colour") or "#000000") for r in rows}


def qml(path, kind, classes=None, vmax=1.0, unit=""):
    """A QGIS raster style beside the raster (same name, .qml): 'ramp' (pseudocolour from 0 to
    vmax with the depth blues) or 'classes' ({value: (label, colour)}, a paletted style)."""
    head = ("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
            "<qgis version=\"3.28\" styleCategories=\"Symbology\">\n  <pipe>\n")
    if kind == "classes":
        body = ["    <rasterrenderer type=\"paletted\" band=\"1\" opacity=\"1\" alphaBand=\"-1\">\n      <colorPalette>"]
        body += [f"        <paletteEntry value=\"{v}\" color=\"{c}\" alpha=\"255\" label={quoteattr(n)}/>"
                 for v, (n, c) in sorted(classes.items())]
        body += ["      </colorPalette>", "    </rasterrenderer>"]
    else:
        stops = np.linspace(0.0, vmax, len(DEPTH_RAMP))
        body = [f"    <rasterrenderer type=\"singlebandpseudocolor\" band=\"1\" opacity=\"1\" alphaBand=\"-1\" "
                f"classificationMin=\"0\" classificationMax=\"{vmax:g}\">",
                "      <rastershader>",
                f"        <colorrampshader colorRampType=\"INTERPOLATED\" classificationMode=\"1\" clip=\"0\" "
                f"minimumValue=\"0\" maximumValue=\"{vmax:g}\">"]
        body += [f"          <item value=\"{s:g}\" color=\"{c}\" alpha=\"255\" label=\"{s:.3g} {unit}\"/>" for s, c in zip(stops, DEPTH_RAMP)]
        body += ["        </colorrampshader>", "      </rastershader>", "    </rasterrenderer>"]
    with open(path, "w") as f:
        f.write(head + "\n".join(body) + "\n  </pipe>\n</qgis>\n")
    return path


def _masked(res, a, valid=None):
    """Float32 copy of a with NODATA outside the domain, on NaN and where not valid."""
    out = np.asarray(a, np.float32).copy()
    bad = ~res.active | ~np.isfinite(out)
    if valid is not None:
        bad |= ~valid
    out[bad] = NODATA
    return out


def export_rasters(res, out_dir, landcover=None, nomenclature_path=NOMENCLATURE):
    """The result's rasters as COGs (+ .qml styles) in out_dir; returns the paths."""
    os.makedirs(out_dir, exist_ok=True)
    thr = res.flood_depth
    wet = res.max_h > thr
    paths = []

    def cont(name, a, desc, unit, valid=None, style=False):
        if a is None:
            return
        p = os.path.join(out_dir, f"{res.name}_{name}.tif")
        arr = _masked(res, a, valid)
        paths.append(write_cog(p, arr, res, desc, unit, NODATA))
        if style:
            good = arr[arr != NODATA]
            paths.append(qml(p[:-4] + ".qml", "ramp", vmax=float(good.max()) if good.size and good.max() > 0 else 1.0, unit=unit))

    cont("max_depth", res.max_h, f"maximum water depth (cells above {thr:g} m)", "m", wet, style=True)
    cont("max_speed", res.max_speed, "maximum flow speed", "m/s", wet)
    cont("max_hv", res.max_hv, "maximum of depth x speed h|u|", "m2/s", wet)
    cont("arrival", res.arrival, f"arrival time of {thr:g} m of water (s from the start)", "s")
    cont("duration", res.duration, f"time above {thr:g} m of water", "s", res.duration > 0 if res.duration is not None else None)
    cont("depth_final", res.h, "water depth at the end of the run", "m", style=True)
    cont("bed", res.z, "bed elevation", "m")
    if res.rain is not None:
        cont("net_runoff", res.rain - (res.losses if res.losses is not None else 0.0), "rain - losses (net runoff depth)", "m")
    if res.hazard is not None:
        p = os.path.join(out_dir, f"{res.name}_hazard.tif")
        hz = np.where(res.active, res.hazard, 0).astype(np.uint8)
        names = res.hazard_names()
        cls = {k: (names[k] if k < len(names) else str(k), HAZARD_COLOURS[k]) for k in range(1, len(HAZARD_COLOURS))}
        desc = ", ".join(f"{k} {n}" for k, n in enumerate(names))
        paths.append(write_cog(p, hz, res, f"flood hazard class ({desc})", "", 0,
                               {k: c for k, (_, c) in cls.items()} | {0: "#ffffff"}, names, "NEAREST"))
        paths.append(qml(p[:-4] + ".qml", "classes", cls))
    lc = landcover or res.landcover_path()
    if lc:
        paths += export_classes(lc, os.path.join(out_dir, f"{res.name}_landcover.tif"), nomenclature_path)
    return paths


def export_classes(src, path, nomenclature_path=NOMENCLATURE):
    """A class raster (e.g. the land cover) as a COG with the nomenclature's colours and class
    names, overviews by mode, and its .qml."""
    gdal = _gdal()
    try:
        ds = gdal.Open(src)
        band = ds.GetRasterBand(1)
        raw = band.ReadAsArray()
    except RuntimeError as e:
        raise ResultError(f"--landcover {src}: not a raster GDAL can read ({e})") from None
    nodata = band.GetNoDataValue()
    valid = raw if nodata is None else raw[raw != nodata]
    if not np.all(np.isfinite(valid)) or np.any(valid != np.round(valid)) or np.any((valid < 0) | (valid > 255)):
        raise ResultError(f"--landcover {src}: not a class raster (values must be integer class codes 0..255)")
    arr = raw.astype(np.uint8)
    nom = nomenclature(nomenclature_path)
    names = [nom[v][0] if v in nom else "" for v in range(max(nom) + 1)]
    colours = {v: c for v, (_, c) in nom.items()}
    if nodata is not None and 0 <= nodata <= 255:
        colours[int(nodata)] = "#000000"
    write_cog(path, arr, (ds.GetGeoTransform(), ds.GetProjection()), f"land cover ({os.path.basename(nomenclature_path)})", "",
              nodata, colours, names, "MODE")
    return [path, qml(path[:-4] + ".qml", "classes", {v: nom[v] for v in np.unique(arr) if v in nom})]


# ---- GeoPackage ---------------------------------------------------------------------------

ZONE_FIELDS = ["cells", "area_m2", "flooded_area_m2", "hazard_faible_m2", "hazard_modere_m2", "hazard_fort_m2",
               "hazard_tres_fort_m2", "max_depth_m", "max_hv_m2s", "first_arrival_s", "volume_m3", "rain_m3", "losses_m3",
               "net_runoff_m3", "net_runoff_coefficient", "artificialised_m2", "artificialised_base_m2", "artificialised_change_m2"]


def _real_field(lay, name):
    from osgeo import ogr

    lay.CreateField(ogr.FieldDefn(name, ogr.OFTReal))


def geopackage(res, path, others=(), zones_path=None, zones_field=None):
    """One GeoPackage (written as PATH.part then renamed) with: `zones` (polygons, the result's
    per-zone indicators), `zone_indicators` (a table: one row per zone and scenario, res and
    others), `gauges` (points with their maximum depth), `flood_extent` (cells whose maximum
    depth exceeded the flood depth) and `hazard` (one polygon per class area), all in the
    result's CRS. Returns path."""
    from osgeo import ogr

    ogr.UseExceptions()
    part = path + ".part.gpkg"
    if os.path.exists(part):
        os.remove(part)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(part)
    srs = vectors.grid_srs(res)
    zpath, zfield = zones_path or res.zone_attrs.get("source"), zones_field or res.zone_attrs.get("field")
    if zpath and zfield and os.path.exists(zpath):
        feats = vectors.read_polygons(res, zpath, zfield, res.zone_attrs.get("layer") or None)
        by_id = {z["zone"]: z for z in res.zones}
        lay = ds.CreateLayer("zones", srs, ogr.wkbMultiPolygon)
        lay.CreateField(ogr.FieldDefn(zfield, ogr.OFTString))
        extra = [k for k in (feats[0][2] if feats else {}) if k != zfield]
        for k in extra:
            lay.CreateField(ogr.FieldDefn(k, ogr.OFTString))
        for c in ZONE_FIELDS:
            _real_field(lay, c)
        for name, g, attrs in feats:
            f = ogr.Feature(lay.GetLayerDefn())
            f.SetField(zfield, name)
            for k in extra:
                if attrs.get(k) is not None:
                    f.SetField(k, str(attrs[k]))
            for c in ZONE_FIELDS:
                v = by_id.get(name, {}).get(c)
                if v is not None and np.isfinite(v):
                    f.SetField(c, float(v))
            f.SetGeometry(ogr.ForceToMultiPolygon(g))
            lay.CreateFeature(f)
    results = [res] + [o for o in others if o.zones]
    if res.zones:
        lay = ds.CreateLayer("zone_indicators", None, ogr.wkbNone)
        lay.CreateField(ogr.FieldDefn("zone", ogr.OFTString))
        lay.CreateField(ogr.FieldDefn("scenario", ogr.OFTString))
        for c in ZONE_FIELDS:
            _real_field(lay, c)
        for r in results:
            for z in r.zones:
                f = ogr.Feature(lay.GetLayerDefn())
                f.SetField("zone", z["zone"])
                f.SetField("scenario", r.name)
                for c in ZONE_FIELDS:
                    if c in z and np.isfinite(z[c]):
                        f.SetField(c, float(z[c]))
                lay.CreateFeature(f)
    if res.gauge_xy:
        lay = ds.CreateLayer("gauges", srs, ogr.wkbPoint)
        lay.CreateField(ogr.FieldDefn("name", ogr.OFTString))
        for c in ("max_depth_m", "time_of_max_s"):
            _real_field(lay, c)
        for name, (x, y) in sorted(res.gauge_xy.items()):
            cols, data = res.gauges[name]
            k = int(np.argmax(data[:, cols.index("h")])) if data.size else 0
            f = ogr.Feature(lay.GetLayerDefn())
            f.SetField("name", name)
            if data.size:
                f.SetField("max_depth_m", float(data[k, cols.index("h")]))
                f.SetField("time_of_max_s", float(data[k, cols.index("time")]))
            g = ogr.Geometry(ogr.wkbPoint)
            g.AddPoint_2D(x, y)
            f.SetGeometry(g)
            lay.CreateFeature(f)
    lay = ds.CreateLayer("flood_extent", srs, ogr.wkbPolygon)
    lay.CreateField(ogr.FieldDefn("flooded", ogr.OFTInteger))
    vectors.polygonise(res, res.active & (res.max_h > res.flood_depth), lay, "flooded")
    if res.hazard is not None:
        lay = ds.CreateLayer("hazard", srs, ogr.wkbPolygon)
        lay.CreateField(ogr.FieldDefn("class", ogr.OFTInteger))
        lay.CreateField(ogr.FieldDefn("class_name", ogr.OFTString))
        names = res.hazard_names()
        vectors.polygonise(res, np.where(res.active, res.hazard, 0), lay, "class", names + [str(k) for k in range(len(names), 256)])
    ds = None
    os.replace(part, path)
    return path


def export(res, out_dir, others=(), landcover=None, zones_path=None, zones_field=None):
    """Rasters (COG + .qml) and the GeoPackage of res (with others' per-zone tables)."""
    if not os.path.isdir(out_dir) and os.path.exists(out_dir):
        raise ResultError(f"--out {out_dir}: not a directory")
    # written into a staging directory and moved into out_dir only when all succeeded: a bad
    # --landcover or --zones leaves no partial export behind
    os.makedirs(out_dir, exist_ok=True)
    stage = tempfile.mkdtemp(prefix=".export-", dir=out_dir)
    try:
        paths = export_rasters(res, stage, landcover)
        paths.append(geopackage(res, os.path.join(stage, f"{res.name}.gpkg"), others, zones_path, zones_field))
        for name in os.listdir(stage):
            os.replace(os.path.join(stage, name), os.path.join(out_dir, name))
        return [os.path.join(out_dir, os.path.basename(p)) for p in paths]
    finally:
        shutil.rmtree(stage, ignore_errors=True)
