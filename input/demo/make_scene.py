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
import heapq
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


def stream_y(ph, X, W, H):
    """Northing of the stream (m from the south edge) at eastings X (m from the west edge)."""
    return 0.45 * H + 0.06 * H * np.sin(2 * np.pi * X / (0.6 * W) + ph[0]) \
        + 0.025 * H * np.sin(2 * np.pi * X / (0.22 * W) + ph[1])


def talweg_x(ph, Y, W, H):
    """Easting of the axis of the dry side valley that comes down through the village."""
    return 0.55 * W + 0.04 * W * np.sin(2 * np.pi * Y / H + ph[2])


def stream(ph, nx, ny, res):
    """Map coordinates X, Y (m from the south-west corner) of the pixel centres, the
    stream's northing ys(X) and the distance d across the valley to the stream."""
    x = (np.arange(nx) + 0.5) * res
    y = (ny - np.arange(ny) - 0.5) * res  # row 0 = north edge
    X, Y = np.meshgrid(x, y)
    ys = stream_y(ph, X, nx * res, ny * res)
    return X, Y, ys, np.abs(Y - ys)


# Valley geometry (m): the floor falls east at FLOOR_SLOPE; a floodplain of half-width
# FLOODPLAIN rises gently (PLAIN_SLOPE) to the foot of the flanks, which climb FLANK m to
# the plateaus over about FLANK_LENGTH m; the stream channel is CHANNEL_AREA m2 in section.
FLOOR_Z, FLOOR_SLOPE, PLAIN_SLOPE, FLOODPLAIN = 180.0, 0.006, 0.003, 80.0
FLANK, FLANK_LENGTH, CHANNEL_AREA, CHANNEL_WIDTH = 60.0, 190.0, 2.4, 3.0


def stream_path(ys_col, ny, res):
    """Rows of the stream at each column (ys_col: northing of the stream per column) and the
    4-connected cell path following it west to east: list of (row, col)."""
    rows = np.clip(np.round(ny - 0.5 - ys_col / res).astype(int), 0, ny - 1)
    path = []
    for c, r in enumerate(rows):
        r0 = rows[c - 1] if c else r
        step = 1 if r >= r0 else -1
        path += [(rr, c) for rr in range(r0, r + step, step)]
    return rows, path


def drain(z, outlet, eps):
    """Priority-flood depression filling (Barnes, Lehman & Mulla 2014, Computers &
    Geosciences 62:117-127) from the outlet cells (boolean mask), 4-connected like the
    solver's faces, with a gradient of eps per cell over filled flats: afterwards every cell
    has a strictly descending 4-neighbour path to the outlet."""
    ny, nx = z.shape
    flat = z.astype(np.float64).ravel().copy()
    seen = outlet.ravel().copy()
    heap = [(flat[c], c) for c in np.flatnonzero(seen)]
    heapq.heapify(heap)
    while heap:
        zc, c = heapq.heappop(heap)
        r, q = divmod(c, nx)
        for n in (c - nx if r > 0 else -1, c + nx if r < ny - 1 else -1, c - 1 if q > 0 else -1, c + 1 if q < nx - 1 else -1):
            if n >= 0 and not seen[n]:
                seen[n] = True
                if flat[n] < zc + eps:
                    flat[n] = zc + eps
                heapq.heappush(heap, (flat[n], n))
    return flat.reshape(ny, nx)


