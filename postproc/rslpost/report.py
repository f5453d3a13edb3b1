"""One report for a run: indicators for the whole domain and per zone, maps, hydrographs
(with observed data when given), the scenario comparison with the per-zone tables of every
scenario, and the GIS exports (COG + QGIS styles, GeoPackage), gathered into report.md and
a self-contained-folder report.html. Areas are shown in hectares, times in minutes; the
CSV files beside keep SI units (m2, s)."""
import html
import os

import numpy as np

from . import compare, export, hydrograph, indicators, maps, vectors

# Display of a column: (header, factor from the CSV's unit, format)
SHOW = {
    "cells": ("cells", 1, "{:.0f}"), "area_m2": ("area (ha)", 1e-4, "{:.2f}"),
    "flooded_area_m2": ("flooded (ha)", 1e-4, "{:.2f}"), "hazard_faible_m2": ("faible (ha)", 1e-4, "{:.2f}"),
    "hazard_modere_m2": ("modéré (ha)", 1e-4, "{:.2f}"), "hazard_fort_m2": ("fort (ha)", 1e-4, "{:.2f}"),
    "hazard_tres_fort_m2": ("très fort (ha)", 1e-4, "{:.2f}"), "max_depth_m": ("max depth (m)", 1, "{:.2f}"),
    "max_hv_m2s": ("max h|u| (m²/s)", 1, "{:.2f}"), "first_arrival_s": ("first flooding (min)", 1 / 60, "{:.0f}"),
    "volume_m3": ("stored at end (m³)", 1, "{:.0f}"), "rain_m3": ("rain (m³)", 1, "{:.0f}"),
    "losses_m3": ("losses (m³)", 1, "{:.0f}"), "net_runoff_m3": ("net runoff (m³)", 1, "{:.0f}"),
    "net_runoff_coefficient": ("net runoff coef.", 1, "{:.3f}"), "artificialised_m2": ("artificialised (ha)", 1e-4, "{:.2f}"),
    "artificialised_base_m2": ("artificialised before (ha)", 1e-4, "{:.2f}"),
    "artificialised_change_m2": ("artificialised change (ha)", 1e-4, "{:+.2f}"),
    "outflow_m3": ("outflow (m³)", 1, "{:.0f}"), "runoff_coefficient": ("runoff coef. (outflow/rain)", 1, "{:.3f}"),
    "budget_relative_error": ("budget rel. error", 1, "{:.1e}"), "peak_outflow_m3s": ("peak outflow (m³/s)", 1, "{:.2f}"),
    "peak_outflow_time_s": ("time of peak (min)", 1 / 60, "{:.0f}"), "flooded_area_change_pct": ("flooded change (%)", 1, "{:+.1f}"),
    "outflow_m3_change_pct": ("outflow change (%)", 1, "{:+.1f}"), "peak_outflow_m3s_change_pct": ("peak change (%)", 1, "{:+.1f}"),
    "flooded_area_m2_change_pct": ("flooded change (%)", 1, "{:+.1f}"),
}
ZONE_SHOWN = ["zone", "area_m2", "flooded_area_m2"] + indicators.HAZARD_COLUMNS + [
    "max_depth_m", "first_arrival_s", "net_runoff_coefficient", "artificialised_m2", "artificialised_change_m2"]


def display(rows, cols=None):
    """Rows with the SHOW headers, units and number formats (columns without data dropped;
    areas in ha, or in m2 when every area of the table is below a hectare)."""
    cols = [c for c in (cols or list(rows[0].keys())) if any(r.get(c) is not None for r in rows)]
    areas = [abs(r[c]) for r in rows for c in cols if c.endswith("_m2") and isinstance(r.get(c), (int, float)) and np.isfinite(r[c])]
    small = bool(areas) and max(areas) < 1e4
    out = []
    for r in rows:
        d = {}
        for c in cols:
            head, fac, f = SHOW.get(c, (c, 1, "{}"))
            if small and c.endswith("_m2"):
                head, fac, f = head.replace("(ha)", "(m²)"), 1, f.replace(".2f", ".1f")
            v = r.get(c)
            d[head] = "" if v is None else (f.format(v * fac) if isinstance(v, (int, float)) and np.isfinite(v) else str(v))
        out.append(d)
    return out


def _table_html(rows):
    cols = list(rows[0].keys())
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(compare.fmt(r[c]))}</td>" for c in cols) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _domain_table(row):
    """The domain row as a two-column table (indicator, value)."""
    return [{"indicator": SHOW.get(c, (c,))[0], "value": v} for c, v in display([row])[0].items() if c != "zone" and v != ""]


