"""The climate factor (1 + rate)^dT is applied exactly once: warming 0 gives the baseline
bitwise; with dT the per-interval ratio equals (1+r)^dT to 1e-15 (twice would give its
square); the TRACC default (climate component without -scenario_warming) is dT = 1.0."""
import os
import tempfile

from rainlib import check, run


def ratios(base, scen):
    check(len(base) == len(scen), "interval counts differ")
    return [s[3] / b[3] for b, s in zip(base, scen) if b[3] > 0]  # per-cell value (min = max)


with tempfile.TemporaryDirectory() as d:
    hy = os.path.join(d, "h.csv")
    with open(hy, "w") as f:
        f.write("time_s,mm_per_h\n# a comment\n0,12.5\n600,40\n1200,3.3\n2400,0\n")
    sources = {
        "constant": ["-rain_rate", 17.3],
        "hyetograph": ["-rain_hyetograph", hy],
        "chicago": ["-rain_design", "chicago", "-rain_idf_a", 5.1, "-rain_idf_b", 0.6, "-rain_duration", 3600, "-rain_dt", 360],
    }
    for name, src in sources.items():
        f0, base = run(src + ["-dump_tmax", 7200])
        check(f0 == 1.0, f"{name}: factor {f0} without a scenario")
        f1, same = run(src + ["-scenario_warming", 0, "-dump_tmax", 7200])
        check(f1 == 1.0 and same == base, f"{name}: -scenario_warming 0 differs from the baseline")
        for dT, r in ((1.3, 0.07), (2.0, 0.14)):
            f, scen = run(src + ["-scenario_warming", dT, "-scenario_cc_rate", r, "-dump_tmax", 7200])
            ref = (1 + r) ** dT
            q = ratios(base, scen)
            check(len(q) > 0 and all(abs(x - ref) <= 1e-15 * ref * 2 for x in q), f"{name}: ratios {q[:3]} != (1+{r})^{dT} = {ref}")
            check(abs(f - ref) <= 1e-15 * ref, f"{name}: factor {f} != {ref}")
        f, scen = run(src + ["-scenario_type", "climate", "-dump_tmax", 7200])
        q = ratios(base, scen)
        check(abs(f - 1.07) < 1e-15 and all(abs(x - 1.07) < 3e-16 * 1.07 * 2 for x in q), f"{name}: TRACC default factor {f} (expected 1.07^1.0)")
        f, same = run(src + ["-scenario_type", "none", "-scenario_warming", 1.5, "-dump_tmax", 7200])
        check(f == 1.0 and same == base, f"{name}: -scenario_type none must switch the climate factor off")
        print(f"{name}: factor applied once ({len(q)} intervals)")
    # hyetograph semantics: 0 before the first time, steps hold, the last row holds after
    _, iv = run(["-rain_hyetograph", hy, "-dump_tmax", 5000])
    got = [(t0, t1, round(r * 3.6e6, 9)) for t0, t1, r, mn, mx in iv]
    check(got == [(0.0, 600.0, 12.5), (600.0, 1200.0, 40.0), (1200.0, 2400.0, 3.3), (2400.0, 1.7976931348623157e308, 0.0)], f"hyetograph steps {got}")
print("climate factor OK")
