#!/usr/bin/python3
"""Bad inputs to the segmentation stage: each run must exit non-zero on 1 and 3 ranks,
within a timeout (a rank left waiting would hang), with one error line naming the problem.
Usage: check_bad_inputs.py FIXTURE_DIR SEG_RUN_EXE"""
import os
import shlex
import subprocess
import sys

fix, exe = sys.argv[1], sys.argv[2]
mpiexec = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe"))
model = ["-seg_weights", os.path.join(fix, "weights.safetensors"), "-seg_arch", "unet_resnet18",
         "-seg_width_mult", "0.25", "-seg_classes", "7", "-seg_backend", "cpu", "-seg_tile", "64", "-seg_margin", "16"]
dem = ["-dem", os.path.join(fix, "dem.tif")]
f = lambda name: os.path.join(fix, name)
CASES = [  # (name, args, expected fragment of the error message)
    ("too few bands", ["-seg_image", f("bad_3bands.tif")] + dem, "has 3 band(s): band 4 (NIR) is missing"),
    ("band out of range", ["-seg_image", f("image.tif"), "-seg_bands", "1,2,3,4,9"], "band 9 (nDSM) is missing"),
    ("CRS differs from the DEM", ["-seg_image", f("bad_crs.tif")] + dem, "CRS differs from the DEM"),
    ("extents do not overlap", ["-seg_image", f("bad_far.tif")] + dem, "does not overlap the DEM"),
    ("missing imagery", ["-seg_image", f("nothere.tif")], "no such file"),
    ("tile not a multiple of 32", ["-seg_image", f("image.tif"), "-seg_tile", "100"], "-seg_tile 100"),
    ("margin too large", ["-seg_image", f("image.tif"), "-seg_margin", "40"], "-seg_margin 40"),
    ("DSM without DTM", ["-seg_image", f("image.tif"), "-seg_ndsm_dsm", f("dem.tif")], "go together"),
    # the class map's writers: one GeoTIFF through rank 0, per-rank blocks + VRT
    ("GeoTIFF in a missing directory", ["-seg_image", f("image.tif")] + dem, "-seg_output: cannot create", f("no_dir/map.tif")),
    ("VRT in a missing directory", ["-seg_image", f("image.tif")] + dem, "-seg_output: cannot create the directory", f("no_dir/map.vrt")),
]
fails = 0
for n in (1, 3):
    for name, args, frag, *where in CASES:
        out = where[0] if where else os.path.join(fix, "bad_out.tif")
        # later options win in PETSc: the case's -seg_tile / -seg_margin override the model's
        cmd = mpiexec + ["-n", str(n), exe] + model + args + ["-seg_output", out]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            print("FAIL %s (np %d): hang (timeout)" % (name, n))
            fails += 1
            continue
        err = p.stderr.strip().splitlines()
        errlines = [l for l in err if "error" in l]
        ok = p.returncode != 0 and len(errlines) == 1 and frag in errlines[0] and not os.path.exists(out)
        print("%s %s (np %d): rc=%d: %s" % ("ok  " if ok else "FAIL", name, n, p.returncode, errlines[0] if errlines else p.stderr[-400:]))
        fails += not ok
sys.exit(1 if fails else 0)
