"""Reading a ruissel HDF5 result (layout: docs/user-guide.md, "The result file"): the one
reader of postproc/ (Result for the report tools, open_h5 and grid for tools that read
any dataset, such as h5_to_geotiff.py).

Only the documented layout is used, never the solver's internals. Arrays are ny x nx with
row 0 = north edge, as GDAL reads rasters. 2D fields are read only by blocks of rows
(Result.blocks, read_rows), whose height comes from a memory budget (--block-mb), so a
field larger than the memory is never read whole. Optional datasets (hazard, timing, rain
and losses per cell, zones) are absent from Result.fields / empty when the run did not
write them."""
import os
import shlex

import h5py
import numpy as np

NODATA_Z = -9999.0
FLOOD_DEPTH = 0.01  # -hazard_threshold's default: the one "flooded" depth of every product
# /max/hazard classes (French flood-risk practice, PPRi: alea by depth x velocity)
HAZARD_NAMES = ["aucun", "faible", "modéré", "fort", "très fort"]
HAZARD_COLOURS = ["#ffffff", "#ffe680", "#ffa64d", "#e6331a", "#80004d"]


class ResultError(Exception):
    """A result file that is missing, unreadable or lacks a required dataset."""


def _table(ds):
    """A /hydrographs or /gauges table as (column names, 2D array)."""
    names = columns(ds)
    data = np.asarray(ds[()], dtype=np.float64)
    if data.ndim == 1:
        data = data.reshape(-1, len(names)) if names else data[:, None]
    if names and data.shape[1] != len(names):
        raise ResultError(f"{ds.name}: {data.shape[1]} columns but 'columns' attribute lists {len(names)}")
    return names, data


def columns(ds):
    cols = ds.attrs.get("columns", b"")
    if isinstance(cols, bytes):
        cols = cols.decode()
    return [c.strip() for c in str(cols).split(",") if c.strip()]


def _text(v):
    """An attribute as display text (strings decoded, 1-element arrays unwrapped)."""
    if isinstance(v, bytes):
        return v.decode(errors="replace")
    a = np.ravel(v)
    return str(a[0]) if a.size == 1 else ", ".join(str(x) for x in a)


def open_h5(path):
    """The result file at path opened read-only (an h5py.File, use it in a with block)."""
    if not os.path.isfile(path):
        raise ResultError(f"{path}: no such result file")
    try:
        return h5py.File(path, "r")
    except OSError as e:
        raise ResultError(f"{path}: not an HDF5 file ({e})") from e


def grid(f):
    """(geotransform, CRS WKT, ny, nx, dx, dy) from /grid of an open result file."""
    if "grid" not in f:
        raise ResultError(f"{f.filename}: missing /grid (not a ruissel result?)")
    g = f["grid"].attrs
    return ([float(v) for v in g["geotransform"]], _text(g.get("crs_wkt", b"")), int(g["ny"]), int(g["nx"]),
            float(g["dx"]), float(g["dy"]))


# The 2D fields of a result by name: (dataset, dtype read as). Read only by row blocks.
FIELDS = {"z": ("fields/z", np.float64), "h": ("fields/h", np.float64), "max_h": ("max/h", np.float64),
          "max_speed": ("max/speed", np.float64), "max_hv": ("max/hv", np.float64), "hazard": ("max/hazard", np.uint8),
          "arrival": ("timing/arrival", np.float64), "duration": ("timing/duration", np.float64),
          "rain": ("fields/rain", np.float64), "losses": ("fields/losses", np.float64)}
BLOCK_MB = 256.0  # --block-mb's default


