#!/usr/bin/python3
"""ruissel post-processing: maps, hydrographs, indicators, scenario comparison and reports
from ruissel HDF5 results. Needs Debian's python3 (numpy, h5py, matplotlib, GDAL).

  ruissel_post.py maps RESULT.h5 --out DIR            max depth, max speed, hazard (PNG)
  ruissel_post.py hydrograph RESULT.h5 [--out DIR]    outflow + gauges: PNG and CSV
  ruissel_post.py indicators RESULT.h5 [--zones Z.tif] [--out DIR]   CSV + JSON
  ruissel_post.py compare A.h5 B.h5 ... --out DIR     table vs A + difference maps
  ruissel_post.py report RESULT.h5 --out DIR [--zones Z.tif] [--compare B.h5 ...]

Exit status 0 on success, 1 with a one-line message on bad input."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rslpost import compare, hydrograph, indicators, maps, report  # noqa: E402
from rslpost.result import Result, ResultError  # noqa: E402


def _common(p, out_default=None):
    p.add_argument("--out", default=out_default, required=out_default is None, help="output directory")
    p.add_argument("--depth-threshold", type=float, default=0.1, help="flooded = max depth above this (m), default 0.1")
    p.add_argument("--min-depth", type=float, default=0.01, help="maps leave cells whose max depth stayed below this (m) transparent, default 0.01")


def parser():
    ap = argparse.ArgumentParser(prog="ruissel_post.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("maps", help="max depth, max speed and hazard maps (PNG)")
    p.add_argument("result")
    _common(p)
    p = sub.add_parser("hydrograph", help="outflow hydrograph and gauge series (PNG + CSV)")
    p.add_argument("result")
    _common(p, ".")
    p = sub.add_parser("indicators", help="flooded area, max depth, volume, runoff coefficient (CSV + JSON)")
    p.add_argument("result")
    p.add_argument("--zones", help="integer zone raster on the result's grid (GDAL); nodata ignored")
    _common(p, ".")
    p = sub.add_parser("compare", help="scenario comparison, the first result is the reference")
    p.add_argument("results", nargs="+")
    _common(p)
    p = sub.add_parser("report", help="everything above into report.md + report.html")
    p.add_argument("result")
    p.add_argument("--zones")
    p.add_argument("--compare", nargs="*", default=[], metavar="OTHER.h5", help="scenarios to compare with this one")
    _common(p)
    return ap


def run(a):
    if a.cmd == "maps":
        return maps.make_maps(Result(a.result), a.out, a.min_depth)
    if a.cmd == "hydrograph":
        return hydrograph.make_hydrograph(Result(a.result), a.out)
    if a.cmd == "indicators":
        rows = indicators.compute(Result(a.result), a.zones, a.depth_threshold)
        os.makedirs(a.out, exist_ok=True)
        paths = [os.path.join(a.out, "indicators.csv"), os.path.join(a.out, "indicators.json")]
        indicators.write(rows, *paths)
        print(compare.markdown(rows), end="")
        return paths
    if a.cmd == "compare":
        rows, paths = compare.make_compare([Result(p) for p in a.results], a.out, a.depth_threshold, a.min_depth)
        print(compare.markdown(rows), end="")
        return paths
    return list(report.make_report(Result(a.result), a.out, a.zones, a.depth_threshold, a.min_depth,
                                   [Result(p) for p in a.compare]))


def main(argv=None):
    a = parser().parse_args(argv)
    try:
        for p in run(a):
            print(f"ruissel_post: wrote {p}")
    except ResultError as e:
        print(f"ruissel_post: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
