"""Scenario comparison: one table row per result (domain indicators and their change relative
to the first result, the reference, e.g. today vs 2050) and a map of the difference of
maximum depth of each other result minus the reference. All results must share one grid."""
import csv
import os

import numpy as np
from matplotlib.colors import Normalize

from . import indicators, maps
from .result import ResultError

COLUMNS = ["scenario", "rain_m3", "outflow_m3", "runoff_coefficient", "peak_outflow_m3s", "flooded_area_m2",
           "max_depth_m", "volume_m3"]
RELATIVE = ["outflow_m3", "peak_outflow_m3s", "flooded_area_m2"]


def table(results, threshold=0.1):
    """Rows (dicts): COLUMNS plus `<col>_change_pct` for RELATIVE columns vs results[0]."""
    rows = []
    for res in results:
        d = indicators.domain_row(res, threshold)
        rows.append({"scenario": res.name, **{c: d.get(c) for c in COLUMNS[1:]}})
    ref = rows[0]
    for r in rows:
        for c in RELATIVE:
            a, b = ref.get(c), r.get(c)
            r[c + "_change_pct"] = 100.0 * (b - a) / a if a and b is not None else None
    return rows


def diff_maps(results, out_dir, min_depth=0.01):
    """diff_max_depth_<B>_vs_<A>.png for each result B after the reference A."""
    ref = results[0]
    paths = []
    for res in results[1:]:
        if (res.nx, res.ny) != (ref.nx, ref.ny) or not np.allclose(res.gt, ref.gt):
            raise ResultError(f"compare: {res.path} is not on the grid of {ref.path}")
        d = res.max_h - ref.max_h
        show = res.active & ((res.max_h > min_depth) | (ref.max_h > min_depth))
        d = np.where(show, d, np.nan)
        lim = max(float(np.nanmax(np.abs(d))) if show.any() else 0.0, 1e-3)
        p = os.path.join(out_dir, f"diff_max_depth_{res.name}_vs_{ref.name}.png")
        paths.append(maps.draw_map(res, d, f"Maximum depth: {res.name} − {ref.name}", "depth difference (m)", p,
                                   cmap="RdBu_r", norm=Normalize(vmin=-lim, vmax=lim)))
    return paths


def fmt(v):
    if v is None:
        return ""
    return f"{v:.6g}" if isinstance(v, float) else str(v)


def markdown(rows):
    cols = list(rows[0].keys())
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(fmt(r[c]) for c in cols) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def make_compare(results, out_dir, threshold=0.1, min_depth=0.01):
    """compare.csv, compare.md and the difference maps in out_dir. Returns (rows, paths)."""
    if len(results) < 2:
        raise ResultError("compare: give at least two result files (the first is the reference)")
    os.makedirs(out_dir, exist_ok=True)
    rows = table(results, threshold)
    csv_path = os.path.join(out_dir, "compare.csv")
    with open(csv_path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows([{k: fmt(v) for k, v in r.items()} for r in rows])
    md_path = os.path.join(out_dir, "compare.md")
    with open(md_path, "w") as f:
        f.write(markdown(rows))
    return rows, [csv_path, md_path] + diff_maps(results, out_dir, min_depth)
