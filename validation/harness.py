"""Shared helpers of the validation cases: where things are (environment), writing GeoTIFF
inputs and options files, running ruissel under mpiexec, reading its HDF5 result, and a
small pass/fail report. Everything the cases have in common lives here, once."""
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")  # never write .aux.xml next to shared data

ROOT = Path(os.environ.get("RUISSEL_SOURCE_DIR", Path(__file__).resolve().parent.parent))
SKIP = 77  # CTest SKIP_RETURN_CODE


class Skipped(Exception):
    """A needed input (reference data, tool) is absent: the case reports SKIPPED."""


def exe():
    return os.environ.get("RUISSEL_EXE", str(ROOT / "build" / "ruissel"))


def mpiexec():
    return shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe --allow-run-as-root"))


def data_dir():
    return Path(os.environ.get("RUISSEL_DATA_DIR", ROOT.parent / "shared" / "data"))


def data_file(rel):
    """Path of a reference-data file, or Skipped when it is absent."""
    p = data_dir() / rel
    if not p.is_file():
        raise Skipped(f"reference data {p} absent (set RUISSEL_DATA_DIR)")
    return p


def tolerances():
    with open(Path(__file__).resolve().parent / "tolerances.json") as f:
        return json.load(f)


# ---------------------------------------------------------------- inputs
def write_raster(path, array, x0, y0, dx, epsg=2154, nodata=None, dy=None):
    """Write a float64 GeoTIFF; array row 0 = north edge; (x0, y0) = north-west corner."""
    array = np.asarray(array, dtype=np.float64)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    ny, nx = array.shape
    ds = gdal.GetDriverByName("GTiff").Create(str(path), nx, ny, 1, gdal.GDT_Float64)
    ds.SetGeoTransform((x0, dx, 0.0, y0, 0.0, -(dy or dx)))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    ds.SetProjection(srs.ExportToWkt())
    band = ds.GetRasterBand(1)
    if nodata is not None:
        band.SetNoDataValue(nodata)
    band.WriteArray(array)
    ds = None
    return Path(path)


def read_raster(path, window=None):
    """(array float64, geotransform, wkt, nodata) of band 1; window = (xoff, yoff, nx, ny)."""
    ds = gdal.Open(str(path))
    band = ds.GetRasterBand(1)
    xoff, yoff, nx, ny = window or (0, 0, ds.RasterXSize, ds.RasterYSize)
    a = band.ReadAsArray(xoff, yoff, nx, ny).astype(np.float64)
    gt = list(ds.GetGeoTransform())
    gt[0] += xoff * gt[1]
    gt[3] += yoff * gt[5]
    return a, gt, ds.GetProjection(), band.GetNoDataValue()


def cell_centres(nx, ny, x0, y0, dx, dy=None):
    """Map coordinates (X, Y) of the cell centres, arrays ny x nx, row 0 = north."""
    dy = dy or dx
    x = x0 + (np.arange(nx) + 0.5) * dx
    y = y0 - (np.arange(ny) + 0.5) * dy
    return np.meshgrid(x, y)


def write_options(path, opts):
    """An options file, one '-name value' per line (value None = flag)."""
    with open(path, "w") as f:
        for k, v in opts.items():
            f.write(f"-{k}" + ("" if v is None else f" {v}") + "\n")
    return Path(path)


# ---------------------------------------------------------------- running
class Run:
    """The outcome of one ruissel run."""

    def __init__(self, returncode, stdout, stderr, out_file, wall):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr
        self.out_file, self.wall = Path(out_file) if out_file else None, wall

    def check_ok(self):
        if self.returncode != 0:
            tail = "\n".join((self.stderr or "").strip().splitlines()[-15:])
            raise RuntimeError(f"ruissel exited {self.returncode}:\n{tail}")
        return self


