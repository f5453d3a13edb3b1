"""-rain_type and -rain_view (the rain sources' registry, issue 11): -rain_type picks a source
among several given (the rates are those of that source alone, bitwise), needs the source's
option, rejects an unknown name and `none` gives no rain; -rain_view's depth and peak match
independent references: the IDF depth a D^(1-b) times the climate factor for each design
storm, the hyetograph's sum of rate x duration, and the hyetograph's largest rate."""
import math
import os
import re
import tempfile

from rainlib import check, run, run_mpi, EXE

grid = ["-grid_nx", 8, "-grid_ny", 6, "-grid_dx", 100, "-grid_x0", 830000, "-grid_y0", 6460000]


def view(args, np=1):
    out = run_mpi(EXE, grid + args + ["-rain_view", "-dump_tmax", 1], np, False)
    m = re.search(r"depth (\S+) mm \(grid mean\) over \[0, (\S+) s\], then (\S+) mm/h; peak intensity (\S+) mm/h", out)
    check(m is not None, f"no depth line in -rain_view:\n{out}")
    return [float(x) for x in m.groups()], out


def close(a, b, rel=2e-6):
    return abs(a - b) <= rel * abs(b)


a, b, D = 5.1, 0.6, 3600.0
H = a * (D / 60) ** (1 - b)  # mm: Montana depth over the storm (t in min)
for kind in ("block", "chicago", "double_triangle"):
    storm = ["-rain_design", kind, "-rain_idf_a", a, "-rain_idf_b", b, "-rain_duration", D, "-rain_dt", 300]
    (depth, tlast, after, peak), out = view(storm + ["-scenario_type", "climate"], np=2)
    check(close(depth, 1.07 * H) and tlast == D and after == 0, f"{kind}: depth {depth} mm up to {tlast} s (expected 1.07 x {H:.6g} up to {D})")
    check("Rain: design" in out and kind in out, f"{kind}: the view names the source:\n{out}")
    print(f"{kind}: -rain_view depth {depth} mm = 1.07 a D^(1-b)")

with tempfile.TemporaryDirectory() as d:
    hy = os.path.join(d, "h.csv")
    with open(hy, "w") as f:
        f.write("time_s,mm_per_h\n0,12.5\n600,40\n1200,3.3\n2400,0\n")
    (depth, tlast, after, peak), _ = view(["-rain_hyetograph", hy])
    ref = (12.5 * 600 + 40 * 600 + 3.3 * 1200) / 3600
    check(close(depth, ref) and tlast == 2400 and after == 0 and close(peak, 40), f"hyetograph: depth {depth} peak {peak} (expected {ref}, 40)")
    print("hyetograph: -rain_view depth and peak ok")
    # -rain_type picks one of several sources given: bitwise the rates of that source alone
    f1, alone = run(grid + ["-rain_hyetograph", hy, "-dump_tmax", 5000])
    f2, picked = run(grid + ["-rain_hyetograph", hy, "-rain_rate", 7, "-rain_type", "hyetograph", "-dump_tmax", 5000])
    check(alone == picked and len(alone) == 4, f"-rain_type hyetograph with -rain_rate given: {picked} != {alone}")
    _, const = run(grid + ["-rain_hyetograph", hy, "-rain_rate", 7, "-rain_type", "constant", "-dump_tmax", 5000])
    check(len(const) == 1 and const[0][3] == const[0][4] == 7 / 3.6e6, f"-rain_type constant: {const}")
    _, none = run(grid + ["-rain_rate", 7, "-rain_type", "none", "-dump_tmax", 5000])
    check(len(none) == 1 and none[0][3:] == (0.0, 0.0), f"-rain_type none: {none}")
    print("-rain_type selection ok")
for args, text in ((["-rain_type", "radar"], "-rain_type: unknown rain source 'radar' (expected one of none, constant, hyetograph, raster_series, design)"),
                   (["-rain_type", "design"], "-rain_type design needs -rain_design"),
                   (["-rain_rate", 3, "-rain_design", "block"], "rain: give at most one of -rain_rate, -rain_hyetograph, -rain_raster_series, -rain_design")):
    out = run(grid + args, np=2, expect_fail=True)
    check(text in out, f"expected '{text}', got:\n{out[-1500:]}")
    print("error ok:", text)
print("rain view and type OK")
