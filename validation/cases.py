"""Case builders: each writes its GeoTIFF inputs (projected CRS EPSG:2154, metres) into a
work directory and returns (opts, meta): the ruissel options (a dict, see harness.write_options)
and what the reference needs (bed, coordinates, parameters). No checks here: run.py
compares the results with validation.analytic."""
import math
from pathlib import Path

import numpy as np

from . import analytic
from .harness import cell_centres, data_file, read_raster, write_raster

# Lambert-93 false origin: a plausible EPSG:2154 location for the synthetic cases.
X0, Y0 = 700000.0, 6600000.0
NODATA = -9999.0
LONG = 1.0e6  # a tfinal that never binds when -swe_max_steps does


def fractal_terrain(nx, ny, seed, relief=10.0, beta=3.2):
    """Seeded spectral-synthesis surface (power spectrum ~ k^-beta, i.e. fractional
    Brownian relief with Hurst exponent (beta - 2) / 2): rough, realistic-looking, in
    [0, relief] metres."""
    rng = np.random.default_rng(seed)
    ky = np.fft.fftfreq(ny)[:, None]
    kx = np.fft.rfftfreq(nx)[None, :]
    k = np.hypot(kx, ky)
    k[0, 0] = 1.0
    spec = k ** (-beta / 2.0) * np.exp(2j * np.pi * rng.random(k.shape))
    spec[0, 0] = 0.0
    z = np.fft.irfft2(spec, s=(ny, nx))
    z -= z.min()
    return z * (relief / z.max())


def lake_at_rest(work, order, nx=64, ny=48, dx=2.0, seed=20241125):
    """Still lake over fractal terrain: emerged islands, millimetre-deep shores (cells
    with depth exactly stage - z = 1 mm), a nodata corner, closed boundaries, 1000 steps."""
    z = fractal_terrain(nx, ny, seed)
    stage = float(np.quantile(z, 0.45))
    rng = np.random.default_rng(seed + 1)
    shore = np.argwhere((z > stage) & (z < stage + 0.5))
    for j, i in shore[rng.choice(len(shore), size=min(40, len(shore)), replace=False)]:
        z[j, i] = stage - 1.0e-3
    z[:6, :5] = NODATA  # outside the domain
    dem = write_raster(Path(work) / "dem.tif", z, X0, Y0, dx, nodata=NODATA)
    return _lake_opts(dem, stage, order), {"z": z, "stage": stage}


def lake_at_rest_lidar(work, order, size=80):
    """Still lake over a real 0.5 m LiDAR HD terrain window (IGN, Lambert-93)."""
    z, gt, wkt, nodata = read_raster(data_file("dem/lidarhd_dtm_50cm_la93.tif"), (0, 0, size, size))
    valid = z != nodata
    stage = float(np.quantile(z[valid], 0.40))
    dem = write_raster(Path(work) / "dem.tif", z, gt[0], gt[3], gt[1], nodata=nodata)
    zz = np.where(valid, z, np.inf)
    return _lake_opts(dem, stage, order), {"z": zz, "stage": stage}


def _lake_opts(dem, stage, order):
    return {"dem": dem, "stages": "swe", "swe_order": order, "swe_init_stage": repr(stage),
            "swe_tfinal": LONG, "swe_max_steps": 1000, "swe_nodata_bc": "closed"}


# Dam breaks (SWASHES 4.1.1 / 4.1.2 parameter sets): 10 m channel, dam at 5 m, t = 6 s.
DAM = {"length": 10.0, "x_dam": 5.0, "tfinal": 6.0, "ny": 3,
       "ritter": (0.005, 0.0), "stoker": (0.005, 0.001)}


def dam_break(work, kind, nx, order):
    """1D dam break in an nx x 3 strip, flat frictionless bed, closed walls (the waves do
    not reach them by t = 6 s); the initial depth comes from a raster."""
    h_left, h_right = DAM[kind]
    dx = DAM["length"] / nx
    xs, _ = cell_centres(nx, DAM["ny"], 0.0, 0.0, dx)
    h0 = np.where(xs < DAM["x_dam"], h_left, h_right)
    dem = write_raster(Path(work) / "dem.tif", np.zeros_like(xs), X0, Y0, dx)
    depth = write_raster(Path(work) / "depth0.tif", h0, X0, Y0, dx)
    opts = {"dem": dem, "stages": "swe", "swe_order": order, "swe_tfinal": DAM["tfinal"],
            "swe_init_depth_file": depth}
    x = xs[0]
    if kind == "ritter":
        ref = lambda t: analytic.ritter(x, t, h_left, DAM["x_dam"])[0]
        c0 = math.sqrt(analytic.G * h_left)
        fan = (-c0, 2.0 * c0)
    else:
        ref = lambda t: analytic.stoker(x, t, h_left, h_right, DAM["x_dam"])[0]
        fan = analytic.stoker_speeds(h_left, h_right)[:2]
    return opts, {"x": x, "dx": dx, "ref": ref, "fan": fan}


