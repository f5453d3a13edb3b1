#!/usr/bin/python3
"""Convert a PyTorch .pth/.ckpt state dict (e.g. IGN's FLAIR-INC releases) to safetensors.

The state dict may be nested under "state_dict" (Lightning checkpoints) or "model"; a
prefix common to every key (such as "model.") is stripped unless --keep-prefix. Tensors
keep their dtype unless --dtype F32|F16|BF16 is given (integer buffers such as
num_batches_tracked are kept as they are).

usage: pth_to_safetensors.py IN.pth OUT.safetensors [--keep-prefix] [--prefix P] [--dtype F32]
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from unet_ref import save_safetensors  # noqa: E402

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def extract_state_dict(obj):
    """The {name: tensor} mapping inside a loaded checkpoint."""
    for key in ("state_dict", "model_state_dict", "model"):
        if isinstance(obj, dict) and key in obj and isinstance(obj[key], dict):
            return extract_state_dict(obj[key])
    if not isinstance(obj, dict) or not obj or not all(torch.is_tensor(v) for v in obj.values()):
        raise ValueError("no state dict of tensors found (keys: %s)" % list(obj)[:10] if isinstance(obj, dict) else type(obj))
    return obj


def strip_prefix(sd, prefix=None):
    """Remove prefix (or, when None, a 'model.'/'net.'/'module.' prefix shared by every key)."""
    cands = [prefix] if prefix else ["model.", "net.", "module."]
    for p in cands:
        if all(k.startswith(p) for k in sd):
            return {k[len(p):]: v for k, v in sd.items()}
    if prefix:
        raise ValueError("not every key starts with %r" % prefix)
    return dict(sd)


def convert(src, dst, keep_prefix=False, prefix=None, dtype=None):
    obj = torch.load(src, map_location="cpu")
    sd = extract_state_dict(obj)
    if not keep_prefix:
        sd = strip_prefix(sd, prefix)
    if dtype:
        sd = {k: (v.to(DTYPES[dtype]) if v.is_floating_point() else v) for k, v in sd.items()}
    save_safetensors(sd, dst, metadata={"source": os.path.basename(src), "format": "pt"})
    return sd


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--keep-prefix", action="store_true")
    ap.add_argument("--prefix", default=None, help="prefix to strip (default: auto model./net./module.)")
    ap.add_argument("--dtype", choices=sorted(DTYPES), default=None)
    a = ap.parse_args()
    sd = convert(a.src, a.dst, a.keep_prefix, a.prefix, a.dtype)
    print("%s: %d tensors -> %s" % (a.src, len(sd), a.dst))


if __name__ == "__main__":
    main()
