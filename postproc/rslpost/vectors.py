"""Polygon layers (zones: communes, IRIS, catchments; any OGR source and CRS) brought into
a result's CRS, and the vector products of a result (flood extent and hazard polygons)."""
import numpy as np

from .result import ResultError


def grid_srs(res):
    """The result's CRS (traditional x = easting order), or None when unknown."""
    from osgeo import osr

    if not res.crs_wkt:
        return None
    srs = osr.SpatialReference()
    srs.ImportFromWkt(res.crs_wkt)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return srs


def read_polygons(res, path, field, layer=None, option="--zones"):
    """[(zone name, OGR geometry in the result's CRS, {attribute: value})] of a polygon
    layer, in file order; features without a geometry or a name are skipped."""
    from osgeo import gdal, osr

    gdal.UseExceptions()
    try:
        ds = gdal.OpenEx(path, gdal.OF_VECTOR)
    except RuntimeError as e:
        raise ResultError(f"{option} {path}: cannot open as a vector source ({e})") from e
    lay = ds.GetLayerByName(layer) if layer else (ds.GetLayer(0) if ds.GetLayerCount() else None)
    if lay is None:
        raise ResultError(f"{option} {path}: no layer {layer or ''}".rstrip())
    defn = lay.GetLayerDefn()
    names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    if field not in names:
        raise ResultError(f"{option} {path}: no field {field} (fields: {', '.join(names) or 'none'})")
    grid, src, ct = grid_srs(res), lay.GetSpatialRef(), None
    if grid is not None and src is not None:
        src = src.Clone()
        src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        if not src.IsSame(grid):
            ct = osr.CoordinateTransformation(src, grid)
    out = []
    for f in lay:
        g, v = f.GetGeometryRef(), f.GetField(field)
        if g is None or v is None or str(v) == "":
            continue
        g = g.Clone()
        if ct is not None:
            g.Transform(ct)
        out.append((str(v), g, {n: f.GetField(n) for n in names}))
    return out


NAME_FIELDS = ("NOM", "NOM_COM", "nom", "NOM_IRIS", "name", "NAME", "LIBELLE", "libelle", "TOPONYME")


def zone_names(res, path=None, field=None):
    """{zone id: name} from a name attribute of the zones' polygons (NOM, NOM_COM, name, ...;
    the run's /zones source unless path/field are given); {} when there is none."""
    import os

    path = path or res.zone_attrs.get("source")
    field = field or res.zone_attrs.get("field")
    if not path or not field or not os.path.exists(path):
        return {}
    try:
        feats = read_polygons(res, path, field, res.zone_attrs.get("layer") or None)
    except ResultError:
        return {}
    key = next((k for k in NAME_FIELDS if feats and k in feats[0][2] and k != field), None)
    return {v: str(a[key]) for v, _, a in feats if a.get(key) is not None} if key else {}


def rasterise(res, feats, ids, r0, r1):
    """Index in ids of the polygon holding each cell centre of rows [r0, r1) (-1 = none),
    the later feature winning where they overlap (as the solver's -zones)."""
    from osgeo import gdal, ogr

    mem = ogr.GetDriverByName("Memory").CreateDataSource("")
    ml = mem.CreateLayer("z", grid_srs(res), ogr.wkbUnknown)
    ml.CreateField(ogr.FieldDefn("zid", ogr.OFTInteger))
    for v, g, _ in feats:
        f = ogr.Feature(ml.GetLayerDefn())
        f.SetField("zid", ids.index(v) + 1)
        f.SetGeometry(g)
        ml.CreateFeature(f)
    ds = grid_dataset(res, gdal.GDT_Int32, rows=(r0, r1))
    gdal.RasterizeLayer(ds, [1], ml, options=["ATTRIBUTE=zid"])
    return ds.GetRasterBand(1).ReadAsArray().astype(np.int64) - 1


def grid_dataset(res, gdal_type, bands=1, rows=None):
    """An in-memory raster on the result's grid (geotransform and CRS), or on its rows
    [r0, r1) when rows = (r0, r1)."""
    from osgeo import gdal

    r0, r1 = rows or (0, res.ny)
    gt = list(res.gt)
    gt[0], gt[3] = gt[0] + r0 * gt[2], gt[3] + r0 * gt[5]
    ds = gdal.GetDriverByName("MEM").Create("", res.nx, r1 - r0, bands, gdal_type)
    ds.SetGeoTransform(gt)
    if res.crs_wkt:
        ds.SetProjection(res.crs_wkt)
    return ds


def polygonise(src, layer, field, names=None):
    """Polygons of the cells of each class value > 0 of the one-band Byte raster src (a GDAL
    dataset, read by GDAL line by line) added to the OGR layer, with the class value in
    `field` (and its name in `field`_name)."""
    from osgeo import gdal

    b = src.GetRasterBand(1)
    gdal.Polygonize(b, b.GetMaskBand(), layer, layer.GetLayerDefn().GetFieldIndex(field))
    if names:
        for f in layer:
            f.SetField(field + "_name", names[f.GetField(field)])
            layer.SetFeature(f)
