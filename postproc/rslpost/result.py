"""Reading a ruissel HDF5 result (layout: docs/user-guide.md, "The result file").

Only the documented layout is used, never the solver's internals. Arrays are ny x nx with
row 0 = north edge, as GDAL reads rasters."""
import os

import h5py
import numpy as np

NODATA_Z = -9999.0


class ResultError(Exception):
    """A result file that is missing, unreadable or lacks a required dataset."""


def _table(ds):
    """A /hydrographs or /gauges table as (column names, 2D array)."""
    cols = ds.attrs.get("columns", b"")
    if isinstance(cols, bytes):
        cols = cols.decode()
    names = [c.strip() for c in str(cols).split(",") if c.strip()]
    data = np.asarray(ds[()], dtype=np.float64)
    if data.ndim == 1:
        data = data.reshape(-1, len(names)) if names else data[:, None]
    if names and data.shape[1] != len(names):
        raise ResultError(f"{ds.name}: {data.shape[1]} columns but 'columns' attribute lists {len(names)}")
    return names, data


def _text(v):
    """An attribute as display text (strings decoded, 1-element arrays unwrapped)."""
    if isinstance(v, bytes):
        return v.decode(errors="replace")
    a = np.ravel(v)
    return str(a[0]) if a.size == 1 else ", ".join(str(x) for x in a)


class Result:
    """One run's result: grid, final fields, maxima, budget, time series."""

    def __init__(self, path):
        if not os.path.isfile(path):
            raise ResultError(f"{path}: no such result file")
        try:
            f = h5py.File(path, "r")
        except OSError as e:
            raise ResultError(f"{path}: not an HDF5 file ({e})") from e
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        with f:
            for need in ("grid", "fields/z", "max/h"):
                if need not in f:
                    raise ResultError(f"{path}: missing /{need} (not a ruissel result?)")
            g = f["grid"].attrs
            self.nx, self.ny = int(g["nx"]), int(g["ny"])
            self.dx, self.dy = float(g["dx"]), float(g["dy"])
            self.gt = [float(v) for v in g["geotransform"]]
            wkt = g.get("crs_wkt", "")
            self.crs_wkt = wkt.decode() if isinstance(wkt, bytes) else str(wkt)
            self.z = np.asarray(f["fields/z"][()], dtype=np.float64)
            self.h = np.asarray(f["fields/h"][()], dtype=np.float64) if "fields/h" in f else np.zeros_like(self.z)
            self.max_h = np.asarray(f["max/h"][()], dtype=np.float64)
            self.max_speed = np.asarray(f["max/speed"][()], dtype=np.float64) if "max/speed" in f else None
            self.budget = {k: float(np.ravel(v)[0]) for k, v in f["budget"].attrs.items()} if "budget" in f else {}
            self.run = {k: float(np.ravel(v)[0]) for k, v in f["run"].attrs.items()} if "run" in f else {}
            self.provenance = {k: _text(v) for k, v in f["provenance"].attrs.items()} if "provenance" in f else {}
            self.outflow = _table(f["hydrographs/outflow"]) if "hydrographs/outflow" in f else None
            self.gauges = {k: _table(v) for k, v in f["gauges"].items()} if "gauges" in f else {}
        if self.z.shape != (self.ny, self.nx):
            raise ResultError(f"{path}: /fields/z is {self.z.shape}, grid says ny x nx = {self.ny} x {self.nx}")
        self.active = np.isfinite(self.z) & (self.z != NODATA_Z)

    @property
    def cell_area(self):
        return self.dx * self.dy

    @property
    def extent(self):
        """(west, east, south, north) in map coordinates, for matplotlib's imshow."""
        x0, y0 = self.gt[0], self.gt[3]
        return (x0, x0 + self.nx * self.gt[1], y0 + self.ny * self.gt[5], y0)

    def crs_name(self):
        """A short CRS label such as 'EPSG:2154' (or the projection name), '' when unknown."""
        if not self.crs_wkt:
            return ""
        try:
            from osgeo import osr

            srs = osr.SpatialReference()
            if srs.ImportFromWkt(self.crs_wkt) != 0:
                return ""
            srs.AutoIdentifyEPSG()
            code = srs.GetAuthorityCode(None)
            return f"EPSG:{code}" if code else (srs.GetName() or "")
        except ImportError:
            return ""
