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
time. A quantity the result does not hold is left empty."""
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


def _none(v):
    """None for NaN (empty in CSV, null in JSON)."""
    return None if v is None or (isinstance(v, float) and not np.isfinite(v)) else v


def _zone_row(res, mask, name, threshold):
    cells = int(mask.sum())
    a = res.cell_area
    row = {"zone": name, "cells": cells, "area_m2": cells * a,
           "flooded_area_m2": float((res.max_h[mask] > threshold).sum()) * a,
           "max_depth_m": float(res.max_h[mask].max()) if cells else None,
           "volume_m3": float(res.h[mask].sum()) * a}
    if res.hazard is not None:
        for k, col in enumerate(HAZARD_COLUMNS):
            row[col] = float((res.hazard[mask] == k + 1).sum()) * a
    if res.max_hv is not None and cells:
        row["max_hv_m2s"] = float(res.max_hv[mask].max())
    if res.arrival is not None:
        t = res.arrival[mask]
        row["first_arrival_s"] = float(np.nanmin(t)) if np.isfinite(t).any() else None
    if res.rain is not None:
        rain = float(res.rain[mask].sum()) * a
        losses = float(res.losses[mask].sum()) * a if res.losses is not None else 0.0
        row.update(rain_m3=rain, losses_m3=losses, net_runoff_m3=rain - losses,
                   net_runoff_coefficient=(rain - losses) / rain if rain > 0 else None)
    return row


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
    row = _zone_row(res, res.active, "all", threshold)
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


def zones_on_grid(res, path, field=None, layer=None):
    """(zone index per cell, ny x nx int, -1 = none; list of zone names) of a polygon layer
    (by cell centre, the later feature winning) or of a zone raster (nearest neighbour)."""
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
        return vectors.rasterise(res, vectors.read_polygons(res, path, field, layer))
    try:
        src = gdal.Open(path)
    except RuntimeError as e:
        raise ResultError(f"--zones {path}: neither a polygon layer nor a raster GDAL can open ({e})") from e
    nodata = src.GetRasterBand(1).GetNoDataValue()
    ds = vectors.grid_dataset(res, gdal.GDT_Float64)
    ds.GetRasterBand(1).Fill(np.nan)
    ds.GetRasterBand(1).SetNoDataValue(np.nan)
    gdal.Warp(ds, src, resampleAlg="near", srcNodata=nodata, dstNodata=np.nan)
    z = ds.GetRasterBand(1).ReadAsArray()
    ok = np.isfinite(z)
    if not np.all(np.mod(z[ok], 1) == 0):
        raise ResultError(f"--zones {path}: values must be integers (zone ids)")
    vals = np.unique(z[ok]).astype(np.int64)
    zid = np.full(z.shape, -1, np.int64)
    zid[ok] = np.searchsorted(vals, z[ok].astype(np.int64))
    return zid, [str(v) for v in vals]


def compute(res, zones_path=None, threshold=None, zones_field=None, zones_layer=None):
    """List of rows (dicts with COLUMNS keys, missing = None): "all" first, then each zone:
    those of --zones when given, else the run's own /zones table."""
    threshold = res.flood_depth if threshold is None else threshold
    rows = [domain_row(res, threshold)]
    if zones_path:
        zid, ids = zones_on_grid(res, zones_path, zones_field, zones_layer)
        for k, name in enumerate(ids):
            mask = res.active & (zid == k)
            if mask.any():
                rows.append(_zone_row(res, mask, name, threshold))
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
