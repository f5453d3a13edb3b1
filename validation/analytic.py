"""Analytic references for the shallow-water equations (g = 9.81 m/s^2).

Every function is vectorised over numpy arrays of positions and independent of the
solver: it is the yardstick the solver is measured against.

References
- A. Ritter (1892), "Die Fortpflanzung der Wasserwellen", Zeitschrift des Vereines
  Deutscher Ingenieure 36(33), 947-954: dam break over a dry bed.
- J. J. Stoker (1957), "Water Waves: The Mathematical Theory with Applications",
  Interscience, New York, ch. 10: dam break over a wet bed (rarefaction + bore).
- W. C. Thacker (1981), "Some exact solutions to the nonlinear shallow-water wave
  equations", J. Fluid Mech. 107, 499-508: planar oscillation in a paraboloid.
- O. Delestre, C. Lucas, P.-A. Ksinant, F. Darboux, C. Laguerre, T. N. T. Vo, F. James,
  S. Cordier (2013), "SWASHES: a compilation of shallow water analytic solutions for
  hydraulic and environmental studies", Int. J. Numer. Meth. Fluids 72(3), 269-300
  (sections 4.1.1, 4.1.2, 4.2.2; the parameter sets below follow it).
- I. MacDonald (1996), "Analysis and computation of steady open channel flow", PhD thesis,
  University of Reading; I. MacDonald, M. J. Baines, N. K. Nichols, P. G. Samuels (1997),
  "Analytic benchmark solutions for open-channel flows", J. Hydraul. Eng. 123(11),
  1041-1045: steady 1D flows built backwards (depth given, bed computed); SWASHES 3.1.3
  (long channels) gives the profiles used here.
"""
import math

import numpy as np

G = 9.81


def ritter(x, t, h_left, x0=0.0):
    """Dry dam break (Ritter 1892; SWASHES 4.1.2): still water of depth h_left for x < x0,
    dry bed for x > x0, flat frictionless bed, dam removed at t = 0.
    Returns (h, u) at positions x and time t > 0."""
    x = np.asarray(x, dtype=float)
    c0 = math.sqrt(G * h_left)
    xi = (x - x0) / t
    h = np.where(xi <= -c0, h_left, (2.0 * c0 - xi) ** 2 / (9.0 * G))
    u = np.where(xi <= -c0, 0.0, 2.0 / 3.0 * (xi + c0))
    dry = xi >= 2.0 * c0
    return np.where(dry, 0.0, h), np.where(dry, 0.0, u)


def stoker_middle_depth(h_left, h_right):
    """Depth h_m of the state between the rarefaction and the bore of a wet dam break.
    It is the root of f(h) = u_rarefaction(h) - u_shock(h), where the rarefaction from the
    left gives u = 2 (sqrt(g h_l) - sqrt(g h)) and the Rankine-Hugoniot conditions of a bore
    moving into still water of depth h_r give u = (h - h_r) sqrt(g (h + h_r) / (2 h h_r)).
    f is strictly decreasing on (h_r, h_l), positive at h_r and negative at h_l, so the
    bisection below is unconditionally convergent (to machine precision)."""
    if not 0.0 < h_right < h_left:
        raise ValueError("Stoker dam break needs 0 < h_right < h_left")

    def f(h):
        u_raref = 2.0 * (math.sqrt(G * h_left) - math.sqrt(G * h))
        u_shock = (h - h_right) * math.sqrt(G * (h + h_right) / (2.0 * h * h_right))
        return u_raref - u_shock

    lo, hi = h_right, h_left
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if f(mid) > 0.0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def stoker(x, t, h_left, h_right, x0=0.0):
    """Wet dam break (Stoker 1957; SWASHES 4.1.1): depth h_left for x < x0, h_right > 0
    for x > x0, flat frictionless bed, fluid at rest at t = 0.
    Returns (h, u) at positions x and time t > 0: left state, rarefaction fan
    x0 - c_l t < x < x0 + (u_m - c_m) t, middle state (h_m, u_m), bore at speed
    s = h_m u_m / (h_m - h_r), right state."""
    x = np.asarray(x, dtype=float)
    hm = stoker_middle_depth(h_left, h_right)
    cl, cm = math.sqrt(G * h_left), math.sqrt(G * hm)
    um = 2.0 * (cl - cm)
    s = hm * um / (hm - h_right)
    xi = (x - x0) / t
    h_fan = (2.0 * cl - xi) ** 2 / (9.0 * G)
    u_fan = 2.0 / 3.0 * (xi + cl)
    h = np.select([xi <= -cl, xi <= um - cm, xi <= s], [h_left, h_fan, hm], h_right)
    u = np.select([xi <= -cl, xi <= um - cm, xi <= s], [0.0, u_fan, um], 0.0)
    return h, u


