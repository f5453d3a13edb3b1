#!/usr/bin/python3
"""Deterministic demo scene for ruissel: a small catchment in Lambert-93 (EPSG:2154).

Writes into --out (never into the repository):
  dem.tif        terrain model (Float32, --dem-res m, default 2 m), a valley draining east
                 with a meandering stream, steep wooded flanks and plateaus
  landcover.tif  ground-truth land cover at imagery resolution (uint8, FLAIR-19 class
                 index = FLAIR code - 1, see input/nomenclature/flair19.csv)
  image.tif      5-band uint8 imagery R, G, B, NIR, nDSM (0.2 m per unit, like FLAIR's
                 elevation band) at --img-res m (default 1 m), rendered from the land cover
                 with per-class spectra, per-parcel variation, texture and hillshade
  dsm.tif        surface model at imagery resolution (Float32): terrain + object heights,
                 so that the nDSM can also be derived as DSM - DTM
The land cover follows the terrain: forest on steep slopes, vineyards on sunny gentle
slopes, fields and meadows on the valley floor and plateaus, riparian trees and water in
the stream, a village of buildings, gardens, pools and streets north of the stream.
Everything derives from --seed (use --heldout for the evaluation scene), so two runs give
identical files. This is synthetic imagery: real BD ORTHO cannot be bundled.
"""
import argparse
import os

import numpy as np
from osgeo import gdal, osr
from scipy import ndimage
from scipy.spatial import cKDTree

gdal.UseExceptions()

HELDOUT_SEED = 1001

# FLAIR-19 class indices (FLAIR code - 1) used by the scene.
BUILDING, PERVIOUS, IMPERVIOUS, BARE, WATER, CONIFER, DECIDUOUS, BRUSH, VINEYARD, \
    HERBACEOUS, AGRI, PLOWED, POOL = range(13)

# Mean R, G, B, NIR reflectance (uint8 scale) and per-pixel noise per class.
SPECTRA = {
    BUILDING: ((165, 92, 72, 112), 10), PERVIOUS: ((98, 128, 78, 168), 12),
    IMPERVIOUS: ((92, 94, 98, 86), 7), BARE: ((162, 140, 112, 138), 10),
    WATER: ((48, 70, 78, 24), 5), CONIFER: ((42, 62, 44, 118), 12),
    DECIDUOUS: ((62, 96, 52, 192), 14), BRUSH: ((88, 106, 62, 158), 12),
    VINEYARD: ((120, 118, 84, 150), 8), HERBACEOUS: ((108, 142, 76, 202), 10),
    AGRI: ((128, 152, 82, 212), 10), PLOWED: ((128, 104, 86, 108), 9),
    POOL: ((62, 172, 204, 40), 6),
}
HEIGHT = {  # object height range above ground (m) for the nDSM
    BUILDING: (4.0, 9.0), CONIFER: (12.0, 24.0), DECIDUOUS: (9.0, 20.0), BRUSH: (1.0, 3.5),
    VINEYARD: (1.2, 1.8), AGRI: (0.3, 0.8), HERBACEOUS: (0.0, 0.3), PERVIOUS: (0.0, 0.2),
}


def smooth_noise(rng, shape, scale_px):
    """Gaussian-filtered white noise with unit standard deviation."""
    f = ndimage.gaussian_filter(rng.standard_normal(shape), scale_px, mode="wrap")
    return f / (f.std() + 1e-12)


def stream(ph, nx, ny, res):
    """Map coordinates X, Y (m from the south-west corner) of the pixel centres, the
    stream's northing ys(X) and the distance d across the valley to the stream."""
    x = (np.arange(nx) + 0.5) * res
    y = (ny - np.arange(ny) - 0.5) * res  # row 0 = north edge
    X, Y = np.meshgrid(x, y)
    W, H = nx * res, ny * res
    ys = 0.45 * H + 0.06 * H * np.sin(2 * np.pi * X / (0.6 * W) + ph[0]) \
        + 0.025 * H * np.sin(2 * np.pi * X / (0.22 * W) + ph[1])
    return X, Y, ys, np.abs(Y - ys)


