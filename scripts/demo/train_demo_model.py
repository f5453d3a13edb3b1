#!/usr/bin/python3
"""Train ruissel's small DEMO segmentation model on generated scenes (CPU, Debian torch).

A reduced-width U-Net (scripts/seg/unet_ref.py, smp state-dict names) with 19 outputs in
the FLAIR-19 class order (index = FLAIR code - 1), trained on scenes of
input/demo/make_scene.py (seeds 1..--scenes), evaluated on the held-out scene (seed 1001)
by tiled inference with the same tile/margin rule as the C stage. Writes
  input/demo/demo_model.safetensors   weights (float16, < 2 MB)
  input/demo/demo_model.json          arch, width, classes, normalisation, accuracy
This is a demo model for synthetic imagery only: it knows nothing of real BD ORTHO.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "seg"))
sys.path.insert(0, os.path.join(ROOT, "input", "demo"))
import make_scene  # noqa: E402
import unet_ref  # noqa: E402

NCLASSES = 19


def tiled_predict(model, img, tile=512, margin=128):
    """Argmax class map of a (5, H, W) normalised image with tiles anchored to the global
    grid: origins at k*(tile-2*margin) - margin, only each tile's centre kept."""
    _, H, W = img.shape
    step = tile - 2 * margin
    out = np.zeros((H, W), np.uint8)
    x = torch.from_numpy(img)
    with torch.no_grad():
        for r0 in range(-margin, H - margin, step):
            for c0 in range(-margin, W - margin, step):
                t = torch.zeros(1, 5, tile, tile)
                rs, cs = max(r0, 0), max(c0, 0)
                re, ce = min(r0 + tile, H), min(c0 + tile, W)
                t[0, :, rs - r0:re - r0, cs - c0:ce - c0] = x[:, rs:re, cs:ce]
                lab = model(t)[0].argmax(0).numpy()
                kr, kc = max(r0 + margin, 0), max(c0 + margin, 0)
                kre, kce = min(r0 + tile - margin, H), min(c0 + tile - margin, W)
                out[kr:kre, kc:kce] = lab[kr - r0:kre - r0, kc - c0:kce - c0]
    return out


