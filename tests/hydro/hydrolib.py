"""Helpers for the hydro tests: run hydro_dump, read its PETSc binary fields, tables."""
import csv
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from rsltest import run_mpi  # noqa: E402

EXE = sys.argv[1]
SRC = os.environ.get("RUISSEL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
FIELDS = ("manning", "impervious", "ks", "psi_dtheta", "ia")


def run(args, np_=1, expect_fail=False):
    return run_mpi(EXE, args, np_, expect_fail)


def read_fields(path, ny, nx):
    """The 5 Vecs of a dump, as ny x nx arrays with row 0 = SOUTH (grid j).
    A Vec's header is its class id and length as two PetscInt (int32, or int64 in a
    64-bit-index build)."""
    raw = open(path, "rb").read()
    isize = 8 if len(raw) == len(FIELDS) * (16 + 8 * nx * ny) else 4
    out, off = {}, 0
    for name in FIELDS:
        cid, n = np.frombuffer(raw, ">i%d" % isize, 2, off)
        assert cid == 1211214 and n == nx * ny
        out[name] = np.frombuffer(raw, ">f8", n, off + 2 * isize).reshape(ny, nx)
        off += 2 * isize + 8 * n
    return out


def table(path):
    rows = [l for l in open(path) if not l.lstrip().startswith("#")]
    t = {}
    for r in csv.DictReader(rows):
        t[int(r["class"])] = {k: float(r[k]) for k in ("manning_n", "impervious_fraction", "ks_m_per_s", "suction_m", "moisture_deficit", "initial_abstraction_m")}
    return t


def aggregate(t, w):
    """The documented rule for weights w[class] (numpy arrays ny x nx) -> dict of fields."""
    tot = sum(w.values())
    with np.errstate(invalid="ignore", divide="ignore"):  # empty cells are replaced by the caller
        imp = sum(w[c] * t[c]["impervious_fraction"] for c in w) / tot
        n = tot / sum(w[c] / t[c]["manning_n"] for c in w)
        p = {c: w[c] * (1 - t[c]["impervious_fraction"]) for c in w}
        P = sum(p.values())
        ks = np.where(P > 0, sum(p[c] * t[c]["ks_m_per_s"] for c in w) / P, 0.0)
        S = np.where(P > 0, sum(p[c] * t[c]["suction_m"] * t[c]["moisture_deficit"] for c in w) / P, 0.0)
        ia = sum(w[c] * t[c]["initial_abstraction_m"] for c in w) / tot
    return {"manning": n, "impervious": imp, "ks": ks, "psi_dtheta": S, "ia": ia}


def check(cond, msg):
    if not cond:
        sys.exit("FAIL: " + msg)
