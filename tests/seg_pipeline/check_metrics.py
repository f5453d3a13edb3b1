#!/usr/bin/python3
"""The metrics command (`ruissel -stages metrics`) against an independent numpy computation.
Usage: check_metrics.py synthetic|gers WORKDIR SEG_METRICS_EXE
  synthetic: random FLAIR-19 prediction vs IGN AI-code labels (nodata, unmapped and
             no-label pixels included), compared in OCS GE codes and as raw codes; change
             between two random label vintages; on 1 and 3 ranks.
  gers:      the real IGN labels of $RUISSEL_DATA_DIR/landcover/gers_ocsge_ia (2016 vs
             2019, three 256 m tiles mosaicked by a VRT): agreement of the two vintages and
             the change figures (exit 77 when the data are absent)."""
import csv
import glob
import os
import re
import shlex
import subprocess
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
mode, work, exe = sys.argv[1], sys.argv[2], sys.argv[3]
src = os.environ.get("RUISSEL_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
nomen = os.path.join(src, "input", "nomenclature")
mpiexec = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe"))
os.makedirs(work, exist_ok=True)
fails = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg)
    if not cond:
        fails.append(msg)


def table(name, column):
    """value -> target code (None when empty), parsed with Python's csv module."""
    with open(os.path.join(nomen, name)) as f:
        rows = list(csv.DictReader(r for r in f if not r.startswith("#")))
    first = list(rows[0].keys())[0]
    return {int(r[first]): (r[column] or None) for r in rows}


def confusion(pred, label, pmap, lmap):
    names = []
    for v in sorted(lmap):  # label targets in table order, then the prediction's extras
        if lmap[v] and lmap[v] not in names:
            names.append(lmap[v])
    for v in sorted(pmap):
        if pmap[v] and pmap[v] not in names:
            names.append(pmap[v])
    idx = {n: i for i, n in enumerate(names)}
    lut_p = np.full(256, -1)
    lut_l = np.full(256, -1)
    for v, t in pmap.items():
        lut_p[v] = idx[t] if t else -1
    for v, t in lmap.items():
        lut_l[v] = idx[t] if t else -1
    p, l = lut_p[pred.ravel()], lut_l[label.ravel()]
    ok = (p >= 0) & (l >= 0)
    n = len(names)
    cm = np.bincount(l[ok] * n + p[ok], minlength=n * n).reshape(n, n)
    return names, cm, int((~ok).sum())


def scores(cm):
    tp = np.diag(cm).astype(float)
    union = cm.sum(0) + cm.sum(1) - tp
    iou = np.where(union > 0, tp / np.maximum(union, 1), np.nan)
    present = cm.sum(1) > 0
    return tp.sum() / cm.sum(), np.mean(iou[present])


