"""Checkpoint/restart gives the uninterrupted run (issue 9), whatever stops it and on whatever
number of ranks it resumes:
  1. kill -9 of a 2-rank run in the middle of its second checkpoint write: the first checkpoint
     stays valid; the restart on 3 ranks, with -swe_tfinal extended, finishes the run;
  2. SIGUSR1 to a 1-rank run: one line, a checkpoint, exit status 3; the restart on 2 ranks;
  3. SIGUSR1 to a 2-rank run, restart on 2 ranks: the same decomposition (result compressed,
     -out_compress 3, against the uncompressed reference).
Compared with uninterrupted runs: fields, maxima, parameters, snapshots, gauges, steps, time
bitwise; the budget and the outlet hydrographs (sums over ranks) bitwise in case 3 and to
round-off otherwise, as between uninterrupted runs on different rank counts."""
import shutil
import signal
from pathlib import Path

import h5py

from restartlib import Proc, check, compare, finish, make_case, ruissel_lines, run


def ckpt_time(path):
    with h5py.File(path) as f:
        return float(f.attrs["time"])


def main():
    work = Path.cwd() / "restart_work" / "ranks"
    shutil.rmtree(work, ignore_errors=True)
    opts = make_case(work)  # tfinal 200 s
    for np_ in (1, 2):
        rc, out = run(work, {**opts, "out_file": f"ref{np_}.h5"}, np_, f"ref{np_}")
        check(f"uninterrupted run on {np_} rank(s)", rc == 0, out[-800:] if rc else "")

    # 1. kill -9 during a checkpoint write
    o = {**opts, "out_file": "k.h5", "checkpoint_interval": 40, "swe_tfinal": 120}
    p = Proc(work, o, 2, "kill", env={"RUISSEL_TEST_CHECKPOINT_STALL": "2"})
    check("2 ranks: the second checkpoint write stalls (test hook)", p.wait_for("stalls before completion"), p.text()[-800:])
    p.kill9()
    check("kill -9: the checkpoint file is the first one (t = 40 s)", (work / "k.ckpt.h5").exists() and ckpt_time(work / "k.ckpt.h5") == 40.0)
    check("kill -9: the interrupted write left k.ckpt.h5.part", (work / "k.ckpt.h5.part").exists())
    rc, out = run(work, {**o, "swe_tfinal": 200, "restart": "auto"}, 3, "kill_restart")
    check("restart on 3 ranks (-restart auto, -swe_tfinal 120 -> 200)", rc == 0 and "[run] resumed from k.ckpt.h5 at t = 40 s" in out, out[-1500:] if rc else "")
    if rc == 0:
        compare("kill -9 on 2 ranks, resumed on 3", work / "k.h5", work / "ref2.h5", exact_all=False)
    check("completed: no checkpoint or .part left", not any((work / n).exists() for n in ("k.ckpt.h5", "k.ckpt.h5.part", "k.h5.part")))

    # 2, 3. SIGUSR1 (what Slurm sends with --signal=B:USR1@margin); a 10x longer run, so the
    # signal surely comes before its end; the restart asks for the case's final time
    for np0, np1, exact in ((1, 2, False), (2, 2, True)):
        tag = f"sig{np0}{np1}"
        # case 3 also writes a compressed result: the resumed file goes on compressing
        o = {**opts, "out_file": f"{tag}.h5", "checkpoint_interval": 1000, "swe_tfinal": 2000, "progress_interval": 0.2, "out_compress": 3 if exact else 0}
        p = Proc(work, o, np0, tag)
        check(f"{tag}: the run progresses", p.wait_for("ruissel: t "), p.text()[-800:])
        p.signal(signal.SIGUSR1)
        rc = p.wait(120)
        lines = [l for l in ruissel_lines(p.text()) if "SIGUSR1" in l]
        check(f"{tag}: SIGUSR1 -> exit status 3", rc == 3, f"exit {rc}")
        check(f"{tag}: one line says so", len(lines) == 1 and "stopped by SIGUSR1 at t = " in lines[0], lines)
        ok = (work / f"{tag}.ckpt.h5").exists() and (work / f"{tag}.h5.part").exists() and not (work / f"{tag}.h5").exists()
        check(f"{tag}: checkpoint and partial result kept, no result", ok)
        if not ok:
            continue
        t = ckpt_time(work / f"{tag}.ckpt.h5")
        check(f"{tag}: checkpoint time {t:.3f} s inside the case's 200 s", 0 < t < 200)
        rc, out = run(work, {**o, "swe_tfinal": 200, "restart": f"{tag}.ckpt.h5", "progress_interval": 0}, np1, f"{tag}_restart")
        check(f"{tag}: restart on {np1} rank(s)", rc == 0, out[-1500:] if rc else "")
        if rc == 0:
            compare(f"SIGUSR1 on {np0} rank(s), resumed on {np1}", work / f"{tag}.h5", work / f"ref{np1}.h5", exact_all=exact)
    finish()


if __name__ == "__main__":
    main()