def stoker_speeds(h_left, h_right):
    """(rarefaction head, rarefaction tail, bore) speeds of the Stoker solution."""
    hm = stoker_middle_depth(h_left, h_right)
    cl, cm = math.sqrt(G * h_left), math.sqrt(G * hm)
    um = 2.0 * (cl - cm)
    return -cl, um - cm, hm * um / (hm - h_right)


class ThackerPlanar:
    """Planar surface oscillating in a paraboloid (Thacker 1981; SWASHES 4.2.2.2).

    Bed, with X = x - xc, Y = y - yc (centre of the bowl at (xc, yc)):
        z(X, Y) = -h0 (1 - (X^2 + Y^2) / a^2)
    Solution (frictionless), omega = sqrt(2 g h0) / a, period T = 2 pi / omega:
        eta(X, Y, t) = eta_amp h0 / a^2 (2 X cos(omega t) + 2 Y sin(omega t) - eta_amp)
        h = max(0, eta - z),  u = -eta_amp omega sin(omega t),  v = eta_amp omega cos(omega t)
    The free surface stays a plane, the velocity is uniform, and the wet region is the disc
    of radius a centred on eta_amp (cos(omega t), sin(omega t)): the shoreline moves.
    SWASHES parameters: a = 1 m, h0 = 0.1 m, eta_amp = 0.5 m, domain [0, 4] m^2."""

    def __init__(self, a=1.0, h0=0.1, eta_amp=0.5, xc=0.0, yc=0.0):
        self.a, self.h0, self.eta_amp, self.xc, self.yc = a, h0, eta_amp, xc, yc
        self.omega = math.sqrt(2.0 * G * h0) / a
        self.period = 2.0 * math.pi / self.omega

    def bed(self, x, y):
        X, Y = np.asarray(x) - self.xc, np.asarray(y) - self.yc
        return -self.h0 * (1.0 - (X**2 + Y**2) / self.a**2)

    def stage(self, x, y, t):
        X, Y = np.asarray(x) - self.xc, np.asarray(y) - self.yc
        w = self.omega * t
        k = self.eta_amp * self.h0 / self.a**2
        return k * (2.0 * X * math.cos(w) + 2.0 * Y * math.sin(w) - self.eta_amp)

    def depth(self, x, y, t):
        return np.maximum(0.0, self.stage(x, y, t) - self.bed(x, y))

    def velocity(self, t):
        w = self.omega * t
        return -self.eta_amp * self.omega * math.sin(w), self.eta_amp * self.omega * math.cos(w)


def lake_at_rest(z, stage):
    """Still water over any bed: h = max(0, stage - z), u = v = 0 is a steady solution
    (the 'C-property', Bermudez & Vazquez 1994; Audusse et al. 2004)."""
    z = np.asarray(z, dtype=float)
    return np.maximum(0.0, stage - z)


def tilted_plane_steady(rain_m_per_s, area_m2, length=None, slope=None, manning=None):
    """Rain on a plane draining through one open side, at steady state (mass balance):
    outflow Q = rain * area. When length, slope and Manning n are given, also returns the
    kinematic-wave outlet depth h = (q n / sqrt(S))^(3/5) with q = rain * length, and the
    kinematic time of concentration t_c = (n L / sqrt(S))^(3/5) / rain^(2/5)
    (e.g. Singh 1996, "Kinematic wave modeling in water resources") used to size the run."""
    q_total = rain_m_per_s * area_m2
    if length is None:
        return q_total
    q = rain_m_per_s * length
    h_out = (q * manning / math.sqrt(slope)) ** 0.6
    t_c = (manning * length / math.sqrt(slope)) ** 0.6 / rain_m_per_s ** 0.4
    return q_total, h_out, t_c