def make_dem(rng, ph, nx, ny, res):
    X, Y, ys, d = stream(ph, nx, ny, res)
    W, H = nx * res, ny * res
    floor = 180.0 - 0.012 * X  # valley floor drains east, 1.2 %
    flank = 62.0 * 0.5 * (np.tanh((d - 0.15 * H) / (0.08 * H)) + 1.0) - 62.0 * 0.5 * (np.tanh(-0.15 / 0.08) + 1.0)
    z = floor + 0.02 * d + flank
    # A tributary coming from the north plateau, joining the main stream.
    xt = 0.3 * W + 0.1 * W * np.sin(2 * np.pi * Y / H + ph[2])
    dt = np.abs(X - xt)
    z -= 28.0 * np.exp(-(dt / (0.07 * W)) ** 2) * np.clip((Y - ys) / (0.5 * H), 0, 1) ** 0.7
    z += 2.5 * smooth_noise(rng, z.shape, 60.0 / res) + 0.6 * smooth_noise(rng, z.shape, 12.0 / res)
    z -= 1.5 * np.exp(-(d / 3.0) ** 2)  # the channel
    return z.astype(np.float32)


def upsample(a, factor):
    return ndimage.zoom(a, factor, order=1, mode="nearest")


def slope_aspect(z, res):
    gy, gx = np.gradient(z, res)  # gy along rows (southward)
    return np.hypot(gx, gy), gy > 0.02  # slope; south-facing (terrain rises northward)


def land_cover(rng, dem_img, dist, res, W, H):
    ny, nx = dem_img.shape
    slope, south = slope_aspect(dem_img, res)
    lc = np.full((ny, nx), HERBACEOUS, np.uint8)
    # Parcels: Voronoi cells of random seeds, one land use each.
    nseed = int(W * H / 9000)
    seeds = rng.uniform([0, 0], [nx, ny], (nseed, 2))
    jj, ii = np.mgrid[0:ny, 0:nx]
    parcel = cKDTree(seeds).query(np.column_stack([ii.ravel(), jj.ravel()]))[1].reshape(ny, nx)
    pslope = ndimage.mean(slope, parcel, np.arange(nseed))
    psouth = ndimage.mean(south.astype(float), parcel, np.arange(nseed))
    pz = ndimage.mean(dem_img, parcel, np.arange(nseed))
    zmed = np.median(dem_img)
    ptype = np.empty(nseed, np.uint8)
    u = rng.uniform(size=nseed)
    for p in range(nseed):
        if pslope[p] > 0.22:
            ptype[p] = CONIFER if (pz[p] > zmed and u[p] < 0.5) else (BRUSH if u[p] > 0.85 else DECIDUOUS)
        elif pslope[p] > 0.07 and psouth[p] > 0.5 and u[p] < 0.6:
            ptype[p] = VINEYARD
        elif pslope[p] > 0.12:
            ptype[p] = BRUSH if u[p] < 0.4 else HERBACEOUS
        else:
            ptype[p] = (AGRI, AGRI, PLOWED, HERBACEOUS, AGRI, PLOWED, BARE if u[p] > 0.97 else HERBACEOUS)[int(u[p] * 7)]
    lc[:] = ptype[parcel]
    lc[dist < 14] = DECIDUOUS  # riparian trees
    return lc, parcel


def draw_rect(a, val, r0, c0, h, w):
    ny, nx = a.shape
    r0, c0 = max(int(r0), 0), max(int(c0), 0)
    a[r0:min(r0 + int(h), ny), c0:min(c0 + int(w), nx)] = val


