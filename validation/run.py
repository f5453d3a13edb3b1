"""Run validation cases against ruissel and judge them.

  /usr/bin/python3 -m validation.run --case NAME [--case NAME ...] [--workdir DIR]
  /usr/bin/python3 -m validation.run --all          # the nightly suite
  /usr/bin/python3 -m validation.run --list

Each case builds its inputs (validation.cases), runs ruissel (RUISSEL_EXE, RUISSEL_MPIEXEC),
compares with its independent reference (validation.analytic, round-off invariants) and
prints a table. Exit status: 0 all passed, 1 a check failed or a run broke, 77 skipped
(reference data absent)."""
import argparse
import math
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script (CTest): make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import h5py
import numpy as np

from validation import cases
from validation.harness import (SKIP, Report, Skipped, attrs, run_ruissel, snapshots, table,
                                tolerances, write_raster)

TOL = tolerances()


def _order(e_coarse, e_fine):
    return math.log2(e_coarse / e_fine) if e_coarse > 0 and e_fine > 0 else float("nan")


def _fit_order(ns, errs):
    """Least-squares slope of log(error) against log(cells): the observed order."""
    return float(-np.polyfit(np.log(ns), np.log(errs), 1)[0])


def _common(rep, h5, label):
    """Checks every run gets: budget closes, no negative depth."""
    rep.budget(h5, label, TOL["budget_relative_error"])
    h = h5["/fields/h"][()]
    rep.check(f"{label}min depth", float(h.min()), 0.0, ok=bool(h.min() >= 0.0))
    rep.check(f"{label}negative_depth_cells", int(attrs(h5, "/run")["negative_depth_cells"]), 0,
              ok=int(attrs(h5, "/run")["negative_depth_cells"]) == 0)


# ------------------------------------------------------------------ 1. lake at rest
def _lake(rep, work, build):
    tol = TOL["lake_at_rest"]
    for order, nranks in ((1, 1), (2, 1), (2, 3)):  # 3 ranks: the halos must keep it at rest too
        opts, meta = build(work / f"o{order}_np{nranks}", order)
        run = run_ruissel(work / f"o{order}_np{nranks}", opts, nranks=nranks).check_ok()
        with h5py.File(run.out_file) as f:
            lab = f"order {order} np={nranks}: "
            _common(rep, f, lab)
            h, hu, hv = (f[f"/fields/{k}"][()] for k in ("h", "hu", "hv"))
            steps = int(attrs(f, "/run")["steps"])
        rep.check(lab + "steps", steps, 1000, ok=steps == 1000)
        z, stage = meta["z"], meta["stage"]
        wet = h > 1e-6
        vel = np.maximum(np.abs(hu), np.abs(hv))[wet] / h[wet]
        rep.check(lab + "max |velocity| wet cells (m/s)", float(vel.max()), tol["max_velocity_m_per_s"])
        drift = np.abs(h - np.maximum(0.0, stage - z))[np.isfinite(z) & (z != cases.NODATA)]
        rep.check(lab + "max |h - max(0,stage-z)| (m)", float(drift.max()), tol["max_stage_drift_m"])
        above = z > stage
        rep.check(lab + "dry cells (z > stage) with h != 0", int(np.count_nonzero(h[above])), 0,
                  ok=not np.any(h[above]))
        mm = np.isclose(stage - z, 1e-3, atol=1e-9)
        if mm.any():
            rep.info(lab + "1 mm cells: max |h - 1e-3|", float(np.abs(h[mm] - 1e-3).max()))


def case_lake_at_rest(rep, work):
    """Lake at rest over seeded fractal terrain (islands, 1 mm shores), orders 1 and 2, 1 and 3 ranks."""
    _lake(rep, work, cases.lake_at_rest)


def case_lake_at_rest_lidar(rep, work):
    """Lake at rest over a real LiDAR HD 0.5 m terrain window (SKIPPED without the data)."""
    _lake(rep, work, cases.lake_at_rest_lidar)