def run(n, args):
    p = subprocess.run(mpiexec + ["-n", str(n), exe, "-stages", "metrics"] + args, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        print(p.stdout, p.stderr)
    return p


def read_csv_matrix(path):
    with open(path) as f:
        head = f.readline()
        meta = dict(kv.split("=") for kv in head[1:].split())
        rows = list(csv.reader(f))
    names = rows[0][1:-1]
    cm = np.array([[int(x) for x in r[1:-1]] for r in rows[1:]])
    return names, cm, float(meta["overall_accuracy"]), float(meta["miou"]), int(meta["ignored"])


def compare_confusion(tag, n, pred_path, label_path, pred, label, pmap, lmap, extra):
    out = os.path.join(work, "cm_%s_np%d.csv" % (tag, n))
    p = run(n, ["-metrics_pred", pred_path, "-metrics_label", label_path, "-metrics_output", out] + extra)
    check(p.returncode == 0, "%s np%d: ruissel -stages metrics ran" % (tag, n))
    if p.returncode:
        return None
    names, cm, oa, miou, ign = read_csv_matrix(out)
    enames, ecm, eign = confusion(pred, label, pmap, lmap)
    eoa, emiou = scores(ecm)
    check(names == enames, "%s np%d: class order %s" % (tag, n, names))
    check(np.array_equal(cm, ecm), "%s np%d: confusion matrix = numpy" % (tag, n))
    check(ign == eign, "%s np%d: ignored pixels %d = %d" % (tag, n, ign, eign))
    check(abs(oa - eoa) < 1e-12 and abs(miou - emiou) < 1e-12, "%s np%d: OA %.6f mIoU %.6f = numpy %.6f %.6f" % (tag, n, oa, miou, eoa, emiou))
    return oa, miou


def change_numpy(before, after, tmap, area):
    lut = {v: t for v, t in tmap.items() if t}
    valid = np.zeros(256, bool)
    sealed = np.zeros(256, bool)
    build = np.zeros(256, bool)
    veg = np.zeros(256, bool)
    wood = np.zeros(256, bool)
    for v, t in lut.items():
        valid[v], sealed[v], build[v], veg[v], wood[v] = True, t.startswith("CS1.1.1"), t == "CS1.1.1.1", t.startswith("CS2"), t.startswith("CS2.1.1")
    b, a = before, after
    ok = valid[b] & valid[a]
    nb = ok & ~build[b] & build[a]
    ns = ok & ~sealed[b] & sealed[a]
    lv = ok & veg[b] & ~veg[a]
    ds = ok & sealed[b] & ~sealed[a]
    gv = ok & ~veg[b] & veg[a]
    lw = ok & wood[b] & ~wood[a]
    code = np.full(b.shape, 255, np.uint8)
    code[ok] = 0
    for c, m in ((5, gv), (4, ds), (6, lw), (3, lv), (2, ns), (1, nb)):  # first matching category wins
        code[m] = c
    figs = {"new building area": nb.sum() * area, "new sealed area": ns.sum() * area, "lost vegetation": lv.sum() * area, "lost woodland": lw.sum() * area,
            "de-sealed area": ds.sum() * area, "gained vegetation": gv.sum() * area, "compared": ok.sum() * area}
    return figs, code


def compare_change(tag, n, bpath, apath, before, after, area):
    out = os.path.join(work, "change_%s_np%d.tif" % (tag, n))
    p = run(n, ["-change_before", bpath, "-change_after", apath, "-change_map", os.path.join(nomen, "ign_ai_naf.csv"), "-change_output", out])
    check(p.returncode == 0, "%s np%d: change ran" % (tag, n))
    if p.returncode:
        return None
    figs, code = change_numpy(before, after, table("ign_ai_naf.csv", "ocsge"), area)
    got = {k: float(v) for k, v in re.findall(r"^\s+([a-z -]+?)\s+([0-9.]+) m2", p.stdout, re.M)}
    got["compared"] = float(re.search(r"over ([0-9.]+) m2", p.stdout).group(1))
    for k, v in figs.items():
        check(abs(got.get(k, -1) - v) <= 0.006, "%s np%d: %s %.2f m2 = numpy %.2f" % (tag, n, k, got.get(k, -1), v))
    m = gdal.Open(out).ReadAsArray()
    check(np.array_equal(m, code), "%s np%d: change map = numpy" % (tag, n))
    return figs


def write(path, a, gt):
    ds = gdal.GetDriverByName("GTiff").Create(path, a.shape[1], a.shape[0], 1, gdal.GDT_Byte)
    ds.SetGeoTransform(gt)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(2154)
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(a)
    if path.endswith("pred.tif"):
        ds.GetRasterBand(1).SetNoDataValue(255)
    ds = None


if mode == "synthetic":
    rng = np.random.default_rng(5)
    H, W, gt = 389, 517, (478000.0, 0.5, 0.0, 6276000.0, 0.0, -0.5)
    label = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 200], size=(H, W)).astype(np.uint8)
    # a prediction that agrees with the label's FLAIR equivalent 70 % of the time
    f19 = table("ign_ai_naf.csv", "flair19")
    agree = np.array([int(f19.get(v) or rng.integers(19)) for v in range(256)], np.uint8)[label]
    pred = np.where(rng.uniform(size=(H, W)) < 0.7, agree, rng.integers(0, 19, (H, W))).astype(np.uint8)
    pred[rng.uniform(size=(H, W)) < 0.02] = 255  # nodata
    write(os.path.join(work, "pred.tif"), pred, gt)
    write(os.path.join(work, "label.tif"), label, gt)
    pmap, lmap = table("flair19.csv", "ocsge"), table("ign_ai_naf.csv", "ocsge")
    maps = ["-metrics_pred_map", os.path.join(nomen, "flair19.csv"), "-metrics_label_map", os.path.join(nomen, "ign_ai_naf.csv")]
    ident = {v: str(v) for v in range(20)}
    before = label
    after = np.where(rng.uniform(size=(H, W)) < 0.2, rng.integers(0, 15, (H, W)), label).astype(np.uint8)
    write(os.path.join(work, "after.tif"), after, gt)
    for n in (1, 3):
        compare_confusion("ocsge", n, os.path.join(work, "pred.tif"), os.path.join(work, "label.tif"), pred, label, pmap, lmap, maps)
        compare_confusion("identity", n, os.path.join(work, "pred.tif"), os.path.join(work, "label.tif"), pred, label, ident, ident, ["-metrics_classes", "20"])
        compare_change("synthetic", n, os.path.join(work, "label.tif"), os.path.join(work, "after.tif"), before, after, 0.25)
    # mismatched grids: a collective error, not a wrong answer
    write(os.path.join(work, "small.tif"), label[:100], gt)
    p = run(3, ["-metrics_pred", os.path.join(work, "small.tif"), "-metrics_label", os.path.join(work, "label.tif")])
    check(p.returncode != 0 and "not on the same pixel grid" in p.stderr, "different grids: error '%s'" % p.stderr.strip()[:160])