def run_ruissel(workdir, opts, nranks=1, extra=(), timeout=300, out_name="result.h5"):
    """Write workdir/run.opts from opts (with -out_file workdir/out_name unless given),
    run `mpiexec -n nranks ruissel -options_file run.opts extra...` (its output is kept in
    workdir/stdout.txt and stderr.txt), return a Run.
    A timeout counts as a failure (returncode None), never as a hang."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    opts = dict(opts)
    opts.setdefault("out_file", str(workdir / out_name))
    opts.setdefault("progress_interval", 0)
    optfile = write_options(workdir / "run.opts", opts)
    if not Path(exe()).exists():
        raise RuntimeError(f"ruissel executable {exe()} not found (set RUISSEL_EXE or build it)")
    cmd = mpiexec() + ["-n", str(nranks), exe(), "-options_file", str(optfile)] + [str(a) for a in extra]
    t0 = time.time()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=workdir,
                           env={**os.environ, "OMP_NUM_THREADS": "1"})
        rc, so, se = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, so, se = None, e.stdout or "", (e.stderr or "") + f"\n(timeout after {timeout} s)"
        so, se = (s.decode() if isinstance(s, bytes) else s for s in (so, se))
    (workdir / "stdout.txt").write_text(so)
    (workdir / "stderr.txt").write_text(se)
    return Run(rc, so, se, opts["out_file"], time.time() - t0)


# ---------------------------------------------------------------- reading
def attrs(h5, path):
    return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in h5[path].attrs.items()}


def table(h5, path):
    """A /gauges or /hydrographs table as {column: array} (columns attr 'a,b,c')."""
    ds = h5[path]
    cols = ds.attrs["columns"]
    cols = (cols.decode() if isinstance(cols, bytes) else str(cols)).split(",")
    data = ds[()]
    if data.dtype.names:  # compound table
        return {c: np.asarray(data[c], dtype=float) for c in data.dtype.names}
    data = np.atleast_2d(data)
    if data.shape[1] != len(cols) and data.shape[0] == len(cols):
        data = data.T
    return {c.strip(): data[:, i] for i, c in enumerate(cols)}


def snapshots(h5):
    """[(time, {'h','hu','hv'} arrays)] in time order."""
    out = []
    for name in sorted(h5.get("snapshots", {})):
        g = h5["snapshots"][name]
        out.append((float(g.attrs["time"]), {k: g[k][()].astype(np.float64) for k in g}))
    return out


# ---------------------------------------------------------------- report
class Report:
    """Rows of (case, quantity, measured, limit, ok) and a final verdict."""

    def __init__(self, case):
        self.case, self.rows = case, []

    def check(self, what, value, limit, ok=None, fmt="{:.3e}"):
        """Record a check; by default ok = value <= limit (or value == limit for bools)."""
        if ok is None:
            ok = bool(value == limit) if isinstance(limit, bool) else bool(value <= limit)
        show = lambda v: fmt.format(v) if isinstance(v, (float, np.floating)) else str(v)
        self.rows.append((what, show(value), show(limit), ok))
        return ok

    def info(self, what, value, fmt="{:.3e}"):
        self.rows.append((what, fmt.format(value) if isinstance(value, (float, np.floating)) else str(value), "", None))

    def budget(self, h5, label="", limit=1e-12):
        """Invariant 2: the reported budget closes to round-off."""
        rel = float(attrs(h5, "/budget")["relative_error"])
        return self.check(f"{label}budget |relative_error|", abs(rel), limit)

    def failed(self):
        return [r for r in self.rows if r[3] is False]

    def print(self, out=sys.stdout):
        w = max([len(r[0]) for r in self.rows] + [8])
        print(f"== {self.case}", file=out)
        print(f"{'check':<{w}}  {'measured':>12}  {'limit':>12}  result", file=out)
        for what, v, lim, ok in self.rows:
            res = "" if ok is None else ("ok" if ok else "FAIL")
            print(f"{what:<{w}}  {v:>12}  {lim:>12}  {res}", file=out)
        print(f"== {self.case}: {'FAILED' if self.failed() else 'passed'}", file=out)
        out.flush()
