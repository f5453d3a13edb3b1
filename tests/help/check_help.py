#!/usr/bin/python3
"""`ruissel -help` is readable and complete (issue 12):
  - it lists ruissel's options only, grouped by stage (PETSc's own -log_view, -dm_*, -sf_*
    only with -help_petsc), each with its default;
  - the option names it lists are exactly those of the user guide's option tables
    (docs/user-guide.md, sections 2 and 3): nothing undocumented, nothing documented but absent;
  - a misspelt option gets "did you mean": -dme (a required option, so the run stops) and
    -swe_tfnal (a warning at the end of a run), and an unknown but not close one none;
  - the values given show as [now: ...].
Usage: check_help.py WORKDIR"""
import os
import re
import sys

SRC = os.environ.get("RUISSEL_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXE = os.environ.get("RUISSEL_EXE", os.path.join(SRC, "build", "ruissel"))
sys.path.insert(0, os.path.join(SRC, "tests"))
from rsltest import Checks, mpi  # noqa: E402

check = Checks()


def ruissel(*args, np_=1, cwd=None):
    return mpi(EXE, args, np_, cwd, timeout=300)


def help_names(text):
    return {m.group(1) for m in re.finditer(r"^  (-[A-Za-z0-9_<>]+)", text, re.M)}


def guide_names():
    """Option names in the first column of the option tables of the user guide (sections 2,
    Running, and 3, Options)."""
    text = open(os.path.join(SRC, "docs", "user-guide.md"), encoding="utf-8").read()
    sec = text.split("\n## 2.", 1)[1].split("\n## 4.", 1)[0]
    names = set()
    for line in sec.splitlines():
        if line.startswith("| `-"):
            first = re.split(r"(?<!\\)\|", line)[1]
            for code in re.findall(r"`([^`]*)`", first):
                names |= set(re.findall(r"(?:^|[\s,])(-[A-Za-z<][A-Za-z0-9_<>]*)", code))
    return names


def main():
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    r = ruissel("-help")
    out = r.stdout
    check(r.returncode == 0, f"-help exits 0 ({r.stderr[-300:]})")
    lines = out.splitlines()
    got = help_names(out)
    # one line per option (long texts wrap onto indented lines), section titles and a header;
    # PETSc's boilerplate added ~100
    heads = [line for line in lines if not line.startswith(" " * 20)]
    check(len(heads) < len(got) + 60, f"-help is {len(heads)} lines (not counting wrapped text) for {len(got)} options")
    petsc = {n for n in got if n.startswith(("-sf_", "-dm_", "-log", "-malloc", "-device", "-vec_", "-on_error"))}
    check(not petsc and "Options for all PETSc programs" not in out, f"no PETSc option in -help ({sorted(petsc)[:5]})")
    titles = [line[:-1] for line in lines if line and not line.startswith(" ") and line.endswith(":")]
    check(len(titles) >= 8, f"options grouped in {len(titles)} stage sections")
    order = [t for t in titles if t.startswith(("Job", "Segmentation stage", "Hydraulic", "Rain", "Shallow", "Zones"))]
    check([t.split()[0] for t in order] == ["Job:", "Segmentation", "Hydraulic", "Rain", "Shallow-water", "Zones:"],
          f"sections in stage order: {order}")
    check(re.search(r"^  -swe_cfl <0\.95>\s+Courant number", out, re.M) is not None, "an option line: -swe_cfl <0.95> Courant number")
    doc = guide_names()
    missing, undocumented = sorted(doc - got), sorted(got - doc)
    check(not missing, f"every option of the user guide's tables is in -help ({len(doc)}; missing: {missing})")
    check(not undocumented, f"every option of -help is in the user guide's tables ({len(got)}; undocumented: {undocumented})")
    full = ruissel("-help_petsc").stdout
    check("-log_view" in full and "-dm_view" in full.replace("-dm_view_", "") or "-dm_" in full, "-help_petsc adds PETSc's own options")
    check(help_names(full) >= got, "-help_petsc keeps ruissel's options")
    now = ruissel("-help", "-swe_cfl", "0.9").stdout
    check(re.search(r"^  -swe_cfl <0\.95>[^\n]*(\n {30,}[^\n]*)*\[now: 0\.9\]", now, re.M) is not None, "a given value shows as [now: 0.9]")

    # did you mean: a required option misspelt stops the run on every rank, with the hint
    r = ruissel("-dme", "dem.tif", "-swe_tfinal", "10", np_=2, cwd=work)
    err = r.stderr
    check(r.returncode == 1 and "-dem: a terrain raster is required" in err, "-dme: the run stops, -dem missing")
    check(err.count("did you mean -dem?") == 1 and "option -dme" in err, "-dme: one 'did you mean -dem?'")
    # ... and a misspelt optional one is a warning at the end of the run
    import numpy as np
    from osgeo import gdal, osr
    dem = os.path.join(work, "dem.tif")
    ds = gdal.GetDriverByName("GTiff").Create(dem, 8, 6, 1, gdal.GDT_Float32)
    ds.SetGeoTransform((700000.0, 10.0, 0.0, 6300000.0, 0.0, -10.0))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(2154)
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(np.full((6, 8), 100.0, np.float32))
    ds = None
    r = ruissel("-dem", "dem.tif", "-swe_max_steps", "2", "-swe_tfnal", "10", "-qqqqzzzz", "1", "-progress_interval", "0",
                "-out_file", "run.h5", np_=2, cwd=work)
    check(r.returncode == 0 and "option -swe_tfnal is not an option of ruissel: did you mean -swe_tfinal?" in r.stdout,
          f"-swe_tfnal: did you mean -swe_tfinal? ({r.stdout[-400:]}{r.stderr[-400:]})")
    check("-qqqqzzzz" in r.stdout and "did you mean" not in r.stdout.split("-qqqqzzzz", 1)[1].split("\n", 1)[0],
          "-qqqqzzzz: warned, no suggestion")
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
