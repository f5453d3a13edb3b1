"""Flood indicators of a result, for the whole domain and per zone of an integer raster.

Per zone (cells of the zone that are inside the domain):
  cells, area_m2               active cells and their area
  flooded_area_m2              area where the run's maximum depth exceeded the threshold
                               (default 0.1 m), and flooded_fraction = flooded / area
  max_depth_m                  largest maximum depth in the zone
  volume_m3                    water stored in the zone at the end of the run (sum h dx dy)
Whole domain only (zone "all"), from the /budget attributes:
  rain_m3, outflow_m3, infiltration_m3, runoff_coefficient = outflow / rain,
  budget_relative_error, peak_outflow_m3s and its time (from /hydrographs/outflow).
A runoff coefficient per zone would need the fluxes across zone borders, which the result
does not hold, so zones leave it empty."""
import csv
import json

import numpy as np

from .result import ResultError

COLUMNS = ["zone", "cells", "area_m2", "flooded_area_m2", "flooded_fraction", "max_depth_m", "volume_m3",
           "rain_m3", "outflow_m3", "infiltration_m3", "runoff_coefficient", "budget_relative_error",
           "peak_outflow_m3s", "peak_outflow_time_s"]


def _zone_row(res, mask, name, threshold):
    cells = int(mask.sum())
    area = cells * res.cell_area
    flooded = float((res.max_h[mask] > threshold).sum()) * res.cell_area
    return {
        "zone": name,
        "cells": cells,
        "area_m2": area,
        "flooded_area_m2": flooded,
        "flooded_fraction": flooded / area if area > 0 else 0.0,
        "max_depth_m": float(res.max_h[mask].max()) if cells else 0.0,
        "volume_m3": float(res.h[mask].sum()) * res.cell_area,
    }


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


def domain_row(res, threshold=0.1):
    """The zone-"all" row: footprint indicators plus the budget-derived ones."""
    row = _zone_row(res, res.active, "all", threshold)
    b = res.budget
    rain = b.get("rain_m3")
    row["rain_m3"] = rain
    row["outflow_m3"] = b.get("outflow_m3")
    row["infiltration_m3"] = b.get("infiltration_m3")
    row["runoff_coefficient"] = b["outflow_m3"] / rain if rain and "outflow_m3" in b else None
    row["budget_relative_error"] = b.get("relative_error")
    row["peak_outflow_m3s"], row["peak_outflow_time_s"] = peak_outflow(res)
    return row


def read_zones(path, res):
    """Integer zone raster on the result's grid: (array, nodata or None). Checks the grid."""
    from osgeo import gdal

    gdal.UseExceptions()
    try:
        ds = gdal.Open(path)
    except RuntimeError as e:
        raise ResultError(f"--zones {path}: cannot open as a raster ({e})") from e
    if (ds.RasterXSize, ds.RasterYSize) != (res.nx, res.ny):
        raise ResultError(f"--zones {path}: {ds.RasterXSize}x{ds.RasterYSize} cells, the result grid is {res.nx}x{res.ny}")
    gt = ds.GetGeoTransform()
    if not np.allclose(gt, res.gt, rtol=0, atol=1e-6 * max(abs(res.dx), 1.0)):
        raise ResultError(f"--zones {path}: geotransform {tuple(gt)} differs from the result's {tuple(res.gt)}")
    band = ds.GetRasterBand(1)
    zones = band.ReadAsArray()
    if not np.issubdtype(zones.dtype, np.integer):
        if not np.all(np.mod(zones[np.isfinite(zones)], 1) == 0):
            raise ResultError(f"--zones {path}: values must be integers (zone ids)")
    nodata = band.GetNoDataValue()
    return zones, nodata


def compute(res, zones_path=None, threshold=0.1):
    """List of rows (dicts with COLUMNS keys, missing = None): "all" first, then each zone id."""
    rows = [domain_row(res, threshold)]
    if zones_path:
        zones, nodata = read_zones(zones_path, res)
        valid = res.active & np.isfinite(zones)
        if nodata is not None:
            valid &= zones != nodata
        for zid in np.unique(zones[valid]):
            rows.append(_zone_row(res, valid & (zones == zid), str(int(zid)), threshold))
    return [{c: r.get(c) for c in COLUMNS} for r in rows]


def write(rows, csv_path=None, json_path=None):
    if csv_path:
        with open(csv_path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=COLUMNS)
            w.writeheader()
            for r in rows:
                w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    if json_path:
        with open(json_path, "w") as f:
            json.dump(rows, f, indent=1)