def make_dem(rng, ph, nx, ny, res):
    """Terrain that drains: a valley floor graded to the outlet (east edge), a floodplain,
    steep flanks, a tributary valley from the north plateau, hillslope roughness, the stream
    channel burnt along its course, then every closed depression filled (drain)."""
    X, Y, ys, d = stream(ph, nx, ny, res)
    W, H = nx * res, ny * res
    floor = FLOOR_Z - FLOOR_SLOPE * X
    u = np.maximum(d - FLOODPLAIN, 0.0)  # distance beyond the floodplain
    # Relief above the floodplain: the flanks, the tilted plateaus and their roughness.
    relief = FLANK * (1.0 - np.exp(-(u / FLANK_LENGTH) ** 2)) + 0.02 * u
    relief += np.clip(u / 100.0, 0.0, 1.0) * (2.5 * smooth_noise(rng, X.shape, 60.0 / res) + 0.6 * smooth_noise(rng, X.shape, 12.0 / res))
    # A dry side valley (talweg) from the north plateau, down through the village to the
    # stream: it cuts the relief to 30 % at its axis.
    relief *= 1.0 - 0.7 * np.exp(-((X - talweg_x(ph, Y, W, H)) / (0.1 * W)) ** 2) * (Y > ys)
    z = floor + PLAIN_SLOPE * np.minimum(d, FLOODPLAIN) + relief + 0.1 * smooth_noise(rng, X.shape, 20.0 / res)
    # The channel: a bed CHANNEL_AREA / width below the floor, on a 4-connected path (water
    # moves through cell faces) at least CHANNEL_WIDTH wide.
    depth = CHANNEL_AREA / max(CHANNEL_WIDTH, res)
    rows, path = stream_path(ys[0], ny, res)
    bed = np.where(d < 0.5 * CHANNEL_WIDTH, floor - depth, np.inf)
    for r, c in path:
        bed[r, c] = floor[r, c] - depth
    z = np.minimum(z, bed)
    outlet = np.zeros(z.shape, bool)
    outlet[:, -1] = True
    return drain(z, outlet, 2e-4 * res).astype(np.float32)


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
    """a[r0:r0+h, c0:c0+w] = val, clipped to the array (parts outside are dropped)."""
    ny, nx = a.shape
    r1, c1 = min(int(r0) + int(h), ny), min(int(c0) + int(w), nx)
    r0, c0 = max(int(r0), 0), max(int(c0), 0)
    if r1 > r0 and c1 > c0:
        a[r0:r1, c0:c1] = val


def village(rng, lc, stream_rows, res):
    """Streets on a grid, lots with a house, a garden, sometimes a pool; a road along the
    valley and a bridge. Returns a per-pixel roof id (0 = none) for rendering."""
    ny, nx = lc.shape
    roof = np.zeros(lc.shape, np.int32)
    m = lambda metres: max(1, int(round(metres / res)))
    cx = int(0.55 * nx)
    top = int(stream_rows[cx] - m(150))  # village spans 150 m north of the stream
    half = min(m(170), nx // 3)  # smaller scenes get a smaller village
    left, right = cx - half, cx + half
    block = m(44)
    street = m(6)
    lot = m(22)
    nroof = 0
    for r0 in range(max(top, 0), int(stream_rows[cx]) - m(25), block):
        for c0 in range(left, right, block):
            for dr in (0, lot):
                for dc in (0, lot):
                    rr, cc = r0 + street + dr, c0 + street + dc
                    if rr + lot > stream_rows[min(max(cc, 0), nx - 1)] - m(18) or rng.uniform() < 0.12:
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
    for _ in range(4 if ny - m(80) > m(50) and nx - m(60) > m(30) else 0):
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
                gt_dem=(x0, dem_res, 0.0, y0, 0.0, -dem_res), gt_img=(x0, img_res, 0.0, y0, 0.0, -img_res),
                gauges=gauges(ph, width, height, dem_res, x0, y0), communes=communes(ph, width, height, x0, y0))


def gauges(ph, W, H, res, x0, y0):
    """Gauge points (name, x, y in Lambert-93): the outlet (stream at the east edge), the
    stream upstream of the village, and the side valley where it crosses the village."""
    xo = W - 0.5 * res
    yv = stream_y(ph, 0.55 * W, W, H) + 35.0
    pts = [("outlet", xo, stream_y(ph, xo, W, H)), ("upstream", 0.3 * W, stream_y(ph, 0.3 * W, W, H)),
           ("village", talweg_x(ph, yv, W, H), yv)]
    return [(n, x0 + x, y0 - H + y) for n, x, y in pts]


