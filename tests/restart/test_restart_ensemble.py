"""An ensemble resumes member by member (issue 9): 3 members on 2 groups of ranks, SIGUSR1 just
after the first member completed. The job checkpoints what runs (exit status 3, no summary);
`-restart auto` keeps the completed member (recognised by its fingerprint, summary read back),
resumes the checkpointed one, starts the one that had not started. Every member's result and
the summary equal those of an uninterrupted ensemble, bitwise (same decomposition)."""
import csv
import shutil
import signal
from pathlib import Path

from restartlib import Proc, check, compare, finish, make_case, run


def main():
    work = Path.cwd() / "restart_work" / "ensemble"
    shutil.rmtree(work, ignore_errors=True)
    opts = make_case(work)
    (work / "wet.csv").write_text("time_s,mm_per_h\n0,120\n80,200\n140,0\n")
    (work / "b.opts").write_text("-scenario_type climate\n")
    (work / "c.opts").write_text("-rain_hyetograph wet.csv\n")
    ens = {**opts, "ensemble": "a,b,c", "ensemble_b": "b.opts", "ensemble_c": "c.opts"}
    rc, out = run(work, {**ens, "out_file": "ref.h5"}, 2, "ref")
    check("uninterrupted ensemble", rc == 0, out[-1500:])

    p = Proc(work, {**ens, "out_file": "ens.h5", "checkpoint_interval": 1000}, 2, "ens")
    check("member a completes", p.wait_for("[a] wrote"), p.text()[-800:])
    p.signal(signal.SIGUSR1)
    rc = p.wait(120)
    text = p.text()
    check("SIGUSR1: exit status 3", rc == 3, f"exit {rc}: {text[-1500:]}")
    check("SIGUSR1: the job's line, no summary", "ruissel: stopped by SIGUSR1:" in text and not (work / "ens_summary.csv").exists())
    check("member c checkpointed or not started", (work / "ens_c.ckpt.h5").exists() or "not started" in text)

    rc, out = run(work, {**ens, "out_file": "ens.h5", "checkpoint_interval": 1000, "restart": "auto"}, 2, "resume")
    check("-restart auto completes the ensemble", rc == 0, out[-1500:])
    check("the completed member is kept, not run again", "[a] wrote" not in out and "ens_a.h5 is already complete" in out, out[-1500:])
    for m in "abc":
        compare(f"member {m}", work / f"ens_{m}.h5", work / f"ref_{m}.h5", exact_all=True)
    rows = [list(csv.DictReader(open(work / f"{n}_summary.csv"))) for n in ("ens", "ref")]
    strip = [[{k: v for k, v in r.items() if k != "wall_s"} for r in rs] for rs in rows]
    check("summary equal (but wall times)", strip[0] == strip[1], rows)
    left = [q.name for q in work.glob("ens*.part")] + [q.name for q in work.glob("ens*.ckpt.h5")]
    check("no checkpoint or .part left", not left, left)
    finish()


if __name__ == "__main__":
    main()
