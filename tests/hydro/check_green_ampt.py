"""Green-Ampt kernel vs the analytic ponded cumulative infiltration: F(t) solves
F - S ln(1 + F/S) = Ks t, found here with mpmath at 40 digits (independent of the C Newton)."""
import subprocess
import sys

import mpmath

mpmath.mp.dps = 40
out = subprocess.run([sys.argv[1]], capture_output=True, text=True)
sys.stderr.write(out.stderr)
if out.returncode != 0:
    sys.exit("test_green_ampt failed")
worst, n = 0.0, 0
for line in out.stdout.splitlines():
    w = line.split()
    if w[0] == "case":
        Ks, S = mpmath.mpf(w[1]), mpmath.mpf(w[2])
        continue
    t, F = mpmath.mpf(w[0]), float(w[1])
    # bisection: g is increasing in F on [Ks t, Ks t + sqrt(2 S Ks t)]
    lo, hi = Ks * t, Ks * t + mpmath.sqrt(2 * S * Ks * t)
    g = lambda x: x - S * mpmath.log1p(x / S) - Ks * t
    for _ in range(200):
        mid = (lo + hi) / 2
        if g(mid) > 0:
            hi = mid
        else:
            lo = mid
    ref = (lo + hi) / 2
    err = abs(F - ref) / ref
    worst, n = max(worst, float(err)), n + 1
print(f"green-ampt ponded: {n} checkpoints, worst relative error {worst:.3e}")
if n < 30 or worst > 1e-11:
    sys.exit("FAIL: Green-Ampt deviates from the analytic ponded solution")
