"""Flood indicators of a result, for the whole domain and per zone.

Zones come from the run itself (-zones FILE -zones_field NAME: the /zones table the solver
wrote, exact sums over all ranks) or, after the fact, from --zones: a polygon layer (any
OGR source and CRS, rasterised onto the result's grid by cell centre; --zones-field names
the zones) or a zone raster (any resolution and CRS, warped to the grid by nearest
neighbour; nodata ignored). The columns (per zone, on the cells inside the domain):
  cells, area_m2                   active cells and their area
  flooded_area_m2                  area whose maximum depth exceeded the run's flood depth
                                   (-hazard_threshold, default 0.01 m)
  hazard_<class>_m2                area of each class of /max/hazard (faible, modéré, fort,
                                   très fort)
  max_depth_m, max_hv_m2s          largest maximum depth and largest maximum h|u|
  first_arrival_s                  earliest time the flood depth was reached (/timing/arrival)
  volume_m3                        water stored at the end of the run
  rain_m3, losses_m3               rain fallen, and removed by infiltration and initial
                                   abstraction (/fields/rain, /fields/losses)
  net_runoff_m3, net_runoff_coefficient   rain - losses and its ratio to the rain: the
                                   water the zone's soils did not take (negative where
                                   run-on from upstream infiltrates)
  artificialised_m2, artificialised_base_m2, artificialised_change_m2   ZAN accounting
                                   from the run's land cover and the one before its
                                   scenario's land-use change (run zones only)
Whole domain only (zone "all"): outflow_m3, runoff_coefficient = outflow / rain (the
event runoff coefficient at the outlets), budget_relative_error, peak_outflow_m3s and its
time. A quantity the result does not hold is left empty.

Computed by blocks of rows (Result.blocks): each block's per-zone partials (cell counts,
maxima, minima, sums) are folded in block order (rslpost.parallel.Fold), on one process or
under mpiexec, with the same bits on any rank count."""
import csv
import json

import numpy as np

from . import vectors
from .result import HAZARD_NAMES, ResultError

HAZARD_COLUMNS = ["hazard_faible_m2", "hazard_modere_m2", "hazard_fort_m2", "hazard_tres_fort_m2"]
ZONE_COLUMNS = ["zone", "cells", "area_m2", "flooded_area_m2"] + HAZARD_COLUMNS + [
    "max_depth_m", "max_hv_m2s", "first_arrival_s", "volume_m3", "rain_m3", "losses_m3", "net_runoff_m3",
    "net_runoff_coefficient", "artificialised_m2", "artificialised_base_m2", "artificialised_change_m2"]
DOMAIN_COLUMNS = ["outflow_m3", "runoff_coefficient", "budget_relative_error", "peak_outflow_m3s", "peak_outflow_time_s"]
COLUMNS = ZONE_COLUMNS + DOMAIN_COLUMNS
assert len(HAZARD_COLUMNS) == len(HAZARD_NAMES) - 1


NONE = np.iinfo(np.int64).min  # zone key of a cell in no zone
# Per-zone partials of a block besides the counts: maxima and minima (fold key, field, numpy
# reduction; fmin skips NaN), float sums (fold key, field); the fields a block reads
MAXMIN = (("max_depth", "max_h", np.maximum), ("max_hv", "max_hv", np.maximum), ("first_arrival", "arrival", np.fmin))
SUMS = (("volume", "h"), ("rain", "rain"), ("losses", "losses"))
NAMES = ("max_h", "h", "hazard", "max_hv", "arrival", "rain", "losses")


def _none(v):
    """None for NaN (empty in CSV, null in JSON)."""
    return None if v is None or (isinstance(v, float) and not np.isfinite(v)) else v