# ------------------------------------------------------------------ 2. dam breaks
def _dam_break(rep, work, kind, resolutions=(100, 200, 400, 800)):
    t = cases.DAM["tfinal"]
    err = {}
    for order in (1, 2):
        for nx in resolutions:
            opts, meta = cases.dam_break(work / f"o{order}_n{nx}", kind, nx, order)
            run = run_ruissel(work / f"o{order}_n{nx}", opts).check_ok()
            with h5py.File(run.out_file) as f:
                _common(rep, f, f"o{order} n={nx}: ")
                h = f["/fields/h"][()]
                t_end = float(attrs(f, "/run")["time"])
            rep.check(f"o{order} n={nx}: final time", t_end, t, ok=abs(t_end - t) < 1e-9 * t)
            href = meta["ref"](t_end)
            x, dx = meta["x"], meta["dx"]
            xi = (x - cases.DAM["x_dam"]) / t_end
            lo, hi = meta["fan"]
            core = (xi > lo + 0.2 * (hi - lo)) & (xi < hi - 0.2 * (hi - lo))
            diff = np.abs(h - href[None, :]).mean(axis=0)  # rows are identical in 1D
            err[order, nx] = (float(np.sum(diff) * dx), float(np.sum(diff[core]) * dx))
            rep.info(f"o{order} n={nx}: L1(h) (m^2)", err[order, nx][0])
            rep.info(f"o{order} n={nx}: L1(h) fan core (m^2)", err[order, nx][1])
    lim = TOL["dam_break"]["min_l1_order_order1"][kind]
    for order in (1, 2):
        for a, b in zip(resolutions, resolutions[1:]):
            rep.info(f"o{order} L1 order {a}->{b} (fan core)",
                     f"{_order(err[order, a][0], err[order, b][0]):.3f} ({_order(err[order, a][1], err[order, b][1]):.3f})")
        p = _fit_order(resolutions, [err[order, n][0] for n in resolutions])
        pc = _fit_order(resolutions, [err[order, n][1] for n in resolutions])
        if order == 1:
            rep.check(f"o1 L1 order, fit {resolutions[0]}..{resolutions[-1]}", p, lim, ok=p >= lim, fmt="{:.3f}")
        else:
            rep.info(f"o2 L1 order, fit {resolutions[0]}..{resolutions[-1]}", p, fmt="{:.3f}")
        rep.info(f"o{order} L1 order on the smooth fan core, fit", pc, fmt="{:.3f}")
    for nx in resolutions:
        rep.check(f"n={nx}: L1 o2 < L1 o1", err[2, nx][0], err[1, nx][0], ok=err[2, nx][0] < err[1, nx][0])


def case_ritter(rep, work):
    """Dry dam break (Ritter), orders 1 and 2, 100 to 800 cells: L1 and observed order."""
    _dam_break(rep, work, "ritter")


def case_stoker(rep, work):
    """Wet dam break (Stoker), orders 1 and 2, 100 to 800 cells: L1 and observed order."""
    _dam_break(rep, work, "stoker")


# ------------------------------------------------------------------ 3. Thacker
def case_thacker(rep, work, resolutions=(50, 100, 200)):
    """Thacker planar oscillation in a paraboloid: relative L1 depth error at T/4..T."""
    worst = {}
    for order in (1, 2):
        worst[order] = []
        for n in resolutions:
            opts, meta = cases.thacker(work / f"o{order}_n{n}", n, order)
            run = run_ruissel(work / f"o{order}_n{n}", opts).check_ok()
            m, X, Y = meta["model"], meta["X"], meta["Y"]
            with h5py.File(run.out_file) as f:
                _common(rep, f, f"o{order} n={n}: ")
                snaps = [s for s in snapshots(f) if s[0] > 0.0]
            rep.check(f"o{order} n={n}: snapshots after t=0", len(snaps), 4, ok=len(snaps) >= 4)
            errs = []
            for t, fld in snaps:
                href = m.depth(X, Y, t)
                errs.append(float(np.abs(fld["h"] - href).sum() / np.abs(href).sum()))
                rep.info(f"o{order} n={n}: rel L1(h) t={t / m.period:.2f}T", errs[-1])
            worst[order].append(max(errs) if errs else float("inf"))
        lim = TOL["thacker"][f"max_rel_l1_order{order}"]
        rep.check(f"o{order} n={resolutions[1]}: max rel L1(h) over T", worst[order][1], lim)
        for (a, b), (ea, eb) in zip(zip(resolutions, resolutions[1:]), zip(worst[order], worst[order][1:])):
            rep.check(f"o{order}: rel L1 decreases {a}->{b}", eb, ea, ok=eb < ea)
            rep.info(f"o{order}: observed order {a}->{b}", _order(ea, eb), fmt="{:.3f}")
    for n, e1, e2 in zip(resolutions, worst[1], worst[2]):
        rep.check(f"n={n}: max rel L1 o2 < o1", e2, e1, ok=e2 < e1)