else:
    root = os.environ.get("RUISSEL_DATA_DIR") or os.path.join(src, "..", "shared", "data")
    d = os.path.join(root, "landcover", "gers_ocsge_ia")
    tiles = {y: sorted(glob.glob(os.path.join(d, str(y), "naf", "*.tif*"))) for y in (2016, 2019)}
    if not tiles[2016] or len(tiles[2016]) != len(tiles[2019]):
        print("SKIPPED: Gers labels not found under", d)
        sys.exit(77)
    vrt = {}
    for y in (2016, 2019):
        vrt[y] = os.path.join(work, "gers_%d.vrt" % y)
        gdal.BuildVRT(vrt[y], tiles[y]).FlushCache()
    arr = {y: gdal.Open(vrt[y]).ReadAsArray() for y in (2016, 2019)}
    gt = gdal.Open(vrt[2016]).GetGeoTransform()
    area = abs(gt[1] * gt[5])
    print("Gers: %d tiles per vintage, mosaic %dx%d px at %.2f m" % (len(tiles[2016]), arr[2016].shape[1], arr[2016].shape[0], gt[1]))
    lm = table("ign_ai_naf.csv", "ocsge")
    maps = ["-metrics_pred_map", os.path.join(nomen, "ign_ai_naf.csv"), "-metrics_label_map", os.path.join(nomen, "ign_ai_naf.csv")]
    for n in (1, 3):
        r = compare_confusion("gers_2016_vs_2019", n, vrt[2016], vrt[2019], arr[2016], arr[2019], lm, lm, maps)
        figs = compare_change("gers", n, vrt[2016], vrt[2019], arr[2016], arr[2019], area)
    if r and figs:
        print("Gers 2016 -> 2019 agreement in OCS GE codes: OA %.4f, mIoU %.4f" % r)
        print("Gers 2016 -> 2019 change (m2): " + ", ".join("%s %.2f" % kv for kv in figs.items()))
if fails:
    print("%d check(s) failed" % len(fails))
    sys.exit(1)
print("all checks passed")
