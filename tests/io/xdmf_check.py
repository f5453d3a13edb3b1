"""Independent check of a ruissel XDMF sidecar against its HDF5 file (no ParaView needed):
every heavy-data path resolves relative to the .xmf's directory to a dataset of the
announced shape, precision and number type; the mesh is the one-layer 3DRectMesh on the
/grid edges; the CRS is in an Information element and in the .prj beside."""
import os
import xml.etree.ElementTree as ET

import h5py
import numpy as np

KINDS = {"Float": "f", "UChar": "u", "Char": "i", "UInt": "u", "Int": "i"}


def check_xdmf(xmf, expect, nsnap=None):
    """Check xmf; expect(cond, message) records failures. Returns the parsed root."""
    root = ET.parse(xmf).getroot()
    base = os.path.dirname(os.path.abspath(xmf))
    grids = [g for g in root.iter("Grid") if g.get("GridType") == "Uniform"]
    expect(grids, f"{xmf}: no uniform grid")
    if nsnap is not None:
        coll = root.find(".//Grid[@CollectionType='Temporal']")
        expect(coll is not None and len(coll.findall("Grid")) == nsnap, f"{xmf}: temporal collection of {nsnap} grids")
    h5s = {}
    try:
        for g in grids:
            topo = g.find("Topology")
            dims = [int(x) for x in topo.get("Dimensions").split()]
            expect(topo.get("TopologyType") == "3DRectMesh" and len(dims) == 3 and dims[0] == 2, f"{xmf}: topology {topo.attrib}")
            geo = g.find("Geometry")
            items = geo.findall("DataItem")
            expect(geo.get("GeometryType") == "VXVYVZ" and len(items) == 3, f"{xmf}: geometry {geo.attrib}")
            expect([int(i.get("Dimensions")) for i in items] == dims[::-1], f"{xmf}: geometry sizes vs topology {dims}")
            expect(items[2].get("Format") == "XML" and [float(v) for v in items[2].text.split()] == [0.0, 0.0], f"{xmf}: z nodes 0 0")
            for it in g.iter("DataItem"):
                if it.get("Format") != "HDF":
                    continue
                fname, dset = it.text.strip().split(":", 1)
                expect(not os.path.isabs(fname) and "/" not in fname, f"{xmf}: {fname} is not a name relative to the .xmf's directory")
                path = os.path.join(base, fname)
                if path not in h5s:
                    expect(os.path.exists(path), f"{xmf}: {fname} missing")
                    if not os.path.exists(path):
                        continue
                    h5s[path] = h5py.File(path, "r")
                f = h5s[path]
                expect(dset in f, f"{xmf}: {dset} not in {fname}")
                if dset not in f:
                    continue
                shape = tuple(int(x) for x in it.get("Dimensions").split())
                cell = it in [a.find("DataItem") for a in g.findall("Attribute")]
                if cell:  # cell data of one layer: 1 x ny x nx for an ny x nx dataset
                    expect(shape == (1,) + f[dset].shape and shape == (1, dims[1] - 1, dims[2] - 1), f"{xmf}: {dset} {f[dset].shape} vs {shape}")
                else:
                    expect(shape == f[dset].shape, f"{xmf}: {dset} {f[dset].shape} vs {shape}")
                expect(f[dset].dtype.itemsize == int(it.get("Precision")), f"{xmf}: {dset} precision")
                expect(f[dset].dtype.kind == KINDS.get(it.get("NumberType"), "?"), f"{xmf}: {dset} number type")
        wkt = next(iter(h5s.values()))["/grid"].attrs.get("crs_wkt", "") if h5s else ""
        if wkt:
            info = root.find("./Domain/Information[@Name='crs_wkt']")
            expect(info is not None and info.get("Value") == wkt, f"{xmf}: CRS Information element")
            prj = os.path.splitext(xmf)[0] + ".prj"
            expect(os.path.exists(prj) and open(prj).read() == wkt, f"{prj}: the CRS beside the .xmf")
    finally:
        for f in h5s.values():
            f.close()
    return root


def bed_is_blanked(h5, expect, nodata=-9999.0):
    """/xdmf/z is /fields/z as float32 with NaN exactly where /fields/z is the nodata value."""
    with h5py.File(h5, "r") as f:
        z, v = f["/fields/z"][()], f["/xdmf/z"][()]
    out = z == nodata
    expect(v.dtype == np.float32 and np.array_equal(np.isnan(v), out), f"{h5}: /xdmf/z NaN exactly outside the domain")
    expect(np.array_equal(v[~out], z[~out].astype(np.float32)), f"{h5}: /xdmf/z values")
