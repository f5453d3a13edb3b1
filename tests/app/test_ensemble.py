"""The main job's scenario machinery (issue 4): an ensemble of 3 members in one mpiexec, each
on its own sub-communicator, gives per-member results bitwise equal to separate runs on
another rank count; land-use maps are rank-count independent (and written as per-rank blocks +
a VRT when the land cover is a VRT); the summary table holds the
members' figures, with 2050 runoff >= today's and artificialisation adding to it."""
import csv, os, shlex, subprocess, sys, tempfile
import h5py, numpy as np

SRC = os.environ.get("RUISSEL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
EXE = os.environ.get("RUISSEL_EXE", os.path.join(SRC, "build", "ruissel"))
MPI = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe --allow-run-as-root"))
FIELDS = ("/fields/h", "/fields/hu", "/fields/hv", "/max/h", "/params/manning", "/params/impervious")


def run(np_, args, cwd):
    cmd = MPI + ["-n", str(np_), EXE] + args
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)
    if p.returncode:
        sys.exit(f"FAIL: {' '.join(cmd)}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return p.stdout


def main():
    work = tempfile.mkdtemp(prefix="rsl_ens_")
    subprocess.run(["/usr/bin/python3", os.path.join(SRC, "input/demo/make_scene.py"), "--out", work, "--width", "600",
                    "--height", "500", "--dem-res", "10", "--img-res", "2"], check=True, capture_output=True)
    with open(os.path.join(work, "2050.opts"), "w") as f:
        f.write("-scenario_type climate\n")
    with open(os.path.join(work, "artif.opts"), "w") as f:
        f.write("-scenario_type climate,artificialise\n-scenario_artificialise_ha 2\n")
    base = ["-dem", "dem.tif", "-landcover_file", "landcover.tif", "-hydro_table", os.path.join(SRC, "input/hydro/flair19.csv"),
            "-rain_design", "chicago", "-rain_idf_a", "6.7", "-rain_idf_b", "0.55", "-rain_duration", "1200", "-rain_dt", "300",
            "-swe_tfinal", "1800", "-swe_bc_east", "free", "-progress_interval", "0", "-out_ts_interval", "60"]
    members = {"today": [], "2050": ["-options_file", "2050.opts"], "artif": ["-options_file", "artif.opts"]}
    run(3, base + ["-ensemble", "today,2050,artif", "-ensemble_2050", "2050.opts", "-ensemble_artif", "artif.opts",
                   "-out_file", "ens.h5"], work)
    failures = []
    for name, extra in members.items():
        run(2, base + extra + ["-out_file", f"sep_{name}.h5"], work)
        with h5py.File(os.path.join(work, f"ens_{name}.h5")) as a, h5py.File(os.path.join(work, f"sep_{name}.h5")) as b:
            for d in FIELDS:
                same = np.array_equal(a[d][()].view(np.uint64), b[d][()].view(np.uint64))
                print(f"{name:6s} {d:22s} ensemble (1 rank) vs separate (2 ranks): {'bitwise equal' if same else 'DIFFERENT'}")
                if not same:
                    failures.append(f"{name} {d}")
            err = a["/budget"].attrs["relative_error"]
            print(f"{name:6s} budget relative error {err:.2e}")
            if abs(err) > 1e-12:
                failures.append(f"{name} budget {err}")
    # the modified land-cover map of the artificialisation member, ensemble vs separate run
    from osgeo import gdal
    m1 = gdal.Open(os.path.join(work, "ens_artif_landcover.tif")).ReadAsArray()
    m2 = gdal.Open(os.path.join(work, "sep_artif_landcover.tif")).ReadAsArray()
    lc = gdal.Open(os.path.join(work, "landcover.tif")).ReadAsArray()
    changed = int((m1 != lc).sum())
    print(f"artificialised pixels: {changed} (2 ha at 2 m = 5000 pixels); maps of 1 and 2 ranks equal: {np.array_equal(m1, m2)}")
    if not np.array_equal(m1, m2) or abs(changed - 5000) > 1:
        failures.append("land-use map")
    # from a land cover given as a VRT, the modified map is per-rank blocks + a VRT (no gather)
    gdal.BuildVRT(os.path.join(work, "landcover.vrt"), [os.path.join(work, "landcover.tif")])
    run(3, [a if a != "landcover.tif" else "landcover.vrt" for a in base] + members["artif"] + ["-out_file", "vrt_artif.h5"], work)
    m3 = gdal.Open(os.path.join(work, "vrt_artif_landcover.vrt")).ReadAsArray()
    blocks = sorted(os.listdir(os.path.join(work, "vrt_artif_landcover_blocks")))
    print(f"land cover as a VRT, 3 ranks: vrt_artif_landcover.vrt over {len(blocks)} blocks; equal to the 2-rank map: {np.array_equal(m3, m2)}")
    if not np.array_equal(m3, m2) or len(blocks) != 3:
        failures.append("land-use map from a VRT")
    with open(os.path.join(work, "ens_summary.csv")) as f:
        rows = {r["scenario"]: r for r in csv.DictReader(f)}
    q = {k: float(rows[k]["outflow_m3"]) for k in members}
    fac = float(rows["2050"]["climate_factor"])
    print(f"summary outflow m3: today {q['today']:.3f}, 2050 {q['2050']:.3f}, 2050+artificialisation {q['artif']:.3f}; climate factor {fac}")
    if not (q["2050"] >= q["today"] and q["artif"] > q["2050"]):
        failures.append("runoff ordering")
    if abs(fac - 1.07) > 1e-12:
        failures.append("climate factor")
    if failures:
        sys.exit("FAIL: " + ", ".join(failures))
    print("ok")


if __name__ == "__main__":
    main()