# ------------------------------------------------------------------ 4. tilted plane
def case_tilted_plane(rep, work):
    """Rain on a tilted plane (Manning) until steady state: outflow = rain x area."""
    for order in (1, 2):
        opts, meta = cases.tilted_plane(work / f"o{order}", order)
        run = run_ruissel(work / f"o{order}", opts).check_ok()
        with h5py.File(run.out_file) as f:
            _common(rep, f, f"o{order}: ")
            hyd = table(f, "/hydrographs/outflow")
        q = float(hyd["total"][-1])
        rel = abs(q - meta["q_ref"]) / meta["q_ref"]
        rep.info(f"o{order}: t_c kinematic (s)", meta["t_c"], fmt="{:.0f}")
        rep.info(f"o{order}: outflow at t={hyd['time'][-1]:.0f} s (m3/s)", q, fmt="{:.9e}")
        rep.info(f"o{order}: rain x area (m3/s)", meta["q_ref"], fmt="{:.9e}")
        rep.check(f"o{order}: |outflow / (rain x area) - 1|", rel, TOL["tilted_plane"]["outflow_rel_error"])


# ------------------------------------------------------------------ 4b. steady channels
def case_macdonald(rep, work):
    """MacDonald steady channels (SWASHES 3.1.3), orders 1 and 2: subcritical with a free and
    a stage outlet, with and without rain, supercritical: mean |water level error|."""
    tol = TOL["macdonald"]
    mae = {}
    for kind, outlet in (("subcritical", "free"), ("subcritical", "stage"), ("rain", "free"),
                         ("rain", "stage"), ("supercritical", "free")):
        for order in (1, 2):
            lab = f"{kind} {outlet} o{order}: "
            opts, meta = cases.macdonald(work / f"{kind}_{outlet}_o{order}", kind, outlet, order)
            run = run_ruissel(work / f"{kind}_{outlet}_o{order}", opts).check_ok()
            m, x = meta["model"], meta["x"]
            with h5py.File(run.out_file) as f:
                _common(rep, f, lab)
                h, z, hv = (f[f"/fields/{k}"][()] for k in ("h", "z", "hv"))
                hyd = table(f, "/hydrographs/outflow")
            err = h[1] + z[1] - m.stage(x)  # middle row
            mae[kind, outlet, order] = float(np.abs(err).mean())
            rep.check(lab + "mean |eta - eta_ref| (m)", mae[kind, outlet, order], tol["mae_m"])
            rep.info(lab + "max |eta - eta_ref| (m)", float(np.abs(err).max()))
            q_end = float(m.discharge(m.L)) * meta["width"]
            rep.check(lab + "steady: |Q_east / Q_ref - 1|", abs(float(hyd["east"][-1]) / q_end - 1), tol["steady_rel"])
            rep.check(lab + "1D: max |hv| (m2/s)", float(np.abs(hv).max()), 1e-12)
        a, b = mae[kind, outlet, 1], mae[kind, outlet, 2]
        rep.check(f"{kind} {outlet}: MAE o2 <= o1", b, a, ok=b <= a)


# ------------------------------------------------------------------ 4c. V-catchment
def case_v_catchment(rep, work):
    """Tilted V-catchment, 20 m cells, to the end of the rain: equilibrium discharge, budget,
    the same fields on 1 and 2 ranks (order 1), order 2."""
    tol = TOL["v_catchment"]
    ref = None
    for order, nranks in ((1, 1), (1, 2), (2, 1)):
        lab = f"o{order} np={nranks}: "
        d = work / f"o{order}_np{nranks}"
        opts, meta = cases.v_catchment(d, tol["dx_m"], order, tfinal=cases.VCATCH["rain_s"])
        run = run_ruissel(d, opts, nranks=nranks).check_ok()
        with h5py.File(run.out_file) as f:
            _common(rep, f, lab)
            hyd = table(f, "/hydrographs/outflow")
            fields = {k: f[f"/fields/{k}"][()] for k in ("h", "hu", "hv")}
            ra = attrs(f, "/run")
        q = float(hyd["total"][-1])
        rep.check(lab + f"|Q(90 min) / {meta['q_eq']:.3f} - 1|", abs(q / meta["q_eq"] - 1), tol["q_rel"])
        rep.info(lab + "steps, dt_min (s), smallest CFL step (s)", f"{int(ra['steps'])}, {float(ra['dt_min']):.3g}, {float(ra['dt_cfl_min']):.3g}")
        if order == 1 and ref is None:
            ref = fields
        elif order == 1:
            same = all(np.array_equal(fields[k].view(np.uint64), ref[k].view(np.uint64)) for k in fields)
            rep.check(lab + "h, hu, hv bitwise equal to np=1", same, True)


