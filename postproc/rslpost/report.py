"""One report for a run: maps, hydrograph, indicators (and optionally a scenario comparison)
gathered into report.md and a self-contained-folder report.html."""
import html
import os

from . import compare, hydrograph, indicators, maps


def _table_html(rows):
    cols = list(rows[0].keys())
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(compare.fmt(r[c]))}</td>" for c in cols) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _sections(res, out_dir, zones, threshold, min_depth, others):
    """(title, kind, payload) sections; kind 'table' (rows), 'images' (paths) or 'text'."""
    rows = indicators.compute(res, zones, threshold)
    indicators.write(rows, os.path.join(out_dir, "indicators.csv"), os.path.join(out_dir, "indicators.json"))
    run = res.run
    info = [f"grid {res.nx} × {res.ny} cells of {res.dx:g} × {res.dy:g} m, {res.crs_name() or 'CRS unknown'}"]
    if run:
        info.append(f"simulated {run.get('time', float('nan')):g} s in {int(run.get('steps', 0))} steps "
                    f"(smallest dt {run.get('dt_min', float('nan')):.3g} s)")
    for key in ("version", "git_commit", "ranks", "wall_time_s"):
        if key in res.provenance:
            v = res.provenance[key]
            info.append(f"{key}: {float(v):.4g}" if key == "wall_time_s" else f"{key}: {v}")
    secs = [("Run", "text", info),
            ("Indicators", "table", rows),
            ("Maps", "images", maps.make_maps(res, out_dir, min_depth)),
            ("Hydrographs", "images", [p for p in hydrograph.make_hydrograph(res, out_dir) if p.endswith(".png")])]
    if others:
        crows, cpaths = compare.make_compare([res] + others, out_dir, threshold, min_depth)
        secs.append(("Scenario comparison", "table", crows))
        secs.append(("Difference maps", "images", [p for p in cpaths if p.endswith(".png")]))
    return secs


def make_report(res, out_dir, zones=None, threshold=0.1, min_depth=0.01, others=()):
    """Writes everything into out_dir; returns (report.md, report.html)."""
    os.makedirs(out_dir, exist_ok=True)
    secs = _sections(res, out_dir, zones, threshold, min_depth, list(others))
    md = [f"# ruissel report: {res.name}\n", f"Result file: `{res.path}`. Flooded = maximum depth > {threshold:g} m.\n"]
    ht = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>ruissel report: {html.escape(res.name)}</title>",
          "<style>body{font-family:sans-serif;max-width:70em;margin:auto}table{border-collapse:collapse;font-size:90%}"
          "td,th{border:1px solid #bbb;padding:2px 6px;text-align:right}img{max-width:100%}</style></head><body>",
          f"<h1>ruissel report: {html.escape(res.name)}</h1>",
          f"<p>Result file: <code>{html.escape(res.path)}</code>. Flooded = maximum depth &gt; {threshold:g} m.</p>"]
    for title, kind, payload in secs:
        md.append(f"## {title}\n")
        ht.append(f"<h2>{html.escape(title)}</h2>")
        if kind == "text":
            md += [f"- {line}" for line in payload] + [""]
            ht.append("<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in payload) + "</ul>")
        elif kind == "table":
            md.append(compare.markdown(payload))
            ht.append(_table_html(payload))
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