def thacker(work, n, order):
    """Thacker's planar oscillation (SWASHES 4.2.2.2: a = 1, h0 = 0.1, eta = 0.5) on a
    4 m x 4 m square of n x n cells, frictionless, closed walls (the water never reaches
    them). Initial depth from a raster, initial velocity (0, eta*omega) on wet cells;
    snapshots every quarter period for one period."""
    L = 4.0
    dx = L / n
    X, Y = cell_centres(n, n, -L / 2, L / 2, dx)
    m = analytic.ThackerPlanar()
    dem = write_raster(Path(work) / "dem.tif", m.bed(X, Y), X0 - L / 2, Y0 + L / 2, dx)
    depth = write_raster(Path(work) / "depth0.tif", m.depth(X, Y, 0.0), X0 - L / 2, Y0 + L / 2, dx)
    u0, v0 = m.velocity(0.0)
    opts = {"dem": dem, "stages": "swe", "swe_order": order, "swe_tfinal": repr(m.period),
            "swe_init_depth_file": depth, "swe_init_u": repr(u0), "swe_init_v": repr(v0),
            "out_interval": repr(m.period / 4)}
    return opts, {"model": m, "X": X, "Y": Y}


# Rain on a tilted plane: 100 m long (x, falling eastwards at 1 %), 20 m wide.
PLANE = {"nx": 50, "ny": 10, "dx": 2.0, "slope": 0.01, "manning": 0.03, "rain_mmh": 100.0,
         "tfinal": 6000.0}


def tilted_plane(work, order):
    p = PLANE
    xs, _ = cell_centres(p["nx"], p["ny"], 0.0, 0.0, p["dx"])
    z = p["slope"] * (p["nx"] * p["dx"] - xs)
    dem = write_raster(Path(work) / "dem.tif", z, X0, Y0, p["dx"])
    opts = {"dem": dem, "stages": "swe", "swe_order": order, "swe_tfinal": p["tfinal"],
            "swe_manning": p["manning"], "rain_rate": p["rain_mmh"], "swe_bc_east": "free",
            "out_ts_interval": 10.0}
    rain = p["rain_mmh"] / 1000.0 / 3600.0
    length = p["nx"] * p["dx"]
    q, h_out, t_c = analytic.tilted_plane_steady(rain, length * p["ny"] * p["dx"], length,
                                                 p["slope"], p["manning"])
    return opts, {"q_ref": q, "h_out": h_out, "t_c": t_c}


def decomposition(work, order, nx=60, ny=50, dx=5.0, seed=7):
    """Rough terrain with a 2 m deep pool released at t = 0 (wet/dry front), rain, free
    outflow on the east side, nodata patch, two gauges: the rank-count invariance case
    (fields, maxima and gauge series must be bitwise identical on any number of ranks)."""
    z = fractal_terrain(nx, ny, seed, relief=6.0)
    h0 = np.zeros_like(z)
    h0[10:30, 5:25] = np.maximum(0.0, z[10:30, 5:25].max() + 0.5 - z[10:30, 5:25])
    z[40:, 50:] = NODATA
    dem = write_raster(Path(work) / "dem.tif", z, X0, Y0, dx, nodata=NODATA)
    depth = write_raster(Path(work) / "depth0.tif", h0, X0, Y0, dx)
    gauges = Path(work) / "gauges.csv"
    # one gauge on a cell corner (its cell must not depend on the decomposition), one at a centre
    gauges.write_text(f"pool,{X0 + 15 * dx},{Y0 - 20 * dx}\nvalley,{X0 + 45.5 * dx},{Y0 - 25.5 * dx}\n")
    return {"dem": dem, "stages": "swe", "swe_order": order, "swe_tfinal": 60.0,
            "swe_init_depth_file": depth, "rain_rate": 200.0, "swe_manning": 0.04,
            "swe_bc_east": "free", "swe_nodata_bc": "free", "swe_gauges": gauges,
            "out_ts_interval": 5.0}, {}


def small_valid(work):
    """A tiny valid run (20 x 15 cells, 1 s): the base the bad-input variations start from."""
    z = fractal_terrain(20, 15, 3, relief=2.0)
    dem = write_raster(Path(work) / "dem.tif", z, X0, Y0, 1.0)
    return {"dem": dem, "stages": "swe", "swe_tfinal": 1.0, "rain_rate": 10.0}, {}


def cevennes(work, size=200, xoff=700, yoff=700):
    """Rain on a 200 x 200 window (30 m SRTM, UTM 31N) of steep Cevennes catchments."""
    z, gt, wkt, nodata = read_raster(data_file("dem/cevennes_srtm30m_utm31n.tif"),
                                     (xoff, yoff, size, size))
    dem = write_raster(Path(work) / "dem.tif", z, gt[0], gt[3], gt[1], epsg=32631, nodata=nodata)
    opts = {"dem": dem, "stages": "swe", "swe_order": 2, "swe_tfinal": 600.0, "rain_rate": 50.0,
            "swe_manning": 0.05, "swe_nodata_bc": "free", "out_ts_interval": 30.0}
    opts.update({f"swe_bc_{s}": "free" for s in ("west", "east", "south", "north")})
    return opts, {"geotransform": gt, "z": z}


