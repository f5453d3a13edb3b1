"""What a restart refuses, and how signals end a run (issue 9, issue 14 item 2):
  - a checkpoint of another run (another option, input file or DEM content, not a checkpoint,
    a final time before the checkpoint's) is refused with one error line naming what differs,
    leaving the checkpoint as it was and no result; a changed -swe_tfinal, checkpoint interval
    or progress interval is accepted;
  - SIGTERM or SIGINT without checkpoint options: one line "terminated by SIG... at t = ...
    (no checkpoint requested)", the .part removed, a non-zero exit status;
  - a second signal aborts at once, even while a checkpoint is being written."""
import shutil
import signal
from pathlib import Path

import h5py

from restartlib import Proc, check, finish, make_case, ruissel_lines, run
from validation.harness import read_raster, write_raster


def main():
    work = Path.cwd() / "restart_work" / "refused"
    shutil.rmtree(work, ignore_errors=True)
    opts = make_case(work)
    # a checkpoint on -checkpoint_walltime (8 s: after the set-up, long before the end, which
    # no machine reaches in 8 s: 2000 s of simulation took 4.6 s on a fast one)
    o = {**opts, "out_file": "w.h5", "swe_tfinal": 50000, "checkpoint_walltime": 8}
    rc, out = run(work, o, 2, "walltime")
    check("-checkpoint_walltime: exit status 3 after one line", rc == 3 and len([l for l in ruissel_lines(out) if "stopped by -checkpoint_walltime" in l]) == 1, out[-1500:])
    ck = work / "w.ckpt.h5"
    stamp = ck.stat().st_mtime_ns if ck.exists() else None

    (work / "hyeto2.csv").write_text((work / "hyeto.csv").read_text().replace("150", "151"))
    z, gt, _, nodata = read_raster(work / "dem.tif")
    shutil.copy(work / "dem.tif", work / "dem_orig.tif")
    refused = [  # (what, option overrides, token the error line must contain, setup)
        ("another Courant number", {"swe_cfl": 0.3}, "-swe_cfl", None),
        ("another hyetograph file", {"rain_hyetograph": "hyeto2.csv"}, "-rain_hyetograph", None),
        ("the DEM changed in place", {}, "bed elevation", "dem"),
        ("not a checkpoint", {"restart": "dem.tif"}, "dem.tif", None),
        ("a missing checkpoint", {"restart": "no_such.ckpt.h5"}, "no_such.ckpt.h5", None),
        ("a final time before the checkpoint's", {"swe_tfinal": 1e-3}, "-swe_tfinal", None),
    ]
    for what, over, token, setup in refused:
        if setup == "dem":
            z2 = z.copy()
            z2[10, 10] += 0.01
            write_raster(work / "dem.tif", z2, gt[0], gt[3], gt[1], nodata=nodata)
        rc, out = run(work, {**o, "checkpoint_walltime": 0, "restart": "w.ckpt.h5", **over}, 2, "refused")
        if setup == "dem":
            shutil.copy(work / "dem_orig.tif", work / "dem.tif")
        errors = {l.strip() for l in out.splitlines() if "error" in l and "ruissel" in l}
        check(f"refused, {what}: exit status 1, one error line naming '{token}'",
              rc == 1 and len(errors) == 1 and token in next(iter(errors)), errors or out[-800:])
        check(f"refused, {what}: checkpoint untouched, no result", ck.exists() and ck.stat().st_mtime_ns == stamp and not (work / "w.h5").exists())

    with h5py.File(ck) as f:
        t = float(f.attrs["time"])
    rc, out = run(work, {**o, "checkpoint_walltime": 0, "restart": "auto", "swe_tfinal": t + 20, "checkpoint_interval": 10, "progress_interval": 5}, 2, "accepted")
    check("accepted: -swe_tfinal, -checkpoint_interval, -progress_interval changed", rc == 0 and "resumed from w.ckpt.h5" in out, out[-1500:])

    # signals without checkpoint options (a long run, so the signal comes first): SIGTERM to
    # the launcher (which forwards it), SIGINT to the ranks themselves (as srun forwards a
    # Ctrl-C; mpiexec turns one into SIGTERM)
    for sig, name in ((signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT")):
        tag = name.lower()
        p = Proc(work, {**opts, "out_file": f"{tag}.h5", "swe_tfinal": 2000, "progress_interval": 0.2}, 2, tag)
        check(f"{name}: the run progresses", p.wait_for("ruissel: t "), p.text()[-800:])
        if sig == signal.SIGTERM:
            p.signal(sig)
        else:
            p.signal_ranks(sig)
        rc = p.wait(60)
        lines = [l for l in ruissel_lines(p.text()) if name in l]
        check(f"{name}: exit status non-zero, not 3", rc not in (0, 3, None), f"exit {rc}")
        check(f"{name}: one line 'terminated by {name} at t = ... (no checkpoint requested)'",
              len(lines) == 1 and f"terminated by {name} at t = " in lines[0] and "(no checkpoint requested)" in lines[0], lines or p.text()[-800:])
        left = [n for n in (f"{tag}.h5", f"{tag}.h5.part", f"{tag}.ckpt.h5", f"{tag}.xmf") if (work / n).exists()]
        check(f"{name}: nothing left behind", not left, left)

    # a second signal aborts, here while the checkpoint the first one asked for is written
    p = Proc(work, {**opts, "out_file": "abort.h5", "swe_tfinal": 2000, "checkpoint_interval": 1000, "progress_interval": 0.2}, 2, "abort",
             env={"RUISSEL_TEST_CHECKPOINT_STALL": "1"})
    check("second signal: the run progresses", p.wait_for("ruissel: t "), p.text()[-800:])
    p.signal(signal.SIGUSR1)
    check("second signal: the checkpoint write stalls (test hook)", p.wait_for("stalls before completion"), p.text()[-800:])
    p.signal(signal.SIGUSR1)
    rc = p.wait(30)
    check("second signal: the run ends at once, non-zero", rc not in (None, 0, 3), f"exit {rc}")
    check("second signal: 'aborting' said, no checkpoint file", "second signal: aborting" in p.text() and not (work / "abort.ckpt.h5").exists(), p.text()[-800:])
    finish()


if __name__ == "__main__":
    main()
