#!/usr/bin/python3
"""Parity fixture for the C engine: a model (seeded weights with realistic batch-norm
statistics, or a trained model's file), an input (a deterministic synthetic scene, or
crops of real imagery) and the PyTorch float32 logits.

usage: make_parity_fixture.py OUTDIR --arch resnet34 --width 1 --classes 19 --size 512
       [--bands 5] [--seed 1] [--batch 1] [--prefix model.] [--dtype F32|F16|BF16]
       [--pth] [--weights FILE.safetensors] [--image FILE.tif]
Writes OUTDIR/weights.safetensors (state dict, smp names, optional prefix) and
OUTDIR/fixture.safetensors ("input" BxCxHxW, "logits" BxNxHxW, B = --batch).
  --pth      the weights go through the converter: OUTDIR/model.pth is a Lightning-style
             checkpoint ({"state_dict": {"model." + name: tensor}}, as IGN publishes FLAIR
             baselines) and weights.safetensors is what scripts/seg/pth_to_safetensors.py
             makes of it
  --weights  use this trained model instead of seeded weights (e.g. the demo model)
  --image    B crops of --size pixels from this raster (R,G,B,NIR,nDSM first bands),
             FLAIR-normalised, taken along its diagonal, instead of the synthetic scene"""
import argparse
import math
import os
import subprocess
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from unet_ref import FLAIR_MEANS, FLAIR_STDS, build_unet, load_safetensors, normalise, randomize_, save_safetensors  # noqa: E402


def synthetic_input(size, seed, bands):
    """A scene of `bands` bands in raw units (smooth fields + texture), FLAIR-normalised."""
    g = torch.Generator().manual_seed(seed + 1000)
    yy, xx = torch.meshgrid(torch.arange(size, dtype=torch.float32), torch.arange(size, dtype=torch.float32), indexing="ij")
    out = []
    for b in range(bands):
        f = torch.zeros(size, size)
        for _ in range(4):
            kx, ky, ph = (torch.rand(3, generator=g) * torch.tensor([0.1, 0.1, 2 * math.pi])).tolist()
            f += torch.sin(kx * xx + ky * yy + ph)
        mean, std = FLAIR_MEANS[b % 5], FLAIR_STDS[b % 5]
        f = mean + 0.5 * std * f / 2 + 0.3 * std * torch.randn(size, size, generator=g)
        out.append((f - mean) / std)
    return torch.stack(out)[None]


def image_crops(path, size, batch, bands):
    """batch crops of size^2 pixels along the raster's diagonal, normalised."""
    from osgeo import gdal
    ds = gdal.Open(path)
    if ds is None or ds.RasterCount < bands or min(ds.RasterXSize, ds.RasterYSize) < size:
        raise SystemExit("%s: need a raster of >= %d bands and >= %d pixels" % (path, bands, size))
    crops = []
    for i in range(batch):
        t = (i + 0.5) / batch
        x0, y0 = int(t * (ds.RasterXSize - size)), int(t * (ds.RasterYSize - size))
        raw = ds.ReadAsArray(x0, y0, size, size)[:bands]
        crops.append(torch.from_numpy(normalise(raw, FLAIR_MEANS[:bands], FLAIR_STDS[:bands])))
    return torch.stack(crops)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--arch", default="resnet34")
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--classes", type=int, default=19)
    ap.add_argument("--bands", type=int, default=5)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--prefix", default="")
    ap.add_argument("--dtype", default="F32", choices=["F32", "F16", "BF16"])
    ap.add_argument("--pth", action="store_true")
    ap.add_argument("--weights")
    ap.add_argument("--image")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    os.makedirs(a.outdir, exist_ok=True)
    wfile = os.path.join(a.outdir, "weights.safetensors")
    model = build_unet(a.arch, a.bands, a.classes, a.width).eval()
    if a.weights:  # a trained model: the reference computes with its values in float32
        sd = load_safetensors(a.weights)
        model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in sd.items()})
    else:
        randomize_(model, a.seed)
        sd = model.state_dict()
    if a.dtype != "F32":  # reduced-precision files: the reference uses the rounded weights
        dt = {"F16": torch.float16, "BF16": torch.bfloat16}[a.dtype]
        sd = {k: (v.to(dt) if v.is_floating_point() else v) for k, v in sd.items()}
        model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in sd.items()})
    if a.pth:  # as IGN publishes FLAIR baselines: a Lightning checkpoint of the smp model
        pth = os.path.join(a.outdir, "model.pth")
        torch.save({"epoch": 1, "state_dict": {"model." + k: v for k, v in sd.items()}}, pth)
        conv = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pth_to_safetensors.py")
        subprocess.run([sys.executable, conv, pth, wfile], check=True, stdout=subprocess.DEVNULL)
    else:
        save_safetensors({a.prefix + k: v for k, v in sd.items()}, wfile)
    if a.image:
        x = image_crops(a.image, a.size, a.batch, a.bands)
    else:
        x = torch.cat([synthetic_input(a.size, a.seed + i, a.bands) for i in range(a.batch)])
    with torch.no_grad():
        y = model(x)
    save_safetensors({"input": x.contiguous(), "logits": y.contiguous()}, os.path.join(a.outdir, "fixture.safetensors"))
    top2 = y.topk(2, dim=1).values
    margin = ((top2[:, 0] - top2[:, 1]) < 0.01 * y.abs().max()).float().mean().item()
    print("%s: %s x%g, %d bands, %d classes, %d x %dx%d, max|logit| %.4g, %.2f %% of pixels with a top-2 margin < 1 %% of it"
          % (a.outdir, a.arch, a.width, a.bands, a.classes, a.batch, a.size, a.size, y.abs().max().item(), 100 * margin))


if __name__ == "__main__":
    main()