def village(rng, lc, stream_rows, res):
    """Streets on a grid, lots with a house, a garden, sometimes a pool; a road along the
    valley and a bridge. Returns a per-pixel roof id (0 = none) for rendering."""
    ny, nx = lc.shape
    roof = np.zeros(lc.shape, np.int32)
    m = lambda metres: max(1, int(round(metres / res)))
    cx = int(0.55 * nx)
    top = int(stream_rows[cx] - m(150))  # village spans 150 m north of the stream
    left, right = cx - m(170), cx + m(170)
    block = m(44)
    street = m(6)
    lot = m(22)
    nroof = 0
    for r0 in range(max(top, 0), int(stream_rows[cx]) - m(25), block):
        for c0 in range(left, right, block):
            for dr in (0, lot):
                for dc in (0, lot):
                    rr, cc = r0 + street + dr, c0 + street + dc
                    if rr + lot > stream_rows[min(cc, nx - 1)] - m(18) or rng.uniform() < 0.12:
                        continue
                    draw_rect(lc, PERVIOUS, rr, cc, lot - 1, lot - 1)
                    bh, bw = rng.integers(m(8), m(14)), rng.integers(m(9), m(16))
                    br, bc = rr + rng.integers(1, max(2, lot - bh - 1)), cc + rng.integers(1, max(2, lot - bw - 1))
                    nroof += 1
                    draw_rect(lc, BUILDING, br, bc, bh, bw)
                    draw_rect(roof, nroof, br, bc, bh, bw)
                    draw_rect(lc, IMPERVIOUS, rr, bc + bw // 2 - m(1.5), max(br - rr, 1), m(3))  # driveway
                    if rng.uniform() < 0.3:
                        pr = rr + lot - m(6) if br - rr < lot // 2 else rr + 1
                        pc = cc + lot - m(9) if bc - cc < lot // 2 else cc + 1
                        draw_rect(lc, POOL, pr, pc, m(4), m(8))
            draw_rect(lc, IMPERVIOUS, r0, c0, street, block)  # streets
            draw_rect(lc, IMPERVIOUS, r0, c0, block, street)
    # A few farms outside the village.
    for _ in range(4):
        r, c = rng.integers(m(50), ny - m(80)), rng.integers(m(30), nx - m(60))
        if abs(r - stream_rows[c]) < m(40):
            continue
        draw_rect(lc, IMPERVIOUS, r - m(5), c - m(5), m(30), m(40))
        nroof += 1
        draw_rect(lc, BUILDING, r, c, m(12), m(25))
        draw_rect(roof, nroof, r, c, m(12), m(25))
    # Valley road 70 m north of the stream, and a bridge at the village.
    for c in range(nx):
        draw_rect(lc, IMPERVIOUS, stream_rows[c] - m(70), c, m(6), 1)
    return roof, cx


def render(rng, lc, parcel, roof, dem_img, res):
    ny, nx = lc.shape
    img = np.zeros((5, ny, nx), np.float32)
    ndsm = np.zeros((ny, nx), np.float32)
    npar = parcel.max() + 1
    poff = rng.normal(0, 9, (npar, 4))  # per-parcel colour variation
    pang = rng.uniform(0, np.pi, npar)   # row orientation of vineyards, furrows
    wheat = rng.uniform(size=npar) < 0.4
    jj, ii = np.mgrid[0:ny, 0:nx] * res
    crown = smooth_noise(rng, (ny, nx), 1.5 / res)
    fine = rng.standard_normal((4, ny, nx)).astype(np.float32)
    for k, (mean, sd) in SPECTRA.items():
        sel = lc == k
        if not sel.any():
            continue
        for b in range(4):
            v = mean[b] + poff[parcel[sel], b] + sd * fine[b][sel]
            img[b][sel] = v
        lo, hi = HEIGHT.get(k, (0.0, 0.0))
        ndsm[sel] = lo + (hi - lo) * rng.uniform(size=1)[0]
    # Textures.
    ang = pang[parcel]
    along = ii * np.cos(ang) + jj * np.sin(ang)
    rows = (np.sin(2 * np.pi * along / 2.5) > 0)
    vine = (lc == VINEYARD)
    for b, (on, off) in enumerate(((70, 150), (100, 130), (50, 106), (175, 120))):
        img[b][vine] = np.where(rows[vine], on, off) + 6 * fine[b][vine]
    ndsm[vine] = np.where(rows[vine], 1.5, 0.0)
    furrow = (lc == PLOWED)
    img[:4, furrow] *= (1 + 0.12 * np.sin(2 * np.pi * along[furrow] / 1.2))
    ripe = (lc == AGRI) & wheat[parcel]
    img[:4, ripe] = np.array([192, 176, 112, 182], np.float32)[:, None] + 8 * fine[:, ripe]
    for k in (CONIFER, DECIDUOUS, BRUSH):
        s = lc == k
        img[:4, s] *= 1 + 0.18 * crown[s]
        lo, hi = HEIGHT[k]
        ndsm[s] = np.clip(0.5 * (lo + hi) + 0.35 * (hi - lo) * crown[s], 0, None)
    grey = (roof > 0) & ((roof % 3) == 0)  # a third of the roofs are grey, not tiles
    img[:4, grey] = np.array([132, 132, 138, 122], np.float32)[:, None] + 8 * fine[:, grey]
    if roof.max() > 0:
        rh = rng.uniform(4.0, 9.0, roof.max() + 1)
        ndsm[roof > 0] = rh[roof[roof > 0]]
    # Illumination from the terrain (sun from the south-west, 45 degrees).
    gy, gx = np.gradient(dem_img, res)
    shade = np.clip((0.7 + (-gx * -0.5 + gy * 0.5) * 0.9) / np.sqrt(1 + gx * gx + gy * gy), 0.55, 1.2)
    img[:4] *= shade / 0.7 * 0.85
    img[4] = np.round(ndsm * 5.0)
    return np.clip(np.round(img), 0, 255).astype(np.uint8), ndsm


def write(path, arrays, gt, dtype, nodata=None):
    drv = gdal.GetDriverByName("GTiff")
    arrays = arrays if arrays.ndim == 3 else arrays[None]
    ds = drv.Create(path, arrays.shape[2], arrays.shape[1], arrays.shape[0], dtype,
                    ["TILED=YES", "COMPRESS=DEFLATE"])
    ds.SetGeoTransform(gt)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(2154)
    ds.SetProjection(srs.ExportToWkt())
    for b in range(arrays.shape[0]):
        band = ds.GetRasterBand(b + 1)
        band.WriteArray(arrays[b])
        if nodata is not None:
            band.SetNoDataValue(nodata)
    ds = None


def generate(seed, width=1200.0, height=1000.0, dem_res=2.0, img_res=1.0, x0=505000.0, y0=6285000.0):
    """The scene of `seed` as arrays: dict with dem, landcover, image (5 x ny x nx uint8),
    dsm and the geotransforms gt_dem, gt_img (Lambert-93)."""
    rng = np.random.default_rng(seed)
    nx, ny = int(round(width / dem_res)), int(round(height / dem_res))
    ph = rng.uniform(0, 2 * np.pi, 3)
    dem = make_dem(rng, ph, nx, ny, dem_res)
    dem_img = upsample(dem, dem_res / img_res).astype(np.float32)
    iny, inx = dem_img.shape
    _, _, ys, dist = stream(ph, inx, iny, img_res)  # stream at imagery resolution
    stream_rows = np.round((height - ys[0]) / img_res).astype(int)
    lc, parcel = land_cover(rng, dem_img, dist, img_res, width, height)
    roof, cx = village(rng, lc, stream_rows, img_res)
    lc[dist < 2.6] = WATER
    half = int(20 / img_res)
    for c in range(cx, cx + max(1, int(round(6 / img_res)))):  # bridge: road across the stream
        lc[stream_rows[c] - half:stream_rows[c] + half, c] = IMPERVIOUS
    roof[lc != BUILDING] = 0
    img, ndsm = render(rng, lc, parcel, roof, dem_img, img_res)
    return dict(dem=dem, landcover=lc, image=img, dsm=dem_img + ndsm,
                gt_dem=(x0, dem_res, 0.0, y0, 0.0, -dem_res), gt_img=(x0, img_res, 0.0, y0, 0.0, -img_res))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="build/demo", help="output directory (default build/demo)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--heldout", action="store_true", help="held-out evaluation scene (seed %d)" % HELDOUT_SEED)
    ap.add_argument("--width", type=float, default=1200.0, help="catchment width, m")
    ap.add_argument("--height", type=float, default=1000.0, help="catchment height, m")
    ap.add_argument("--dem-res", type=float, default=2.0)
    ap.add_argument("--img-res", type=float, default=1.0)
    ap.add_argument("--x0", type=float, default=505000.0, help="west edge, Lambert-93 m")
    ap.add_argument("--y0", type=float, default=6285000.0, help="north edge, Lambert-93 m")
    a = ap.parse_args()
    seed = HELDOUT_SEED if a.heldout else a.seed
    s = generate(seed, a.width, a.height, a.dem_res, a.img_res, a.x0, a.y0)
    os.makedirs(a.out, exist_ok=True)
    write(os.path.join(a.out, "dem.tif"), s["dem"], s["gt_dem"], gdal.GDT_Float32, -9999.0)
    write(os.path.join(a.out, "landcover.tif"), s["landcover"], s["gt_img"], gdal.GDT_Byte)
    write(os.path.join(a.out, "image.tif"), s["image"], s["gt_img"], gdal.GDT_Byte)
    write(os.path.join(a.out, "dsm.tif"), s["dsm"], s["gt_img"], gdal.GDT_Float32)
    lc, dem = s["landcover"], s["dem"]
    print(f"scene seed {seed}: dem {dem.shape[1]}x{dem.shape[0]} @ {a.dem_res} m, image "
          f"{lc.shape[1]}x{lc.shape[0]} @ {a.img_res} m, z {dem.min():.1f}..{dem.max():.1f} m -> {a.out}")
    counts = np.bincount(lc.ravel(), minlength=13)
    print("class fractions:", " ".join(f"{k}:{c / lc.size:.3f}" for k, c in enumerate(counts) if c))


if __name__ == "__main__":
    main()