# ------------------------------------------------------------------ 5. rank counts
def _decomposition(rep, work, order):
    def bits(a):
        return np.ascontiguousarray(a, dtype=np.float64).view(np.uint64)

    ref = None
    # 4 ranks both as a 2x2 grid of blocks and as 4 strips: a reduction that depends on
    # which rank holds what shows in one of them
    layouts = [(1, "", []), (2, "", []), (3, "", []), (4, "2x2", ["-da_processors_x", "2", "-da_processors_y", "2"]),
               (4, "4x1", ["-da_processors_x", "4", "-da_processors_y", "1"]),
               (3, "balanced", ["-grid_balance", "active"])]
    for n, lay, extra in layouts:
        tag = f"{n}_{lay}" if lay else f"{n}"
        opts, _ = cases.decomposition(work / f"o{order}_np{tag}", order)
        run = run_ruissel(work / f"o{order}_np{tag}", opts, nranks=n, extra=extra).check_ok()
        with h5py.File(run.out_file) as f:
            _common(rep, f, f"o{order} np={n}: ")
            fields = {k: f[f"/fields/{k}"][()] for k in ("h", "hu", "hv")}
            other = {k[1:]: f[k][()] for k in ("/max/h", "/max/speed", "/max/hv", "/max/hazard", "/timing/arrival", "/timing/duration")}
            other.update({f"gauges/{k}": f[f"/gauges/{k}"][()] for k in f["/gauges"]})
            steps = int(attrs(f, "/run")["steps"])
        if ref is None:
            ref = fields, other, steps
            rep.info(f"o{order}: steps / wet cells", f"{steps} / {int(np.count_nonzero(fields['h'] > 0))}")
            continue
        same = all(np.array_equal(bits(fields[k]), bits(ref[0][k])) for k in fields)
        dmax = max(float(np.abs(fields[k] - ref[0][k]).max()) for k in fields)
        n = tag
        rep.check(f"o{order} np={n} vs np=1: bitwise h,hu,hv (max diff)", dmax, 0.0, ok=same)
        diff = [k for k in ref[1] if k not in other or other[k].shape != ref[1][k].shape
                or not np.array_equal(other[k].view(np.uint8), ref[1][k].view(np.uint8))]
        rep.check(f"o{order} np={n}: maxima and gauges differing", ",".join(diff) or "none", "none", ok=not diff)
        rep.check(f"o{order} np={n}: steps", steps, ref[2], ok=steps == ref[2])


def case_decomposition(rep, work):
    """Bitwise-identical final fields on 1, 2, 3, 4 ranks (orders 2 and 1)."""
    for order in (2, 1):
        _decomposition(rep, work, order)


