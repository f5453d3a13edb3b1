"""A small synthetic ruissel result with the documented HDF5 layout and hand-checkable values,
for tests of postproc (and of anything else reading results).

  /usr/bin/python3 -m rslpost.synthetic OUT.h5 [--depth-factor F] [--outflow M3] [--refine K]

Grid: 6 x 4 cells of 2 m (x) by 3 m (y) in EPSG:2154, west edge x = 1000, north edge
y = 5000; the north-west cell is outside the domain (z = -9999; its max depth is set to 5 m
and its hazard class to 4 on purpose: readers must ignore it). The run's flood depth
(-hazard_threshold, /timing and /max/hazard attribute threshold_m) is 0.1 m. Maximum depth
(times --depth-factor), row 0 = north, and hazard class (/max/hazard):

    [5.0 , 0.05, 0.2 , 0.3 , 0.0 , 0.0]      [4, 0, 1, 1, 0, 0]
    [0.5 , 0.12, 0.1 , 0.08, 0.0 , 0.0]      [2, 1, 0, 0, 0, 0]
    [1.2 , 0.0 , 0.0 , 0.0 , 0.11, 0.0]      [3, 0, 0, 0, 1, 0]
    [0.0 , 0.0 , 0.0 , 0.0 , 0.0 , 2.0]      [0, 0, 0, 0, 0, 4]

Maximum speed 0.5 + 0.1 column, max h|u| = max depth x max speed; arrival time 60 (column
+ 1) s where the max depth exceeds 0.1 m (NaN elsewhere), duration 30 s there. Final
depth 0.05 m on the 23 active cells except 1.0 m at row 1, column 0. Rain 0.5 m on every
active cell; losses 0.2 m in columns 0-2, 0.1 m in columns 3-5. Budget: rain 100 m3,
outflow --outflow (25), infiltration 10, storage 0 -> 100 - outflow - 10 (the budget is not
the sum of the fields: tests check each against its own literal). Outflow hydrograph every
60 s to 600 s: east side a triangle peaking at 0.5 m3/s at 300 s, south 0.1 m3/s constant.
Gauges g1 and g2 at two cell centres. /zones, as a run with -zones would write it: zone "A"
= columns 0-2 (11 active cells, flooded 24 m2 at depth factor 1) and "B" = columns 3-5 (12
cells, 18 m2), with artificialised areas 100 and 50 m2 (before the scenario: 80 and 50).
--refine K splits every cell into K x K cells of the same values (cells K times smaller,
so areas, volumes and the zones' figures stay those above; cell counts times K^2)."""
import argparse

import h5py
import numpy as np

MAX_H = np.array([[5.0, 0.05, 0.2, 0.3, 0.0, 0.0],
                  [0.5, 0.12, 0.1, 0.08, 0.0, 0.0],
                  [1.2, 0.0, 0.0, 0.0, 0.11, 0.0],
                  [0.0, 0.0, 0.0, 0.0, 0.0, 2.0]])
HAZARD = np.array([[4, 0, 1, 1, 0, 0],
                   [2, 1, 0, 0, 0, 0],
                   [3, 0, 0, 0, 1, 0],
                   [0, 0, 0, 0, 0, 4]], dtype=np.uint8)
NY, NX = MAX_H.shape
DX, DY = 2.0, 3.0
GT = (1000.0, DX, 0.0, 5000.0, 0.0, -DY)
THRESHOLD = 0.1
ZONE_COLUMNS = ("cells,area_m2,flooded_area_m2,hazard_faible_m2,hazard_modere_m2,hazard_fort_m2,hazard_tres_fort_m2,"
                "max_depth_m,max_hv_m2s,first_arrival_s,volume_m3,rain_m3,losses_m3,net_runoff_m3,net_runoff_coefficient,"
                "artificialised_m2,artificialised_base_m2,artificialised_change_m2")


def _wkt():
    try:
        from osgeo import osr

        srs = osr.SpatialReference()
        srs.ImportFromEPSG(2154)
        return srs.ExportToWkt()
    except ImportError:
        return ""


def _table(f, name, data, columns):
    ds = f.create_dataset(name, data=np.asarray(data, dtype=np.float64))
    ds.attrs["columns"] = columns


