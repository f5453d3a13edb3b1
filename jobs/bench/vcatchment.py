"""Tilted V-catchment benchmark (issue 8): steps, smallest time step and time to solution of
`ruissel -stages swe` on the rain-on-grid case of validation.cases.v_catchment (Di Giammarco et
al. 1996; 4 m cells = 405 x 250 = 101,250 cells, 10.8 mm/h for 90 min, 3 h simulated), for one
build or two (a reference, e.g. the main branch, measured in the same session, interleaved,
best of REPEAT), with the ratio of their times.

  /usr/bin/python3 jobs/bench/vcatchment.py --exe build/ruissel [--ref-exe OTHER/ruissel]
        [--dx 4] [--order 1] [--np 2] [--repeat 3] [--out DIR] [-- extra ruissel options]

Per run: steps, dt_min (every step, including those shortened to land on output times),
the smallest CFL step and its cell, solve wall time (the solver's perf line), CPU time of all
ranks (getrusage of the children: less disturbed than wall time by other jobs on a shared
node), equilibrium outflow at 90 min against rain x area (4.86 m3/s), budget error.
Writes DIR/vcatchment.csv."""
import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from validation import cases  # noqa: E402
from validation.harness import attrs, mpiexec, table, write_options  # noqa: E402


def run(exe, opts_file, np_, out, extra):
    cmd = mpiexec() + ["-n", str(np_), exe, "-options_file", str(opts_file), "-out_file", str(out)] + extra
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    wall_total = time.time() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode:
        sys.exit(f"vcatchment: {' '.join(cmd)} failed:\n{p.stderr[-2000:]}")
    perf = [l for l in p.stdout.splitlines() if l.startswith("ruissel: perf ")][-1]
    kv = dict(f.split("=") for f in perf.split()[2:])
    with h5py.File(out) as f:
        ra, b = attrs(f, "/run"), attrs(f, "/budget")
        hyd = table(f, "/hydrographs/outflow")
    k90 = int(np.argmin(np.abs(hyd["time"] - cases.VCATCH["rain_s"])))
    return {"steps": int(kv["steps"]), "wall": float(kv["wall"]), "wall_total": wall_total,
            "cpu": (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime),
            "dt_min": float(ra["dt_min"]), "dt_cfl_min": float(ra.get("dt_cfl_min", np.nan)),
            "where": (float(ra.get("dt_cfl_min_x", np.nan)), float(ra.get("dt_cfl_min_y", np.nan))),
            "q90": float(hyd["total"][k90]), "budget": float(b["relative_error"])}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exe", default=os.environ.get("RUISSEL_EXE", str(ROOT / "build" / "ruissel")))
    ap.add_argument("--ref-exe", help="a reference build run in the same session (e.g. the main branch)")
    ap.add_argument("--dx", type=float, default=4.0)
    ap.add_argument("--order", type=int, default=1)
    ap.add_argument("--np", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "build" / "bench" / "vcatchment"))
    ap.add_argument("extra", nargs="*", help="options passed to both builds (after --)")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    opts, meta = cases.v_catchment(out, a.dx, a.order)
    opts.update({"out_ts_interval": 60.0, "progress_interval": 0})
    opts_file = write_options(out / "run.opts", opts)
    builds = [("new", a.exe)] + ([("ref", a.ref_exe)] if a.ref_exe else [])
    print(f"vcatchment: {meta['cells']} cells of {a.dx:g} m, order {a.order}, {a.np} ranks, {a.repeat} repeats; "
          f"load average {os.getloadavg()[0]:.2f}; equilibrium Q = {meta['q_eq']:.3f} m3/s")
    rows, best = [], {}
    hdr = f"{'build':5s} {'rep':>3s} {'steps':>6s} {'dt_min_s':>9s} {'dt_cfl_min_s':>12s} {'at_x_m':>7s} {'at_y_m':>7s} {'wall_s':>8s} {'cpu_s':>8s} {'Q90/Qeq-1':>10s} {'budget':>9s}"
    print(hdr)
    for rep in range(a.repeat):
        for name, exe in (builds if rep % 2 == 0 else builds[::-1]):  # interleaved
            r = run(exe, opts_file, a.np, out / f"{name}.h5", a.extra)
            x, y = r["where"]
            print(f"{name:5s} {rep:3d} {r['steps']:6d} {r['dt_min']:9.3g} {r['dt_cfl_min']:12.4g} {x - cases.X0:7.1f} {y - cases.Y0:7.1f} "
                  f"{r['wall']:8.1f} {r['cpu']:8.1f} {r['q90'] / meta['q_eq'] - 1:+10.2e} {r['budget']:9.1e}", flush=True)
            rows.append((name, rep, r))
            b = best.setdefault(name, {"wall": np.inf, "cpu": np.inf, "steps": r["steps"]})
            b["wall"], b["cpu"] = min(b["wall"], r["wall"]), min(b["cpu"], r["cpu"])
    with open(out / "vcatchment.csv", "w") as f:
        f.write("build,repeat,steps,dt_min_s,dt_cfl_min_s,dt_cfl_min_x,dt_cfl_min_y,wall_s,cpu_s,q90_m3s,budget_relative_error\n")
        for name, rep, r in rows:
            f.write(f"{name},{rep},{r['steps']},{r['dt_min']},{r['dt_cfl_min']},{r['where'][0]},{r['where'][1]},{r['wall']},{r['cpu']},{r['q90']},{r['budget']}\n")
    for name, b in best.items():
        print(f"best {name}: steps {b['steps']}, wall {b['wall']:.1f} s, cpu {b['cpu']:.1f} s")
    if "ref" in best:
        n, r = best["new"], best["ref"]
        print(f"ratio new/ref: steps {n['steps'] / r['steps']:.3f}, wall {n['wall'] / r['wall']:.3f}, cpu {n['cpu'] / r['cpu']:.3f}")
    print(f"vcatchment: CSV in {out / 'vcatchment.csv'}")


if __name__ == "__main__":
    main()
