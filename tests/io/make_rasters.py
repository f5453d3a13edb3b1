#!/usr/bin/python3
"""Reference rasters for the io tests, written with GDAL's Python bindings (independent of
the C reader): ref.tif (53 x 37 Float64, v = 1000*row + col, two nodata pixels), the same
raster as 4 GeoTIFF tiles joined by mosaic.vrt, classes.tif (Byte) and a text file."""
import os
import sys

import numpy as np
from osgeo import gdal, osr

NX, NY = 53, 37
GT = (600000.0, 5.0, 0.0, 6800000.0, 0.0, -5.0)
NODATA = -9999.0
HOLES = [(5, 7), (20, 40)]  # (row, col) set to nodata


def write(path, arr, gt, wkt, gdal_type, nodata=None):
    ds = gdal.GetDriverByName("GTiff").Create(path, arr.shape[1], arr.shape[0], 1, gdal_type)
    ds.SetGeoTransform(gt)
    ds.SetProjection(wkt)
    band = ds.GetRasterBand(1)
    if nodata is not None:
        band.SetNoDataValue(nodata)
    band.WriteArray(arr)
    ds = None


def main(out):
    os.makedirs(out, exist_ok=True)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(2154)
    wkt = srs.ExportToWkt()
    rows, cols = np.mgrid[0:NY, 0:NX]
    v = 1000.0 * rows + cols
    for r, c in HOLES:
        v[r, c] = NODATA
    write(os.path.join(out, "ref.tif"), v, GT, wkt, gdal.GDT_Float64, NODATA)
    tiles = []
    for r0, r1 in ((0, 17), (17, NY)):
        for c0, c1 in ((0, 30), (30, NX)):
            name = os.path.join(out, f"tile_{r0}_{c0}.tif")
            gt = (GT[0] + c0 * GT[1], GT[1], 0.0, GT[3] + r0 * GT[5], 0.0, GT[5])
            write(name, v[r0:r1, c0:c1], gt, wkt, gdal.GDT_Float64, NODATA)
            tiles.append(name)
    vrt = gdal.BuildVRT(os.path.join(out, "mosaic.vrt"), tiles)
    vrt = None
    classes = ((rows // 2 + cols // 3) % 4).astype(np.uint8)
    write(os.path.join(out, "classes.tif"), classes, GT, wkt, gdal.GDT_Byte)
    with open(os.path.join(out, "notes.txt"), "w") as f:
        f.write("this is not a raster\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "io_data")
