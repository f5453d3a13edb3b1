#!/usr/bin/python3
"""Parity fixture for the C engine: weights from a seed (realistic batch-norm statistics),
a deterministic normalised input and the PyTorch float32 logits.

usage: make_parity_fixture.py OUTDIR --arch resnet34 --width 1 --classes 19 --size 512
       [--seed 1] [--batch 1] [--prefix model.] [--dtype F32|F16|BF16]
Writes OUTDIR/weights.safetensors (state dict, smp names, optional prefix) and
OUTDIR/fixture.safetensors ("input" Bx5xHxW, "logits" BxCxHxW, B = --batch)."""
import argparse
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from unet_ref import FLAIR_MEANS, FLAIR_STDS, build_unet, randomize_, save_safetensors  # noqa: E402


def synthetic_input(size, seed):
    """A 5-band scene in raw units (smooth fields + texture), FLAIR-normalised."""
    g = torch.Generator().manual_seed(seed + 1000)
    yy, xx = torch.meshgrid(torch.arange(size, dtype=torch.float32), torch.arange(size, dtype=torch.float32), indexing="ij")
    bands = []
    for b in range(5):
        f = torch.zeros(size, size)
        for _ in range(4):
            kx, ky, ph = (torch.rand(3, generator=g) * torch.tensor([0.1, 0.1, 2 * math.pi])).tolist()
            f += torch.sin(kx * xx + ky * yy + ph)
        f = FLAIR_MEANS[b] + 0.5 * FLAIR_STDS[b] * f / 2 + 0.3 * FLAIR_STDS[b] * torch.randn(size, size, generator=g)
        bands.append((f - FLAIR_MEANS[b]) / FLAIR_STDS[b])
    return torch.stack(bands)[None]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--arch", default="resnet34")
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--classes", type=int, default=19)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--prefix", default="")
    ap.add_argument("--dtype", default="F32", choices=["F32", "F16", "BF16"])
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    os.makedirs(a.outdir, exist_ok=True)
    model = randomize_(build_unet(a.arch, 5, a.classes, a.width), a.seed).eval()
    sd = model.state_dict()
    if a.dtype != "F32":  # reduced-precision files: the reference uses the rounded weights
        dt = {"F16": torch.float16, "BF16": torch.bfloat16}[a.dtype]
        sd = {k: (v.to(dt) if v.is_floating_point() else v) for k, v in sd.items()}
        model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in sd.items()})
    save_safetensors({a.prefix + k: v for k, v in sd.items()}, os.path.join(a.outdir, "weights.safetensors"))
    x = torch.cat([synthetic_input(a.size, a.seed + i) for i in range(a.batch)])
    with torch.no_grad():
        y = model(x)
    save_safetensors({"input": x.contiguous(), "logits": y.contiguous()}, os.path.join(a.outdir, "fixture.safetensors"))
    print("%s: %s x%g, %d classes, %dx%d, max|logit| %.4g" % (a.outdir, a.arch, a.width, a.classes, a.size, a.size, y.abs().max().item()))


if __name__ == "__main__":
    main()
