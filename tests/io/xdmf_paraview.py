"""Run by pvpython (ParaView's Python) from tests/io/check_xdmf_paraview.py: load XMF with
the legacy "XDMF Reader" and with Xdmf3ReaderS, and compare what ParaView sees with the
HDF5 file: the announced whole extent (the legacy reader's misreading of 2-D meshes showed
there), the bounds from the geotransform, the time steps, and every cell array at the last
time, value for value (north row first, NaN outside the domain in z).
Usage: pvpython xdmf_paraview.py XMF H5 -> prints one line per check, exit 1 on a failure."""
import sys

import h5py
import numpy as np
from paraview.simple import XDMFReader, Xdmf3ReaderS
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkCommonExecutionModel import vtkStreamingDemandDrivenPipeline as SDDP

xmf, h5 = sys.argv[1:3]
failures = []


def expect(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


with h5py.File(h5, "r") as f:
    nx, ny = int(f["/grid"].attrs["nx"]), int(f["/grid"].attrs["ny"])
    gt = [float(v) for v in f["/grid"].attrs["geotransform"]]
    snaps = sorted(f["/snapshots"].keys()) if "/snapshots" in f else []
    times = [float(f["/snapshots"][k].attrs["time"]) for k in snaps]
    ref = {"z": f["/xdmf/z"][()], "max_h": f["/max/h"][()], "max_speed": f["/max/speed"][()]}
    for c in ("h", "hu", "hv"):  # the last snapshot, or the final state without snapshots
        ref[c] = f[f"/snapshots/{snaps[-1]}/{c}"][()] if snaps else f[f"/fields/{c}"][()]

for name, make in (("XDMF Reader", lambda: XDMFReader(FileNames=[xmf])), ("Xdmf3ReaderS", lambda: Xdmf3ReaderS(FileName=[xmf]))):
    r = make()
    r.UpdatePipelineInformation()
    alg = r.GetClientSideObject()
    info = alg.GetOutputInformation(0)
    whole = tuple(info.Get(SDDP.WHOLE_EXTENT())) if info.Has(SDDP.WHOLE_EXTENT()) else None
    expect(whole == (0, nx, 0, ny, 0, 1), f"{name}: whole extent {whole} == (0, {nx}, 0, {ny}, 0, 1)")
    tv = [float(t) for t in r.TimestepValues] if r.TimestepValues else []
    expect(tv == times or (not times and len(tv) <= 1), f"{name}: {len(tv)} time steps for {len(times)} snapshots")
    r.UpdatePipeline(times[-1] if times else 0.0)
    out = alg.GetOutputDataObject(0)
    while out.IsA("vtkMultiBlockDataSet"):
        out = out.GetBlock(0)
    b = [0.0] * 6
    out.GetBounds(b)
    want = [gt[0], gt[0] + nx * gt[1], gt[3] + ny * gt[5], gt[3], 0.0, 0.0]
    expect(np.allclose(b, want, rtol=0, atol=1e-6), f"{name}: bounds {b} == {want}")
    expect(out.GetNumberOfCells() == nx * ny, f"{name}: {out.GetNumberOfCells()} cells")
    for key, arr in ref.items():
        a = out.GetCellData().GetArray(key)
        got = vtk_to_numpy(a).reshape(ny, nx) if a is not None else None
        same = got is not None and np.array_equal(got, arr, equal_nan=True)
        expect(same, f"{name}: cell array {key} equals the HDF5 dataset (north row first)")
sys.exit(1 if failures else 0)
