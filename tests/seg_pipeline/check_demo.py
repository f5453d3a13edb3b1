#!/usr/bin/python3
"""The committed demo model through the C stage on the held-out demo scene (2 ranks): its
overall accuracy and mIoU must be those recorded in input/demo/demo_model.json (computed
by PyTorch at training time), to 1e-4.
Usage: check_demo.py WORKDIR SEG_RUN_EXE SEG_METRICS_EXE"""
import json
import os
import re
import shlex
import subprocess
import sys

work, seg_run, seg_metrics = sys.argv[1:4]
src = os.environ.get("RUISSEL_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
mpiexec = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe"))
demo = os.path.join(src, "input", "demo")
subprocess.run([sys.executable, os.path.join(demo, "make_scene.py"), "--heldout", "--out", work], check=True)
pred = os.path.join(work, "pred.tif")
subprocess.run(mpiexec + ["-n", "2", seg_run, "-options_file", os.path.join(demo, "seg_demo.opts"),
                          "-seg_image", os.path.join(work, "image.tif"), "-seg_weights", os.path.join(demo, "demo_model.safetensors"),
                          "-dem", os.path.join(work, "dem.tif"), "-seg_output", pred], check=True, timeout=600)
p = subprocess.run(mpiexec + ["-n", "1", seg_metrics, "-stages", "metrics", "-metrics_pred", pred, "-metrics_label", os.path.join(work, "landcover.tif"),
                              "-metrics_classes", "19"], check=True, capture_output=True, text=True)
oa, miou = map(float, re.search(r"overall accuracy ([0-9.]+)\s+mIoU ([0-9.]+)", p.stdout).groups())
ref = json.load(open(os.path.join(demo, "demo_model.json")))["heldout"]
print("C stage: OA %.4f mIoU %.4f; demo_model.json (PyTorch): OA %.4f mIoU %.4f" % (oa, miou, ref["overall_accuracy"], ref["miou_present_classes"]))
ok = abs(oa - ref["overall_accuracy"]) <= 1e-4 and abs(miou - ref["miou_present_classes"]) <= 1e-4
print("ok" if ok else "FAIL")
sys.exit(0 if ok else 1)
