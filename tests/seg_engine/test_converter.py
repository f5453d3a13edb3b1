#!/usr/bin/python3
"""Converter round trip: a state dict with exactly smp's key names and shapes, saved as a
Lightning-style .pth (nested under "state_dict", prefix "model."), converted to
safetensors and read back bitwise. Names/shapes are checked against independent sources:
torchvision's resnet34 (encoder) and smp's published decoder shapes."""
import os
import subprocess
import sys
import tempfile

import torch
import torchvision

sys.path.insert(0, os.path.join(os.environ.get("RUISSEL_SOURCE_DIR", "."), "scripts", "seg"))
from unet_ref import build_unet, load_safetensors, randomize_, save_safetensors  # noqa: E402
from pth_to_safetensors import convert  # noqa: E402

fail = []


def check(cond, msg):
    if not cond:
        fail.append(msg)
        print("FAIL:", msg)


model = randomize_(build_unet("resnet34", 5, 19), seed=3)
sd = model.state_dict()

# encoder names/shapes == torchvision resnet34 without fc, conv1 with 5 input bands
tv = torchvision.models.resnet34(weights=None).state_dict()
tv = {"encoder." + k: tuple(v.shape) for k, v in tv.items() if not k.startswith("fc.")}
tv["encoder.conv1.weight"] = (64, 5, 7, 7)
enc = {k: tuple(v.shape) for k, v in sd.items() if k.startswith("encoder.")}
check(enc == tv, "encoder keys/shapes differ from torchvision resnet34: %s" % (set(enc) ^ set(tv)))

# decoder: smp Unet(resnet34) block shapes (in+skip -> out) and head
smp_dec = {0: (768, 256), 1: (384, 128), 2: (192, 64), 3: (128, 32), 4: (32, 16)}
for b, (cin, cout) in smp_dec.items():
    p = "decoder.blocks.%d." % b
    check(tuple(sd[p + "conv1.0.weight"].shape) == (cout, cin, 3, 3), p + "conv1.0.weight shape")
    check(tuple(sd[p + "conv2.0.weight"].shape) == (cout, cout, 3, 3), p + "conv2.0.weight shape")
    for bn in ("conv1.1.", "conv2.1."):
        for s in ("weight", "bias", "running_mean", "running_var", "num_batches_tracked"):
            check(p + bn + s in sd, "missing " + p + bn + s)
check(tuple(sd["segmentation_head.0.weight"].shape) == (19, 16, 3, 3), "head weight shape")
check(tuple(sd["segmentation_head.0.bias"].shape) == (19,), "head bias shape")
n_dec = sum(1 for k in sd if k.startswith("decoder."))
check(n_dec == 5 * 2 * 6, "decoder has %d tensors, smp has 60" % n_dec)

with tempfile.TemporaryDirectory() as d:
    pth = os.path.join(d, "flair.pth")
    torch.save({"epoch": 3, "state_dict": {"model." + k: v for k, v in sd.items()}}, pth)
    out = os.path.join(d, "flair.safetensors")
    script = os.path.join(os.environ.get("RUISSEL_SOURCE_DIR", "."), "scripts", "seg", "pth_to_safetensors.py")
    r = subprocess.run([sys.executable, script, pth, out], capture_output=True, text=True)
    check(r.returncode == 0, "converter command line failed: " + r.stderr[-500:])
    back = load_safetensors(out)
    check(list(back) == list(sd), "key order/names differ after round trip")
    for k, v in sd.items():
        w = back.get(k)
        check(w is not None and w.dtype == v.dtype and w.shape == v.shape and torch.equal(w, v),
              "tensor %s differs after round trip" % k)
    # reduced precision: F16/BF16 files hold exactly the rounded values
    for dt, tdt in (("F16", torch.float16), ("BF16", torch.bfloat16)):
        convert(pth, out, dtype=dt)
        back = load_safetensors(out)
        w = back["encoder.conv1.weight"]
        check(w.dtype == tdt and torch.equal(w, sd["encoder.conv1.weight"].to(tdt)), dt + " round trip")
        check(back["encoder.bn1.num_batches_tracked"].dtype == torch.int64, dt + ": integer buffer kept")
    # the writer's own layout: header length + header + data == file size
    save_safetensors({"a": torch.arange(3, dtype=torch.float32)}, out)
    raw = open(out, "rb").read()
    n = int.from_bytes(raw[:8], "little")
    check(len(raw) == 8 + n + 12 and n % 8 == 0, "layout of a 3-float file")

print("converter round trip:", "FAILED" if fail else "ok")
sys.exit(1 if fail else 0)
