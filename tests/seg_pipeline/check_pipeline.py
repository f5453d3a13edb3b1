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
   with another interpolation of the DTM);
6. with nodata holes in the imagery: nodata exactly on the holes, the same map on 1, 2, 4
   ranks (single GeoTIFF, per-rank blocks + VRT), the hole-free map wherever the tile
   keeping a pixel has no hole, and VRT mosaics georeferenced like the imagery, with the
   overview level every block carries;
7. with a DEM domain smaller than the image and with nodata cells: the hole-free map on
   every pixel whose centre is in a DEM cell with data, nodata elsewhere, 1 and 3 ranks."""
import os
import sys

import h5py
import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
fix = sys.argv[1]
fail = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg)
    if not cond:
        fail.append(msg)


def osr_same(a, b):
    sa, sb = osr.SpatialReference(), osr.SpatialReference()
    sa.ImportFromWkt(a)
    sb.ImportFromWkt(b)
    return bool(sa.IsSame(sb))


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

holes, _, _ = read("image_holes.tif")
hole = (holes == 65535).any(0)
h1, _, _ = read("map_holes_np1.tif")
check(np.array_equal(h1 == 255, hole), "holes: nodata exactly where the imagery has none")
S = 64 - 2 * 16
clean = np.zeros(((base.shape[0] + S - 1) // S, (base.shape[1] + S - 1) // S), bool)
for kr in range(clean.shape[0]):
    for kc in range(clean.shape[1]):
        clean[kr, kc] = not hole[max(kr * S - 16, 0):kr * S - 16 + 64, max(kc * S - 16, 0):kc * S - 16 + 64].any()
pc = clean[np.arange(base.shape[0])[:, None] // S, np.arange(base.shape[1])[None, :] // S]
check(pc.any() and (~clean).any() and np.array_equal(h1[pc], base[pc]), "holes: hole-free tiles give the hole-free map (%d px)" % pc.sum())
for n in (2, 4):
    hv, gtv, wktv = read("map_holes_np%d.vrt" % n)
    check(np.array_equal(hv, h1), "holes: VRT mosaic of %d ranks bitwise equal to the 1-rank GeoTIFF" % n)
    check(gtv == gt_img and osr_same(wktv, wkt_img), "holes: VRT of %d ranks georeferenced like the imagery" % n)
    pv, _, _ = read("prob_holes_np%d.vrt" % n)
    pk = np.take_along_axis(pv, np.where(hole, 0, h1)[None].astype(np.int64), 0)[0]
    check(not pv[:, hole].any() and np.array_equal(pk[~hole], pv.max(0)[~hole]),
          "holes: probabilities 0 on the holes, largest for the map's class elsewhere (%d ranks)" % n)
    # overviews (a 300 x 260 map: one level, 150 x 130): each rank's block has it, the VRT lists
    # it and reads it from the blocks
    for name in ("map_holes_np%d.vrt" % n, "prob_holes_np%d.vrt" % n):
        v = gdal.Open(os.path.join(fix, name))
        b = v.GetRasterBand(1)
        blocks = sorted(f for f in v.GetFileList() if f.endswith(".tif"))
        opened = [gdal.Open(f) for f in blocks]  # kept open: a band outlives no dataset
        counts = [d.GetRasterBand(1).GetOverviewCount() for d in opened]
        o = b.GetOverview(0).ReadAsArray() if b.GetOverviewCount() == 1 else None
        ok = o is not None and o.shape == (130, 150) and counts == [1] * n
        if ok and name.startswith("map"):
            ok = set(np.unique(o)) <= set(np.unique(h1))
        check(ok, "%s: one overview level, 150 x 130, in each of the %d blocks %s" % (name, n, counts))
p2, _, _ = read("prob_holes_np2.vrt")
p4, _, _ = read("prob_holes_np4.vrt")
check(np.array_equal(p2, p4), "holes: probabilities of 2 and 4 ranks bitwise equal")

zd, gd, _ = read("dem_domain.tif")
dc = np.floor((gt_img[0] + (np.arange(base.shape[1]) + 0.5) * gt_img[1] - gd[0]) / gd[1]).astype(int)
dr = np.floor((gt_img[3] + (np.arange(base.shape[0]) + 0.5) * gt_img[5] - gd[3]) / gd[5]).astype(int)
DR, DC = np.meshgrid(dr, dc, indexing="ij")
ins = (DR >= 0) & (DR < zd.shape[0]) & (DC >= 0) & (DC < zd.shape[1])
act = np.zeros_like(ins)
act[ins] = zd[DR[ins], DC[ins]] != -9999
check(act.any() and (~act).any(), "domain: %d pixels in, %d out" % (act.sum(), (~act).sum()))
for n in (1, 3):
    md, _, _ = read("map_domain_np%d.tif" % n)
    check(np.array_equal(md[act], base[act]) and (md[~act] == 255).all(), "domain (%d ranks): the full map inside, nodata outside" % n)
if fail:
    print("%d check(s) failed" % len(fail))
    sys.exit(1)
print("all checks passed")
