"""Outlet hydrographs (/hydrographs/outflow: m3/s leaving the domain per side and in total)
and gauge series (/gauges/<name>: time, h, hu, hv, eta) as CSV and one PNG."""
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


def plot(res, path):
    """Outflow (total and each side that carried water) and, below, the gauges' depths."""
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
            axg.plot(data[:, cols.index("time")] * scale, data[:, cols.index("h")], label=name)
        axg.set_ylabel("depth h (m)")
        axg.set_title("Gauges", fontsize=11)
        axg.legend(loc="best", fontsize=9)
        axg.grid(alpha=0.3)
    axes[-1, 0].set_xlabel(tlabel)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def make_hydrograph(res, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    return write_csv(res, out_dir) + [plot(res, os.path.join(out_dir, "hydrograph.png"))]