def write_synthetic(path, depth_factor=1.0, outflow_m3=25.0, refine=1):
    """Write the synthetic result to path (see the module docstring); refine > 1 splits each
    cell into refine x refine cells of the same values (written by rows: large grids for
    trials of the block-wise readers and writers)."""
    jj, ii = np.mgrid[0:NY, 0:NX]
    z = 50.0 - 0.1 * ii + 0.05 * jj
    z[0, 0] = -9999.0
    active = z != -9999.0
    h = np.where(active, 0.05, 0.0)
    h[1, 0] = 1.0
    speed = np.where(active, 0.5 + 0.1 * ii, 0.0)
    max_h = MAX_H * depth_factor
    flooded = max_h > THRESHOLD
    t = np.arange(0.0, 601.0, 60.0)
    east = np.maximum(0.0, 0.5 * (1.0 - np.abs(t - 300.0) / 300.0))
    south = np.full_like(t, 0.1)
    zero = np.zeros_like(t)
    with h5py.File(path, "w") as f:
        g = f.create_group("grid")
        g.attrs["nx"], g.attrs["ny"] = NX * refine, NY * refine
        g.attrs["dx"], g.attrs["dy"] = DX / refine, DY / refine
        g.attrs["geotransform"] = np.array((GT[0], DX / refine, 0.0, GT[3], 0.0, -DY / refine))
        g.attrs["crs_wkt"] = _wkt()

        def field(name, a):
            ds = f.create_dataset(name, (NY * refine, NX * refine), a.dtype)
            for j in range(NY):  # one row of cells at a time: refine rows of the file
                ds[j * refine:(j + 1) * refine, :] = np.repeat(np.repeat(a[j:j + 1], refine, 0), refine, 1)
            return ds

        field("fields/z", z)
        field("fields/h", h)
        field("fields/hu", 0.1 * h)
        field("fields/hv", -0.05 * h)
        field("fields/rain", np.where(active, 0.5, 0.0))
        field("fields/losses", np.where(active, np.where(ii < 3, 0.2, 0.1), 0.0))
        field("max/h", max_h)
        field("max/speed", speed)
        field("max/hv", max_h * speed)
        field("max/hazard", HAZARD)
        f["max/hazard"].attrs["threshold_m"] = THRESHOLD
        f["max/hazard"].attrs["class_names"] = "none,faible,modéré,fort,très fort"
        field("timing/arrival", np.where(flooded, 60.0 * (ii + 1), np.nan))
        field("timing/duration", np.where(flooded, 30.0, 0.0))
        f["timing"].attrs["threshold_m"] = THRESHOLD
        b = f.create_group("budget")
        storage = 100.0 - outflow_m3 - 10.0
        for k, v in dict(rain_m3=100.0, inflow_m3=0.0, outflow_m3=outflow_m3, infiltration_m3=10.0,
                         storage_initial_m3=0.0, storage_final_m3=storage, relative_error=0.0,
                         outflow_west_m3=0.0, outflow_east_m3=outflow_m3, outflow_south_m3=0.0,
                         outflow_north_m3=0.0, outflow_nodata_m3=0.0).items():
            b.attrs[k] = v
        r = f.create_group("run")
        r.attrs["time"], r.attrs["steps"], r.attrs["dt_min"], r.attrs["negative_depth_cells"] = 600.0, 1234, 0.05, 0
        _table(f, "hydrographs/outflow", np.column_stack([t, zero, east, south, zero, zero, east + south]),
               "time,west,east,south,north,nodata,total")
        for name, depth, (row, col) in (("g1", 0.02, (1, 1)), ("g2", 0.2, (2, 4))):
            hg = depth * t / 600.0
            _table(f, f"gauges/{name}", np.column_stack([t, hg, 0.1 * hg, 0 * hg, 50.0 + hg]), "time,h,hu,hv,eta")
            f[f"gauges/{name}"].attrs["x"] = GT[0] + (col + 0.5) * DX
            f[f"gauges/{name}"].attrs["y"] = GT[3] - (row + 0.5) * DY
        # zones A = columns 0-2 (11 active cells), B = columns 3-5 (12); figures by hand for
        # depth factor 1, the flooded area follows the depth factor
        zt = np.array([[11, 66, 24, 12, 6, 6, 0, 1.2, 0.6, 60, 9.0, 33, 13.2, 19.8, 0.6, 100, 80, 20],
                       [12, 72, 18, 12, 0, 0, 6, 2.0, 2.0, 240, 3.6, 36, 7.2, 28.8, 0.8, 50, 50, 0]], dtype=float)
        zt[:, 0] *= refine * refine
        for k, cols in enumerate((ii < 3, ii >= 3)):
            zt[k, 2] = float((max_h[active & cols] > THRESHOLD).sum()) * DX * DY
        _table(f, "zones/table", zt, ZONE_COLUMNS)
        f["zones/id"] = np.array([b"A", b"B"], dtype="S2")
        for k, v in dict(source="", field="ZONE", layer="", hazard_threshold=THRESHOLD, cells_outside=1).items():
            f["zones"].attrs[k] = v
        s = f.create_group("scenario")
        s.attrs["name"], s.attrs["climate_factor"] = "synthetic", 1.0
        p = f.create_group("provenance")
        p.attrs["version"], p.attrs["git_commit"] = "synthetic", "none"
        p.attrs["options"] = f"-synthetic -hazard_threshold {THRESHOLD}"
        p.attrs["ranks"], p.attrs["wall_time_s"] = 1, 0.0
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--depth-factor", type=float, default=1.0)
    ap.add_argument("--outflow", type=float, default=25.0)
    ap.add_argument("--refine", type=int, default=1, help="split each cell into REFINE x REFINE cells")
    a = ap.parse_args()
    write_synthetic(a.out, a.depth_factor, a.outflow, a.refine)


if __name__ == "__main__":
    main()
