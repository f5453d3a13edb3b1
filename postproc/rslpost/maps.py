"""Maps of a result as PNG, north-up in map coordinates over a grey hillshade of the
terrain, each with its legend and units, a scale bar, a north arrow, the CRS, the zones'
outlines and names (when the run had -zones or --zones is given) and the gauges:
maximum depth, maximum speed, maximum h|u|, flood hazard (/max/hazard, the solver's
classes: faible, modéré, fort, très fort), arrival time and duration of flooding. A field
larger than MAX_PIXELS on a side is drawn from every step-th cell, read by blocks."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import ListedColormap, Normalize  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402

from .result import HAZARD_COLOURS  # noqa: E402

# Blues without its near-white end, so shallow water stays distinct from the grey terrain.
DEPTH_CMAP = ListedColormap(plt.get_cmap("Blues")(np.linspace(0.3, 1.0, 256)))


MAX_PIXELS = 2000  # the longer side of a map's raster: a figure is about 900 pixels wide


def view(res, *names):
    """The named fields, z, `active` and the hillshade `shade` every `step`-th row and column,
    step such that the longer side stays within MAX_PIXELS: read by blocks, so a map of a
    huge field never loads it whole."""
    step = max(1, -(-max(res.ny, res.nx) // MAX_PIXELS))
    v = res.decimated("z", *names, step=step)
    v["step"] = step
    v["shade"] = hillshade(v["z"], v["active"], res.dx * step, res.dy * step)
    return v


def hillshade(z, active, dx, dy, azimuth=315.0, altitude=45.0):
    """Lambertian shading n.L in [0, 1] of the terrain z (cells dx x dy) lit from `azimuth`
    (degrees clockwise from north) and `altitude`; a flat cell gets sin(altitude). NaN
    outside the domain."""
    z = np.where(active, z, z[active].mean() if active.any() else 0.0)
    dzdrow, dzdcol = np.gradient(z, dy, dx) if min(z.shape) > 1 else (np.zeros_like(z), np.zeros_like(z))
    gx, gy = dzdcol, -dzdrow  # row 0 is north: northward derivative is minus the row one
    az, alt = np.radians(azimuth), np.radians(altitude)
    light = (np.sin(az) * np.cos(alt), np.cos(az) * np.cos(alt), np.sin(alt))
    shade = (-gx * light[0] - gy * light[1] + light[2]) / np.sqrt(1.0 + gx * gx + gy * gy)
    return np.where(active, np.clip(shade, 0.0, 1.0), np.nan)


def nice_length(span):
    """A round scale-bar length (1, 2 or 5 x 10^k m) near a fifth of span (m)."""
    target = max(span / 5.0, 1e-9)
    k = 10.0 ** np.floor(np.log10(target))
    return max((m * k for m in (1, 2, 5, 10) if m * k <= target * 1.5), default=k)


def scale_bar(ax, res):
    """A two-segment black and white bar in the lower left corner, labelled in m or km."""
    x0, x1, y0, y1 = res.extent
    L = nice_length(x1 - x0)
    h = 0.012 * (y1 - y0)
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    for k, c in enumerate(("black", "white")):
        ax.add_patch(Rectangle((bx + k * L / 2, by), L / 2, h, facecolor=c, edgecolor="black", lw=0.8, zorder=5))
    text = f"{L / 1000:g} km" if L >= 1000 else f"{L:g} m"
    ax.text(bx + L / 2, by + 1.8 * h, text, ha="center", va="bottom", fontsize=9, zorder=5,
            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1})
    return L


def north_arrow(ax):
    ax.annotate("N", xy=(0.96, 0.93), xycoords="axes fraction", ha="center", fontsize=12, weight="bold", zorder=5)
    ax.annotate("", xy=(0.96, 0.92), xytext=(0.96, 0.80), xycoords="axes fraction", zorder=5,
                arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.5})


def _rings(geom):
    """Exterior and interior rings of a (multi)polygon as lists of (x, y)."""
    out = []
    if geom.GetGeometryCount() == 0:
        pts = geom.GetPoints()
        return [pts] if pts else []
    for i in range(geom.GetGeometryCount()):
        out += _rings(geom.GetGeometryRef(i))
    return out


def draw_outlines(ax, outlines):
    """Zone outlines [(name, geometry in the map's CRS)] with their names."""
    for name, geom in outlines:
        for ring in _rings(geom):
            xy = np.asarray(ring)[:, :2]
            ax.plot(xy[:, 0], xy[:, 1], color="#333333", lw=1.0, ls="--", zorder=4)
        p = geom.PointOnSurface()
        if p is not None and not p.IsEmpty():
            ax.text(p.GetX(), p.GetY(), name, ha="center", va="center", fontsize=8, zorder=5,
                    bbox={"facecolor": "white", "alpha": 0.6, "edgecolor": "none", "pad": 1})


def _figure(res):
    aspect = res.ny * abs(res.gt[5]) / max(res.nx * res.gt[1], 1e-9)
    width = 8.0
    return plt.subplots(figsize=(width, min(max(width * aspect * 0.85, 3.5), 12.0)), dpi=110)


def draw_map(res, shade, data, title, label, path, cmap="viridis", norm=None, legend=None, outlines=()):
    """One north-up map of `data` (the result's grid, maybe decimated: view(); NaN =
    transparent) over the hillshade `shade` (the same cells), saved to
    path; a colour bar labelled `label` (with its units), or the class `legend`
    [(colour, text)] for class maps."""
    fig, ax = _figure(res)
    ax.imshow(np.ma.masked_invalid(shade), cmap="gray", vmin=-0.6, vmax=1.1, extent=res.extent,
              origin="upper", interpolation="nearest")
    im = ax.imshow(np.ma.masked_invalid(data), cmap=cmap, norm=norm, extent=res.extent, origin="upper",
                   interpolation="nearest", alpha=0.9)
    if legend:
        ax.legend(handles=[Patch(facecolor=c, edgecolor="black", label=t) for c, t in legend], title=label,
                  loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, title_fontsize=9, frameon=False)
    else:
        fig.colorbar(im, ax=ax, shrink=0.85).set_label(label)
    draw_outlines(ax, outlines)
    for name, (x, y) in sorted(res.gauge_xy.items()):
        ax.plot(x, y, marker="^", color="black", markerfacecolor="yellow", ms=7, zorder=6)
        ax.annotate(name, (x, y), xytext=(4, 4), textcoords="offset points", fontsize=8, zorder=6)
    crs = res.crs_name()
    ax.set_xlabel(f"x (m{', ' + crs if crs else ''})")
    ax.set_ylabel(f"y (m{', ' + crs if crs else ''})")
    ax.set_xlim(res.extent[0], res.extent[1])
    ax.set_ylim(res.extent[2], res.extent[3])
    ax.ticklabel_format(style="plain", useOffset=False)
    ax.tick_params(axis="x", labelrotation=30)
    ax.set_title(f"{title}\n{res.name}", fontsize=11)
    scale_bar(ax, res)
    north_arrow(ax)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def zone_outlines(res, path=None, field=None):
    """[(name, geometry)] of the run's zones (/zones source) or of path/field; [] when the
    file cannot be read (maps are still drawn, without outlines)."""
    from . import vectors
    from .result import ResultError

    path = path or res.zone_attrs.get("source")
    field = field or res.zone_attrs.get("field")
    if not path or not field or not os.path.exists(path):
        return []
    try:
        return [(name, g) for name, g, _ in vectors.read_polygons(res, path, field, res.zone_attrs.get("layer") or None)]
    except ResultError:
        return []


def make_maps(res, out_dir, min_depth=None, outlines=None):
    """max_depth.png, max_speed.png, max_hv.png, hazard.png, arrival.png, duration.png in
    out_dir (those the result has data for); cells whose maximum depth stayed below
    min_depth (m, default the run's flood depth) are left transparent. Returns the paths."""
    os.makedirs(out_dir, exist_ok=True)
    min_depth = res.flood_depth if min_depth is None else min_depth
    outlines = zone_outlines(res) if outlines is None else outlines
    v = view(res, "max_h", "max_speed", "max_hv", "hazard", "arrival", "duration")
    wet = v["active"] & (v["max_h"] > min_depth)

    def shown(a):
        return np.where(wet, a, np.nan)

    def vmax(a, floor):
        return max(float(np.nanmax(a)) if np.isfinite(a).any() else 0.0, floor)

    paths = []
    d = shown(v["max_h"])
    paths.append(draw_map(res, v["shade"], d, f"Maximum water depth (cells > {min_depth:g} m)", "depth (m)",
                          os.path.join(out_dir, "max_depth.png"), DEPTH_CMAP, Normalize(0, vmax(d, min_depth)), outlines=outlines))
    if v["max_speed"] is not None:
        s = shown(v["max_speed"])
        paths.append(draw_map(res, v["shade"], s, "Maximum flow speed", "speed (m/s)", os.path.join(out_dir, "max_speed.png"),
                              "magma_r", Normalize(0, vmax(s, 0.1)), outlines=outlines))
    if v["max_hv"] is not None:
        q = shown(v["max_hv"])
        paths.append(draw_map(res, v["shade"], q, "Maximum depth × speed h|u|", "h|u| (m²/s)", os.path.join(out_dir, "max_hv.png"),
                              "YlOrRd", Normalize(0, vmax(q, 0.1)), outlines=outlines))
    if v["hazard"] is not None:
        hz = np.where(v["active"] & (v["hazard"] > 0), v["hazard"].astype(float), np.nan)
        names = res.hazard_names()
        present = [k for k in range(1, len(HAZARD_COLOURS)) if (v["hazard"][v["active"]] == k).any()] or [1]
        paths.append(draw_map(res, v["shade"], hz, "Flood hazard (aléa: depth × velocity)", "hazard class",
                              os.path.join(out_dir, "hazard.png"), ListedColormap(HAZARD_COLOURS),
                              Normalize(-0.5, len(HAZARD_COLOURS) - 0.5),
                              legend=[(HAZARD_COLOURS[k], names[k] if k < len(names) else str(k)) for k in present], outlines=outlines))
    for data, name, title in ((v["arrival"], "arrival", f"Arrival time of {res.flood_depth:g} m of water"),
                              (v["duration"], "duration", f"Duration above {res.flood_depth:g} m")):
        if data is not None:
            m = np.where(v["active"] & np.isfinite(data) & (data > 0 if name == "duration" else True), data / 60.0, np.nan)
            paths.append(draw_map(res, v["shade"], m, title, "time (min)", os.path.join(out_dir, name + ".png"),
                                  "viridis_r" if name == "arrival" else "viridis", Normalize(0, vmax(m, 1.0)), outlines=outlines))
    return paths
