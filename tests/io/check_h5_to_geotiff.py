#!/usr/bin/python3
"""postproc/h5_to_geotiff.py on a file test_h5 wrote: the GeoTIFFs read back with GDAL hold
the HDF5 values (north row first), the /grid geotransform and CRS, the nodata value on
cells outside the domain (/fields/z == -9999); the default output is a valid COG (GDAL's
validate_cloud_optimized_geotiff) in Float32 with the dataset as band description and its
unit, --float64 keeps doubles, --gtiff writes a plain tiled GeoTIFF. Usage: SCRIPT RESULT.h5"""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
SCRIPT = os.path.join(os.environ.get("RUISSEL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")), "postproc", "h5_to_geotiff.py")
failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def run(*args):
    r = subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True)
    print(r.stdout, r.stderr, end="")
    return r.returncode


def check_tif(path, ref, gt, wkt, nodata, dtype):
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    arr = b.ReadAsArray()
    expect(arr.dtype == dtype, f"{path}: dtype {arr.dtype}")
    expect(np.array_equal(arr, ref), f"{path}: values differ from the HDF5 dataset")
    expect(ds.GetGeoTransform() == gt, f"{path}: geotransform {ds.GetGeoTransform()}")
    a, b2 = osr.SpatialReference(), osr.SpatialReference()
    a.ImportFromWkt(ds.GetProjection())
    b2.SetFromUserInput(wkt)
    expect(a.IsSame(b2) and a.GetAuthorityCode(None) == "2154", f"{path}: CRS")
    expect(b.GetNoDataValue() == nodata, f"{path}: nodata {b.GetNoDataValue()}")
    return ds


def main(result):
    tmp = tempfile.mkdtemp(prefix="io_geotiff_")
    try:
        h5 = os.path.join(tmp, "run.h5")
        shutil.copy(result, h5)
        with h5py.File(h5, "r+") as f:  # carve a hole outside the domain
            z = f["/fields/z"]
            zz = z[()]
            zz[0:2, 0:3] = -9999.0
            z[...] = zz
            hmax, h, hf = f["/max/h"][()], f["/fields/h"][()], f["/fields/hf"][()]
            gt = tuple(f["/grid"].attrs["geotransform"])
            wkt = f["/grid"].attrs["crs_wkt"]
        expect(run("--help") == 0, "--help")
        from osgeo_utils.samples.validate_cloud_optimized_geotiff import validate

        expect(run(h5, "-o", os.path.join(tmp, "out")) == 0, "default export")
        for name, ref, dset in (("run_max_h.tif", hmax, "/max/h"), ("run_fields_h.tif", h, "/fields/h")):
            ref = ref.astype(np.float32)
            ref[0:2, 0:3] = -9999.0
            path = os.path.join(tmp, "out", name)
            ds = check_tif(path, ref, gt, wkt, -9999.0, np.float32)
            b = ds.GetRasterBand(1)
            expect(b.GetDescription() == dset and b.GetUnitType() == "m", f"{path}: description/unit {b.GetDescription()}/{b.GetUnitType()}")
            warnings, errors, _ = validate(path, full_check=True)
            expect(not errors and ds.GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE") == "COG", f"{path}: not a valid COG ({errors})")
        dbl = os.path.join(tmp, "max_h64.tif")
        expect(run(h5, "-d", "/max/h", "-o", dbl, "--float64") == 0, "float64 export")
        ref = hmax.copy()
        ref[0:2, 0:3] = -9999.0
        check_tif(dbl, ref, gt, wkt, -9999.0, np.float64)
        plain = os.path.join(tmp, "hf.tif")
        expect(run(h5, "-d", "/fields/hf", "-o", plain, "--gtiff", "--no-mask") == 0, "GeoTIFF export")
        ds = check_tif(plain, hf, gt, wkt, -9999.0, np.float32)
        expect(ds.GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE") != "COG", f"{plain}: --gtiff gave a COG")
        expect(not [n for n in os.listdir(tmp) if ".part" in n], "a .part file was left")
        expect(run(h5, "-d", "/nope") == 2, "missing dataset must fail")
    finally:
        shutil.rmtree(tmp)
    print("check_h5_to_geotiff:", "FAILED" if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
