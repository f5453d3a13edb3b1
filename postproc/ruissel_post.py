#!/usr/bin/python3
"""ruissel post-processing: maps, hydrographs, indicators, scenario comparison, GIS exports
and reports from ruissel HDF5 results. Needs Debian's python3 (numpy, h5py, matplotlib, GDAL).

  ruissel_post.py maps RESULT.h5 --out DIR            depth, speed, h|u|, hazard, arrival, duration (PNG)
  ruissel_post.py hydrograph RESULT.h5 [--out DIR] [--observed OBS.csv]   PNG and CSV
  ruissel_post.py indicators RESULT.h5 [--zones Z] [--out DIR]   CSV + JSON (domain, zones)
  ruissel_post.py compare A.h5 B.h5 ... --out DIR     tables vs A (domain, zones) + difference maps
  ruissel_post.py export RESULT.h5 --out DIR [--compare B.h5 ...]   COG + .qml, GeoPackage
  ruissel_post.py report RESULT.h5 --out DIR [--compare B.h5 ...] [--zones Z] [--observed OBS.csv]

Zones: the run's own (-zones), or --zones Z: a polygon layer (any OGR source and CRS, with
--zones-field NAME) or a zone raster (any resolution and CRS). The flooded depth is the
run's -hazard_threshold (0.01 m by default) unless --depth-threshold is given.
Fields are read by blocks of rows within --block-mb MiB (default 256), never whole. Under
mpiexec (or with --mpi) indicators, compare and export split the blocks among the ranks:
  mpiexec -n 4 /usr/bin/python3 ruissel_post.py export RESULT.h5 --out DIR [--vrt]
gives the same files and numbers as one process.
Exit status 0 on success, 1 with a one-line message on bad input."""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rslpost import compare, export, hydrograph, indicators, maps, report  # noqa: E402
from rslpost import parallel  # noqa: E402
from rslpost.result import BLOCK_MB, Result, ResultError  # noqa: E402


def _common(p, out_default=None):
    p.add_argument("--out", default=out_default, required=out_default is None, help="output directory")
    p.add_argument("--block-mb", type=float, default=BLOCK_MB,
                   help="memory budget of the fields read at once (MiB, default %(default)g): fields are read by blocks of rows")
    p.add_argument("--mpi", action="store_true", help="use MPI (mpi4py) even when not launched by mpiexec")
    p.add_argument("--depth-threshold", type=float, help="flooded = max depth above this (m); default: the run's -hazard_threshold (0.01)")
    p.add_argument("--min-depth", type=float, help="maps leave cells whose max depth stayed below this (m) transparent; default: the flood depth")


def _zones(p):
    p.add_argument("--zones", help="zones: a polygon layer (any OGR source and CRS; with --zones-field) or an integer raster (any grid)")
    p.add_argument("--zones-field", help="attribute naming the zones of a polygon layer (e.g. INSEE_COM)")


def parser():
    ap = argparse.ArgumentParser(prog="ruissel_post.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("maps", help="maximum depth, speed, h|u|, hazard, arrival and duration maps (PNG)")
    p.add_argument("result")
    _zones(p)
    _common(p)
    p = sub.add_parser("hydrograph", help="outflow hydrograph and gauge series (PNG + CSV)")
    p.add_argument("result")
    p.add_argument("--observed", help="observed data, CSV time_s,outflow|<gauge>,... (m3/s, m)")
    _common(p, ".")
    p = sub.add_parser("indicators", help="flooded area, hazard, depth, volume, runoff per zone (CSV + JSON)")
    p.add_argument("result")
    _zones(p)
    _common(p, ".")
    p = sub.add_parser("compare", help="scenario comparison, the first result is the reference")
    p.add_argument("results", nargs="+")
    _common(p)
    p = sub.add_parser("export", help="Cloud Optimized GeoTIFFs with QGIS styles and a GeoPackage of the vector products")
    p.add_argument("result")
    p.add_argument("--compare", nargs="*", default=[], metavar="OTHER.h5", help="scenarios whose zone tables join the GeoPackage")
    p.add_argument("--landcover", help="land-cover class raster to export (default: the one the run used)")
    p.add_argument("--vrt", action="store_true",
                   help="keep each raster as a VRT mosaic of per-rank tiled GeoTIFFs instead of translating it into one COG")
    _zones(p)
    _common(p)
    p = sub.add_parser("report", help="everything above into report.md + report.html")
    p.add_argument("result")
    p.add_argument("--compare", nargs="*", default=[], metavar="OTHER.h5", help="scenarios to compare with this one")
    p.add_argument("--observed", help="observed data for the hydrographs, CSV time_s,outflow|<gauge>,...")
    _zones(p)
    _common(p)
    return ap


def check_depths(a):
    """--depth-threshold > 0 and --min-depth >= 0, finite, at most 1e3 m (argparse takes nan and -1)."""
    for opt, v, low in (("--depth-threshold", getattr(a, "depth_threshold", None), 0.0), ("--min-depth", getattr(a, "min_depth", None), None)):
        if v is not None and not (math.isfinite(v) and (v > low if low is not None else v >= 0) and v <= 1e3):
            raise ResultError(f"{opt}: {v:g} m must be {'> 0' if low is not None else '>= 0'} and at most 1e3")


def run(a):
    """The subcommand's output paths. indicators, compare and export are collective under
    MPI (blocks split among ranks, files written by rank 0 or each rank's tiles); maps,
    hydrograph and report run on rank 0 alone."""
    check_depths(a)
    c = parallel.comm(a.mpi)
    if a.cmd in ("maps", "hydrograph", "report") and c.rank != 0:
        return []
    if a.cmd in ("maps", "hydrograph", "report"):
        c = parallel.SERIAL

    def result(path):
        return Result(path, a.block_mb, c)

    if a.cmd == "maps":
        res = result(a.result)
        outlines = maps.zone_outlines(res, a.zones, a.zones_field) if a.zones else None
        return maps.make_maps(res, a.out, a.min_depth, outlines)
    if a.cmd == "hydrograph":
        return hydrograph.make_hydrograph(result(a.result), a.out, a.observed)
    if a.cmd == "indicators":
        rows = indicators.compute(result(a.result), a.zones, a.depth_threshold, a.zones_field)
        if c.rank != 0:
            return []
        os.makedirs(a.out, exist_ok=True)
        paths = [os.path.join(a.out, "indicators.csv"), os.path.join(a.out, "indicators.json")]
        indicators.write(rows, *paths)
        print(compare.markdown(report.display(rows)), end="")
        return paths
    if a.cmd == "compare":
        rows, zrows, paths = compare.make_compare([result(p) for p in a.results], a.out, a.depth_threshold, a.min_depth)
        if c.rank == 0:
            print(compare.markdown(report.display(rows)), end="")
            if zrows:
                print(compare.markdown(report.display(zrows)), end="")
        return paths
    if a.cmd == "export":
        paths = export.export(result(a.result), a.out, [result(p) for p in a.compare], a.landcover, a.zones, a.zones_field,
                              "vrt" if a.vrt else "cog")
        return paths if c.rank == 0 else []
    return list(report.make_report(result(a.result), a.out, a.zones, a.depth_threshold, a.min_depth,
                                   [result(p) for p in a.compare], a.observed, a.zones_field))


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