def block_partials(fold, b, keys, threshold):
    """Per-zone partials of block b into fold (rslpost.parallel.Fold): keys = zone key of each
    cell of the block (None: one zone, 0). A zone's cells are taken in row-major order and
    float sums by numpy's sum over them, as a whole-array v[mask].sum() does: one block gives
    the whole-array numbers bit for bit; more blocks add the blocks' sums in block order."""
    m = b.active if keys is None else b.active & (keys != NONE)
    k = np.zeros(int(m.sum()), np.int64) if keys is None else keys[m]
    if k.size == 0:
        return
    order = np.argsort(k, kind="stable")
    ks = k[order]
    start = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    end = np.r_[start[1:], ks.size]
    ids = ks[start]

    def cells(name):
        return b[name][m][order]

    fold.add(b.index, "cells", (ids, end - start))
    fold.add(b.index, "flooded", (ids, np.add.reduceat((cells("max_h") > threshold).astype(np.int64), start)))
    if b["hazard"] is not None:
        hz = cells("hazard")
        for c in range(1, len(HAZARD_COLUMNS) + 1):
            fold.add(b.index, f"hazard{c}", (ids, np.add.reduceat((hz == c).astype(np.int64), start)))
    for key, name, op in MAXMIN:
        if b[name] is not None:
            v = op.reduceat(cells(name), start)
            ok = np.isfinite(v) if op is np.fmin else np.ones(v.size, bool)
            fold.add(b.index, key, (ids[ok], v[ok]), "min" if op is np.fmin else "max")
    for key, name in SUMS:
        if b[name] is not None:
            v = cells(name)
            fold.add(b.index, key, (ids, np.array([v[s:e].sum() for s, e in zip(start, end)])))


def zone_rows(res, keys_of, name_of, threshold):
    """Rows of the zones found in the result's active cells (zone "all" when keys_of is
    None), by zone key: keys_of(block) -> zone key per cell. Collective under MPI."""
    from .parallel import Fold, checked

    fold = Fold(res.comm)

    def scan():
        for b in res.blocks(*NAMES):
            block_partials(fold, b, None if keys_of is None else keys_of(b), threshold)

    checked(res.comm, scan)
    t = fold.result()
    a = res.cell_area
    rows = []
    for k in sorted(t.get("cells", {0: 0} if keys_of is None else {})):
        n = int(t.get("cells", {}).get(k, 0))
        row = {"zone": name_of(k), "cells": n, "area_m2": n * a, "flooded_area_m2": float(t.get("flooded", {}).get(k, 0)) * a,
               "max_depth_m": t["max_depth"][k] if n else None, "volume_m3": float(t.get("volume", {}).get(k, 0.0)) * a}
        if res.has("hazard"):
            for c, col in enumerate(HAZARD_COLUMNS):
                row[col] = float(t.get(f"hazard{c + 1}", {}).get(k, 0)) * a
        if res.has("max_hv") and n:
            row["max_hv_m2s"] = t["max_hv"][k]
        if res.has("arrival"):
            row["first_arrival_s"] = t.get("first_arrival", {}).get(k)
        if res.has("rain"):
            rain = float(t.get("rain", {}).get(k, 0.0)) * a
            losses = float(t.get("losses", {}).get(k, 0.0)) * a if res.has("losses") else 0.0
            row.update(rain_m3=rain, losses_m3=losses, net_runoff_m3=rain - losses,
                       net_runoff_coefficient=(rain - losses) / rain if rain > 0 else None)
        rows.append(row)
    return rows


def peak_outflow(res):
    """(peak total outflow in m3/s, its time in s), or (None, None) without a hydrograph."""
    if res.outflow is None:
        return None, None
    names, data = res.outflow
    if "total" not in names or "time" not in names or data.shape[0] == 0:
        return None, None
    q = data[:, names.index("total")]
    k = int(np.argmax(q))
    return float(q[k]), float(data[k, names.index("time")])


