#!/usr/bin/python3
"""Export 2D datasets of a ruissel result file (HDF5) to georeferenced GeoTIFFs: Cloud
Optimized GeoTIFF by default (GDAL's COG driver: tiled, DEFLATE, internal overviews), Float32
for float datasets (--float64 keeps double precision), with the band's description (the
dataset) and unit. For the styled product set of a run (hazard colours, land cover, QGIS
styles, GeoPackage) use `ruissel_post.py export`.

Georeferencing comes from the /grid attributes (geotransform, crs_wkt); arrays are stored
north row first, as GDAL expects, so they are written unchanged. Cells outside the domain
(where /fields/z holds its nodata value) and NaNs become the output nodata value. Datasets
are read and written by blocks of rows (--block-mb), never whole.

Examples:
  h5_to_geotiff.py run.h5                       # /max/h and /fields/h -> run_max_h.tif, run_fields_h.tif
  h5_to_geotiff.py run.h5 -d /max/speed -o speed.tif
"""
import argparse
import os
import sys

import h5py
import numpy as np
from osgeo import osr

from rslpost.export import limit_gdal_cache, write_raster
from rslpost.result import BLOCK_MB, NODATA_Z as Z_NODATA, ResultError, block_rows, grid, open_h5, read_rows

DEFAULT_DATASETS = ["/max/h", "/fields/h"]
UNITS = {"/max/h": "m", "/fields/h": "m", "/fields/z": "m", "/xdmf/z": "m", "/max/speed": "m/s", "/max/hv": "m2/s",
         "/fields/hu": "m2/s", "/fields/hv": "m2/s", "/timing/arrival": "s", "/timing/duration": "s", "/fields/rain": "m",
         "/fields/losses": "m", "/fields/infiltration": "m", "/params/manning": "s m-1/3", "/params/ks": "m/s",
         "/params/psi_dtheta": "m", "/params/initial_abstraction": "m"}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("result", help="ruissel result file (.h5)")
    p.add_argument("-d", "--dataset", action="append", dest="datasets", metavar="DSET",
                   help="2D dataset to export (repeatable; default: %s)" % ", ".join(DEFAULT_DATASETS))
    p.add_argument("-o", "--output", help="output .tif (one dataset) or directory (default: next to the result)")
    p.add_argument("--gtiff", action="store_true", help="plain tiled GeoTIFF instead of a COG")
    p.add_argument("--float64", action="store_true", help="keep float64 datasets in double precision")
    p.add_argument("--nodata", type=float, default=Z_NODATA, help="nodata value of float outputs (default %(default)g)")
    p.add_argument("--no-mask", action="store_true", help="keep the values of cells outside the domain")
    p.add_argument("--block-mb", type=float, default=BLOCK_MB, help="memory budget of the rows read at once (MiB, default %(default)g)")
    return p.parse_args(argv)


def georef(f):
    """(geotransform, WKT, ny, nx) from /grid (rslpost.result.grid), the CRS as GDAL's WKT."""
    gt, wkt, ny, nx, _, _ = grid(f)
    gt = tuple(gt)
    if wkt:
        srs = osr.SpatialReference()
        srs.SetFromUserInput(wkt)  # accepts WKT and "EPSG:n"
        wkt = srs.ExportToWkt()
    return gt, wkt, ny, nx


def outside(f, args, dset, r0, r1):
    """Boolean mask of the cells of rows [r0, r1) outside the domain, or None."""
    if args.no_mask or dset == "/fields/z" or "/fields/z" not in f:
        return None
    z = f["/fields/z"]
    nodata = float(z.attrs.get("nodata", Z_NODATA))
    return read_rows(z, r0, r1) == nodata


def output_path(args, dset, single):
    if args.output and single and args.output.lower().endswith((".tif", ".tiff")):
        return args.output
    outdir = args.output or os.path.dirname(os.path.abspath(args.result))
    os.makedirs(outdir, exist_ok=True)
    stem = os.path.splitext(os.path.basename(args.result))[0]
    return os.path.join(outdir, stem + "_" + dset.strip("/").replace("/", "_") + ".tif")


def export(f, args, dset, gt, wkt, ny, nx, single):
    if dset not in f or not isinstance(f[dset], h5py.Dataset):
        return f"no dataset {dset}"
    d = f[dset]
    if d.shape != (ny, nx):
        return f"{dset} has shape {d.shape}, not the grid's ({ny}, {nx})"
    nodata = None
    if d.dtype.kind == "f":
        dtype, nodata = (np.float64 if d.dtype == np.float64 and args.float64 else np.float32), args.nodata
    else:
        dtype = np.uint8 if d.dtype == np.uint8 else (np.float64 if args.float64 else np.float32)

    def blocks():  # rows read by blocks within --block-mb (the field and the domain mask)
        rows = block_rows(nx, 2, args.block_mb)
        for r0 in range(0, ny, rows):
            r1 = min(ny, r0 + rows)
            arr = read_rows(d, r0, r1).astype(dtype)
            if nodata is not None:
                bad = np.isnan(arr)
                mask = outside(f, args, dset, r0, r1)
                if mask is not None:
                    bad |= mask
                if dset == "/fields/z":
                    bad |= arr == Z_NODATA
                arr[bad] = nodata
            yield r0, arr
    path = output_path(args, dset, single)
    write_raster(path, blocks(), (gt, wkt), (ny, nx), (0, ny), dtype, dset, UNITS.get(dset, ""), nodata,
                 resampling="NEAREST" if dtype == np.uint8 else "AVERAGE", fmt="gtiff" if args.gtiff else "cog")
    print(f"h5_to_geotiff: {dset} -> {path}")
    return None


def main(argv=None):
    args = parse_args(argv)
    if not (args.block_mb > 0 and np.isfinite(args.block_mb)):
        sys.exit(f"h5_to_geotiff: --block-mb {args.block_mb:g} must be > 0")
    limit_gdal_cache(args.block_mb)
    try:
        with open_h5(args.result) as f:
            gt, wkt, ny, nx = georef(f)
            dsets = args.datasets or [d for d in DEFAULT_DATASETS if d in f]
            if not dsets:
                sys.exit(f"h5_to_geotiff: {args.result} has none of {', '.join(DEFAULT_DATASETS)}")
            errors = [e for e in (export(f, args, d, gt, wkt, ny, nx, len(dsets) == 1) for d in dsets) if e]
    except ResultError as e:
        sys.exit(f"h5_to_geotiff: {e}")
    for e in errors:
        print(f"h5_to_geotiff: {args.result}: {e}", file=sys.stderr)
    return 2 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
