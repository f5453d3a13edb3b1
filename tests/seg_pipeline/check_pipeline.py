#!/usr/bin/python3
"""Checks on the outputs of the seg_pipeline_{grid,split}_npN runs (see tests.cmake):
1. the class maps of 1, 2, 3, 4 ranks, both decompositions, are bitwise identical, and
   georeferenced like the imagery;
2. they agree with the PyTorch reference map (same global tiling) on >= 99.9 % of pixels
   (float summation order may flip near-ties, nothing more);
3. the class map's class has the largest probability and each pixel's probabilities sum to ~255;
4. class fractions per SWE cell (HDF5) sum to 1 on every covered cell, are the numpy
   average of the class map over the pixels whose centres fall in the cell, and are
   identical for 1-4 ranks;
5. with the nDSM band rebuilt from DSM - DTM rasters, the map is identical on 1 and 3 ranks
   and agrees with the band-5 map on >= 99 % of pixels (the generator's nDSM was made
   with another interpolation of the DTM)."""
import os
import sys

import h5py
import numpy as np
from osgeo import gdal

gdal.UseExceptions()
fix = sys.argv[1]
fail = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg)
    if not cond:
        fail.append(msg)


def read(name):
    ds = gdal.Open(os.path.join(fix, name))
    return ds.ReadAsArray(), ds.GetGeoTransform(), ds.GetProjection()


img, gt_img, wkt_img = read("image.tif")
ref, _, _ = read("ref_map.tif")
base, gt, wkt = read("map_grid_np1.tif")
check(gt == gt_img and wkt == wkt_img, "class map georeferenced like the imagery")
check(base.shape == img.shape[1:], "class map has the imagery's size %s" % (base.shape,))
for kind in ("grid", "split"):
    for n in (1, 2, 3, 4):
        m, _, _ = read("map_%s_np%d.tif" % (kind, n))
        check(np.array_equal(m, base), "map_%s_np%d bitwise equal to map_grid_np1" % (kind, n))
agree = (base == ref).mean()
check(agree >= 0.999, "agreement with PyTorch tiled reference %.5f >= 0.999" % agree)
check(len(np.unique(base)) >= 4, "the test map is not trivial (%d classes present)" % len(np.unique(base)))

p1, _, _ = read("prob_split_np1.tif")
pk = np.take_along_axis(p1, base[None].astype(np.int64), 0)[0]
check(np.array_equal(pk, p1.max(0)), "the class map's class has the largest probability everywhere")
s = p1.astype(int).sum(0)
check(np.abs(s - 255).max() <= p1.shape[0], "probabilities sum to 255 within rounding (max dev %d)" % np.abs(s - 255).max())
for n in (2, 3, 4):
    pn, _, _ = read("prob_split_np%d.tif" % n)
    check(np.array_equal(pn, p1), "prob_split_np%d bitwise equal to np1" % n)

# Fractions: numpy average of the class map over each DEM cell (pixel centres).
dem, gt_dem, _ = read("dem.tif")
ny, nx = dem.shape
cols = np.floor((gt_img[0] + (np.arange(base.shape[1]) + 0.5) * gt_img[1] - gt_dem[0]) / gt_dem[1]).astype(int)
rows = np.floor((gt_img[3] + (np.arange(base.shape[0]) + 0.5) * gt_img[5] - gt_dem[3]) / gt_dem[5]).astype(int)
R, Cc = np.meshgrid(rows, cols, indexing="ij")
inside = (R >= 0) & (R < ny) & (Cc >= 0) & (Cc < nx) & (base != 255)
ncls = 7
cnt = np.zeros((ncls, ny, nx))
for k in range(ncls):
    np.add.at(cnt[k], (R[inside & (base == k)], Cc[inside & (base == k)]), 1)
tot = cnt.sum(0)
expect = np.where(tot > 0, cnt / np.maximum(tot, 1), 0)
with h5py.File(os.path.join(fix, "fractions_np1.h5"), "r") as f:
    frac1 = np.stack([f["/landcover/fraction_%02d" % k][...] for k in range(ncls)])
check(frac1.shape == (ncls, ny, nx), "fractions shape %s" % (frac1.shape,))
covered = tot > 0
check(covered.all(), "every DEM cell covered by the imagery (%d of %d)" % (covered.sum(), covered.size))
check(np.abs(frac1.sum(0)[covered] - 1).max() < 1e-12, "fractions sum to 1 on covered cells (max dev %.2e)" % np.abs(frac1.sum(0)[covered] - 1).max())
check(np.abs(frac1 - expect).max() < 1e-12, "fractions = numpy average (max diff %.2e)" % np.abs(frac1 - expect).max())
for n in (2, 3, 4):
    with h5py.File(os.path.join(fix, "fractions_np%d.h5" % n), "r") as f:
        fn = np.stack([f["/landcover/fraction_%02d" % k][...] for k in range(ncls)])
    check(np.array_equal(fn, frac1), "fractions_np%d bitwise equal to np1" % n)
n1, _, _ = read("map_ndsm_np1.tif")
n3, _, _ = read("map_ndsm_np3.tif")
check(np.array_equal(n1, n3), "nDSM from DSM - DTM: np3 bitwise equal to np1")
check((n1 == base).mean() >= 0.99, "nDSM from DSM - DTM agrees with the band-5 map: %.5f" % (n1 == base).mean())
if fail:
    print("%d check(s) failed" % len(fail))
    sys.exit(1)
print("all checks passed")
