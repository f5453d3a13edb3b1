#!/usr/bin/python3
"""PyTorch CPU reference for jobs/bench/seg_bench.sh: tiles/s of the same U-Net
(unet_ref.build_unet, weights from WEIGHTS.safetensors) on SIZE^2 tiles with THREADS
threads, one warm-up pass, best (and mean) of TILES passes, least CPU time of a pass, and peak RSS (getrusage) after set-up and after the passes.
usage: torch_bench.py WEIGHTS ARCH WIDTH CLASSES SIZE TILES THREADS"""
import os
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from unet_ref import build_unet, load_safetensors  # noqa: E402

weights, arch, width, classes, size, tiles, threads = sys.argv[1:8]
size, tiles, threads, classes = int(size), int(tiles), int(threads), int(classes)
torch.set_num_threads(threads)
model = build_unet(arch, 5, classes, float(width)).eval()
model.load_state_dict(load_safetensors(weights))
x = torch.sin(0.001 * torch.arange(5 * size * size, dtype=torch.float32)).reshape(1, 5, size, size)
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
with torch.inference_mode():
    model(x)
    times, cpus = [], []
    for _ in range(tiles):
        t0, c0 = time.perf_counter(), time.process_time()
        model(x)
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
print("torch_bench threads=%d tiles=%d size=%d s_per_tile=%.4f mean_s_per_tile=%.4f cpu_s_per_tile=%.4f tiles_per_s=%.4f rss_setup_mb=%.1f rss_peak_mb=%.1f"
      % (threads, tiles, size, min(times), sum(times) / tiles, min(cpus), 1 / min(times), rss0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
