"""Design storms vs their formulas (Montana IDF i = a t^-b, t in min, i in mm/min):
block depth = i(D) D; Chicago: peak step = i(dt), total = a D^(1-b), the max window of k
steps (k odd, centred peak) holds a (k dt)^(1-b) and no k-step window holds more;
double triangle: depth H(D) in total and H(D1) over the intense period."""
import math

from rainlib import check, run

a, b = 6.7, 0.55  # mm/min, t in min (a typical French Montana pair, 6 min - 2 h)
H = lambda d_min: a * d_min ** (1 - b)  # mm
MMS = 1000.0 * 60.0  # (mm/min) -> m/s: divide by this... rate_m_s = mm_per_min / 60000


def steps(iv):
    """(t0, t1, depth mm) of the rain steps."""
    return [(t0, t1, r * (t1 - t0) * 1000.0) for t0, t1, r, mn, mx in iv if t1 < 1e300]


# block, 1 h
_, iv = run(["-rain_design", "block", "-rain_idf_a", a, "-rain_idf_b", b, "-rain_duration", 3600, "-dump_tmax", 7200])
st = steps(iv)
check(len(st) == 1 and st[0][:2] == (0.0, 3600.0), f"block: one step [0, 3600) expected, got {st}")
check(abs(st[0][2] - H(60)) < 1e-12 * H(60), f"block depth {st[0][2]} != i(D) D = {H(60)}")
check(iv[-1][2] == 0.0, "block: no rain after the storm")
print(f"block: depth {st[0][2]:.6f} mm = a D^(1-b)")

# Chicago, 2 h, 5 min steps, r = 0.5 (peak step centred: odd windows align)
D, dt = 7200.0, 300.0
for r in (0.5, 0.35):
    _, iv = run(["-rain_design", "chicago", "-rain_idf_a", a, "-rain_idf_b", b, "-rain_duration", D, "-rain_dt", dt, "-rain_peak_position", r, "-dump_tmax", 2 * D])
    st = steps(iv)
    tot = sum(s[2] for s in st)
    check(abs(tot - H(D / 60)) < 1e-11 * tot, f"chicago r={r}: total {tot} != a D^(1-b) {H(D / 60)}")
    check(abs(st[0][0]) == 0.0 and abs(st[-1][1] - D) < 1e-9, "chicago: storm spans [0, D]")
    tp = r * D
    ip = max(range(len(st)), key=lambda k: st[k][2] / (st[k][1] - st[k][0]))
    t0, t1, dp = st[ip]
    check(abs(t0 - (tp - r * dt)) < 1e-9 and abs(t1 - (tp + (1 - r) * dt)) < 1e-9, f"chicago: peak step [{t0},{t1}] misplaced")
    check(abs(dp - H(dt / 60)) < 1e-11 * dp, f"chicago: peak step depth {dp} != i(dt) dt {H(dt / 60)}")
    # full steps only, for the window test
    full = [s for s in st if abs((s[1] - s[0]) - dt) < 1e-9]
    kp = [k for k, s in enumerate(full) if s[0] == t0][0]
    worst = 0.0
    for k in range(1, len(full) + 1):
        best = max(sum(s[2] for s in full[i:i + k]) for i in range(len(full) - k + 1))
        ref = H(k * dt / 60)
        check(best <= ref * (1 + 1e-12), f"chicago: a {k}-step window holds {best} > a d^(1-b) = {ref}")
        if r == 0.5 and k % 2 == 1 and kp - k // 2 >= 0 and kp + k // 2 < len(full):
            worst = max(worst, abs(best - ref) / ref)
    check(worst < 1e-12, f"chicago: max window depth differs from a d^(1-b) by {worst}")
    print(f"chicago r={r}: total {tot:.6f} mm, peak step {dp / (dt / 60):.4f} mm/min = i(dt), windows ok (worst {worst:.1e})")

# double triangle: D = 4 h, intense 1 h, 5 min steps
D, d1 = 14400.0, 3600.0
_, iv = run(["-rain_design", "double_triangle", "-rain_idf_a", a, "-rain_idf_b", b, "-rain_duration", D, "-rain_intense_duration", d1, "-rain_dt", 300, "-dump_tmax", 2 * D])
st = steps(iv)
tot = sum(s[2] for s in st)
ts = 0.5 * (D - d1)
inten = sum(s[2] for s in st if s[0] >= ts - 1e-9 and s[1] <= ts + d1 + 1e-9)
check(abs(tot - H(D / 60)) < 1e-11 * tot, f"double triangle: total {tot} != H(D) {H(D / 60)}")
check(abs(inten - H(d1 / 60)) < 1e-11 * inten, f"double triangle: intense-period depth {inten} != H(D1) {H(d1 / 60)}")
# piecewise linear: step means rise to the peak and fall after it
rates = [s[2] / (s[1] - s[0]) for s in st]
kmax = rates.index(max(rates))
check(all(rates[k] <= rates[k + 1] for k in range(kmax)) and all(rates[k] >= rates[k + 1] for k in range(kmax, len(rates) - 1)), "double triangle not unimodal")
print(f"double triangle: total {tot:.6f} = H(D), intense {inten:.6f} = H(D1)")

# mm/h IDF units: a in mm/h gives 60 times less rain than a in mm/min
_, iv = run(["-rain_design", "block", "-rain_idf_a", a * 60, "-rain_idf_b", b, "-rain_idf_units", "mm_per_h", "-rain_duration", 3600])
check(abs(steps(iv)[0][2] - H(60)) < 1e-12 * H(60), "-rain_idf_units mm_per_h not applied")
print("design storms OK")