class MacDonald:
    """Steady 1D flow in a 1000 m channel with Manning friction, built the MacDonald way
    (MacDonald 1996; MacDonald et al. 1997; SWASHES 3.1.3, Delestre et al. 2013): the depth
    profile h(x) and the unit discharge q(x) = q0 + r x (r: rain, m/s, adding mass but no
    momentum) are chosen, and the bed that makes them a steady solution follows from the
    steady momentum equation d/dx(q^2/h + g h^2/2) = -g h z' - g n^2 q|q| / h^(7/3):

        z'(x) = (q^2 / (g h^3) - 1) h' - 2 q r / (g h^2) - n^2 q|q| / h^(10/3).

    z is the integral of z' (composite 20-point Gauss-Legendre, exact to round-off for
    these smooth integrands), with z(L) = 0. Kinds (SWASHES 3.1.3 parameter sets, n = 0.033):
      'subcritical'   h = h0 (1 + exp(-16 (x/L - 1/2)^2) / 2), q = 2 m2/s
      'supercritical' h = h0 (1 - exp(-36 (x/L - 1/2)^2) / 5), q = 2 m2/s
      'rain'          the subcritical profile with q = 1 + 0.001 x (rain 1e-3 m/s)
    with h0 = (4/g)^(1/3), the critical depth of q = 2 m2/s."""

    L = 1000.0
    N = 0.033

    def __init__(self, kind):
        if kind not in ("subcritical", "supercritical", "rain"):
            raise ValueError(f"unknown MacDonald case {kind}")
        self.kind = kind
        self.h0 = (4.0 / G) ** (1.0 / 3.0)
        self.q0, self.rain = (1.0, 1.0e-3) if kind == "rain" else (2.0, 0.0)
        self.amp, self.width = (-0.2, 36.0) if kind == "supercritical" else (0.5, 16.0)

    def depth(self, x):
        s = np.asarray(x, dtype=float) / self.L - 0.5
        return self.h0 * (1.0 + self.amp * np.exp(-self.width * s * s))

    def depth_slope(self, x):
        s = np.asarray(x, dtype=float) / self.L - 0.5
        return self.h0 * self.amp * np.exp(-self.width * s * s) * (-2.0 * self.width * s / self.L)

    def discharge(self, x):
        return self.q0 + self.rain * np.asarray(x, dtype=float)

    def bed_slope(self, x):
        h, dh, q = self.depth(x), self.depth_slope(x), self.discharge(x)
        return (q * q / (G * h**3) - 1.0) * dh - 2.0 * q * self.rain / (G * h * h) - self.N**2 * q * np.abs(q) / h ** (10.0 / 3.0)

    def bed(self, x, pieces=2000):
        """z(x) = -integral from x to L of z' (z(L) = 0)."""
        shape = np.shape(x)
        x = np.asarray(x, dtype=float).ravel()
        xg, wg = np.polynomial.legendre.leggauss(20)
        edges = np.linspace(0.0, self.L, pieces + 1)
        lo, hi = edges[:-1, None], edges[1:, None]
        piece = (0.5 * (hi - lo) * wg * self.bed_slope(0.5 * (hi - lo) * xg + 0.5 * (hi + lo))).sum(axis=1)
        tail = np.concatenate([np.cumsum(piece[::-1])[::-1], [0.0]])  # integral from edge k to L
        k = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, pieces - 1)
        a, b = x, edges[k + 1]  # the rest of x's piece, [x, edge k+1]
        part = (0.5 * (b - a)[:, None] * wg * self.bed_slope(0.5 * (b - a)[:, None] * xg + 0.5 * (b + a)[:, None])).sum(axis=1)
        return (-(part + tail[k + 1])).reshape(shape)

    def stage(self, x):
        return self.bed(x) + self.depth(x)
