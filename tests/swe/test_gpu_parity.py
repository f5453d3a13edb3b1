"""GPU-vs-CPU parity of the SWE solver (-swe_backend cuda vs cpu, issue 11): a small catchment
with nodata holes and every boundary type (closed, free, critical, normal, inflow, stage,
segments, nodata edges closed/free/critical), rain, point sources and infiltration, orders 1
and 2, 1 and 2 ranks. Fields, maxima, hazard records and the budget must be bitwise equal,
except where a formula calls a libm function that CUDA rounds differently (pow in the
normal-depth rating, cbrt in the inflow face, log1p in Green-Ampt): those runs are held to
1e-12 relative. Exits 77 (SKIPPED) when no GPU is usable (the development machines).
With the argument `cudasim` the same checks run the cuda backend's algorithm on the host
(-swe_backend cudasim: same host side, same per-cell functions in host loops, same libm), every
case bitwise: that part of the GPU path is tested on every machine."""
import os, shlex, subprocess, sys, tempfile
import h5py, numpy as np

SRC = os.environ.get("RUISSEL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, SRC)
from validation.harness import write_raster  # noqa: E402

EXE = os.environ.get("RUISSEL_EXE", os.path.join(SRC, "build", "ruissel"))
MPI = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe --allow-run-as-root"))
W = tempfile.mkdtemp(prefix="rsl_gpu_")
BACKEND = sys.argv[1] if len(sys.argv) > 1 else "cuda"


def dem(name, z):
    p = os.path.join(W, name)
    write_raster(p, z, 700000.0, 6600000.0, 1.0, nodata=-9999)
    return p


def run(name, args, np_):
    out = os.path.join(W, name + ".h5")
    cmd = MPI + ["-n", str(np_), EXE, "-progress_interval", "0", "-out_interval", "0", "-out_file", out] + args
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    return p, out


ny, nx = 30, 44
y, x = np.mgrid[0:ny, 0:nx]
z = 0.02 * x + 0.01 * np.abs(y - ny / 2) + 0.05 * np.random.default_rng(3).random((ny, nx))
z[10:14, 20:25] = -9999
z[0:3, 0:4] = -9999
base = ["-stages", "swe", "-dem", dem("z.tif", z), "-swe_tfinal", "30"]
with open(os.path.join(W, "q.csv"), "w") as f:
    f.write("time_s,m3_per_s\n0,0.5\n100,1.5\n")
with open(os.path.join(W, "src.csv"), "w") as f:
    f.write("x,y,hydrograph\n700030.5,6599985.5,q.csv\n")
with open(os.path.join(W, "seg.txt"), "w") as f:
    f.write("W,6599975,6599990,inflow,0.02\nS,700010,700020,stage,0.4\n")

p, _ = run("probe", base + ["-swe_tfinal", "0.1", "-swe_backend", BACKEND], 1)
if p.returncode:
    msg = (p.stdout + p.stderr).strip().splitlines()
    if any("no usable CUDA device" in l or "no CUDA support" in l for l in msg):
        print("SKIPPED: no usable GPU here:", [l for l in msg if "-swe_backend" in l][:1])
        sys.exit(77)
    sys.exit("FAIL: probe run\n" + "\n".join(msg[-20:]))

# name: (options, bitwise?)
cases = {
    "closed_rain": (["-swe_bc_west", "closed", "-rain_rate", "80", "-swe_init_depth", "0.05"], True),
    "free_critical": (["-swe_bc_west", "free", "-swe_bc_east", "critical", "-swe_bc_north", "free", "-rain_rate", "100", "-swe_nodata_bc", "free"], True),
    "stage_sources": (["-swe_bc_east", "stage", "-swe_stage_east", "0.9", "-swe_bc_north", "critical", "-swe_sources", os.path.join(W, "src.csv"), "-swe_nodata_bc", "critical", "-rain_rate", "30"], True),
    "normal_inflow": (["-swe_bc_west", "inflow", "-swe_inflow_west", "0.05", "-swe_bc_south", "normal", "-swe_slope_south", "0.01"], False),
    "segments_infiltration": (["-swe_bc_segments", os.path.join(W, "seg.txt"), "-rain_rate", "60", "-hydro_ks", "1e-5", "-hydro_suction", "0.1", "-hydro_moisture_deficit", "0.3", "-hydro_impervious", "0.2", "-swe_bc_east", "free"], False),
}
failures = []
for name, (args, bitwise) in cases.items():
    bitwise = bitwise or BACKEND == "cudasim"
    for order in (1, 2):
        for np_ in (1, 2):
            files = []
            for be in ("cpu", BACKEND):
                p, out = run(f"{name}_o{order}_n{np_}_{be}", base + args + ["-swe_order", str(order), "-swe_backend", be], np_)
                if p.returncode:
                    sys.exit(f"FAIL: {name} order {order} {np_} ranks {be}\n{p.stdout[-1500:]}\n{p.stderr[-1500:]}")
                files.append(h5py.File(out, "r"))
            a, b = files
            worst, diffs = 0.0, []

            def cmp(what, va, vb):
                global worst
                va, vb = np.asarray(va), np.asarray(vb)
                if va.tobytes() == vb.tobytes():
                    return
                diffs.append(what)
                if va.dtype.kind == "f":
                    worst = max(worst, float(np.nanmax(np.abs(va - vb) / np.maximum(np.abs(vb), 1e-300))))
                else:
                    worst = np.inf

            for grp in ("fields", "max", "hazard"):
                if grp in a:
                    for k in a[grp]:
                        if isinstance(a[grp][k], h5py.Dataset):
                            cmp(f"/{grp}/{k}", a[grp][k][()], b[grp][k][()])
            for k, v in a["budget"].attrs.items():
                cmp(f"/budget@{k}", v, b["budget"].attrs[k])
            for k in ("steps", "dt_min", "time", "negative_depth_cells"):
                cmp(f"/run@{k}", a["run"].attrs[k], b["run"].attrs[k])
            ok = not diffs if bitwise else worst <= 1e-12
            tag = "bitwise" if bitwise else "<= 1e-12"
            print(f"{name:24s} order {order} ranks {np_}: {'identical' if not diffs else f'{len(diffs)} differ, worst rel {worst:.2e}'} ({tag})  {'ok' if ok else 'FAIL'}")
            if not ok:
                failures.append(f"{name} o{order} n{np_}: {' '.join(diffs[:6])}")
print("FAILED: " + "; ".join(failures) if failures else "PASSED")
sys.exit(1 if failures else 0)
