#!/usr/bin/python3
"""Model cards (-seg_model FILE.json) through the seg stage, with the 4-band ResNet-50 of the
r50 fixture (bands R, G, B, NIR):
  - band order: the same map from a 5-band R,G,B,NIR,nDSM image, from that image's bands
    reordered to NIR,R,G,B (-seg_image_bands NIR,R,G,B: found by name), and with
    -seg_bands 2,3,4,1; the card's normalisation is the one used (another one changes the
    map); 2 threads per rank over tiles and over layers give the 1-thread map bitwise;
  - bad cards and band options: exit != 0 on 2 ranks, one error line naming the problem.
Usage: check_model_cards.py WORKDIR R50_FIXTURE_DIR"""
import json
import os
import shlex
import subprocess
import sys

import numpy as np
from osgeo import gdal

work, fix = sys.argv[1], sys.argv[2]
exe = os.environ["RUISSEL_EXE"]
mpiexec = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe"))
os.makedirs(work, exist_ok=True)
weights = os.path.join(fix, "weights.safetensors")
rng = np.random.default_rng(3)
img = np.clip(rng.normal(110, 40, (5, 96, 160)), 0, 255).astype(np.uint8)


def write(name, bands):
    p = os.path.join(work, name)
    ds = gdal.GetDriverByName("GTiff").Create(p, img.shape[2], img.shape[1], len(bands), gdal.GDT_Byte)
    ds.SetGeoTransform((600000, 1, 0, 6300000, 0, -1))
    for i, b in enumerate(bands):
        ds.GetRasterBand(i + 1).WriteArray(img[b])
    ds = None
    return p


def card(name, raw=None, **kv):
    c = {"arch": "unet_resnet50", "width_mult": 0.25, "classes": 15, "bands": ["R", "G", "B", "NIR"],
         "norm_mean": [100, 110, 100, 105], "norm_std": [50, 45, 44, 40], "weights": weights}
    c.update(kv)
    c = {k: v for k, v in c.items() if v is not None}
    p = os.path.join(work, name)
    with open(p, "w") as f:
        f.write(raw or json.dumps(c))
    return p


def run(np_, *args):
    return subprocess.run(mpiexec + ["-n", str(np_), exe, "-stages", "seg", "-seg_tile", "64", "-seg_margin", "16"] + list(args),
                          capture_output=True, text=True, timeout=300)


fails = 0
rgbin = write("rgbin.tif", [0, 1, 2, 3, 4])   # R,G,B,NIR,nDSM
irc = write("nirrgb.tif", [3, 0, 1, 2])       # NIR,R,G,B
good = card("good.json")
maps = {}
for tag, args in (("rgbin", ["-seg_image", rgbin]), ("by_name", ["-seg_image", irc, "-seg_image_bands", "NIR,R,G,B"]),
                  ("by_index", ["-seg_image", irc, "-seg_bands", "2,3,4,1"]),
                  ("threads_tiles", ["-seg_image", rgbin, "-seg_threads", "2"]),
                  ("threads_layers", ["-seg_image", rgbin, "-seg_threads", "2", "-seg_threads_over", "layers"]),
                  ("other_norm", ["-seg_image", rgbin, "-seg_mean", "0,0,0,0", "-seg_std", "1,1,1,1"])):
    out = os.path.join(work, "map_%s.tif" % tag)
    r = run(2, "-seg_model", good, "-seg_output", out, *args)
    if r.returncode:
        print("FAIL %s: %s" % (tag, r.stderr[-800:]))
        fails += 1
        continue
    maps[tag] = gdal.Open(out).ReadAsArray()
if len(maps) == 6:
    same = all(np.array_equal(maps["rgbin"], maps[t]) for t in ("by_name", "by_index"))
    threads = all(np.array_equal(maps["rgbin"], maps[t]) for t in ("threads_tiles", "threads_layers"))
    print("%s threads: 2 per rank over tiles and over layers give the 1-thread map" % ("ok  " if threads else "FAIL"))
    fails += not threads
    differ = not np.array_equal(maps["rgbin"], maps["other_norm"])
    print("%s band order: the map from R,G,B,NIR,nDSM equals those from NIR,R,G,B by name and by index" % ("ok  " if same else "FAIL"))
    print("%s normalisation: the card's is used (%.1f %% of the pixels change with another)" % ("ok  " if differ else "FAIL", 100 * np.mean(maps["rgbin"] != maps["other_norm"])))
    fails += (not same) + (not differ)

CASES = [  # (name, card or None, extra args, expected fragment)
    ("not JSON", card("bad_json.json", raw='{"bands": ["R", "G", "B", "NIR"]'), [], "not a JSON model card"),
    ("text after the object", card("bad_trail.json", raw='{"bands": ["R"]} x'), [], "not a JSON model card"),
    ("no bands", card("no_bands.json", bands=None), [], "no \"bands\""),
    ("in_channels vs bands", card("inch.json", in_channels=5), [], "\"in_channels\" = 5 but \"bands\" names 4"),
    ("norm length", card("norm.json", norm_std=[50, 45, 44]), [], "\"norm_std\" has 3 values, \"bands\" 4"),
    ("std <= 0", card("std0.json", norm_std=[50, 45, 0, 40]), [], "\"norm_std\" value 3: must be a finite number > 0"),
    ("band twice", card("twice.json", bands=["R", "G", "red", "NIR"]), [], "names R twice"),
    ("unknown band, no norm", card("other.json", bands=["R", "G", "B", "SWIR"], norm_mean=None, norm_std=None), [], "band 'SWIR' has no FLAIR default"),
    ("classes type", card("classes.json", classes="15"), [], "\"classes\" must be an integer"),
    ("card bands vs weights", card("five.json", bands=["R", "G", "B", "NIR", "nDSM"], norm_mean=None, norm_std=None), [],
     "'encoder.conv1.weight': expected shape [16, 5, 7, 7], found [16, 4, 7, 7]"),
    ("missing card", os.path.join(work, "absent.json"), [], "cannot read"),
    ("output over the imagery", good, ["-seg_output", rgbin], "-seg_output: the same file as -seg_image"),
    ("image band by name missing", good, ["-seg_image_bands", "NIR,R,G"], "no image band is B"),
    ("both band options", good, ["-seg_image_bands", "R,G,B,NIR", "-seg_bands", "1,2,3,4"], "give one of them"),
    ("-seg_bands count", good, ["-seg_bands", "1,2,3"], "-seg_bands: 3 bands given, 4 expected"),
    ("nDSM for a model without it", good, ["-seg_ndsm_dsm", rgbin, "-seg_ndsm_dtm", rgbin], "the model has no nDSM/elevation band"),
]
for name, c, extra, frag in CASES:
    out = os.path.join(work, "bad_out.tif")
    r = run(2, "-seg_model", c, "-seg_image", rgbin, "-seg_output", out, *extra)
    errs = [l for l in r.stderr.splitlines() if "error" in l]
    ok = r.returncode != 0 and len(errs) == 1 and frag in errs[0] and not os.path.exists(out)
    print("%s %s: %s" % ("ok  " if ok else "FAIL", name, errs[0] if errs else r.stderr[-300:]))
    fails += not ok
sys.exit(1 if fails else 0)
