#!/usr/bin/python3
"""Cut a raster into T x T tiled GeoTIFFs ("dalles", as BD ORTHO and RGE ALTI ship) and
write the VRT mosaic of them: the benchmarks' stand-in for a national mosaic.

  make_mosaic.py SRC.tif TILE_DIR T OUT.vrt

Tiles are named <stem>_<row>_<col>.tif after SRC's file name; their edges split SRC's
pixels as evenly as integers allow, so the mosaic covers SRC exactly."""
import os
import sys

from osgeo import gdal


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    src, out, t, vrt = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    gdal.UseExceptions()
    ds = gdal.Open(src)
    nx, ny = ds.RasterXSize, ds.RasterYSize
    stem = os.path.splitext(os.path.basename(src))[0]
    os.makedirs(out, exist_ok=True)
    names = []
    for j in range(t):
        for i in range(t):
            x0, x1 = i * nx // t, (i + 1) * nx // t
            y0, y1 = j * ny // t, (j + 1) * ny // t
            names.append(f"{out}/{stem}_{j:03d}_{i:03d}.tif")
            gdal.Translate(names[-1], ds, srcWin=[x0, y0, x1 - x0, y1 - y0], creationOptions=["TILED=YES"])
    gdal.BuildVRT(vrt, names)


if __name__ == "__main__":
    main()
