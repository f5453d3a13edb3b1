"""Helpers for the rain tests: run the rain_dump driver and parse its intervals."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from rsltest import run_mpi  # noqa: E402

EXE = sys.argv[1]


def run(args, np=1, expect_fail=False):
    out = run_mpi(EXE, args, np, expect_fail)
    if expect_fail:
        return out
    factor, iv = None, []
    for line in out.splitlines():
        w = line.split()
        if w and w[0] == "factor":
            factor = float(w[1])
        elif w and w[0] == "interval":
            iv.append(tuple(float(x) for x in w[1:]))
    return factor, iv


def check(cond, msg):
    if not cond:
        sys.exit("FAIL: " + msg)