def row_bytes(nx, nfields, step=1):
    """Memory of one row of a block: nfields float64 fields read (every step-th column) and
    the arrays computed from them (masks, float32 copies: counted as as many again, plus 2)."""
    return (2 * max(1, nfields) + 2) * 8 * -(-nx // step)


def block_rows(nx, nfields, block_mb=BLOCK_MB, step=1):
    """Rows per block (a multiple of step) such that a block of nfields fields, read every
    step-th row and column, and its temporaries fit in block_mb MiB; at least step."""
    return max(1, int(block_mb * 2**20 // row_bytes(nx, nfields, step))) * step


def read_rows(ds, r0, r1, step=1, dtype=None):
    """Rows [r0, r1) of a 2D dataset (every step-th row and column): the one read of a 2D
    field in postproc, never the whole dataset at once unless it fits in a block."""
    a = ds[r0:r1, :] if step == 1 else ds[r0:r1:step, ::step]
    return a if dtype is None else np.asarray(a, dtype=dtype)


class Block:
    """Rows [r0, r1) of a result: block number `index`, fields by name (None when the result
    lacks one, h zeros), `active` (inside the domain)."""

    def __init__(self, index, r0, r1, data, active):
        self.index, self.r0, self.r1, self.data, self.active = index, r0, r1, data, active

    def __getitem__(self, name):
        return self.data[name]


class Result:
    """One run's result: grid, which fields it holds (read by row blocks: blocks(),
    decimated()), hazard, timing, budget, time series, per-zone indicators. block_mb bounds
    the memory of the fields read at once; comm (rslpost.parallel) splits the blocks among
    ranks."""

    def __init__(self, path, block_mb=BLOCK_MB, comm=None):
        from .parallel import SERIAL

        if not (block_mb > 0 and np.isfinite(block_mb)):
            raise ResultError(f"--block-mb: {block_mb:g} must be > 0")
        f = open_h5(path)
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.block_mb, self.comm = float(block_mb), comm or SERIAL
        with f:
            for need in ("grid", "fields/z", "max/h"):
                if need not in f:
                    raise ResultError(f"{path}: missing /{need} (not a ruissel result?)")
            self.gt, self.crs_wkt, self.ny, self.nx, self.dx, self.dy = grid(f)
            self.fields = {n for n, (d, _) in FIELDS.items() if d in f}
            for n in sorted(self.fields):
                if f[FIELDS[n][0]].shape != (self.ny, self.nx):
                    raise ResultError(f"{path}: /{FIELDS[n][0]} is {f[FIELDS[n][0]].shape}, grid says ny x nx = {self.ny} x {self.nx}")
            self.hazard_attrs = {k: _text(v) for k, v in f["max/hazard"].attrs.items()} if "max/hazard" in f else {}
            self.timing_attrs = {k: _text(v) for k, v in f["timing"].attrs.items()} if "timing" in f else {}
            self.budget = {k: float(np.ravel(v)[0]) for k, v in f["budget"].attrs.items()} if "budget" in f else {}
            self.run = {k: float(np.ravel(v)[0]) for k, v in f["run"].attrs.items()} if "run" in f else {}
            self.scenario = {k: _text(v) for k, v in f["scenario"].attrs.items()} if "scenario" in f else {}
            self.provenance = {k: _text(v) for k, v in f["provenance"].attrs.items()} if "provenance" in f else {}
            self.outflow = _table(f["hydrographs/outflow"]) if "hydrographs/outflow" in f else None
            self.gauges = {k: _table(v) for k, v in f["gauges"].items()} if "gauges" in f else {}
            self.gauge_xy = {k: (float(v.attrs["x"]), float(v.attrs["y"])) for k, v in f["gauges"].items()
                             if "x" in v.attrs and "y" in v.attrs} if "gauges" in f else {}
            self.zones, self.zone_attrs = [], {}
            if "zones/table" in f and "zones/id" in f:
                cols = columns(f["zones/table"])
                tab = np.asarray(f["zones/table"][()], dtype=np.float64).reshape(-1, len(cols))
                ids = [i.decode() if isinstance(i, bytes) else str(i) for i in f["zones/id"][()]]
                self.zones = [{"zone": i, **dict(zip(cols, map(float, row)))} for i, row in zip(ids, tab)]
                self.zone_attrs = {k: _text(v) for k, v in f["zones"].attrs.items()}

    def has(self, name):
        """Whether the result holds field `name` (a key of FIELDS)."""
        return name in self.fields

    def _layout(self, names, step, split):
        """(fields read, rows per block, indices of the blocks read) of blocks(*names)."""
        from .parallel import my_blocks

        read = sorted(set(names) | {"z"})
        rows = block_rows(self.nx, len(read), self.block_mb, step)
        nblocks = -(-self.ny // rows)
        return read, rows, (my_blocks(nblocks, self.comm) if split else range(nblocks))

    def my_rows(self, *names):
        """Rows [r0, r1) covered by this rank's blocks(*names) (r0 == r1: none)."""
        _, rows, mine = self._layout(names, 1, True)
        return min(self.ny, mine.start * rows), min(self.ny, mine.stop * rows)

    def blocks(self, *names, step=1, split=True):
        """Blocks of rows (Block) with the named fields and `active`, in row order: this rank's
        contiguous run of them (split) or all. Block height from block_mb and the number of
        fields read, never from the rank count; step > 1 reads every step-th row and column."""
        read, rows, mine = self._layout(names, step, split)
        with open_h5(self.path) as f:
            for i in mine:
                r0, r1 = i * rows, min(self.ny, (i + 1) * rows)
                data = {n: read_rows(f[FIELDS[n][0]], r0, r1, step, FIELDS[n][1]) if n in self.fields else None for n in read}
                z = data["z"]
                if "h" in data and data["h"] is None:
                    data["h"] = np.zeros_like(z)
                yield Block(i, r0, r1, data, np.isfinite(z) & (z != NODATA_Z))

    def decimated(self, *names, step=1):
        """{name: every step-th row and column of the field (None when absent), 'active': ...}
        gathered from blocks of all rows: a map of a huge field never reads it whole."""
        parts = list(self.blocks(*names, step=step, split=False))
        out = {n: (None if parts[0][n] is None else np.concatenate([b[n] for b in parts])) for n in parts[0].data}
        out["active"] = np.concatenate([b.active for b in parts])
        return out

    @property
    def cell_area(self):
        return self.dx * self.dy

    @property
    def extent(self):
        """(west, east, south, north) in map coordinates, for matplotlib's imshow."""
        x0, y0 = self.gt[0], self.gt[3]
        return (x0, x0 + self.nx * self.gt[1], y0 + self.ny * self.gt[5], y0)

    def option(self, name, default=None):
        """Value of option -name in the run's options (provenance), or default."""
        toks = shlex.split(self.provenance.get("options", ""), posix=True) if self.provenance.get("options") else []
        val = default
        for k, t in enumerate(toks):
            if t == "-" + name:  # the last occurrence wins, as in PETSc
                nxt = toks[k + 1] if k + 1 < len(toks) else ""
                val = nxt if nxt and (not nxt.startswith("-") or _is_number(nxt)) else ""
        return val

    @property
    def flood_depth(self):
        """The run's "flooded" depth (m): -hazard_threshold, 0.01 by default."""
        for attrs, key in ((self.timing_attrs, "threshold_m"), (self.hazard_attrs, "threshold_m"), (self.zone_attrs, "hazard_threshold")):
            if key in attrs and _is_number(attrs[key]):
                return float(attrs[key])
        v = self.option("hazard_threshold")
        return float(v) if v and _is_number(v) else FLOOD_DEPTH

    def hazard_names(self):
        """Class names of /max/hazard (its class_names attribute, else the default grid's)."""
        names = [n.strip() for n in self.hazard_attrs.get("class_names", "").split(",") if n.strip()]
        return names if len(names) >= 2 else HAZARD_NAMES

    def landcover_path(self):
        """The land-cover class raster the run used (its land-use scenario's map written next
        to the result, -landcover_file, or the segmentation's -seg_output), or None."""
        for ext in (".tif", ".vrt"):  # .vrt: per-rank blocks, when the run's map was a VRT
            own = os.path.splitext(self.path)[0] + "_landcover" + ext
            if os.path.exists(own):
                return own
        for opt in ("landcover_file", "seg_output"):
            p = self.option(opt)
            if p and os.path.exists(p):
                return p
        return None

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


def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False
