"""Per-cell hazard records against hand-computed values (issue 12): /max/hv, /timing/arrival,
/timing/duration and the PPRi class map /max/hazard, on 1 and 2 ranks (bitwise equal).

1. Rain r on a closed flat basin: nothing moves, h(t) = r t exactly, so a cell first exceeds
   the threshold H at t = H / r (the solver interpolates linearly within the step, exact here)
   and stays above it for T - H / r; nodata cells never arrive (NaN) and have class 0.
2. A uniform flow (h0, u0) on a flat frictionless bed: cells further from the walls than the
   steps taken keep their state exactly, so their h|u| maximum is h0 |u0|, their arrival 0
   (above H at t = 0) and their duration the whole run; h0 = 0.5 m sits on the 0.5 m depth
   break and u0 = 0.3 m/s between the speed breaks: class "modéré" (2) in the default grid.
   A tilted basin draining through a critical outlet: the falling crossings (durations) against
   the snapshots that bracket them.
   A thin fast film (5 cm at 0.8 m/s, above the 0.5 m/s break): "faible" (1) under the default
   depth floor of the speed classes (-hazard_speed_depth 0.1 m), "fort" (3) without it (0).
3. A custom grid (-hazard_depth_breaks / _speed_breaks / _matrix) and bad options."""
import os, shlex, subprocess, sys, tempfile
import h5py, numpy as np
from osgeo import gdal, osr

