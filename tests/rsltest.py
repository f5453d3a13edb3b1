"""Shared helpers of the Python tests: run a program under mpiexec and fail with its output;
find the processes a launcher started."""
import os
from pathlib import Path
import shlex
import subprocess
import sys


def run_mpi(exe, args, np=1, expect_fail=False, timeout=300):
    """Run `exe args` on np ranks; return stdout, or stdout+stderr when a failure is expected.
    Exits the test with FAIL when the outcome is not the expected one."""
    mpi = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe"))
    cmd = mpi + ["-n", str(np), exe] + [str(a) for a in args]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if expect_fail:
        if out.returncode == 0:
            sys.exit(f"FAIL: expected an error from {' '.join(cmd)}")
        return out.stdout + out.stderr
    if out.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)}\n{out.stdout}\n{out.stderr}")
    return out.stdout


def mpi(exe, args, np=1, cwd=None, timeout=600):
    """Run `exe args` on np ranks in cwd; the CompletedProcess (text output), whatever the outcome."""
    cmd = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe")) + ["-n", str(np), exe] + [str(a) for a in args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd)


class Checks:
    """The checks of a test script: check() prints `ok   what` or `FAIL what` and keeps the
    failures; close() compares numbers; status() is the exit status (1 on any failure)."""

    def __init__(self):
        self.failures = []

    def __call__(self, cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            self.failures.append(what)
        return cond

    def close(self, a, b, what, tol=1e-12):
        return self(a is not None and abs(float(a) - b) <= tol * max(1.0, abs(b)), f"{what}: {a} == {b}")

    def status(self):
        if self.failures:
            print(f"{len(self.failures)} check(s) failed")
        return 1 if self.failures else 0


def descendants(pid):
    """Process ids below pid, children first (the ranks under mpiexec: Open MPI gives each its
    own process group, so they are found through their parents)."""
    parent = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parent[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        kids = [c for c, pp in parent.items() if pp == todo[0]]
        out += kids
        todo = todo[1:] + kids
    return out
