"""Scenario comparison: one table row per result (domain indicators and their change relative
to the first result, the reference, e.g. today vs 2050), the per-zone indicators of every
result side by side (zones x scenarios), and a map of the difference of maximum depth of
each other result minus the reference. All results must share one grid."""
import csv
import os

import numpy as np
from matplotlib.colors import Normalize

from . import indicators, maps
from .result import ResultError

COLUMNS = ["scenario", "rain_m3", "outflow_m3", "runoff_coefficient", "peak_outflow_m3s", "flooded_area_m2"] + \
    indicators.HAZARD_COLUMNS + ["max_depth_m", "volume_m3", "net_runoff_coefficient", "artificialised_change_m2"]
RELATIVE = ["outflow_m3", "peak_outflow_m3s", "flooded_area_m2"]
ZONE_COLUMNS = ["zone", "scenario", "flooded_area_m2"] + indicators.HAZARD_COLUMNS + [
    "max_depth_m", "first_arrival_s", "net_runoff_coefficient", "artificialised_m2", "artificialised_change_m2",
    "flooded_area_change_pct"]


def _pct(a, b):
    return 100.0 * (b - a) / a if a and b is not None and np.isfinite(a) and np.isfinite(b) else None


def table(results, threshold=None):
    """Rows (dicts): COLUMNS plus `<col>_change_pct` for RELATIVE columns vs results[0]."""
    rows = []
    for res in results:
        d = indicators.domain_row(res, threshold)
        rows.append({"scenario": res.name, **{c: d.get(c) for c in COLUMNS[1:]}})
    ref = rows[0]
    for r in rows:
        for c in RELATIVE:
            r[c + "_change_pct"] = _pct(ref.get(c), r.get(c))
    return rows


def zone_table(results):
    """Rows zone x scenario (ZONE_COLUMNS) of the runs' own /zones tables, zones in id order,
    scenarios in the given order; the flooded area's change vs the first result."""
    rows = []
    ref = {z["zone"]: z for z in results[0].zones}
    ids = sorted({z["zone"] for r in results for z in r.zones})
    for zid in ids:
        for res in results:
            z = next((z for z in res.zones if z["zone"] == zid), None)
            if z is None:
                continue
            row = {"zone": zid, "scenario": res.name, **{c: indicators._none(z.get(c)) for c in ZONE_COLUMNS[2:-1]}}
            row["flooded_area_change_pct"] = _pct(ref.get(zid, {}).get("flooded_area_m2"), z.get("flooded_area_m2"))
            rows.append(row)
    return rows


def diff_maps(results, out_dir, min_depth=None, outlines=None):
    """diff_max_depth_<B>_vs_<A>.png for each result B after the reference A."""
    ref = results[0]
    min_depth = ref.flood_depth if min_depth is None else min_depth
    outlines = maps.zone_outlines(ref) if outlines is None else outlines
    paths = []
    for res in results[1:]:
        if (res.nx, res.ny) != (ref.nx, ref.ny) or not np.allclose(res.gt, ref.gt):
            raise ResultError(f"compare: {res.path} is not on the grid of {ref.path}")
        a, v = maps.view(ref, "max_h"), maps.view(res, "max_h")
        d = v["max_h"] - a["max_h"]
        show = v["active"] & ((v["max_h"] > min_depth) | (a["max_h"] > min_depth))
        d = np.where(show, d, np.nan)
        lim = max(float(np.nanmax(np.abs(d))) if show.any() else 0.0, 1e-3)
        p = os.path.join(out_dir, f"diff_max_depth_{res.name}_vs_{ref.name}.png")
        paths.append(maps.draw_map(res, v["shade"], d, f"Maximum depth: {res.name} − {ref.name}", "depth difference (m)", p,
                                   cmap="RdBu_r", norm=Normalize(vmin=-lim, vmax=lim), outlines=outlines))
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


def write_csv(rows, path):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows([{k: fmt(v) for k, v in r.items()} for r in rows])
    return path


def make_compare(results, out_dir, threshold=None, min_depth=None):
    """compare.csv, compare.md, zones_by_scenario.csv (when the runs have zones) and the
    difference maps in out_dir. Returns (rows, zone rows, paths)."""
    if len(results) < 2:
        raise ResultError("compare: give at least two result files (the first is the reference)")
    rows = table(results, threshold)  # collective under MPI; the files are rank 0's
    if results[0].comm.rank != 0:
        return rows, [], []
    os.makedirs(out_dir, exist_ok=True)
    paths = [write_csv(rows, os.path.join(out_dir, "compare.csv"))]
    md_path = os.path.join(out_dir, "compare.md")
    with open(md_path, "w") as f:
        f.write(markdown(rows))
    paths.append(md_path)
    zrows = zone_table(results) if all(r.zones for r in results) else []
    if zrows:
        paths.append(write_csv(zrows, os.path.join(out_dir, "zones_by_scenario.csv")))
    return rows, zrows, paths + diff_maps(results, out_dir, min_depth)
