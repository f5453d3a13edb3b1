"""Maps of a result as PNG: maximum depth, maximum speed and flood hazard, north-up, in map
coordinates, over a grey hillshade of the terrain, each with its colour bar.

Hazard follows the UK flood hazard rating (Defra & Environment Agency 2006, "Flood risks to
people, Phase 2", R&D report FD2321/TR2): HR = d (v + 0.5) + DF, with d the depth (m), v
the speed (m/s) and the debris factor DF = 0 for d <= 0.25 m, 0.5 for d <= 0.75 m, 1
beyond; classes low (< 0.75), moderate (0.75-1.25), significant (1.25-2.0), extreme (> 2).
The result holds per-cell maxima of depth and speed, which need not occur at the same time,
so the map uses HR(max d, max v): an upper bound of the hazard, on the safe side."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import BoundaryNorm, ListedColormap, Normalize  # noqa: E402

HAZARD_BOUNDS = [0.0, 0.75, 1.25, 2.0, np.inf]
HAZARD_LABELS = ["low", "moderate", "significant", "extreme"]
HAZARD_COLOURS = ["#ffe680", "#ffa64d", "#e6331a", "#80004d"]
# Blues without its near-white end, so shallow water stays distinct from the grey terrain.
DEPTH_CMAP = ListedColormap(plt.get_cmap("Blues")(np.linspace(0.3, 1.0, 256)))


def hazard_rating(depth, speed):
    """Defra FD2321 hazard rating HR = d (v + 0.5) + DF (see the module docstring)."""
    df = np.where(depth <= 0.25, 0.0, np.where(depth <= 0.75, 0.5, 1.0))
    return depth * (speed + 0.5) + df


def hazard_class(depth, speed):
    """0 low, 1 moderate, 2 significant, 3 extreme."""
    return np.digitize(hazard_rating(depth, speed), HAZARD_BOUNDS[1:-1])


def hillshade(res, azimuth=315.0, altitude=45.0):
    """Lambertian shading n.L in [0, 1] of the terrain lit from `azimuth` (degrees clockwise
    from north) and `altitude`; a flat cell gets sin(altitude). NaN outside the domain."""
    z = np.where(res.active, res.z, res.z[res.active].mean() if res.active.any() else 0.0)
    dzdrow, dzdcol = np.gradient(z, res.dy, res.dx) if min(z.shape) > 1 else (np.zeros_like(z), np.zeros_like(z))
    gx, gy = dzdcol, -dzdrow  # row 0 is north: northward derivative is minus the row one
    az, alt = np.radians(azimuth), np.radians(altitude)
    light = (np.sin(az) * np.cos(alt), np.cos(az) * np.cos(alt), np.sin(alt))
    shade = (-gx * light[0] - gy * light[1] + light[2]) / np.sqrt(1.0 + gx * gx + gy * gy)
    return np.where(res.active, np.clip(shade, 0.0, 1.0), np.nan)


def _figure(res):
    aspect = res.ny * abs(res.gt[5]) / max(res.nx * res.gt[1], 1e-9)
    width = 8.0
    return plt.subplots(figsize=(width, min(max(width * aspect * 0.85, 3.5), 12.0)), dpi=110)


def draw_map(res, data, title, label, path, cmap="viridis", norm=None, ticks=None, ticklabels=None):
    """One north-up map of `data` (ny x nx, NaN = transparent) over the hillshade, saved to path."""
    fig, ax = _figure(res)
    # Shading mapped to light greys so the coloured layer stays readable over it.
    ax.imshow(np.ma.masked_invalid(hillshade(res)), cmap="gray", vmin=-0.6, vmax=1.1, extent=res.extent,
              origin="upper", interpolation="nearest")
    im = ax.imshow(np.ma.masked_invalid(data), cmap=cmap, norm=norm, extent=res.extent, origin="upper",
                   interpolation="nearest", alpha=0.9)
    cb = fig.colorbar(im, ax=ax, shrink=0.85, ticks=ticks)
    cb.set_label(label)
    if ticklabels:
        cb.ax.set_yticklabels(ticklabels)
    crs = res.crs_name()
    ax.set_xlabel(f"x (m{', ' + crs if crs else ''})")
    ax.set_ylabel(f"y (m{', ' + crs if crs else ''})")
    ax.ticklabel_format(style="plain", useOffset=False)
    ax.tick_params(axis="x", labelrotation=30)
    ax.set_title(f"{title}\n{res.name}", fontsize=11)
    ax.annotate("N", xy=(0.96, 0.93), xycoords="axes fraction", ha="center", fontsize=12, weight="bold")
    ax.annotate("", xy=(0.96, 0.92), xytext=(0.96, 0.80), xycoords="axes fraction",
                arrowprops={"arrowstyle": "-|>", "color": "black"})
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def make_maps(res, out_dir, min_depth=0.01):
    """max_depth.png, max_speed.png, hazard.png in out_dir; cells whose maximum depth stayed
    below min_depth (m) are left transparent. Returns the paths."""
    os.makedirs(out_dir, exist_ok=True)
    wet = res.active & (res.max_h > min_depth)
    depth = np.where(wet, res.max_h, np.nan)
    paths = [draw_map(res, depth, f"Maximum water depth (cells > {min_depth:g} m)", "depth (m)",
                      os.path.join(out_dir, "max_depth.png"), cmap=DEPTH_CMAP,
                      norm=Normalize(vmin=0, vmax=max(np.nanmax(depth) if wet.any() else 0, min_depth)))]
    if res.max_speed is not None:
        speed = np.where(wet, res.max_speed, np.nan)
        paths.append(draw_map(res, speed, "Maximum flow speed", "speed (m/s)",
                              os.path.join(out_dir, "max_speed.png"), cmap="magma_r",
                              norm=Normalize(vmin=0, vmax=max(np.nanmax(speed) if wet.any() else 0, 0.1))))
        hz = np.where(wet, hazard_class(res.max_h, res.max_speed), np.nan)
        paths.append(draw_map(res, hz, "Flood hazard, HR = d (v + 0.5) + DF (Defra FD2321)", "hazard class",
                              os.path.join(out_dir, "hazard.png"), cmap=ListedColormap(HAZARD_COLOURS),
                              norm=BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5], 4), ticks=[0, 1, 2, 3],
                              ticklabels=HAZARD_LABELS))
    return paths
