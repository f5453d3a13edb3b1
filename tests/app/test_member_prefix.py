"""Member options by prefix (PETSc's -sub_ksp_type convention, issue 11): in an ensemble,
-NAME_opt value is -opt value for member NAME only; the longer of two names that prefix each
other wins (b, b_x); a misspelt prefixed option is warned about with the member's database; a
member run with its prefixed option gives results bitwise equal to a separate run given the
option plainly."""
import os, re, shlex, subprocess, sys, tempfile
import h5py, numpy as np

SRC = os.environ.get("RUISSEL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
EXE = os.environ.get("RUISSEL_EXE", os.path.join(SRC, "build", "ruissel"))
MPI = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe --allow-run-as-root"))


def run(np_, args, cwd):
    cmd = MPI + ["-n", str(np_), EXE] + args
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)
    if p.returncode:
        sys.exit(f"FAIL: {' '.join(cmd)}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return p.stdout + p.stderr


def main():
    work = tempfile.mkdtemp(prefix="rsl_prefix_")
    subprocess.run(["/usr/bin/python3", os.path.join(SRC, "input/demo/make_scene.py"), "--out", work, "--width", "400",
                    "--height", "300", "--dem-res", "10", "--img-res", "2"], check=True, capture_output=True)
    base = ["-dem", "dem.tif", "-rain_rate", "50", "-swe_tfinal", "120", "-swe_bc_east", "free", "-progress_interval", "0"]
    out = run(2, base + ["-ensemble", "a,b,b_x", "-b_swe_order", "2", "-b_x_swe_cfl", "0.3", "-a_swe_ordr", "2",
                         "-out_file", "ens.h5"], work)
    failures = []
    lines = [l for l in out.splitlines() if l.startswith("SWE:")]
    got = sorted((re.search(r"order (\d)", l).group(1), re.search(r"CFL ([0-9.]+)", l).group(1)) for l in lines)
    print("members' solver lines (order, CFL):", got)
    if got != sorted([("1", "0.95"), ("2", "0.45"), ("1", "0.3")]):
        failures.append(f"member options {got}")
    orders = {}
    for m in ("a", "b", "b_x"):
        with h5py.File(os.path.join(work, f"ens_{m}.h5")) as f:
            orders[m] = int(f["/run"].attrs["order"])
    print("order per member:", orders)
    if orders != {"a": 1, "b": 2, "b_x": 1}:
        failures.append(f"orders {orders}")
    warned = [l for l in out.splitlines() if "warning" in l]
    print("warnings:", warned)
    if len(warned) != 1 or "-swe_ordr" not in warned[0] or "-swe_order" not in warned[0]:
        failures.append("warning for the misspelt member option only")
    run(1, base + ["-swe_order", "2", "-out_file", "sep_b.h5"], work)
    with h5py.File(os.path.join(work, "ens_b.h5")) as a, h5py.File(os.path.join(work, "sep_b.h5")) as b:
        for d in ("/fields/h", "/fields/hu", "/max/h"):
            same = np.array_equal(a[d][()].view(np.uint64), b[d][()].view(np.uint64))
            print(f"b {d}: -b_swe_order 2 in the ensemble vs -swe_order 2 alone: {'bitwise equal' if same else 'DIFFERENT'}")
            if not same:
                failures.append(f"b {d}")
    if failures:
        sys.exit("FAIL: " + ", ".join(failures))
    print("ok")


if __name__ == "__main__":
    main()