# ------------------------------------------------------------------ 7. bad inputs
def case_bad_inputs(rep, work):
    """Each bad input: non-zero exit, a one-line error naming the option/file, no output
    left behind, no hang (2 ranks, timeout)."""
    base, _ = cases.small_valid(work)
    text = work / "notadem.tif"
    text.write_text("this is not a raster\n")
    geo = write_raster(work / "geographic.tif", np.full((15, 20), 100.0), 3.5, 44.0, 1e-4, epsg=4326)
    bad = [  # (name, option overrides, a token the error line must contain)
        ("missing DEM", {"dem": work / "no_such_dem.tif"}, "no_such_dem.tif"),
        ("text file as DEM", {"dem": text}, "notadem.tif"),
        ("geographic CRS DEM", {"dem": geo}, "geographic.tif"),
        ("negative Manning", {"swe_manning": -0.03}, "swe_manning"),
        ("unknown BC type", {"swe_bc_east": "sideways"}, "swe_bc_east"),
        ("negative rain", {"rain_rate": -5.0}, "rain_rate"),
        ("CFL > 1", {"swe_cfl": 1.5}, "swe_cfl"),
        ("unwritable output dir", {"out_file": work / "no_such_dir" / "r.h5"}, "no_such_dir"),
    ]
    timeout = TOL["bad_inputs"]["timeout_s"]
    for i, (name, over, token) in enumerate(bad):
        d = work / f"bad{i}"
        out = Path(over.get("out_file", d / "result.h5"))
        run = run_ruissel(d, {**base, **over, "out_file": out}, nranks=2, timeout=timeout)
        rep.check(f"{name}: exit status", run.returncode, "!=0 (no hang)",
                  ok=run.returncode not in (0, None))
        lines = {l.split("]", 1)[-1].strip() if l.startswith("[") else l.strip()
                 for l in run.stderr.splitlines() if token in l}
        rep.check(f"{name}: one distinct stderr line naming '{token}'", len(lines), 1, ok=len(lines) == 1)
        left = [p.name for p in (out, Path(str(out) + ".part"), out.with_suffix(".xmf")) if p.exists()]
        rep.check(f"{name}: files left behind", ",".join(left) or "none", "none", ok=not left)
    run = run_ruissel(work / "leftover", base, nranks=2, extra=["-swe_no_such_option", "3"], timeout=timeout)
    named = "swe_no_such_option" in run.stdout + run.stderr
    rep.check("unused option: warning names it", named, True)
    rep.info("unused option: exit status", run.returncode)


# ------------------------------------------------------------------ 8. real data
def case_cevennes(rep, work):
    """Rain on a 200 x 200 Cevennes SRTM window, 2 ranks (SKIPPED without the data)."""
    opts, meta = cases.cevennes(work)
    run = run_ruissel(work, opts, nranks=2).check_ok()
    with h5py.File(run.out_file) as f:
        _common(rep, f, "")
        b = attrs(f, "/budget")
        hyd = table(f, "/hydrographs/outflow")
        gt = np.asarray(attrs(f, "/grid")["geotransform"], dtype=float)
        z = f["/fields/z"][()]
    rep.check("outflow_m3 > 0", float(b["outflow_m3"]), 0.0, ok=float(b["outflow_m3"]) > 0.0)
    rep.check("final outflow rate > 0 (m3/s)", float(hyd["total"][-1]), 0.0, ok=float(hyd["total"][-1]) > 0.0)
    rep.info("rain_m3 / outflow_m3", f"{float(b['rain_m3']):.4g} / {float(b['outflow_m3']):.4g}")
    rep.check("geotransform kept", float(np.abs(gt - meta["geotransform"]).max()), 0.0,
              ok=np.array_equal(gt, np.asarray(meta["geotransform"])))
    rep.check("bed = DEM window", float(np.abs(z - meta["z"]).max()), 0.0, ok=np.array_equal(z, meta["z"]))


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def run_case(name, workroot):
    rep = Report(name)
    work = Path(workroot) / name
    work.mkdir(parents=True, exist_ok=True)
    try:
        CASES[name](rep, work)
    except Skipped as e:
        print(f"== {name}: SKIPPED ({e})")
        return SKIP
    except Exception as e:  # a run that broke is a failure, reported with what is known
        rep.rows.append(("run", type(e).__name__, "", False))
        rep.print()
        print(f"{name}: {e}", file=sys.stderr)
        return 1
    rep.print()
    return 1 if rep.failed() else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--case", action="append", choices=sorted(CASES), help="case to run (repeatable)")
    ap.add_argument("--all", action="store_true", help="run every case (the nightly suite)")
    ap.add_argument("--list", action="store_true", help="list the cases")
    ap.add_argument("--workdir", help="where inputs and results go (default: a new temp dir)")
    a = ap.parse_args(argv)
    if a.list:
        for k, fn in CASES.items():
            print(f"{k:22s} {fn.__doc__}")
        return 0
    names = list(CASES) if a.all else (a.case or [])
    if not names:
        ap.error("give --case NAME, --all or --list")
    root = Path(a.workdir) if a.workdir else Path(tempfile.mkdtemp(prefix="ruissel_validation_"))
    codes = {n: run_case(n, root) for n in names}
    if len(names) > 1:
        print("\nsummary: " + ", ".join(f"{n} {'passed' if c == 0 else 'SKIPPED' if c == SKIP else 'FAILED'}"
                                        for n, c in codes.items()))
    if any(c not in (0, SKIP) for c in codes.values()):
        return 1
    return SKIP if all(c == SKIP for c in codes.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