def _sections(res, out_dir, zones, threshold, min_depth, others, observed, zones_field):
    """(title, kind, payload) sections; kind 'table' (rows), 'images' (paths), 'text' or
    'files' (paths)."""
    rows = indicators.compute(res, zones, threshold, zones_field)
    indicators.write(rows, os.path.join(out_dir, "indicators.csv"), os.path.join(out_dir, "indicators.json"))
    thr = res.flood_depth if threshold is None else threshold
    run = res.run
    info = [f"grid {res.nx} × {res.ny} cells of {res.dx:g} × {res.dy:g} m, {res.crs_name() or 'CRS unknown'}",
            f"flooded = maximum depth above {thr:g} m (-hazard_threshold)"]
    if res.has("hazard"):
        info.append("hazard classes (/max/hazard): " + ", ".join(res.hazard_names()[1:]) + "; " +
                    "; ".join(res.hazard_attrs[k] for k in ("definition", "source") if k in res.hazard_attrs))
    if res.scenario:
        info.append("scenario: " + ", ".join(f"{k} {v}" for k, v in res.scenario.items()))
    if run:
        info.append(f"simulated {run.get('time', float('nan')):g} s in {int(run.get('steps', 0))} steps "
                    f"(smallest dt {run.get('dt_min', float('nan')):.3g} s)")
    for key in ("version", "git_commit", "ranks", "wall_time_s"):
        if key in res.provenance:
            v = res.provenance[key]
            info.append(f"{key}: {float(v):.4g}" if key == "wall_time_s" else f"{key}: {v}")
    outlines = maps.zone_outlines(res, zones, zones_field) if zones else maps.zone_outlines(res)
    secs = [("Run", "text", info), ("Whole domain", "table", _domain_table(rows[0]))]
    names = vectors.zone_names(res, zones, zones_field)
    if names:  # "32901 Saint-Ruissel"
        for r in rows[1:]:
            r["zone"] = f"{r['zone']} {names.get(r['zone'], '')}".strip()
    if len(rows) > 1:
        src = os.path.basename(zones or res.zone_attrs.get("source", ""))
        field = zones_field or res.zone_attrs.get("field", "")
        secs.append((f"Per zone ({', '.join(x for x in (src, field) if x)})", "table", display(rows[1:], ZONE_SHOWN)))
    results = [res] + list(others)
    if others:
        crows, zrows, cpaths = compare.make_compare(results, out_dir, threshold, min_depth)
        if zrows:
            for r in zrows:
                r["zone"] = f"{r['zone']} {names.get(r['zone'], '')}".strip()
            secs.append(("Per zone and scenario", "table", display(zrows)))
    secs += [("Maps", "images", maps.make_maps(res, out_dir, min_depth, outlines)),
             ("Hydrographs", "images", [p for p in hydrograph.make_hydrograph(res, out_dir, observed) if p.endswith(".png")])]
    if others:
        shown = ["scenario", "rain_m3", "outflow_m3", "runoff_coefficient", "peak_outflow_m3s", "flooded_area_m2"] + \
            indicators.HAZARD_COLUMNS + ["max_depth_m", "net_runoff_coefficient", "artificialised_change_m2",
                                         "outflow_m3_change_pct", "peak_outflow_m3s_change_pct", "flooded_area_m2_change_pct"]
        secs.append(("Scenario comparison (whole domain)", "table", display(crows, shown)))
        secs.append(("Difference maps", "images", [p for p in cpaths if p.endswith(".png")]))
    gis = os.path.join(out_dir, "gis")
    files = []
    for r in results:  # the reference's GeoPackage also holds the other scenarios' zone tables
        files += export.export(r, gis, others if r is res else (), zones_path=zones, zones_field=zones_field)
    secs.append(("GIS files (Cloud Optimized GeoTIFF with QGIS styles, GeoPackage)", "files", files))
    return secs


def make_report(res, out_dir, zones=None, threshold=None, min_depth=None, others=(), observed=None, zones_field=None):
    """Writes everything into out_dir; returns (report.md, report.html)."""
    os.makedirs(out_dir, exist_ok=True)
    secs = _sections(res, out_dir, zones, threshold, min_depth, list(others), observed, zones_field)
    thr = res.flood_depth if threshold is None else threshold
    md = [f"# ruissel report: {res.name}\n", f"Result file: `{res.path}`. Flooded = maximum depth > {thr:g} m.\n"]
    ht = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>ruissel report: {html.escape(res.name)}</title>",
          "<style>body{font-family:sans-serif;max-width:75em;margin:auto}table{border-collapse:collapse;font-size:90%}"
          "td,th{border:1px solid #bbb;padding:2px 6px;text-align:right}img{max-width:100%}</style></head><body>",
          f"<h1>ruissel report: {html.escape(res.name)}</h1>",
          f"<p>Result file: <code>{html.escape(res.path)}</code>. Flooded = maximum depth &gt; {thr:g} m.</p>"]
    for title, kind, payload in secs:
        md.append(f"## {title}\n")
        ht.append(f"<h2>{html.escape(title)}</h2>")
        if kind == "text":
            md += [f"- {line}" for line in payload] + [""]
            ht.append("<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in payload) + "</ul>")
        elif kind == "table":
            md.append(compare.markdown(payload))
            ht.append(_table_html(payload))
        elif kind == "files":
            rel = [os.path.relpath(p, out_dir) for p in payload]
            md += [f"- [{r}]({r})" for r in rel] + [""]
            ht.append("<ul>" + "".join(f"<li><a href='{html.escape(r)}'>{html.escape(r)}</a></li>" for r in rel) + "</ul>")
        else:
            for p in payload:
                name = os.path.basename(p)
                md.append(f"![{name}]({name})\n")
                ht.append(f"<p><img src='{html.escape(name)}' alt='{html.escape(name)}'></p>")
    ht.append("</body></html>")
    md_path, html_path = os.path.join(out_dir, "report.md"), os.path.join(out_dir, "report.html")
    with open(md_path, "w") as f:
        f.write("\n".join(md))
    with open(html_path, "w") as f:
        f.write("\n".join(ht))
    return md_path, html_path
