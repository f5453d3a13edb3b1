"""A failing ensemble member does not take the others down (issue 9): members with bad options
(caught before anything runs) and with a failure in the middle of their run (the second rain
raster of the series has another size: a collective error at t = 20 s, on a group of 1 rank
and on a group of 2 ranks) are reported with their name and error on stderr, leave no result
or .part behind, and are marked `failed` (with the error) in the summary; the other members
complete with results bitwise equal to separate runs; the exit status is 1."""
import csv
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "restart"))
from restartlib import EXE, MPI, NODATA, X0, Y0, check, finish, fractal_terrain, write_raster  # noqa: E402


def run(work, np_, args):
    p = subprocess.run(MPI + ["-n", str(np_), EXE] + args, cwd=work, capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def main():
    work = Path.cwd() / "ensemble_failures_work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    nx, ny, dx = 60, 40, 5.0
    z = fractal_terrain(nx, ny, 5, relief=6.0)
    z[30:, 50:] = NODATA
    write_raster(work / "dem.tif", z, X0, Y0, dx, nodata=NODATA)
    write_raster(work / "r1.tif", np.full((ny // 2, nx // 2), 60.0), X0, Y0, 2 * dx)
    write_raster(work / "r2.tif", np.full((ny // 4, nx // 4), 60.0), X0, Y0, 4 * dx)  # another size
    (work / "ok.opts").write_text("-rain_rate 50\n")
    (work / "badopts.opts").write_text("-rain_rate 50\n-swe_cfl 3\n")
    (work / "midrun.opts").write_text("-rain_raster_series r1.tif,r2.tif\n-rain_raster_dt 20\n")
    base = ["-dem", "dem.tif", "-stages", "swe", "-swe_tfinal", "60", "-swe_manning", "0.05", "-swe_bc_east", "free",
            "-out_ts_interval", "5", "-progress_interval", "0"]

    for np_, members in ((2, ["ok1", "badopts", "midrun", "ok2"]), (4, ["midrun", "ok1"])):
        tag = f"np{np_}"
        args = base + ["-ensemble", ",".join(members), "-out_file", f"{tag}.h5"]
        for m in members:
            args += [f"-ensemble_{m}", ("ok" if m.startswith("ok") else m) + ".opts"]
        rc, out, err = run(work, np_, args)
        print(f"--- {tag}: {members}, exit {rc}\n{err.strip()}")
        check(f"{tag}: exit status 1", rc == 1, out[-1500:] + err[-1500:])
        if "badopts" in members:
            lines = [l for l in err.splitlines() if "ensemble member 'badopts'" in l]
            check(f"{tag}: bad options reported once with the member's name and the option", len(lines) == 1 and "-swe_cfl" in lines[0], lines)
        lines = [l for l in err.splitlines() if "ensemble member 'midrun' failed" in l]
        check(f"{tag}: the mid-run failure reported once with the member's name and the file", len(lines) == 1 and "r2.tif" in lines[0], lines)
        rows = {r["scenario"]: r for r in csv.DictReader(open(work / f"{tag}_summary.csv"))}
        for m in members:
            failed = not m.startswith("ok")
            r = rows.get(m, {})
            check(f"{tag}: summary marks {m} {'failed' if failed else 'ok'}", r.get("status") == ("failed" if failed else "ok") and (bool(r.get("error")) == failed), r)
            left = [q.name for q in work.glob(f"{tag}_{m}.*")]
            if failed:
                check(f"{tag}: nothing left of {m}", not left, left)
            else:
                with h5py.File(work / f"{tag}_{m}.h5") as f:
                    ens = {d: f[d][()] for d in ("/fields/h", "/fields/hu", "/max/h")}
                    budget = float(f["/budget"].attrs["relative_error"])
                rc1, o1, e1 = run(work, 1, base + ["-options_file", "ok.opts", "-out_file", f"sep_{m}.h5"])
                with h5py.File(work / f"sep_{m}.h5") as f:
                    same = all(np.array_equal(ens[d].view(np.uint64), f[d][()].view(np.uint64)) for d in ens)
                check(f"{tag}: {m} complete, equal to a separate run, budget closes", rc1 == 0 and same and abs(budget) < 1e-12, (rc1, e1[-500:], budget))
    finish()


if __name__ == "__main__":
    main()
