#!/usr/bin/python3
"""Hostile safetensors files for seg_bad_weights: writes OUTDIR/*.safetensors and
OUTDIR/manifest.txt, one case per line: `open|model  file  substring  substring...`
(tab-separated): the C test expects opening the file (open) or loading it into a
unet_resnet18 x0.125 13-class model (model; model5: one declared to take 5 bands, as a
model card does) to fail with a message holding each substring (the file name and the
tensor concerned)."""
import json
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.join(os.environ.get("RUISSEL_SOURCE_DIR", "."), "scripts", "seg"))
from unet_ref import build_unet, save_safetensors  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
cases = []


def raw(name, header, data=b"", hlen=None):
    h = json.dumps(header).encode() if isinstance(header, dict) else header
    with open(os.path.join(out, name), "wb") as f:
        f.write(struct.pack("<Q", len(h) if hlen is None else hlen) + h + data)
    return os.path.join(out, name)


def case(kind, path, *subs):
    cases.append("\t".join([kind, path, os.path.basename(path)] + list(subs)))


sd = build_unet("resnet18", 5, 13, 0.125).state_dict()
good = os.path.join(out, "good.safetensors")
save_safetensors(sd, good)
blob = open(good, "rb").read()

p = os.path.join(out, "truncated.safetensors")
open(p, "wb").write(blob[:5])
case("open", p, "truncated")
p = os.path.join(out, "cut.safetensors")   # header intact, data cut short
open(p, "wb").write(blob[: len(blob) // 2])
case("open", p, "outside the data region")
p = raw("hdr_past_end.safetensors", {"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4, hlen=4096)
case("open", p, "larger than the file")
p = raw("hdr_oversized.safetensors", b"{}", hlen=1 << 40)
case("open", p, "exceeds the")
p = raw("offsets.safetensors", {"w": {"dtype": "F32", "shape": [100], "data_offsets": [0, 400]}}, b"\0" * 16)
case("open", p, "'w'", "outside the data region")
p = raw("sizes.safetensors", {"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 16]}}, b"\0" * 16)
case("open", p, "'w'", "do not match dtype F32")
p = raw("overlap.safetensors", {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                                "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}, b"\0" * 24)
case("open", p, "'a'", "'b'", "overlap")
p = raw("dtype_unknown.safetensors", {"w": {"dtype": "F8", "shape": [4], "data_offsets": [0, 4]}}, b"\0" * 4)
case("open", p, "'w'", "unknown dtype 'F8'")
p = raw("json.safetensors", b'{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}', b"\0" * 4)
case("open", p, "malformed header")
p = raw("dup.safetensors", b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', b"\0" * 8)
case("open", p, "'w'", "appears twice")
p = raw("negative.safetensors", {"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, b"\0" * 4)
case("open", p, "'w'", "shape entry")
p = raw("field.safetensors", {"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "x": 1}}, b"\0" * 4)
case("open", p, "'w'", "field 'x'")
case("open", os.path.join(out, "absent.safetensors"), "cannot read")


def variant(name, kind, *subs, **edit):
    d = dict(sd)
    for k, v in edit.get("set", {}).items():
        d[k] = v
    for k in edit.get("drop", []):
        del d[k]
    p = os.path.join(out, name)
    save_safetensors(d, p)
    case(kind, p, *subs)


variant("wrong_dtype.safetensors", "model", "'encoder.conv1.weight'", "dtype I32",
        set={"encoder.conv1.weight": sd["encoder.conv1.weight"].to(torch.int32)})
variant("wrong_shape.safetensors", "model", "'encoder.layer1.0.conv1.weight'", "expected shape [8, 8, 3, 3], found [8, 8, 1, 1]",
        set={"encoder.layer1.0.conv1.weight": torch.zeros(8, 8, 1, 1)})
variant("missing.safetensors", "model", "missing tensor 'decoder.blocks.2.conv2.1.running_var'", "expected shape [8]",
        drop=["decoder.blocks.2.conv2.1.running_var"])
variant("extra.safetensors", "model", "unexpected tensor 'decoder.blocks.5.conv1.0.weight'",
        set={"decoder.blocks.5.conv1.0.weight": torch.zeros(2, 2, 3, 3)})
variant("classes.safetensors", "model", "'segmentation_head.0.weight'", "expected shape [13, 2, 3, 3], found [19, 2, 3, 3]",
        set={"segmentation_head.0.weight": torch.zeros(19, 2, 3, 3), "segmentation_head.0.bias": torch.zeros(19)})
# models that do not fit: another encoder, another band count than declared
r50 = build_unet("resnet50", 5, 13, 0.125).state_dict()
p = os.path.join(out, "arch_r50.safetensors")
save_safetensors(r50, p)
case("model", p, "'encoder.layer1.0.conv1.weight'", "expected shape [8, 8, 3, 3], found [8, 8, 1, 1]")
variant("bands4.safetensors", "model5", "'encoder.conv1.weight'", "expected shape [8, 5, 7, 7], found [8, 4, 7, 7]",
        set={"encoder.conv1.weight": torch.zeros(8, 4, 7, 7)})
case("good", good)
with open(os.path.join(out, "manifest.txt"), "w") as f:
    f.write("\n".join(cases) + "\n")
print("%d cases in %s" % (len(cases), out))
