#!/usr/bin/python3
"""Independent check (h5py, xml.etree) of the files test_h5 wrote: every value of the
fields in north-first row order, types, chunking, attributes (str for strings), the
/grid coordinates, the table, snapshots, and that the XDMF sidecar parses and references
existing datasets of the announced shape and precision.
Usage: check_h5.py PREFIX... (PREFIX.h5 and PREFIX.xmf)"""
import os
import sys

import h5py
import numpy as np

import xdmf_check

NX, NY = 23, 17
GT = (600000.0, 5.0, 0.0, 6800000.0, 0.0, -5.0)
failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def check_h5(path):
    rows = np.arange(NY)[:, None]
    cols = np.arange(NX)[None, :]
    v = cols + 1000.0 * (NY - 1 - rows)  # file row 0 is the north edge: j = ny-1-row
    with h5py.File(path, "r") as f:
        h = f["/fields/h"]
        expect(h.shape == (NY, NX) and h.dtype == np.float64, f"{path}: /fields/h {h.shape} {h.dtype}")
        expect(h.chunks == (NY, NX), f"{path}: chunks {h.chunks}")
        expect(np.array_equal(h[()], v), f"{path}: /fields/h values / row order")
        expect(np.array_equal(f["/fields/z"][()], 0.1 * v), f"{path}: /fields/z")
        expect(np.array_equal(f["/max/h"][()], v + 0.25), f"{path}: /max/h")
        hf = f["/fields/hf"]
        expect(hf.dtype == np.float32 and np.array_equal(hf[()], (v + 0.25).astype(np.float32)), f"{path}: /fields/hf")
        c = f["/landcover/class"]
        expect(c.dtype == np.uint8 and np.all(c[()] == 7), f"{path}: /landcover/class")
        for k, t in enumerate((0.0, 60.0)):
            g = f[f"/snapshots/{k:06d}"]
            expect(g.attrs["time"] == t, f"{path}: snapshot {k} time")
            for comp, name in enumerate(("h", "hu", "hv")):
                d = g[name]
                expect(d.dtype == np.float32 and np.array_equal(d[()], (v + 0.5 * comp).astype(np.float32)), f"{path}: snapshot {k} {name}")
        a = f["/grid"].attrs
        expect(int(a["nx"]) == NX and int(a["ny"]) == NY and a["nx"].shape == (), f"{path}: nx/ny")
        expect(a["dx"] == 5.0 and a["dy"] == 5.0, f"{path}: dx/dy")
        expect(tuple(a["geotransform"]) == GT, f"{path}: geotransform")
        expect(isinstance(a["crs_wkt"], str) and "Lambert-93" in a["crs_wkt"], f"{path}: crs_wkt {a['crs_wkt']!r:.60}")
        expect(np.array_equal(f["/grid/x"][()], GT[0] + (np.arange(NX) + 0.5) * GT[1]), f"{path}: /grid/x")
        expect(np.array_equal(f["/grid/y"][()], GT[3] + (np.arange(NY) + 0.5) * GT[5]), f"{path}: /grid/y")
        expect(np.array_equal(f["/grid/x_edges"][()], GT[0] + np.arange(NX + 1) * GT[1]), f"{path}: /grid/x_edges")
        expect(np.array_equal(f["/grid/y_edges"][()], GT[3] + np.arange(NY + 1) * GT[5]), f"{path}: /grid/y_edges")
        expect(int(f["/run"].attrs["steps"]) == 42, f"{path}: /run steps")
        expect(list(f["/budget/deep/er"].attrs["rain_m3"]) == [0.0, 60.0], f"{path}: nested attribute")
        opts = f["/provenance"].attrs["options"]
        expect(isinstance(opts, str) and len(opts) == 70000 and opts.startswith("-swe_cfl 0.45 "), f"{path}: long string attribute")
        t = f["/gauges/g1"]
        expect(t.attrs["columns"] == "time,h,hu,hv,eta", f"{path}: table columns")
        expect(np.array_equal(t[()], np.array([[0, 1, 2, 3, 4], [10, 11, 12, 13, 14]], float)), f"{path}: table values")


def check_xmf(xmf, h5):
    root = xdmf_check.check_xdmf(xmf, expect, nsnap=2)
    coll = root.find(".//Grid[@CollectionType='Temporal']")
    times = [float(g.find("Time").get("Value")) for g in coll.findall("Grid")] if coll is not None else []
    expect(times == [0.0, 60.0], f"{xmf}: times {times}")
    names = {a.get("Name") for a in coll.find("Grid").findall("Attribute")} if coll is not None else set()
    expect(names == {"z", "max_h", "h", "hu", "hv"}, f"{xmf}: attributes {names}")


def main(prefixes):
    for p in prefixes:
        h5, xmf = p + ".h5", p + ".xmf"
        expect(os.path.exists(h5) and os.path.exists(xmf), f"{p}: outputs missing (did test_h5 run?)")
        expect(not os.path.exists(h5 + ".part"), f"{h5}.part left behind")
        expect(not os.path.exists(p + "_failed.h5") and not os.path.exists(p + "_failed.h5.part"), f"{p}: failed run left a file")
        if os.path.exists(h5) and os.path.exists(xmf):
            check_h5(h5)
            check_xmf(xmf, h5)
    print("check_h5:", "FAILED" if failures else "passed", len(prefixes), "file(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
