"""Helpers for the rain tests: run the rain_dump driver and parse its intervals."""
import os
import shlex
import subprocess
import sys

EXE = sys.argv[1]


def run(args, np=1, expect_fail=False):
    mpi = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe"))
    cmd = mpi + ["-n", str(np), EXE] + [str(a) for a in args]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if expect_fail:
        if out.returncode == 0:
            sys.exit(f"FAIL: expected an error from {' '.join(cmd)}")
        return out.stdout + out.stderr
    if out.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)}\n{out.stdout}\n{out.stderr}")
    factor, iv = None, []
    for line in out.stdout.splitlines():
        w = line.split()
        if w and w[0] == "factor":
            factor = float(w[1])
        elif w and w[0] == "interval":
            iv.append(tuple(float(x) for x in w[1:]))
    return factor, iv


def check(cond, msg):
    if not cond:
        sys.exit("FAIL: " + msg)
