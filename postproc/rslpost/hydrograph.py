"""Outlet hydrographs (/hydrographs/outflow: m3/s leaving the domain per side and in total)
and gauge series (/gauges/<name>: time, h, hu, hv, eta) as CSV and one PNG, with observed
data when given: a CSV whose first column is the time (s) and whose other columns are named
`outflow` (m3/s, drawn with the total outflow) or after a gauge (depth, m)."""
import csv
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _time_axis(t):
    """Scale and label for a time axis in seconds: minutes up to 6 h, hours beyond."""
    return (1 / 3600.0, "time (h)") if t.size and t.max() > 6 * 3600 else (1 / 60.0, "time (min)")


def write_csv(res, out_dir):
    """outflow.csv (the table as is) and gauges.csv (long format: gauge + the table columns)."""
    paths = []
    if res.outflow is not None:
        names, data = res.outflow
        p = os.path.join(out_dir, "outflow.csv")
        with open(p, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(names)
            w.writerows(data.tolist())
        paths.append(p)
    if res.gauges:
        p = os.path.join(out_dir, "gauges.csv")
        with open(p, "w", newline="") as f:
            w = csv.writer(f)
            header = None
            for name, (cols, data) in sorted(res.gauges.items()):
                if header is None:
                    header = cols
                    w.writerow(["gauge"] + cols)
                for row in data.tolist():
                    w.writerow([name] + row)
        paths.append(p)
    return paths


def read_observed(path):
    """{series name: (time s, values)} from an observed-data CSV (header: time_s,name,...)."""
    from .result import ResultError

    try:
        with open(path, newline="") as f:
            rows = [r for r in csv.reader(line for line in f if line.strip() and not line.startswith("#"))]
        head, data = rows[0], np.array([[float(v) if v.strip() else np.nan for v in r] for r in rows[1:]], dtype=float)
    except (OSError, ValueError, IndexError) as e:
        raise ResultError(f"--observed {path}: not a CSV of numbers after a header time_s,name,... ({e})") from e
    if data.ndim != 2 or data.shape[1] != len(head) or len(head) < 2:
        raise ResultError(f"--observed {path}: expected a header time_s,name,... and rows of as many numbers")
    return {name.strip(): (data[:, 0], data[:, k]) for k, name in enumerate(head) if k > 0}


def plot(res, path, observed=None):
    """Outflow (total and each side that carried water) and, below, the gauges' depths;
    observed series (read_observed) as dots over the simulated ones."""
    observed = observed or {}
    npanel = 1 + bool(res.gauges)
    fig, axes = plt.subplots(npanel, 1, figsize=(8, 3.6 * npanel), dpi=110, sharex=True, squeeze=False)
    ax = axes[0, 0]
    if res.outflow is not None:
        names, data = res.outflow
        t = data[:, names.index("time")]
        scale, tlabel = _time_axis(t)
        for k, name in enumerate(names):
            if name == "time" or not np.any(data[:, k] != 0):
                continue
            ax.plot(t * scale, data[:, k], lw=2.2 if name == "total" else 1.2,
                    color="black" if name == "total" else None, label=name)
        if "outflow" in observed:
            t_o, q_o = observed["outflow"]
            ax.plot(t_o * scale, q_o, "o", ms=3.5, color="crimson", label="observed")
        ax.legend(loc="best", fontsize=9)
    else:
        scale, tlabel = 1 / 60.0, "time (min)"
        ax.text(0.5, 0.5, "no /hydrographs/outflow in the result", ha="center", transform=ax.transAxes)
    ax.set_ylabel("outflow (m³/s)")
    ax.set_title(f"Outflow hydrograph — {res.name}", fontsize=11)
    ax.grid(alpha=0.3)
    if res.gauges:
        axg = axes[1, 0]
        for name, (cols, data) in sorted(res.gauges.items()):
            line, = axg.plot(data[:, cols.index("time")] * scale, data[:, cols.index("h")], label=name)
            if name in observed:
                t_o, h_o = observed[name]
                axg.plot(t_o * scale, h_o, "o", ms=3.5, color=line.get_color(), label=f"{name} observed")
        axg.set_ylabel("depth h (m)")
        axg.set_title("Gauges", fontsize=11)
        axg.legend(loc="best", fontsize=9)
        axg.grid(alpha=0.3)
    axes[-1, 0].set_xlabel(tlabel)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def make_hydrograph(res, out_dir, observed=None):
    """CSVs and hydrograph.png in out_dir; observed: path of an observed-data CSV or None."""
    os.makedirs(out_dir, exist_ok=True)
    obs = read_observed(observed) if observed else None
    return write_csv(res, out_dir) + [plot(res, os.path.join(out_dir, "hydrograph.png"), obs)]
