"""Unit checks of the analytic references (validation/analytic.py), independent of the
solver: each solution must satisfy conservation laws / the PDE it claims to solve, and the
Stoker middle state must match the SWASHES closed-form equation (Delestre et al. 2013,
eq. for c_m). A wrong reference would make every validation case meaningless."""
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from validation import analytic  # noqa: E402

G = analytic.G
failures = []


def check(name, value, limit):
    ok = abs(value) <= limit
    print(f"{name:55s} {value: .3e}  (limit {limit:.0e})  {'ok' if ok else 'FAIL'}")
    if not ok:
        failures.append(name)


x = np.linspace(-20.0, 20.0, 400001)
dxs = x[1] - x[0]
t = 2.0

# Ritter: mass conserved, h continuous at both fan edges.
h, u = analytic.ritter(x, t, 1.0)
check("ritter: mass (int h - h_l * 20)", np.trapz(h, x) - 20.0, 1e-6)
check("ritter: momentum (int hu - g h_l^2 t / 2)", np.trapz(h * u, x) - G * t / 2, 1e-3)
check("ritter: h jump at the fan head", float(np.abs(np.diff(h)).max()), 1e-3)

# Stoker: SWASHES equation for c_m, Rankine-Hugoniot, mass and momentum conservation.
hl, hr = 0.005, 0.001
hm = analytic.stoker_middle_depth(hl, hr)
cm2 = G * hm
swashes = -8 * G * hr * cm2 * (math.sqrt(G * hl) - math.sqrt(cm2)) ** 2 + (cm2 - G * hr) ** 2 * (cm2 + G * hr)
check("stoker: SWASHES c_m equation (scaled residual)", swashes / (G * hl) ** 3, 1e-12)
xs = np.linspace(-20.0, 20.0, 400001)
h, u = analytic.stoker(xs, t, hl, hr)
check("stoker: relative mass (shock on the sampling grid)", np.trapz(h, xs) / ((hl + hr) * 20.0) - 1, 1e-5)
check("stoker: momentum (int hu - g (hl^2 - hr^2) t / 2)",
      (np.trapz(h * u, xs) - G * (hl**2 - hr**2) * t / 2) / (G * hl**2 * t), 1e-3)
_, _, s = analytic.stoker_speeds(hl, hr)
um = 2 * (math.sqrt(G * hl) - math.sqrt(G * hm))
rh_mass = s * (hm - hr) - hm * um
rh_mom = s * hm * um - (hm * um**2 + G * hm**2 / 2 - G * hr**2 / 2)
check("stoker: Rankine-Hugoniot mass", rh_mass / (hm * um), 1e-12)
check("stoker: Rankine-Hugoniot momentum", rh_mom / (hm * um * s), 1e-10)

# Thacker: volume constant in time; continuity and momentum residuals vanish on wet cells.
m = analytic.ThackerPlanar()
g1 = np.linspace(-2.0, 2.0, 801)
X, Y = np.meshgrid(g1, g1)
da = (g1[1] - g1[0]) ** 2
vols = [m.depth(X, Y, tt).sum() * da for tt in np.linspace(0, m.period, 9)]
check("thacker: relative volume change over a period", (max(vols) - min(vols)) / vols[0], 1e-3)
tt, eps = 0.3 * m.period, 1e-6
h0 = m.depth(X, Y, tt)
dhdt = (m.depth(X, Y, tt + eps) - m.depth(X, Y, tt - eps)) / (2 * eps)
uu, vv = m.velocity(tt)
dhx = np.gradient(h0 * uu, g1, axis=1)
dhy = np.gradient(h0 * vv, g1, axis=0)
wet = m.depth(X, Y, tt) > 0.02  # away from the shoreline kink
check("thacker: continuity residual / (h0 omega)", float(np.abs(dhdt + dhx + dhy)[wet].max()) / (m.h0 * m.omega), 1e-6)
dudt = (m.velocity(tt + eps)[0] - m.velocity(tt - eps)[0]) / (2 * eps)
detadx = np.gradient(m.stage(X, Y, tt), g1, axis=1)
check("thacker: x-momentum residual / (eta omega^2)", float(np.abs(dudt + G * detadx).max()) / (m.eta_amp * m.omega**2), 1e-6)
check("thacker: period (SWASHES: 4.4857 s)", m.period - 4.4857, 1e-4)

# Lake at rest and tilted plane: trivial but pinned.
check("lake: h = max(0, stage - z)", float(np.abs(analytic.lake_at_rest([1.0, 3.0], 2.0) - [1.0, 0.0]).max()), 0.0)
q, hout, tc = analytic.tilted_plane_steady(1e-5, 2000.0, 100.0, 0.01, 0.03)
check("plane: q = rain * area", q - 0.02, 1e-15)
check("plane: Manning normal depth gives q = rain * L", hout ** (5 / 3) * math.sqrt(0.01) / 0.03 - 1e-3, 1e-15)

# MacDonald channels: the bed makes (h, q) a steady solution (residual of the steady
# momentum equation by finite differences, independent of the quadrature), the regimes are
# the intended ones, and the subcritical bed matches the SWASHES 3.1.3 values tabulated by Itzi
# (tests/test_data/analytic/mcdo_norain.csv: z(2.5) - z(997.5) = 6.89504 m, float32).
xm = np.linspace(1.0, 999.0, 200001)
dxm = xm[1] - xm[0]
for kind in ("subcritical", "supercritical", "rain"):
    m = analytic.MacDonald(kind)
    h, q, z = m.depth(xm), m.discharge(xm), m.bed(xm)
    mom = q * q / h + G * h * h / 2
    res = np.gradient(mom, dxm) + G * h * np.gradient(z, dxm) + G * m.N**2 * q * np.abs(q) / h ** (7 / 3)
    check(f"macdonald {kind}: steady momentum residual / (g h |z'|)", float(np.abs(res[5:-5]).max() / (G * h * np.abs(np.gradient(z, dxm))).max()), 1e-6)
    fr = q / (h * np.sqrt(G * h))
    sub = kind != "supercritical"
    check(f"macdonald {kind}: Froude {'< 1' if sub else '> 1'} everywhere", float(fr.max() if sub else 1.0 / fr.min()), 1.0)
m = analytic.MacDonald("subcritical")
check("macdonald subcritical: bed drop vs SWASHES/Itzi table (m)", float(m.bed(2.5) - m.bed(997.5)) - 6.89503932, 2e-5)

print("FAILED: " + ", ".join(failures) if failures else "all reference checks passed")
sys.exit(1 if failures else 0)