# Fictitious communes (Gers: INSEE department 32; codes 329xx are not real communes).
COMMUNES = (("32901", "Saint-Ruissel"), ("32902", "Montégut-sur-Rieu"), ("32903", "Lasbordes"),
            ("32904", "Castéra-Rivière"))


def communes(ph, W, H, x0, y0):
    """Four communes as polygons (Lambert-93 rings) around the scene, as boundaries often run:
    the stream between the north and south banks, two lines down the north flank between
    the north-bank communes; the village's commune is the middle one. Returns a list of
    (INSEE code, name, ring)."""
    m = 100.0  # the communes extend beyond the scene
    xs = np.linspace(-m, W + m, 71)
    bank = [(x, stream_y(ph, x, W, H)) for x in xs]
    cuts = (0.38 * W, 0.78 * W)

    def north_line(xc):  # from the stream to beyond the north edge, with a kink
        yb = stream_y(ph, xc, W, H)
        return [(xc, yb), (xc + 0.03 * W, 0.5 * (yb + H)), (xc - 0.02 * W, H + m)]

    def stretch(a, b):
        return [p for p in bank if a < p[0] < b]
    la, lb = north_line(cuts[0]), north_line(cuts[1])
    rings = [
        [(-m, stream_y(ph, -m, W, H))] + stretch(-m, cuts[0]) + la + [(-m, H + m)],
        la[:1] + stretch(cuts[0], cuts[1]) + lb + la[::-1][:-1],
        lb[:1] + stretch(cuts[1], W + m) + [(W + m, stream_y(ph, W + m, W, H)), (W + m, H + m)] + lb[::-1][:-1],
        bank + [(W + m, -m), (-m, -m)],
    ]
    order = (1, 0, 2, 3)  # the village's commune (middle north) is 32901
    return [(COMMUNES[order[k]][0], COMMUNES[order[k]][1], [(x0 + x, y0 - H + y) for x, y in r]) for k, r in enumerate(rings)]


def write_communes(path, communes_, epsg=4326):
    """GeoPackage layer 'communes' (fields INSEE_COM, NOM), in EPSG:4326 by default, as
    national vector products may come: the run reprojects it to the grid's CRS."""
    from osgeo import ogr

    ogr.UseExceptions()
    if os.path.exists(path):
        os.remove(path)
    src, dst = osr.SpatialReference(), osr.SpatialReference()
    src.ImportFromEPSG(2154)
    dst.ImportFromEPSG(epsg)
    for srs in (src, dst):
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(src, dst)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    lay = ds.CreateLayer("communes", dst, ogr.wkbPolygon)
    lay.CreateField(ogr.FieldDefn("INSEE_COM", ogr.OFTString))
    lay.CreateField(ogr.FieldDefn("NOM", ogr.OFTString))
    for code, name, ring in communes_:
        r = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in ring + ring[:1]:
            r.AddPoint_2D(x, y)
        poly = ogr.Geometry(ogr.wkbPolygon)
        poly.AddGeometry(r)
        poly.Transform(ct)
        f = ogr.Feature(lay.GetLayerDefn())
        f.SetField("INSEE_COM", code)
        f.SetField("NOM", name)
        f.SetGeometry(poly)
        lay.CreateFeature(f)
    ds = None


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
    with open(os.path.join(a.out, "gauges.csv"), "w") as f:
        f.write("name,x,y\n" + "".join(f"{n},{x:.1f},{y:.1f}\n" for n, x, y in s["gauges"]))
    write_communes(os.path.join(a.out, "communes.gpkg"), s["communes"])
    lc, dem = s["landcover"], s["dem"]
    print(f"scene seed {seed}: dem {dem.shape[1]}x{dem.shape[0]} @ {a.dem_res} m, image "
          f"{lc.shape[1]}x{lc.shape[0]} @ {a.img_res} m, z {dem.min():.1f}..{dem.max():.1f} m -> {a.out}")
    counts = np.bincount(lc.ravel(), minlength=13)
    print("class fractions:", " ".join(f"{k}:{c / lc.size:.3f}" for k, c in enumerate(counts) if c))


if __name__ == "__main__":
    main()
