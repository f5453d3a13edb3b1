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
from .parallel import SERIAL
from .result import BLOCK_MB, HAZARD_COLOURS, ResultError, block_rows

NODATA = -9999.0
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOMENCLATURE = os.path.join(ROOT, "input", "nomenclature", "flair19.csv")
DEPTH_RAMP = ["#c6dbef", "#6baed6", "#2171b5", "#08306b"]  # the report maps' blues


def _gdal():
    from osgeo import gdal

    gdal.UseExceptions()
    return gdal


def limit_gdal_cache(block_mb):
    """GDAL's block cache (5 % of the RAM by default: 12 GB on a 256 GB node) bounded by the
    block budget, unless GDAL_CACHEMAX is set: the memory of an export stays near it."""
    if "GDAL_CACHEMAX" not in os.environ:
        _gdal().SetCacheMax(int(block_mb * 2**20))


def _overview_factors(shape, block=256):
    """The COG driver's overview levels (OVERVIEWS=AUTO): halve until the larger side fits in one
    block."""
    f, out = 2, []
    while -(-max(shape) // (f // 2)) > block:
        out.append(f)
        f *= 2
    return out


def write_raster(path, blocks, georef, shape, rows, dtype, description, unit="", nodata=None, colours=None, names=None,
                 resampling="AVERAGE", fmt="cog", c=None, overviews=True):
    """A raster of shape (ny, nx) written by blocks: `blocks` yields this rank's (r0, array)
    in row order, covering its rows [rows[0], rows[1]) (none when equal); georef is
    (geotransform, CRS WKT); dtype uint8, float32 or float64. Each rank writes its rows into
    a tiled GeoTIFF, rank 0 mosaics them with a VRT and, for fmt 'cog' (GDAL's COG driver:
    DEFLATE, 256-pixel tiles, internal overviews by `resampling`) or 'gtiff' (plain tiled
    GeoTIFF), translates it into one file at path (written as PATH.part.tif, then renamed)
    and removes the pieces; fmt 'vrt' keeps them: PATH without .tif + '.vrt' and its
    '_rNNNN.tif' tiles, each with the COG's overview levels built by its rank (GDAL shows
    them as the VRT's own: the mosaic draws at every scale; overviews=False skips them for
    work files). colours: {value: '#rrggbb'}, names: category names (index = value).
    Collective under MPI (c); returns the product's path on every rank."""
    gdal = _gdal()
    c = c or SERIAL
    gt, wkt = georef
    gtype = {np.dtype(np.uint8): gdal.GDT_Byte, np.dtype(np.float64): gdal.GDT_Float64}.get(np.dtype(dtype), gdal.GDT_Float32)
    stem = path[:-4] if path.lower().endswith(".tif") else path
    part = f"{stem}_r{c.rank:04d}.tif" if fmt == "vrt" else f"{path}.r{c.rank}.part.tif"
    r0, r1 = rows
    err = None
    if r1 > r0:
        ds = gdal.GetDriverByName("GTiff").Create(part, shape[1], r1 - r0, 1, gtype,
                                                  ["TILED=YES", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER"])
        ds.SetGeoTransform((gt[0] + r0 * gt[2], gt[1], gt[2], gt[3] + r0 * gt[5], gt[4], gt[5]))
        if wkt:
            ds.SetProjection(wkt)
        _band_style(gdal, ds.GetRasterBand(1), description, unit, nodata, colours)
        try:
            for b0, a in blocks:
                ds.GetRasterBand(1).WriteArray(np.asarray(a, dtype), 0, b0 - r0)
        except ResultError as e:  # bad input found in a block: every rank stops, none waits
            err = str(e)
        levels = _overview_factors(shape) if fmt == "vrt" and overviews and err is None else []
        if levels:
            ds.BuildOverviews(resampling, levels)
        ds = None
    got = c.allgather((part if r1 > r0 else None, err))
    parts = [p for p, _ in got if p]
    errs = [e for _, e in got if e]
    if errs:
        if r1 > r0:
            os.remove(part)
        raise ResultError(errs[0])
    if c.rank == 0:
        vrt_path = stem + ".vrt" if fmt == "vrt" else path + ".part.vrt"
        vrt = gdal.BuildVRT(vrt_path, parts)
        vrt.SetGeoTransform(gt)  # the grid's own numbers, not the mosaic's extent / size (off by round-off)
        _band_style(gdal, vrt.GetRasterBand(1), description, unit, nodata, colours)
        vrt = None
        out = vrt_path
        if fmt != "vrt":
            tmp = path + ".part.tif"  # nothing half-written under the final name
            if fmt == "cog":
                opts = ["COMPRESS=DEFLATE", "BLOCKSIZE=256", "OVERVIEW_RESAMPLING=" + resampling, "BIGTIFF=IF_SAFER"]
            else:
                opts = ["TILED=YES", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER"]
            gdal.Translate(tmp, vrt_path, format="COG" if fmt == "cog" else "GTiff", creationOptions=opts)
            os.replace(tmp, path)
            for p in parts + [vrt_path]:
                os.remove(p)
            out = path
        if names:  # category names are not a TIFF tag: GDAL keeps them in PATH.aux.xml
            ds = gdal.Open(out, gdal.GA_Update if fmt == "vrt" else gdal.GA_ReadOnly)
            ds.GetRasterBand(1).SetCategoryNames(list(names))
            ds = None
    return c.bcast(out if c.rank == 0 else None)


def _band_style(gdal, b, description, unit, nodata, colours):
    b.SetDescription(description)
    if unit:
        b.SetUnitType(unit)
    if nodata is not None:
        b.SetNoDataValue(nodata)
    if colours:
        ct = gdal.ColorTable()
        for v, col in colours.items():
            ct.SetColorEntry(int(v), tuple(int(col[i:i + 2], 16) for i in (1, 3, 5)) + (0 if v == nodata else 255,))
        b.SetRasterColorTable(ct)
        b.SetRasterColorInterpretation(gdal.GCI_PaletteIndex)


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


def _masked(active, a, valid=None):
    """Float32 copy of a with NODATA outside the domain, on NaN and where not valid."""
    out = np.asarray(a, np.float32).copy()
    bad = ~active | ~np.isfinite(out)
    if valid is not None:
        bad |= ~valid
    out[bad] = NODATA
    return out


# The continuous rasters: (file name, fields read, value of a block, valid cells of a block
# or None, description (thr = the flood depth), unit, with a QGIS style)
CONTINUOUS = (
    ("max_depth", ("max_h",), lambda b: b["max_h"], lambda b, thr: b["max_h"] > thr,
     "maximum water depth (cells above {thr:g} m)", "m", True),
    ("max_speed", ("max_speed", "max_h"), lambda b: b["max_speed"], lambda b, thr: b["max_h"] > thr, "maximum flow speed", "m/s", False),
    ("max_hv", ("max_hv", "max_h"), lambda b: b["max_hv"], lambda b, thr: b["max_h"] > thr, "maximum of depth x speed h|u|", "m2/s", False),
    ("arrival", ("arrival",), lambda b: b["arrival"], None, "arrival time of {thr:g} m of water (s from the start)", "s", False),
    ("duration", ("duration",), lambda b: b["duration"], lambda b, thr: b["duration"] > 0, "time above {thr:g} m of water", "s", False),
    ("depth_final", ("h",), lambda b: b["h"], None, "water depth at the end of the run", "m", True),
    ("bed", ("z",), lambda b: b["z"], None, "bed elevation", "m", False),
    ("net_runoff", ("rain", "losses"), lambda b: b["rain"] - (b["losses"] if b["losses"] is not None else 0.0), None,
     "rain - losses (net runoff depth)", "m", False),
)


def _blocks_of(res, names, value):
    """This rank's (r0, value(block)) and its rows, for write_raster."""
    return ((b.r0, value(b)) for b in res.blocks(*names)), res.my_rows(*names)


def export_rasters(res, out_dir, landcover=None, nomenclature_path=NOMENCLATURE, fmt="cog"):
    """The result's rasters as COGs (or VRTs of per-rank tiles, fmt 'vrt') with .qml styles
    in out_dir, written by row blocks; returns the paths. Collective under MPI."""
    from .parallel import Fold

    os.makedirs(out_dir, exist_ok=True)
    thr = res.flood_depth
    paths = []
    georef = (res.gt, res.crs_wkt)
    for name, fields, value, valid, desc, unit, style in CONTINUOUS:
        if not res.has(fields[0]) and fields[0] != "h":
            continue
        vmax = Fold(res.comm)

        def masked(b):
            arr = _masked(b.active, value(b), None if valid is None else valid(b, thr))
            good = arr[arr != NODATA]
            if good.size:
                vmax.add(b.index, "vmax", float(good.max()), "max")
            return arr
        blocks, rows = _blocks_of(res, fields, masked)
        p = os.path.join(out_dir, f"{res.name}_{name}.tif")
        paths.append(write_raster(p, blocks, georef, (res.ny, res.nx), rows, np.float32, desc.format(thr=thr), unit, NODATA,
                                  fmt=fmt, c=res.comm))
        if style:
            top = vmax.result().get("vmax")
            paths.append(qml(p[:-4] + ".qml", "ramp", vmax=top if top is not None and top > 0 else 1.0, unit=unit))
    if res.has("hazard"):
        p = os.path.join(out_dir, f"{res.name}_hazard.tif")
        names = res.hazard_names()
        cls = {k: (names[k] if k < len(names) else str(k), HAZARD_COLOURS[k]) for k in range(1, len(HAZARD_COLOURS))}
        desc = ", ".join(f"{k} {n}" for k, n in enumerate(names))
        blocks, rows = _blocks_of(res, ("hazard",), lambda b: np.where(b.active, b["hazard"], 0).astype(np.uint8))
        paths.append(write_raster(p, blocks, georef, (res.ny, res.nx), rows, np.uint8, f"flood hazard class ({desc})", "", 0,
                                  {k: c for k, (_, c) in cls.items()} | {0: "#ffffff"}, names, "NEAREST", fmt, res.comm))
        paths.append(qml(p[:-4] + ".qml", "classes", cls))
    lc = landcover or res.landcover_path()
    if lc:
        paths += export_classes(lc, os.path.join(out_dir, f"{res.name}_landcover.tif"), nomenclature_path, res.block_mb, fmt, res.comm)
    return paths


def export_classes(src, path, nomenclature_path=NOMENCLATURE, block_mb=BLOCK_MB, fmt="cog", c=None):
    """A class raster (e.g. the land cover) as a COG with the nomenclature's colours and class
    names, overviews by mode, and its .qml; read and written by row blocks, split among
    ranks under MPI."""
    from .parallel import my_blocks

    c = c or SERIAL
    gdal = _gdal()
    try:
        ds = gdal.Open(src)
        band = ds.GetRasterBand(1)
    except RuntimeError as e:
        raise ResultError(f"--landcover {src}: not a raster GDAL can read ({e})") from None
    nodata = band.GetNoDataValue()
    nx, ny = ds.RasterXSize, ds.RasterYSize
    rows = block_rows(nx, 1, block_mb)
    mine = my_blocks(-(-ny // rows), c)
    seen = set()

    def blocks():
        for i in mine:
            r0, r1 = i * rows, min(ny, (i + 1) * rows)
            raw = band.ReadAsArray(0, r0, nx, r1 - r0)
            valid = raw if nodata is None else raw[raw != nodata]
            if not np.all(np.isfinite(valid)) or np.any(valid != np.round(valid)) or np.any((valid < 0) | (valid > 255)):
                raise ResultError(f"--landcover {src}: not a class raster (values must be integer class codes 0..255)")
            arr = raw.astype(np.uint8)
            seen.update(np.unique(arr).tolist())
            yield r0, arr
    nom = nomenclature(nomenclature_path)
    names = [nom[v][0] if v in nom else "" for v in range(max(nom) + 1)]
    colours = {v: col for v, (_, col) in nom.items()}
    if nodata is not None and 0 <= nodata <= 255:
        colours[int(nodata)] = "#000000"
    rng = (min(ny, mine.start * rows), min(ny, mine.stop * rows))
    write_raster(path, blocks(), (ds.GetGeoTransform(), ds.GetProjection()), (ny, nx), rng, np.uint8,
            f"land cover ({os.path.basename(nomenclature_path)})", "", nodata, colours, names, "MODE", fmt, c)
    present = sorted(set().union(*c.allgather(seen)))
    return [path if fmt != "vrt" else path[:-4] + ".vrt", qml(path[:-4] + ".qml", "classes", {v: nom[v] for v in present if v in nom})]


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
    result's CRS. The polygons come from class rasters written by blocks (every rank its
    rows) and polygonised by GDAL line by line on rank 0, which writes the file. Collective
    under MPI; returns path."""
    from .parallel import checked

    work = tempfile.mkdtemp(prefix=".classes-", dir=os.path.dirname(path)) if res.comm.rank == 0 else None
    work = res.comm.bcast(work)
    try:
        blocks, rows = _blocks_of(res, ("max_h",), lambda b: (b.active & (b["max_h"] > res.flood_depth)).astype(np.uint8))
        extent = write_raster(os.path.join(work, "flooded.tif"), blocks, (res.gt, res.crs_wkt), (res.ny, res.nx), rows,
                              np.uint8, "flooded", nodata=0, fmt="vrt", c=res.comm, overviews=False)
        hazard = None
        if res.has("hazard"):
            blocks, rows = _blocks_of(res, ("hazard",), lambda b: np.where(b.active, b["hazard"], 0).astype(np.uint8))
            hazard = write_raster(os.path.join(work, "hazard.tif"), blocks, (res.gt, res.crs_wkt), (res.ny, res.nx), rows,
                                  np.uint8, "hazard", nodata=0, fmt="vrt", c=res.comm, overviews=False)
        checked(res.comm, lambda: _geopackage(res, path, others, zones_path, zones_field, extent, hazard) if res.comm.rank == 0 else None)
    finally:
        res.comm.barrier()
        if res.comm.rank == 0:
            shutil.rmtree(work, ignore_errors=True)
    return path


def _geopackage(res, path, others, zones_path, zones_field, extent, hazard):
    """geopackage()'s file, on one rank; extent and hazard: the class rasters (VRT paths)."""
    from osgeo import gdal, ogr

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
    vectors.polygonise(gdal.Open(extent), lay, "flooded")
    if hazard:
        lay = ds.CreateLayer("hazard", srs, ogr.wkbPolygon)
        lay.CreateField(ogr.FieldDefn("class", ogr.OFTInteger))
        lay.CreateField(ogr.FieldDefn("class_name", ogr.OFTString))
        names = res.hazard_names()
        vectors.polygonise(gdal.Open(hazard), lay, "class", names + [str(k) for k in range(len(names), 256)])
    ds = None
    os.replace(part, path)


def export(res, out_dir, others=(), landcover=None, zones_path=None, zones_field=None, fmt="cog"):
    """Rasters (COG, or VRT of per-rank tiles with fmt 'vrt'; + .qml) and the GeoPackage of
    res (with others' per-zone tables). Collective under MPI: every rank writes its rows."""
    c = res.comm
    limit_gdal_cache(res.block_mb)
    if not os.path.isdir(out_dir) and os.path.exists(out_dir):
        raise ResultError(f"--out {out_dir}: not a directory")
    # written into a staging directory and moved into out_dir only when all succeeded: a bad
    # --landcover or --zones leaves no partial export behind
    stage = None
    if c.rank == 0:
        os.makedirs(out_dir, exist_ok=True)
        stage = tempfile.mkdtemp(prefix=".export-", dir=out_dir)
    stage = c.bcast(stage)
    try:
        paths = export_rasters(res, stage, landcover, fmt=fmt)
        paths.append(geopackage(res, os.path.join(stage, f"{res.name}.gpkg"), others, zones_path, zones_field))
        c.barrier()
        if c.rank == 0:
            for name in os.listdir(stage):
                os.replace(os.path.join(stage, name), os.path.join(out_dir, name))
        return [os.path.join(out_dir, os.path.basename(p)) for p in paths]
    finally:
        c.barrier()
        if c.rank == 0:
            shutil.rmtree(stage, ignore_errors=True)
