#!/usr/bin/python3
"""Benchmark terrain: a tilted, rough DEM in Lambert-93 (EPSG:2154), 1 m cells, written as a
GeoTIFF. Deterministic (seeded), so every benchmark run sees the same case.

  make_dem.py OUT.tif [--n 2000] [--seed 1]

Surface: a 1 % slope falling to the east and 0.3 % to the south, gentle valleys (sines with
wavelengths of a few hundred metres, amplitude ~1 m) and centimetre-scale random roughness,
so that rain-on-grid produces a realistic mix of sheet flow and concentrated flow."""
import argparse

import numpy as np
from osgeo import gdal, osr


def make_dem(n, seed):
    rng = np.random.default_rng(seed)
    x = np.arange(n, dtype=np.float64) + 0.5          # metres east of the west edge
    y = np.arange(n, dtype=np.float64)[:, None] + 0.5  # metres south of the north edge
    z = 100.0 - 0.01 * x + 0.003 * (n - y)
    z = z + 1.0 * np.sin(2 * np.pi * y / 310.0) * np.cos(2 * np.pi * x / 470.0)
    z = z + 0.05 * rng.standard_normal((n, n))
    return z


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2000, help="cells per side (default 2000)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.n < 4:
        ap.error("--n must be >= 4")
    z = make_dem(a.n, a.seed)
    ds = gdal.GetDriverByName("GTiff").Create(a.out, a.n, a.n, 1, gdal.GDT_Float32, ["TILED=YES"])
    ds.SetGeoTransform((700000.0, 1.0, 0.0, 6600000.0 + a.n, 0.0, -1.0))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(2154)
    ds.SetProjection(srs.ExportToWkt())
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(-9999.0)
    band.WriteArray(z.astype(np.float32))
    ds = None
    print(f"make_dem: {a.out} {a.n}x{a.n} cells of 1 m, EPSG:2154")


if __name__ == "__main__":
    main()