def domain_row(res, threshold=None):
    """The zone-"all" row: footprint indicators plus the budget-derived ones."""
    threshold = res.flood_depth if threshold is None else threshold
    row = zone_rows(res, None, lambda k: "all", threshold)[0]
    b = res.budget
    rain = b.get("rain_m3")
    if rain is not None:  # the budget's totals (exact to round-off) over the per-cell sums
        row["rain_m3"] = rain
        row["losses_m3"] = b.get("infiltration_m3", 0.0)
        row["net_runoff_m3"] = rain - row["losses_m3"]
        row["net_runoff_coefficient"] = row["net_runoff_m3"] / rain if rain else None
    row["outflow_m3"] = b.get("outflow_m3")
    row["runoff_coefficient"] = b["outflow_m3"] / rain if rain and "outflow_m3" in b else None
    row["budget_relative_error"] = b.get("relative_error")
    row["peak_outflow_m3s"], row["peak_outflow_time_s"] = peak_outflow(res)
    if res.zones:
        for col in ("artificialised_m2", "artificialised_base_m2", "artificialised_change_m2"):
            row[col] = float(np.nansum([z.get(col, np.nan) for z in res.zones])) if any(
                np.isfinite(z.get(col, np.nan)) for z in res.zones) else None
    return row


def zone_keys(res, path, field=None, layer=None):
    """(keys_of, name_of) of a polygon layer (by cell centre, the later feature winning; key
    = index of the zone name in sorted order) or of a zone raster (nearest neighbour; key =
    the integer zone id, nodata ignored): keys_of(block) gives the zone key of each cell of a
    Block (NONE outside every zone), rasterised or warped onto the block's rows only."""
    from osgeo import gdal

    gdal.UseExceptions()
    try:
        vec = gdal.OpenEx(path, gdal.OF_VECTOR)
    except RuntimeError:
        vec = None
    if vec is not None and vec.GetLayerCount() > 0:
        if not field:
            d = vec.GetLayer(0).GetLayerDefn()
            raise ResultError(f"--zones {path}: a polygon layer needs --zones-field "
                              f"(one of {', '.join(d.GetFieldDefn(i).GetName() for i in range(d.GetFieldCount()))})")
        feats = vectors.read_polygons(res, path, field, layer)
        ids = sorted({v for v, _, _ in feats})

        def polygons(b):
            k = vectors.rasterise(res, feats, ids, b.r0, b.r1)
            return np.where(k >= 0, k, NONE)
        return polygons, ids.__getitem__
    try:
        src = gdal.Open(path)
    except RuntimeError as e:
        raise ResultError(f"--zones {path}: neither a polygon layer nor a raster GDAL can open ({e})") from e
    nodata = src.GetRasterBand(1).GetNoDataValue()

    def raster(b):
        ds = vectors.grid_dataset(res, gdal.GDT_Float64, rows=(b.r0, b.r1))
        ds.GetRasterBand(1).Fill(np.nan)
        ds.GetRasterBand(1).SetNoDataValue(np.nan)
        gdal.Warp(ds, src, resampleAlg="near", srcNodata=nodata, dstNodata=np.nan)
        z = ds.GetRasterBand(1).ReadAsArray()
        ok = np.isfinite(z)
        if not np.all(np.mod(z[ok], 1) == 0):
            raise ResultError(f"--zones {path}: values must be integers (zone ids)")
        k = np.full(z.shape, NONE, np.int64)
        k[ok] = z[ok].astype(np.int64)
        return k
    return raster, str


def compute(res, zones_path=None, threshold=None, zones_field=None, zones_layer=None):
    """List of rows (dicts with COLUMNS keys, missing = None): "all" first, then each zone:
    those of --zones when given, else the run's own /zones table. Collective under MPI."""
    threshold = res.flood_depth if threshold is None else threshold
    rows = [domain_row(res, threshold)]
    if zones_path:
        rows += zone_rows(res, *zone_keys(res, zones_path, zones_field, zones_layer), threshold)
    else:
        rows += [dict(z) for z in res.zones]
    return [{c: _none(r.get(c)) for c in COLUMNS} for r in rows]


def write(rows, csv_path=None, json_path=None, columns=COLUMNS):
    if csv_path:
        with open(csv_path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
            w.writeheader()
            for r in rows:
                w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in columns})
    if json_path:
        with open(json_path, "w") as f:
            json.dump(rows, f, indent=1, ensure_ascii=False)
