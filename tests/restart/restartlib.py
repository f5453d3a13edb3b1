"""Shared by the checkpoint/restart tests: the test case (rough terrain, a released pool, a
stepped hyetograph, Green-Ampt soils from a land-cover map, gauges, snapshots, order 2: every
kind of state the solver carries), running ruissel in the background and signalling it by its
process id, and the comparison of two result files."""
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np

SRC = Path(os.environ.get("RUISSEL_SOURCE_DIR", Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(SRC))
from validation.cases import NODATA, X0, Y0, fractal_terrain  # noqa: E402
from validation.harness import write_options, write_raster  # noqa: E402

sys.path.insert(0, str(SRC / "tests"))
from rsltest import descendants  # noqa: E402

EXE = os.environ.get("RUISSEL_EXE", str(SRC / "build" / "ruissel"))
MPI = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe --allow-run-as-root"))
FAILURES = []


def check(what, ok, detail=""):
    """Record a check; the detail is printed when it fails (or is short)."""
    detail = str(detail) if detail not in ("", [], None) else ""
    show = detail and (not ok or len(detail) < 160)
    print(f"{'ok  ' if ok else 'FAIL'} {what}{': ' + detail if show else ''}", flush=True)
    if not ok:
        FAILURES.append(what)
    return ok


def finish():
    if FAILURES:
        sys.exit("FAIL: " + "; ".join(FAILURES))
    print("all checks passed")


def make_case(work, nx=80, ny=60, dx=5.0, tfinal=200.0, seed=11):
    """Write the inputs into work; return the options (dict) of the case."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    z = fractal_terrain(nx, ny, seed, relief=8.0)
    h0 = np.zeros_like(z)
    h0[15:35, 8:30] = np.maximum(0.0, z[15:35, 8:30].max() + 0.3 - z[15:35, 8:30])
    z[48:, 68:] = NODATA
    write_raster(work / "dem.tif", z, X0, Y0, dx, nodata=NODATA)
    write_raster(work / "depth0.tif", h0, X0, Y0, dx)
    lc = np.random.default_rng(seed).integers(0, 13, size=(ny, nx)).astype(float)
    write_raster(work / "landcover.tif", lc, X0, Y0, dx)
    (work / "gauges.csv").write_text(f"pool,{X0 + 18 * dx},{Y0 - 25 * dx}\nvalley,{X0 + 55.5 * dx},{Y0 - 30.5 * dx}\n")
    (work / "hyeto.csv").write_text("time_s,mm_per_h\n0,80\n50,150\n110,40\n160,0\n")
    return {"dem": "dem.tif", "stages": "swe", "swe_order": 2, "swe_tfinal": tfinal,
            "swe_init_depth_file": "depth0.tif", "rain_hyetograph": "hyeto.csv",
            "landcover_file": "landcover.tif", "hydro_table": SRC / "input/hydro/flair19.csv",
            "swe_bc_east": "free", "swe_nodata_bc": "free", "swe_gauges": "gauges.csv",
            "out_interval": 40, "out_ts_interval": 10, "progress_interval": 0}


class Proc:
    """ruissel on np ranks in the background, in its own process group (so that a test can
    kill -9 all of it by the launcher's id); its output goes to work/<tag>.log."""

    def __init__(self, work, opts, np_, tag, extra=(), env=None):
        self.work, self.tag = Path(work), tag
        optfile = write_options(self.work / f"{tag}.opts", opts)
        self.log = self.work / f"{tag}.log"
        cmd = MPI + ["-n", str(np_), EXE, "-options_file", str(optfile)] + [str(a) for a in extra]
        self.cmd = " ".join(cmd)
        self.p = subprocess.Popen(cmd, cwd=self.work, stdout=open(self.log, "w"), stderr=subprocess.STDOUT,
                                  env={**os.environ, "OMP_NUM_THREADS": "1", **(env or {})}, start_new_session=True)

    def text(self):
        return self.log.read_text(errors="replace")

    def wait_for(self, token, timeout=120):
        """Wait until token appears in the output; False when the run ended or timed out first."""
        t0 = time.time()
        while time.time() - t0 < timeout:
            if token in self.text():
                return True
            if self.p.poll() is not None:
                return token in self.text()
            time.sleep(0.05)
        return False

    def signal(self, sig):
        """Signal the launcher (mpiexec forwards SIGUSR1/SIGTERM to the ranks; it turns
        SIGINT, a Ctrl-C, into SIGTERM)."""
        os.kill(self.p.pid, sig)

    def ranks(self):
        """Process ids of the launcher's descendants (the ranks)."""
        return descendants(self.p.pid)

    def signal_ranks(self, sig):
        for pid in self.ranks():
            os.kill(pid, sig)

    def kill9(self):
        """kill -9 of the ranks and the launcher, by their ids: no chance to clean up."""
        for pid in self.ranks() + [self.p.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.p.wait()

    def wait(self, timeout=300):
        try:
            return self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill9()
            return None


def run(work, opts, np_, tag, extra=(), env=None, timeout=300):
    """Run to the end; (exit status, output)."""
    p = Proc(work, opts, np_, tag, extra, env)
    rc = p.wait(timeout)
    return rc, p.text()


def ruissel_lines(text):
    return [l for l in text.splitlines() if l.startswith("ruissel:") and not l.startswith("ruissel: t ")]


def _bits(a):
    a = np.ascontiguousarray(a)
    return a.view({8: np.uint64, 4: np.uint32, 1: np.uint8}[a.dtype.itemsize]) if a.dtype.kind == "f" else a


def datasets(path):
    out = {}
    with h5py.File(path) as f:
        f.visititems(lambda n, o: out.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) else None)
        attrs = {g: dict(f[g].attrs) for g in ("budget", "run", "summary") if g in f}
    return out, attrs


def compare(label, path, ref, exact_all):
    """Check the result `path` against the uninterrupted `ref`: fields, maxima, parameters,
    snapshots, gauges, steps and time bitwise; the budget and the outlet hydrographs bitwise
    when exact_all (same decomposition), else to round-off (sums over ranks)."""
    a, aa = datasets(path)
    b, ba = datasets(ref)
    check(f"{label}: same datasets", sorted(a) == sorted(b), sorted(set(a) ^ set(b)))
    rounding = {"hydrographs/outflow"} if not exact_all else set()
    differ = [k for k in sorted(set(a) & set(b)) if k not in rounding
              and (a[k].shape != b[k].shape or not np.array_equal(_bits(a[k]), _bits(b[k])))]
    check(f"{label}: {len(set(a) & set(b)) - len(rounding)} datasets bitwise equal (fields, maxima, snapshots, gauges)", not differ, differ)
    for k in rounding:
        rel = float(np.max(np.abs(a[k] - b[k]) / np.maximum(np.abs(b[k]).max(), 1e-300)))
        check(f"{label}: {k} equal to round-off", rel < 1e-12, f"max rel diff {rel:.1e}")
    bad = []
    for g in ("run", "budget", "summary"):
        for n, v in ba.get(g, {}).items():
            w = aa.get(g, {}).get(n)
            # measurements, not results: wall and solve times, memory; the active cells per
            # rank follow the decomposition
            if n == "wall_s" or n.startswith(("solve_time_", "rss_peak_")) or (n.startswith("active_cells_") and not exact_all):
                continue
            if w is None:
                bad.append(f"/{g} {n} missing")
            elif exact_all or g == "run":
                if not np.array_equal(np.asarray(v), np.asarray(w)):
                    bad.append(f"/{g} {n}: {w!r} vs {v!r}")
            else:
                v, w = float(np.asarray(v)), float(np.asarray(w))
                if abs(v - w) > (1e-13 if "error" in n else 1e-12 * max(abs(v), 1.0)):
                    bad.append(f"/{g} {n}: {w!r} vs {v!r}")
    check(f"{label}: /run{' bitwise' if exact_all else ''}, /budget and /summary {'bitwise' if exact_all else 'to round-off'}", not bad, bad)