# Tilted V-catchment (Di Giammarco, Todini & Lamberti 1996; the rain-on-grid benchmark of
# Kollet & Maxwell 2006, Shaw et al. 2021 LISFLOOD-FP 8.0, Morales-Hernandez et al. 2021 TRITON,
# Caviedes-Voullieme et al. 2023 SERGHEI): two 800 m x 1000 m planes sloping 0.05 towards a
# 20 m wide channel, everything sloping 0.02 along the channel (y, down to the south edge);
# Manning 0.015 on the planes, 0.15 in the channel; 10.8 mm/h for 90 min, 3 h simulated;
# closed edges but a normal-depth outlet (slope 0.02) across the channel's downstream end.
# Equilibrium discharge = rain x area = 3e-6 m/s x 1620 m x 1000 m = 4.86 m3/s.
VCATCH = {"plane": 800.0, "channel": 20.0, "length": 1000.0, "slope_x": 0.05, "slope_y": 0.02,
          "n_plane": 0.015, "n_channel": 0.15, "rain_mmh": 10.8, "rain_s": 5400.0, "tfinal": 10800.0}


def v_catchment(work, dx, order, tfinal=None):
    """The V-catchment on dx-metre cells (dx must divide 20 m); returns (opts, meta) with the
    equilibrium discharge and the catchment area."""
    v = VCATCH
    width = 2 * v["plane"] + v["channel"]
    nx, ny = int(round(width / dx)), int(round(v["length"] / dx))
    if abs(nx * dx - width) > 1e-9 or abs(v["channel"] / dx - round(v["channel"] / dx)) > 1e-9:
        raise ValueError(f"V-catchment: {dx} m cells do not tile the 20 m channel")
    X, Y = cell_centres(nx, ny, 0.0, v["length"], dx)  # local coordinates, y = 0 at the outlet
    d = np.maximum(0.0, np.abs(X - width / 2) - v["channel"] / 2)  # distance from the channel
    z = v["slope_x"] * d + v["slope_y"] * Y
    n = np.where(d > 0.0, v["n_plane"], v["n_channel"])
    work = Path(work)
    dem = write_raster(work / "dem.tif", z, X0, Y0 + v["length"], dx)
    man = write_raster(work / "manning.tif", n, X0, Y0 + v["length"], dx)
    (work / "rain.csv").write_text(f"time_s,mm_per_h\n0,{v['rain_mmh']}\n{v['rain_s']:g},0\n")
    x0 = X0 + v["plane"]
    (work / "outlet.csv").write_text(f"side,start,end,type\nS,{x0},{x0 + v['channel']},normal\n")
    opts = {"dem": dem, "stages": "swe", "swe_order": order, "swe_tfinal": tfinal or v["tfinal"],
            "hydro_manning_file": man, "rain_hyetograph": work / "rain.csv",
            "swe_bc_segments": work / "outlet.csv", "swe_slope_south": v["slope_y"],
            "out_ts_interval": 60.0}
    area = width * v["length"]
    return opts, {"q_eq": v["rain_mmh"] / 3.6e6 * area, "area": area, "cells": nx * ny}


# MacDonald steady channels (SWASHES 3.1.3): 1000 m, 5 m cells, 3 cells across, closed sides.
MCDO = {"nx": 200, "ny": 3, "dx": 5.0, "tfinal": 2000.0}


def macdonald(work, kind, outlet, order):
    """Steady flow of analytic.MacDonald(kind) from a dry start: inflow q0 on the west side,
    rain when the kind has it, 'free' outlet or 'stage' (the analytic water level at x = L)
    on the east side."""
    m = analytic.MacDonald(kind)
    p = MCDO
    xs, _ = cell_centres(p["nx"], p["ny"], 0.0, 0.0, p["dx"])
    dem = write_raster(Path(work) / "dem.tif", m.bed(xs), X0, Y0, p["dx"])
    opts = {"dem": dem, "stages": "swe", "swe_order": order, "swe_tfinal": p["tfinal"],
            "swe_manning": m.N, "swe_bc_west": "inflow", "swe_inflow_west": repr(m.q0),
            "swe_bc_east": outlet, "out_ts_interval": 60.0}
    if outlet == "stage":
        opts["swe_stage_east"] = repr(float(m.stage(m.L)))
    if m.rain:
        opts["rain_rate"] = repr(m.rain * 3.6e6)  # m/s -> mm/h
    return opts, {"model": m, "x": xs[0], "width": p["ny"] * p["dx"]}