def scores(pred, label, n):
    cm = np.bincount(label.ravel().astype(np.int64) * n + pred.ravel(), minlength=n * n).reshape(n, n)
    tp = np.diag(cm).astype(float)
    union = cm.sum(0) + cm.sum(1) - tp
    present = cm.sum(1) > 0
    iou = np.where(union > 0, tp / np.maximum(union, 1), np.nan)
    return tp.sum() / cm.sum(), float(np.nanmean(iou[present])), iou, present


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", default="unet_resnet18")
    ap.add_argument("--width", type=float, default=0.25, help="channel width multiplier")
    ap.add_argument("--scenes", type=int, default=4, help="training scenes (seeds 1..N)")
    ap.add_argument("--iters", type=int, default=700)
    ap.add_argument("--batch", type=int, default=12)
    ap.add_argument("--crop", type=int, default=128)
    ap.add_argument("--lr", type=float, default=4e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(ROOT, "input", "demo", "demo_model"))
    ap.add_argument("--init", help="start from these weights (safetensors) instead of random ones: fine-tuning")
    ap.add_argument("--evaluate", action="store_true",
                    help="no training: score the weights in OUT.safetensors on the held-out scene and "
                         "rewrite the held-out section of OUT.json (after a change of make_scene.py)")
    a = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(a.threads)
    if a.evaluate:
        return evaluate(a.out)
    rng = np.random.default_rng(0)

    imgs, labs = [], []
    for s in range(1, a.scenes + 1):
        sc = make_scene.generate(s)
        imgs.append(unet_ref.normalise(sc["image"]))
        labs.append(sc["landcover"].astype(np.int64))
    model = unet_ref.build_unet(a.arch, 5, NCLASSES, a.width)
    if a.init:
        model.load_state_dict({k: v.float() for k, v in unet_ref.load_safetensors(a.init).items()}, strict=False)
    # Class weights: inverse square root of frequency, so buildings and pools are learnt.
    freq = np.bincount(np.concatenate([l.ravel() for l in labs]), minlength=NCLASSES).astype(float)
    w = np.where(freq > 0, 1.0 / np.sqrt(np.maximum(freq, 1) / freq.sum()), 0.0)
    weight = torch.tensor(w / w[freq > 0].mean(), dtype=torch.float32)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=a.iters, pct_start=0.15)
    t0 = time.time()
    model.train()
    c = a.crop
    for it in range(a.iters):
        xb = np.empty((a.batch, 5, c, c), np.float32)
        yb = np.empty((a.batch, c, c), np.int64)
        for b in range(a.batch):
            k = rng.integers(len(imgs))
            _, H, W = imgs[k].shape
            r, q = rng.integers(0, H - c + 1), rng.integers(0, W - c + 1)
            x, y = imgs[k][:, r:r + c, q:q + c], labs[k][r:r + c, q:q + c]
            if rng.uniform() < 0.5:  # horizontal flip only: keeps the sun direction plausible
                x, y = x[:, :, ::-1], y[:, ::-1]
            xb[b], yb[b] = x, y
        loss = F.cross_entropy(model(torch.from_numpy(xb)), torch.from_numpy(yb), weight=weight)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if it % 50 == 0 or it == a.iters - 1:
            print(f"iter {it:4d} loss {loss.item():.4f} ({time.time() - t0:.0f} s)", flush=True)
    train_s = time.time() - t0

    # The shipped weights are float16 (the file stays < 2 MB): evaluate those, not float32.
    prev = json.load(open(os.path.splitext(a.init)[0] + ".json")) if a.init and os.path.exists(os.path.splitext(a.init)[0] + ".json") else {}
    sd = {k: v.to(torch.float16) if v.is_floating_point() else v for k, v in model.state_dict().items()
          if not k.endswith("num_batches_tracked")}
    model.load_state_dict({k: v.float() for k, v in sd.items()}, strict=False)
    unet_ref.save_safetensors(sd, a.out + ".safetensors",
                              metadata={"arch": a.arch, "width_mult": a.width, "classes": NCLASSES})
    info = {
        "description": "ruissel DEMO model for the synthetic scenes of input/demo/make_scene.py only "
                       "(not for real imagery: use IGN's FLAIR-INC weights for that)",
        "arch": a.arch, "width_mult": a.width, "in_channels": 5, "dtype": "F16", "bands": ["R", "G", "B", "NIR", "nDSM (0.2 m/unit)"],
        "classes": NCLASSES, "nomenclature": "input/nomenclature/flair19.csv (class index = FLAIR code - 1)",
        "norm_mean": list(unet_ref.FLAIR_MEANS), "norm_std": list(unet_ref.FLAIR_STDS),
        "training": {"scenes": list(range(1, a.scenes + 1)), "iterations": a.iters, "batch": a.batch,
                     "crop": a.crop, "lr": a.lr, "seconds": round(train_s, 1), "torch": torch.__version__,
                     **({"fine_tuned_from": os.path.basename(a.init) + " (" + str(prev.get("training", {}).get("iterations")) +
                         " iterations, earlier scenes)"} if a.init else {})},
    }
    with open(a.out + ".json", "w") as f:
        json.dump(info, f, indent=1)
    print(f"wrote {a.out}.safetensors ({os.path.getsize(a.out + '.safetensors') / 1e6:.2f} MB)")
    evaluate(a.out, model.eval())


def evaluate(out, model=None):
    """Score the (float16) weights on the held-out scene with the C stage's tiling and write
    the figures into OUT.json's "heldout" section (what tests/seg_pipeline/check_demo.py
    compares the C stage with)."""
    info = json.load(open(out + ".json"))
    if model is None:
        model = unet_ref.build_unet(info["arch"], 5, NCLASSES, info["width_mult"])
        model.load_state_dict({k: v.float() for k, v in unet_ref.load_safetensors(out + ".safetensors").items()}, strict=False)
        model.eval()
    sc = make_scene.generate(make_scene.HELDOUT_SEED)
    pred = tiled_predict(model, unet_ref.normalise(sc["image"]))
    oa, miou, iou, present = scores(pred, sc["landcover"], NCLASSES)
    print(f"held-out scene (seed {make_scene.HELDOUT_SEED}): OA {oa:.4f}  mIoU {miou:.4f}")
    names = [r.split(",")[2] for r in open(os.path.join(ROOT, "input", "nomenclature", "flair19.csv")).read().splitlines()
             if r and r[0].isdigit()]
    info["heldout"] = {"seed": make_scene.HELDOUT_SEED, "tile": 512, "margin": 128, "overall_accuracy": round(oa, 4),
                       "miou_present_classes": round(miou, 4),
                       "iou": {names[k]: round(float(iou[k]), 4) for k in range(NCLASSES) if present[k]}}
    with open(out + ".json", "w") as f:
        json.dump(info, f, indent=1)
    print(f"wrote {out}.json")


if __name__ == "__main__":
    main()