SRC = os.environ.get("RUISSEL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
EXE = os.environ.get("RUISSEL_EXE", os.path.join(SRC, "build", "ruissel"))
MPI = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe --allow-run-as-root"))
WORK = tempfile.mkdtemp(prefix="rsl_hazard_")
NODATA = -9999.0
failures = []


def dem(name, z):
    path = os.path.join(WORK, name)
    d = gdal.GetDriverByName("GTiff").Create(path, z.shape[1], z.shape[0], 1, gdal.GDT_Float64)
    d.SetGeoTransform([700000.0, 2.0, 0, 6600000.0, 0, -2.0])
    s = osr.SpatialReference()
    s.ImportFromEPSG(2154)
    d.SetProjection(s.ExportToWkt())
    d.GetRasterBand(1).SetNoDataValue(NODATA)
    d.GetRasterBand(1).WriteArray(z)
    d = None
    return path


def run(name, args, np_, expect_ok=True):
    out = os.path.join(WORK, f"{name}_np{np_}.h5")
    cmd = MPI + ["-n", str(np_), EXE, "-stages", "swe", "-progress_interval", "0", "-out_file", out] + [str(a) for a in args]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if not expect_ok:
        return p
    if p.returncode:
        sys.exit(f"FAIL: {' '.join(cmd)}\n{p.stdout[-1500:]}\n{p.stderr[-1500:]}")
    return h5py.File(out, "r")


def check(what, value, limit, ok=None):
    ok = abs(value) <= limit if ok is None else ok
    print(f"{what:70s} {value:12.4e}  limit {limit:10.3e}  {'ok' if ok else 'FAIL'}")
    if not ok:
        failures.append(what)


def fields(f):
    return {k: f[k][()] for k in ("/max/hv", "/timing/arrival", "/timing/duration", "/max/hazard", "/max/h", "/max/speed")}


def same_bits(a, b):
    return all(a[k].dtype == b[k].dtype and np.array_equal(a[k].view(np.uint8), b[k].view(np.uint8)) for k in a)


# 1. rain on a closed flat basin with a nodata corner
z = np.zeros((8, 12))
z[:2, :3] = NODATA
r_mmh, H, T = 36.0, 0.01, 1500.0  # 1e-5 m/s: H reached at 1000 s
res = {}
for np_ in (1, 2):
    f = run("rain", ["-dem", dem("flat.tif", z), "-rain_rate", r_mmh, "-swe_tfinal", T, "-swe_dt_max", 7.0,
                     "-hazard_threshold", H], np_)
    res[np_] = fields(f)
    steps = int(f["/run"].attrs["steps"])
a, v = res[1], z != NODATA
t_arr = H / (r_mmh / 3.6e6)
check("rain: max |arrival - H/r| (s) on active cells", float(np.abs(a["/timing/arrival"][v] - t_arr).max()), 1e-9)
check("rain: max |duration - (T - H/r)| (s)", float(np.abs(a["/timing/duration"][v] - (T - t_arr)).max()), 1e-9)
check("rain: nodata cells: arrival NaN", 0.0, 0.0, ok=bool(np.all(np.isnan(a["/timing/arrival"][~v]))))
check("rain: nodata cells: duration 0, class 0", float(np.abs(a["/timing/duration"][~v]).max() + a["/max/hazard"][~v].max()), 0.0)
check("rain: max h|u| (nothing moves)", float(a["/max/hv"].max()), 1e-15)
check("rain: class 1 (faible: h = 1.5 cm < 0.5 m, still) on active cells", float(np.abs(a["/max/hazard"][v].astype(int) - 1).max()), 0.0)
check("rain: /max/hazard is uint8", 0.0, 0.0, ok=a["/max/hazard"].dtype == np.uint8)
check("rain: steps (several per interval, so interpolation is exercised)", steps, 1e9, ok=steps > 200)
check("rain: 2 ranks bitwise equal to 1", 0.0, 0.0, ok=same_bits(res[1], res[2]))
f = run("rain_short", ["-dem", dem("flat.tif", z), "-rain_rate", r_mmh, "-swe_tfinal", 900.0, "-hazard_threshold", H], 1)
check("rain, T < H/r: no arrival (all NaN)", 0.0, 0.0, ok=bool(np.all(np.isnan(f["/timing/arrival"][()]))))
check("rain, T < H/r: duration 0, class 0", float(f["/timing/duration"][()].max() + f["/max/hazard"][()].max()), 0.0)

# 2. uniform flow on a flat frictionless bed, 4 steps: cells >= 5 from the walls keep (h0, u0)
h0, u0, steps = 0.5, 0.3, 4
zf = np.zeros((12, 40))
res = {}
for np_ in (1, 2):
    f = run("flow", ["-dem", dem("flat2.tif", zf), "-swe_init_depth", h0, "-swe_init_u", u0, "-swe_max_steps", steps,
                     "-swe_tfinal", 1e4, "-swe_manning", 0], np_)
    res[np_] = fields(f)
    t_end = float(f["/run"].attrs["time"])
a = res[1]
core = (slice(steps + 1, -steps - 1), slice(steps + 1, -steps - 1))
check("flow: core cells max h|u| - h0 u0 (m2/s)", float(np.abs(a["/max/hv"][core] - h0 * u0).max()), 0.0)
check("flow: core cells max speed - u0 (m/s)", float(np.abs(a["/max/speed"][core] - u0).max()), 1e-15)
check("flow: arrival 0 everywhere (above H at t = 0)", float(np.abs(a["/timing/arrival"]).max()), 0.0)
check("flow: core duration - run time (s)", float(np.abs(a["/timing/duration"][core] - t_end).max()), 1e-12)
check("flow: core class 2 (modéré: h 0.5 m on the break, 0.3 m/s)", float(np.abs(a["/max/hazard"][core].astype(int) - 2).max()), 0.0)
check("flow: 2 ranks bitwise equal to 1", 0.0, 0.0, ok=same_bits(res[1], res[2]))

# 2a. a thin fast film: the speed counts only from -hazard_speed_depth (default 0.1 m)
for floor, cls in ((None, 1), (0.0, 3), (0.05, 3)):
    f = run("film", ["-dem", dem("flat2.tif", zf), "-swe_init_depth", 0.05, "-swe_init_u", 0.8, "-swe_max_steps", steps,
                     "-swe_tfinal", 1e4, "-swe_manning", 0] + ([] if floor is None else ["-hazard_speed_depth", floor]), 1)
    hz = f["/max/hazard"]
    check(f"film 5 cm at 0.8 m/s, -hazard_speed_depth {floor}: core class {cls}",
          float(np.abs(hz[()][core].astype(int) - cls).max()), 0.0)
check("film: attribute speed_depth_m", float(hz.attrs["speed_depth_m"]) - 0.05, 0.0)

# 2b. a tilted basin draining through a critical outlet: each cell falls below H = 0.01 m once, so
#    its duration (it starts above H, arrival 0) is its crossing time, which must lie between
#    the last snapshot above H and the first below (snapshots every 5 s); 2 ranks bitwise.
res = {}
for np_ in (1, 2):
    f = run("drain", ["-dem", dem("tilt3.tif", np.tile(0.01 * np.arange(30.0)[::-1], (6, 1))), "-swe_init_depth", 0.03,
                      "-swe_bc_east", "critical", "-swe_manning", 0.03, "-swe_tfinal", 600, "-out_interval", 5], np_)
    res[np_] = fields(f)
    snaps = sorted(f["snapshots"])
    ts = np.array([float(f["snapshots"][k].attrs["time"]) for k in snaps])
    hs = np.array([f["snapshots"][k]["h"][()] for k in snaps])
a = res[1]
hf = hs[-1]
below = hf <= 0.01
below[:, -3:] = False  # next to the outlet the depth hovers around H and crosses it several times
check("drain: cells below H at the end (most of the basin)", float(below.mean()), 1.0, ok=below.mean() > 0.5)
k = np.argmax(hs <= 0.01, axis=0)  # first snapshot below H (float32 snapshots: compare loosely)
lo, hi = ts[np.maximum(k - 1, 0)], ts[k]
d = a["/timing/duration"]
inside = (d[below] >= lo[below] - 1e-3) & (d[below] <= hi[below] + 1e-3)
check("drain: duration within its crossing's snapshot interval (fraction)", float(inside.mean()), 1.0, ok=bool(inside.all()))
check("drain: arrival 0 everywhere", float(np.abs(a["/timing/arrival"]).max()), 0.0)
check("drain: 2 ranks bitwise equal to 1", 0.0, 0.0, ok=same_bits(res[1], res[2]))

# 3. custom class grid: 2 depth classes x 2 speed classes; and the attributes
f = run("custom", ["-dem", dem("flat2.tif", zf), "-swe_init_depth", h0, "-swe_init_u", u0, "-swe_max_steps", steps,
                   "-swe_tfinal", 1e4, "-swe_manning", 0, "-hazard_depth_breaks", 0.4, "-hazard_speed_breaks", 0.31,
                   "-hazard_matrix", "7,8,9,10"], 1)
hz = f["/max/hazard"]
check("custom: core class = matrix[1][0] = 9 (h >= 0.4, u < 0.31)", float(np.abs(hz[()][core].astype(int) - 9).max()), 0.0)
check("custom: attributes give the grid", 0.0, 0.0, ok=list(hz.attrs["depth_breaks_m"].ravel()) == [0.4]
      and list(hz.attrs["matrix"].ravel()) == [7, 8, 9, 10] and float(f["/timing"].attrs["threshold_m"]) == 0.01)
for name, opts, token in (("negative threshold", ["-hazard_threshold", -1], "-hazard_threshold"),
                          ("negative depth floor", ["-hazard_speed_depth", -0.1], "-hazard_speed_depth"),
                          ("matrix size", ["-hazard_depth_breaks", 0.4, "-hazard_matrix", "1,2,3"], "-hazard_matrix"),
                          ("decreasing breaks", ["-hazard_speed_breaks", "0.5,0.2"], "-hazard_speed_breaks"),
                          ("grid without matrix", ["-hazard_depth_breaks", 0.4], "-hazard_matrix")):
    p = run("bad", ["-dem", dem("flat2.tif", zf), "-swe_tfinal", 1] + opts, 2, expect_ok=False)
    lines = {l.split("]", 1)[-1].strip() for l in p.stderr.splitlines() if token in l}
    check(f"bad option ({name}): exit 1, one error line naming {token}", len(lines), 1, ok=p.returncode == 1 and len(lines) == 1)
if failures:
    sys.exit("FAIL: " + "; ".join(failures))
print("ok")
