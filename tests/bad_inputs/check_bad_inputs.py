#!/usr/bin/python3
"""The bad-input suite: hostile or broken inputs of every kind (DEM, imagery, land cover,
Manning raster, initial depth, hyetographs, raster rain, CSV tables, gauges, sources,
segments, zones, options and options files, restart files and checkpoints, weights; and
SIGTERM / SIGINT during a run) through the real `ruissel` binary, for both stages (seg and
swe). Each case runs on 3 ranks (RUISSEL_BAD_INPUTS_RANKS: CI's sanitizer stage runs them on 1) and must:
  - exit non-zero within TIMEOUT seconds (a rank left waiting would hang);
  - print exactly one error line, "ruissel: error: ...", naming the culprit (a token: the
    file's name or the option), and no other line containing "error" (no PETSc traceback,
    no MPI abort); a signal: one line "ruissel: [run] terminated by SIG...";
  - leave no file in its (otherwise empty) run directory: no result, no .part.
The valid base runs of both stages must succeed first, so that each case fails for its own
reason. Usage: check_bad_inputs.py WORKDIR [--list] [-k SUBSTRING] [-j N]  (RUISSEL_EXE,
RUISSEL_MPIEXEC, RUISSEL_SOURCE_DIR from CTest; RUISSEL_BAD_INPUTS_TIMEOUT and
RUISSEL_BAD_INPUTS_RANKS, which the sanitizer preset sets)."""
import argparse
import os
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")

SRC = Path(os.environ.get("RUISSEL_SOURCE_DIR", Path(__file__).resolve().parents[2]))
EXE = os.environ.get("RUISSEL_EXE", str(SRC / "build" / "ruissel"))
sys.path.insert(0, str(SRC / "tests"))
from rsltest import descendants  # noqa: E402

MPIEXEC = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe --allow-run-as-root"))
# a run must end within TIMEOUT s (the sanitizer build, several times slower, sets more)
TIMEOUT = float(os.environ.get("RUISSEL_BAD_INPUTS_TIMEOUT", 30))
# rank counts of each case (the sanitizer build runs the 1-rank variants only)
# 3 ranks by default (CTest); CI's sanitizer stage sets 1; "1,3" runs both
RANKS = tuple(int(r) for r in os.environ.get("RUISSEL_BAD_INPUTS_RANKS", "3").split(","))
X0, Y0, NX, NY, DX = 700000.0, 6600000.0, 24, 18, 1.0


# ------------------------------------------------------------------ inputs
def raster(path, a, x0=X0, y0=Y0, dx=DX, epsg=2154, nodata=None, dtype=gdal.GDT_Float64, gt=None):
    """A GeoTIFF; a is (bands,) ny x nx, row 0 = north; epsg None = no CRS, gt None = north-up."""
    a = np.asarray(a)
    a3 = a if a.ndim == 3 else a[None]
    ds = gdal.GetDriverByName("GTiff").Create(str(path), a3.shape[2], a3.shape[1], a3.shape[0], dtype)
    if gt is not False:
        ds.SetGeoTransform(gt or (x0, dx, 0.0, y0, 0.0, -dx))
    if epsg:
        s = osr.SpatialReference()
        s.ImportFromEPSG(epsg)
        ds.SetProjection(s.ExportToWkt())
    for b in range(a3.shape[0]):
        if nodata is not None:
            ds.GetRasterBand(b + 1).SetNoDataValue(nodata)
        ds.GetRasterBand(b + 1).WriteArray(a3[b])
    ds = None
    return Path(path)


def cut(src, dst, frac):
    """dst = the first frac of src's bytes (a truncated download)."""
    b = Path(src).read_bytes()
    Path(dst).write_bytes(b[: int(len(b) * frac)])
    return Path(dst)


def text(path, s):
    Path(path).write_bytes(s.encode() if isinstance(s, str) else s)
    return Path(path)


def make_inputs(d):
    d.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(14)
    yy, xx = np.mgrid[0:NY, 0:NX]
    z = 100.0 + 0.05 * xx + 0.02 * yy + 0.1 * rng.random((NY, NX))
    f = {}
    f["dem"] = raster(d / "dem.tif", z)
    f["dem_big"] = raster(d / "dem_big.tif", rng.random((300, 400)) * 10)
    f["dem_trunc"] = cut(f["dem_big"], d / "dem_trunc.tif", 0.5)
    f["dem_text"] = text(d / "dem_notes.tif", "this is not a raster\n")
    f["dem_geo"] = raster(d / "dem_wgs84.tif", z, 3.5, 44.0, 1e-4, epsg=4326)
    f["dem_nocrs"] = raster(d / "dem_nocrs.tif", z, epsg=None)
    f["dem_tiny"] = raster(d / "dem_nanocells.tif", z, dx=1e-9)
    f["dem_huge_cells"] = raster(d / "dem_hugecells.tif", z, dx=1e6)
    f["dem_3x3"] = raster(d / "dem_3x3.tif", z[:3, :3])
    f["dem_1row"] = raster(d / "dem_1row.tif", z[:1, :])
    f["dem_nodata"] = raster(d / "dem_allnodata.tif", np.full((NY, NX), -9999.0), nodata=-9999.0)
    f["dem_rot"] = raster(d / "dem_rotated.tif", z, gt=(X0, 1.0, 0.2, Y0, 0.0, -1.0))
    f["dem_nogt"] = raster(d / "dem_nogeotransform.tif", z, gt=False)
    f["dem_vrt"] = text(d / "dem_huge.vrt", f"""<VRTDataset rasterXSize="1000000" rasterYSize="1000000">
  <SRS>EPSG:2154</SRS><GeoTransform>{X0}, 1, 0, {Y0}, 0, -1</GeoTransform>
  <VRTRasterBand dataType="Float64" band="1"><SimpleSource>
    <SourceFilename relativeToVRT="1">dem.tif</SourceFilename><SourceBand>1</SourceBand>
    <SrcRect xOff="0" yOff="0" xSize="{NX}" ySize="{NY}"/><DstRect xOff="0" yOff="0" xSize="{NX}" ySize="{NY}"/>
  </SimpleSource></VRTRasterBand></VRTDataset>
""")
    # land cover, Manning, depth rasters on the DEM's grid unless said otherwise
    lc = np.full((2 * NY, 2 * NX), 13, np.uint8)
    f["lc"] = raster(d / "lc.tif", lc, dx=0.5, dtype=gdal.GDT_Byte)
    f["lc_far"] = raster(d / "lc_100km.tif", lc, x0=X0 + 1e5, dx=0.5, dtype=gdal.GDT_Byte)
    f["lc_half"] = raster(d / "lc_half.tif", lc[:, :NX], dx=0.5, dtype=gdal.GDT_Byte)
    f["lc_utm"] = raster(d / "lc_utm.tif", lc, dx=0.5, epsg=32631, dtype=gdal.GDT_Byte)
    f["lc_frac"] = raster(d / "lc_fractional.tif", np.full((NY, NX), 2.5))
    f["lc_trunc"] = cut(raster(d / "lc_big.tif", rng.integers(0, 19, (400, 400)), dx=0.06, dtype=gdal.GDT_Byte), d / "lc_trunc.tif", 0.4)
    ones = np.ones((NY, NX))
    f["n_neg"] = raster(d / "manning_negative.tif", -0.03 * ones)
    f["n_zero"] = raster(d / "manning_zero.tif", 0.0 * ones)
    nan = 0.03 * ones
    nan[3, 4] = np.nan
    f["n_nan"] = raster(d / "manning_nan.tif", nan)
    inf = 0.03 * ones
    inf[5, 5] = np.inf
    f["n_inf"] = raster(d / "manning_inf.tif", inf)
    f["n_far"] = raster(d / "manning_100km.tif", 0.03 * ones, x0=X0 - 1e5)
    f["n_utm"] = raster(d / "manning_utm.tif", 0.03 * ones, epsg=32631)
    f["h_nan"] = raster(d / "depth_nan.tif", np.where(xx > 10, np.nan, 0.1))
    f["h_neg"] = raster(d / "depth_negative.tif", -0.5 * ones)
    f["h_huge"] = raster(d / "depth_huge.tif", 1e7 * ones)
    f["h_utm"] = raster(d / "depth_utm.tif", 0.1 * ones, epsg=32631)
    f["h_shift"] = raster(d / "depth_shifted.tif", 0.1 * ones, x0=X0 + 3.0)
    f["h_ok"] = raster(d / "depth_ok.tif", 0.1 * ones)
    # hyetographs and other series
    f["hy_nan"] = text(d / "hyeto_nan.csv", "time_s,mm_per_h\n0,nan\n600,5\n")
    f["hy_inf"] = text(d / "hyeto_inf.csv", "time_s,mm_per_h\n0,10\n600,inf\n")
    f["hy_neg"] = text(d / "hyeto_negative.csv", "time_s,mm_per_h\n0,10\n600,-5\n")
    f["hy_tnan"] = text(d / "hyeto_timenan.csv", "time_s,mm_per_h\n0,10\nnan,5\n")
    f["hy_tneg"] = text(d / "hyeto_timeneg.csv", "time_s,mm_per_h\n-600,10\n0,5\n")
    f["hy_tdec"] = text(d / "hyeto_decreasing.csv", "time_s,mm_per_h\n0,10\n600,5\n300,2\n")
    f["hy_junk"] = text(d / "hyeto_junk.csv", "time_s,mm_per_h\n0,10\n600,5mm\n")
    f["hy_nul"] = text(d / "hyeto_nul.csv", b"time_s,mm_per_h\n0,10\x00\n600,5\n")
    f["hy_3f"] = text(d / "hyeto_3fields.csv", "time_s,mm_per_h\n0,10,3\n600,5,1\n")
    f["hy_empty"] = text(d / "hyeto_empty.csv", "time_s,mm_per_h\n# nothing\n")
    f["hy_bin"] = text(d / "hyeto_binary.csv", bytes(range(256)))
    f["q_neg"] = text(d / "discharge_negative.csv", "time_s,m3_per_s\n0,1\n60,-2\n")
    f["q_ok"] = text(d / "discharge.csv", "time_s,m3_per_s\n0,0.1\n")
    # radar rain rasters
    f["rr_far"] = raster(d / "radar_far.tif", 5.0 * ones, x0=X0 + 5e5)
    rinf = 5.0 * ones
    rinf[2, 2] = np.inf
    f["rr_inf"] = raster(d / "radar_inf.tif", rinf)
    raster(d / "radar_ok.tif", 5.0 * ones)
    f["rr_list"] = text(d / "radar_times.txt", "0,radar_ok.tif\nnan,radar_ok.tif\n")
    # tables
    hdr = "class,name,manning_n,impervious_fraction,ks_m_per_s,suction_m,moisture_deficit,initial_abstraction_m\n"
    f["ht_nan"] = text(d / "table_nan.csv", hdr + "13,crop,nan,0,1e-6,0.1,0.3,0\n")
    f["ht_zero"] = text(d / "table_manning0.csv", hdr + "13,crop,0,0,1e-6,0.1,0.3,0\n")
    f["ht_junk"] = text(d / "table_junk.csv", hdr + "13,crop,0.04x,0,1e-6,0.1,0.3,0\n")
    f["ht_nocol"] = text(d / "table_nocolumn.csv", hdr.replace(",suction_m", "") + "13,crop,0.04,0,1e-6,0.3,0\n")
    f["ht_imp"] = text(d / "table_fraction.csv", hdr + "13,crop,0.04,1.5,1e-6,0.1,0.3,0\n")
    f["soil"] = raster(d / "soil.tif", np.full((NY, NX), 3.0))
    f["soil_tab"] = text(d / "soil_porosity.csv", "code,ks_m_per_s,suction_m,effective_porosity\n3,1e-6,0.1,1.7\n")
    # gauges, sources, segments
    f["g_ok"] = text(d / "gauges_ok.csv", f"name,x,y\na,{X0 + 5},{Y0 - 5}\n")
    f["g_nan"] = text(d / "gauges_nan.csv", "name,x,y\na,nan,nan\n")
    f["g_out"] = text(d / "gauges_outside.csv", f"name,x,y\na,{X0 - 50},{Y0 - 5}\n")
    f["g_junk"] = text(d / "gauges_junk.csv", f"name,x,y\na,{X0 + 5},{Y0 - 5}m\n")
    f["g_dup"] = text(d / "gauges_twice.csv", f"name,x,y\na,{X0 + 5},{Y0 - 5}\na,{X0 + 6},{Y0 - 6}\n")
    f["g_nul"] = text(d / "gauges_nul.csv", f"name,x,y\na,{X0 + 5},{Y0 - 5}\n\x00\n".encode())
    f["s_neg"] = text(d / "sources_negative.csv", f"x,y,hydrograph\n{X0 + 5},{Y0 - 5},discharge_negative.csv\n")
    f["s_nan"] = text(d / "sources_nan.csv", f"x,y,hydrograph\nnan,{Y0 - 5},discharge.csv\n")
    f["s_out"] = text(d / "sources_outside.csv", f"x,y,hydrograph\n{X0 + 5},{Y0 + 500},discharge.csv\n")
    f["b_side"] = text(d / "segments_side.csv", f"side,start,end,type\nX,{Y0 - 10},{Y0},free\n")
    f["b_nan"] = text(d / "segments_nan.csv", f"side,start,end,type\nE,nan,{Y0},free\n")
    f["b_noval"] = text(d / "segments_novalue.csv", f"side,start,end,type\nW,{Y0 - 10},{Y0},inflow\n")
    f["b_valnan"] = text(d / "segments_valuenan.csv", f"side,start,end,type,value\nW,{Y0 - 10},{Y0},inflow,nan\n")
    # zones (GeoJSON polygons in the DEM's CRS)
    crs = '"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}}'

    def geojson(name, geoms, field="code"):
        feats = ",".join('{"type":"Feature","properties":{"%s":"z%d"},"geometry":%s}' % (field, k, g) for k, g in enumerate(geoms))
        return text(d / name, '{"type":"FeatureCollection",%s,"features":[%s]}\n' % (crs, feats))

    def square(x0, y0, w):
        return '{"type":"Polygon","coordinates":[[[%r,%r],[%r,%r],[%r,%r],[%r,%r],[%r,%r]]]}' % (x0, y0, x0 + w, y0, x0 + w, y0 - w, x0, y0 - w, x0, y0)

    f["z_ok"] = geojson("zones.geojson", [square(X0, Y0, 12), square(X0 + 12, Y0, 12)])
    f["z_far"] = geojson("zones_100km.geojson", [square(X0 + 1e5, Y0, 12)])
    f["z_pts"] = geojson("zones_points.geojson", ['{"type":"Point","coordinates":[%r,%r]}' % (X0 + 5, Y0 - 5)])
    f["z_trunc"] = cut(f["z_ok"], d / "zones_truncated.geojson", 0.6)
    # restart: a checkpoint (prepare_restart writes it), truncated; a complete result; a DEM of another size
    f["ck"], f["ck_trunc"], f["result"] = d / "run.ckpt.h5", d / "run_truncated.ckpt.h5", d / "complete_result.h5"
    f["dem_other"] = raster(d / "dem_other.tif", z[:16, :20])
    # options files
    f["o_nul"] = text(d / "run_nul.opts", b"-swe_tfinal 1\x00junk\n")
    f["o_two"] = text(d / "run_two.opts", "-swe_tfinal 1 -swe_cfl 0.5\n")
    f["o_nan"] = text(d / "run_nan.opts", "# run\n-swe_cfl nan\n")
    f["o_word"] = text(d / "run_word.opts", "swe_tfinal 1\n")
    # imagery and weights (the bundled demo model: resnet18 x0.25, 19 classes)
    img = rng.integers(0, 255, (5, 64, 64)).astype(np.uint8)
    f["img"] = raster(d / "image.tif", img, dx=0.25, dtype=gdal.GDT_Byte)
    f["img3"] = raster(d / "image_3bands.tif", img[:3], dx=0.25, dtype=gdal.GDT_Byte)
    f["img_far"] = raster(d / "image_far.tif", img, x0=X0 + 1e5, dx=0.25, dtype=gdal.GDT_Byte)
    f["img_utm"] = raster(d / "image_utm.tif", img, dx=0.25, epsg=32631, dtype=gdal.GDT_Byte)
    f["img_trunc"] = cut(raster(d / "image_big.tif", rng.integers(0, 255, (5, 256, 256)).astype(np.uint8), dx=0.05, dtype=gdal.GDT_Byte), d / "image_trunc.tif", 0.5)
    f["img_text"] = text(d / "image_notes.tif", "not an image\n")
    w = (SRC / "input" / "demo" / "demo_model.safetensors").read_bytes()
    f["w"] = SRC / "input" / "demo" / "demo_model.safetensors"
    f["w_trunc"] = text(d / "weights_truncated.safetensors", w[: len(w) // 3])
    f["w_text"] = text(d / "weights_text.safetensors", "not weights\n")
    hj = b'{"encoder.conv1.weight":{"dtype":"F32","shape":[nan],"data_offsets":[0,4]}}'
    f["w_json"] = text(d / "weights_badjson.safetensors", struct.pack("<Q", len(hj)) + hj + b"\0" * 4)
    hn = b'{"encoder.conv1.weight":{"dtype":"F32\x00","shape":[1],"data_offsets":[0,4]}}'
    f["w_nul"] = text(d / "weights_nul.safetensors", struct.pack("<Q", len(hn)) + hn + b"\0" * 4)
    f["w_hlen"] = text(d / "weights_headerlength.safetensors", struct.pack("<Q", 1 << 40) + b"{}")
    return f


# ------------------------------------------------------------------ cases
def cases(f, d):
    """(name, stage options, extra arguments, token the error line must contain, ranks)."""
    swe = {"dem": f["dem"], "stages": "swe", "swe_tfinal": 1.0, "rain_rate": 10.0}
    seg = {"stages": "seg", "seg_image": f["img"], "seg_weights": f["w"], "seg_arch": "unet_resnet18",
           "seg_width_mult": 0.25, "seg_classes": 19, "seg_backend": "cpu", "seg_tile": 64, "seg_margin": 16}
    lc = {"landcover_file": f["lc"], "hydro_table": SRC / "input" / "hydro" / "ign_ai_naf.csv"}
    both = (1, 3)
    C = []

    def add(name, base, over, token, ranks=both, extra=(), sig=None):
        o = dict(base)
        for k, v in over.items():
            if v is None:
                o.pop(k, None)
            else:
                o[k] = v
        C.append((name, o, list(extra) + ([sig] if sig else []), token, ranks))

    n = lambda k: Path(f[k]).name
    # DEM
    add("DEM missing", swe, {"dem": d / "no_such_dem.tif"}, "no_such_dem.tif")
    add("DEM is a text file", swe, {"dem": f["dem_text"]}, n("dem_text"))
    add("DEM truncated", swe, {"dem": f["dem_trunc"]}, n("dem_trunc"))
    add("DEM in a geographic CRS", swe, {"dem": f["dem_geo"]}, n("dem_geo"))
    add("DEM without CRS", swe, {"dem": f["dem_nocrs"]}, n("dem_nocrs"))
    add("DEM with 1e-9 m cells", swe, {"dem": f["dem_tiny"]}, n("dem_tiny"))
    add("DEM with 1e6 m cells", swe, {"dem": f["dem_huge_cells"]}, n("dem_huge_cells"))
    add("DEM of 1 row", swe, {"dem": f["dem_1row"]}, n("dem_1row"))
    add("DEM smaller than the rank split", swe, {"dem": f["dem_3x3"]}, n("dem_3x3"), ranks=(3,))
    add("DEM as a 1e6 x 1e6 VRT", swe, {"dem": f["dem_vrt"]}, n("dem_vrt"))
    add("DEM all nodata", swe, {"dem": f["dem_nodata"]}, "-dem")
    add("DEM rotated", swe, {"dem": f["dem_rot"]}, n("dem_rot"))
    add("DEM without geotransform", swe, {"dem": f["dem_nogt"]}, n("dem_nogt"))
    add("no DEM for the swe stage", swe, {"dem": None}, "-dem")
    # land cover
    add("land cover 100 km away", {**swe, **lc}, {"landcover_file": f["lc_far"]}, n("lc_far"))
    add("land cover over half the grid", {**swe, **lc}, {"landcover_file": f["lc_half"]}, n("lc_half"))
    add("land cover in another CRS", {**swe, **lc}, {"landcover_file": f["lc_utm"]}, n("lc_utm"))
    add("land cover not class codes", {**swe, **lc}, {"landcover_file": f["lc_frac"]}, n("lc_frac"))
    add("land cover truncated", {**swe, **lc}, {"landcover_file": f["lc_trunc"]}, n("lc_trunc"))
    add("land cover without table", {**swe, **lc}, {"hydro_table": None}, "-hydro_table")
    # Manning raster
    add("Manning raster negative", swe, {"hydro_manning_file": f["n_neg"]}, n("n_neg"))
    add("Manning raster zero", swe, {"hydro_manning_file": f["n_zero"]}, n("n_zero"))
    add("Manning raster NaN", swe, {"hydro_manning_file": f["n_nan"]}, n("n_nan"))
    add("Manning raster inf", swe, {"hydro_manning_file": f["n_inf"]}, n("n_inf"))
    add("Manning raster 100 km away", swe, {"hydro_manning_file": f["n_far"]}, n("n_far"))
    add("Manning raster in another CRS", swe, {"hydro_manning_file": f["n_utm"]}, n("n_utm"))
    # initial depth
    add("initial depth NaN", swe, {"swe_init_depth_file": f["h_nan"]}, n("h_nan"))
    add("initial depth negative", swe, {"swe_init_depth_file": f["h_neg"]}, n("h_neg"))
    add("initial depth 1e7 m", swe, {"swe_init_depth_file": f["h_huge"]}, n("h_huge"))
    add("initial depth in another CRS", swe, {"swe_init_depth_file": f["h_utm"]}, n("h_utm"))
    add("initial depth off the DEM grid", swe, {"swe_init_depth_file": f["h_shift"]}, n("h_shift"))
    # hyetographs
    hy = {"rain_rate": None}
    for k, what in (("hy_nan", "NaN value"), ("hy_inf", "inf value"), ("hy_neg", "negative value"), ("hy_tnan", "NaN time"),
                    ("hy_tneg", "negative time"), ("hy_tdec", "decreasing times"), ("hy_junk", "trailing junk"),
                    ("hy_nul", "NUL byte"), ("hy_3f", "three fields"), ("hy_empty", "no rows"), ("hy_bin", "binary")):
        add(f"hyetograph {what}", swe, {**hy, "rain_hyetograph": f[k]}, n(k))
    add("hyetograph missing", swe, {**hy, "rain_hyetograph": d / "no_such_rain.csv"}, "no_such_rain.csv")
    # raster rain
    add("radar rain 500 km away", swe, {**hy, "rain_raster_series": f["rr_far"]}, n("rr_far"))
    add("radar rain inf pixel", swe, {**hy, "rain_raster_series": f["rr_inf"]}, n("rr_inf"))
    add("radar rain list with a NaN time", swe, {**hy, "rain_raster_series": f["rr_list"]}, n("rr_list"))
    add("design storm of 3.6e9 steps", swe, {**hy, "rain_design": "block", "rain_idf_a": 5, "rain_idf_b": 0.5, "rain_duration": 3600, "rain_dt": 1e-6}, "-rain_dt")
    add("radar rain glob matching nothing", swe, {**hy, "rain_raster_series": d / "nothing_*.tif"}, "nothing_*.tif")
    # tables
    for k, what in (("ht_nan", "NaN"), ("ht_zero", "Manning 0"), ("ht_junk", "trailing junk"), ("ht_nocol", "missing column"), ("ht_imp", "fraction 1.5")):
        add(f"hydro table {what}", {**swe, **lc}, {"hydro_table": f[k]}, n(k))
    add("soil table porosity 1.7", swe, {"hydro_soil_file": f["soil"], "hydro_soil_table": f["soil_tab"]}, n("soil_tab"))
    # gauges, sources, segments
    for k, what in (("g_nan", "NaN coordinates"), ("g_out", "outside the grid"), ("g_junk", "trailing junk"), ("g_dup", "name twice"), ("g_nul", "NUL byte")):
        add(f"gauges {what}", swe, {"swe_gauges": f[k]}, n(k))
    add("source hydrograph negative", swe, {"swe_sources": f["s_neg"]}, "discharge_negative.csv")
    add("source NaN x", swe, {"swe_sources": f["s_nan"]}, n("s_nan"))
    add("source outside the grid", swe, {"swe_sources": f["s_out"]}, n("s_out"))
    for k, what in (("b_side", "unknown side"), ("b_nan", "NaN start"), ("b_noval", "inflow without value"), ("b_valnan", "inflow NaN")):
        add(f"segments {what}", swe, {"swe_bc_segments": f[k]}, n(k))
    # options
    for opt, val in (("swe_tfinal", "nan"), ("swe_tfinal", "inf"), ("swe_tfinal", "10abc"), ("swe_cfl", 1.5), ("swe_manning", -0.03),
                     ("swe_order", 1.5), ("rain_rate", -5), ("swe_bc_east", "sideways"), ("swe_gravity", 0), ("swe_dry_depth", -1),
                     ("out_interval", -1), ("swe_init_depth", "-inf"), ("grid_partial_overlap", "maybe"), ("hydro_impervious", 2),
                     ("out_ts_interval", 1e-9), ("swe_max_steps", -7)):
        add(f"-{opt} {val}", swe, {opt: val}, f"-{opt}")
    add("-out_type unknown", swe, {"out_type": "netcdf"}, "-out_type: unknown type 'netcdf' (registered: hdf5)")
    add("restart file missing", swe, {"restart": d / "no_such.ckpt.h5"}, "no_such.ckpt.h5")
    add("restart file not HDF5", swe, {"restart": f["hy_nan"]}, n("hy_nan"))
    add("unwritable output directory", swe, {"out_file": d / "no_such_dir" / "r.h5"}, "no_such_dir")
    # checkpoints given to -restart (prepare_restart made them with the swe base options)
    rs = {**swe, "swe_tfinal": 1e6}
    add("restart from a complete result", rs, {"restart": f["result"]}, n("result"))
    add("restart checkpoint truncated", rs, {"restart": f["ck_trunc"]}, n("ck_trunc"))
    add("restart checkpoint of another grid", rs, {"restart": f["ck"], "dem": f["dem_other"]}, n("ck"))
    add("restart checkpoint with another -swe_order", rs, {"restart": f["ck"], "swe_order": 2}, n("ck"))
    add("restart checkpoint with another rain", rs, {"restart": f["ck"], "rain_rate": 20}, n("ck"))
    add("restart final time before the checkpoint's", rs, {"restart": f["ck"], "swe_tfinal": 1e-6}, "-swe_tfinal")
    # zones
    zn = {"zones": f["z_ok"], "zones_field": "code"}
    add("zones missing", swe, {**zn, "zones": d / "no_such_zones.gpkg"}, "no_such_zones.gpkg")
    add("zones is a raster", swe, {**zn, "zones": f["dem"]}, n("dem"))
    add("zones truncated", swe, {**zn, "zones": f["z_trunc"]}, n("z_trunc"))
    add("zones of points", swe, {**zn, "zones": f["z_pts"]}, n("z_pts"))
    add("zones 100 km away", swe, {**zn, "zones": f["z_far"]}, n("z_far"))
    add("zones without -zones_field", swe, {**zn, "zones_field": None}, "-zones_field")
    add("zones field missing", swe, {**zn, "zones_field": "INSEE_COM"}, "INSEE_COM")
    add("zones layer missing", swe, {**zn, "zones_layer": "communes"}, "-zones_layer")
    for opt, val in (("zones_artificial_classes", "1,x"), ("zones_artificial_classes", 300), ("hazard_threshold", -1), ("hazard_threshold", "nan"),
                     ("hazard_threshold", 1e9)):
        add(f"-{opt} {val}", {**swe, **zn}, {opt: val}, f"-{opt}")
    for k, what in (("o_nul", "NUL byte"), ("o_two", "two options on a line"), ("o_nan", "NaN value"), ("o_word", "no dash")):
        add(f"options file {what}", swe, {}, n(k), extra=["-options_file", f[k]])
    add("options file missing", swe, {}, "no_such.opts", extra=["-options_file", d / "no_such.opts"])
    # stopped by a signal (no checkpoint options): one line saying so, the .part removed.
    # SIGTERM goes to the launcher, which forwards it; SIGINT to the ranks (as srun forwards a Ctrl-C)
    long = {"swe_tfinal": 1e6, "progress_interval": 0.2, "out_interval": 10}
    add("SIGTERM during the run", swe, long, "terminated by SIGTERM", sig=signal.SIGTERM)
    add("SIGINT during the run", swe, long, "terminated by SIGINT", sig=signal.SIGINT)
    # segmentation stage
    add("imagery missing", seg, {"seg_image": d / "no_such_image.tif"}, "no_such_image.tif")
    add("imagery is a text file", seg, {"seg_image": f["img_text"]}, n("img_text"))
    add("imagery truncated", seg, {"seg_image": f["img_trunc"]}, n("img_trunc"))
    add("imagery with 3 bands", seg, {"seg_image": f["img3"]}, n("img3"))
    add("imagery 100 km from the DEM", seg, {"seg_image": f["img_far"], "dem": f["dem"], "stages": "seg,swe", "rain_rate": 1}, n("img_far"))
    add("imagery in another CRS than the DEM", seg, {"seg_image": f["img_utm"], "dem": f["dem"], "stages": "seg,swe", "rain_rate": 1}, n("img_utm"))
    add("weights missing", seg, {"seg_weights": d / "no_such.safetensors"}, "no_such.safetensors")
    for k in ("w_trunc", "w_text", "w_json", "w_nul", "w_hlen"):
        add(f"weights {k[2:]}", seg, {"seg_weights": f[k]}, n(k))
    add("weights for another class count", seg, {"seg_classes": 7}, "demo_model.safetensors")
    for opt, val in (("seg_tile", 100), ("seg_margin", 40), ("seg_std", "0,1,1,1,1"), ("seg_mean", "nan,1,1,1,1"), ("seg_width_mult", 0),
                     ("seg_arch", "vgg16"), ("seg_classes", 256), ("seg_batch", -1), ("seg_bands", "1,2,3,4,9"), ("seg_ndsm_scale", "inf")):
        add(f"-{opt} {val}", seg, {opt: val}, f"-{opt}")
    add("seg output in a missing directory", seg, {"seg_output": d / "no_such_dir" / "c.tif"}, "no_such_dir")
    return C


# ------------------------------------------------------------------ running
def run(opts, extra, ranks, rundir, timeout=None):
    """Run ruissel in an empty rundir with opts as an options file; (rc, stderr, seconds)."""
    if rundir.exists():
        shutil.rmtree(rundir)
    rundir.mkdir(parents=True)
    opts = dict(opts)
    opts.setdefault("out_file", rundir / "result.h5")
    if "seg" in str(opts.get("stages", "")):
        opts.setdefault("seg_output", rundir / "classes.tif")
    opts.setdefault("progress_interval", 0)
    optfile = rundir.parent / (rundir.name + ".opts")
    optfile.write_text("".join(f"-{k} {v}\n" for k, v in opts.items()))
    sig = extra[-1] if extra and isinstance(extra[-1], signal.Signals) else None
    extra = extra[:-1] if sig else extra
    cmd = MPIEXEC + ["-n", str(ranks), EXE, "-options_file", str(optfile)] + [str(a) for a in extra]
    t0 = time.time()
    if sig:
        return run_signalled(cmd, rundir, sig, timeout or TIMEOUT, t0)
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout or TIMEOUT, cwd=rundir, env={**os.environ, "OMP_NUM_THREADS": "1"})
        rc, err = p.returncode, p.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        rc, err = None, (e.stderr or b"").decode(errors="replace")
    return rc, err, time.time() - t0


def run_signalled(cmd, rundir, sig, timeout, t0):
    """Start the run, send sig once it progresses (SIGTERM to mpiexec, others to the ranks),
    wait for the end; (rc, stderr, seconds). Output goes next to rundir, not into it."""
    out, err = rundir.parent / (rundir.name + ".out"), rundir.parent / (rundir.name + ".err")
    with open(out, "w") as fo, open(err, "w") as fe:
        p = subprocess.Popen(cmd, stdout=fo, stderr=fe, cwd=rundir, env={**os.environ, "OMP_NUM_THREADS": "1"}, start_new_session=True)
    while time.time() - t0 < timeout and p.poll() is None and "ruissel: t " not in out.read_text(errors="replace"):
        time.sleep(0.05)
    if p.poll() is None:
        for pid in ([p.pid] if sig == signal.SIGTERM else descendants(p.pid)):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
    try:
        rc = p.wait(timeout=max(1.0, timeout - (time.time() - t0)))
    except subprocess.TimeoutExpired:
        for pid in descendants(p.pid) + [p.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        p.wait()
        rc = None
    text = err.read_text(errors="replace") + out.read_text(errors="replace")
    return rc, text, time.time() - t0


def prepare_restart(f, work):
    """The restart inputs: a checkpoint of the swe base run (SIGUSR1 with checkpointing on:
    exit status 3), a truncated copy, and the valid run's complete result."""
    rundir = work / "runs" / "checkpoint"
    opts = {"dem": f["dem"], "stages": "swe", "swe_tfinal": 1e6, "rain_rate": 10.0, "progress_interval": 0.2, "checkpoint_interval": 1e9}
    rc, err, secs = run(opts, [signal.SIGUSR1], 1, rundir, timeout=300)
    ck = rundir / "result.ckpt.h5"
    ok = rc == 3 and ck.exists()
    if ok:
        shutil.copy(ck, f["ck"])
        cut(ck, f["ck_trunc"], 0.5)
        shutil.rmtree(rundir)
    res = work / "runs" / "valid_swe" / "result.h5"
    ok &= res.exists()
    if ok:
        shutil.copy(res, f["result"])
    print(f"{'ok  ' if ok else 'FAIL'} checkpoint for the restart cases (np 1, {secs:.1f} s, exit {rc}){'' if ok else ': ' + err.strip()[-500:]}")
    return ok


def judge(case, ranks, work):
    name, opts, extra, token, _ = case
    rundir = work / "runs" / f"{''.join(c if c.isalnum() else '_' for c in name)}_np{ranks}"
    rc, err, secs = run(opts, extra, ranks, rundir)
    signalled = bool(extra) and isinstance(extra[-1], signal.Signals)
    lines = [l for l in err.splitlines() if "error" in l.lower() or (signalled and token in l)]
    left = sorted(p.name for p in rundir.iterdir())
    why = []
    if rc is None:
        why.append(f"no exit within {TIMEOUT:.0f} s (hang)")
    elif rc == 0:
        why.append("exit 0: the bad input was accepted")
    if len(lines) != 1:
        why.append(f"{len(lines)} error lines")
    elif not lines[0].startswith("ruissel: error: " if not signalled else "ruissel: ") or token not in lines[0]:
        why.append(f"the error line does not name '{token}'")
    if left:
        why.append(f"files left: {', '.join(left)}")
    msg = lines[0] if len(lines) == 1 else " | ".join(lines[:3]) or err.strip()[-300:]
    return name, ranks, secs, why, msg


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workdir")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("-k", help="only the cases whose name contains this")
    ap.add_argument("-j", type=int, default=3, help="runs at a time (default 3: the runs mostly wait for MPI start-up)")
    a = ap.parse_args()
    work = Path(a.workdir).resolve()
    f = make_inputs(work / "inputs")
    C = cases(f, work / "inputs")
    if a.list:
        for c in C:
            print(f"{c[0]:<45} ranks {','.join(map(str, c[4]))}  token {c[3]}")
        print(f"{len(C)} cases")
        return 0
    if a.k:
        C = [c for c in C if a.k in c[0]]
    t0 = time.time()
    # the valid bases first: each bad case must fail for its own reason
    swe_ok = run({"dem": f["dem"], "stages": "swe", "swe_tfinal": 1.0, "rain_rate": 10.0, "swe_gauges": f["g_ok"],
                  "swe_init_depth_file": f["h_ok"], "landcover_file": f["lc"], "hydro_table": SRC / "input" / "hydro" / "ign_ai_naf.csv"},
                 [], 3, work / "runs" / "valid_swe", timeout=300)
    seg_ok = run({"stages": "seg", "seg_image": f["img"], "seg_weights": f["w"], "seg_arch": "unet_resnet18", "seg_width_mult": 0.25,
                  "seg_classes": 19, "seg_backend": "cpu", "seg_tile": 64, "seg_margin": 16}, [], 3, work / "runs" / "valid_seg", timeout=300)
    bases_ok = prepare_restart(f, work)
    for what, (rc, err, secs), out in (("swe", swe_ok, "result.h5"), ("seg", seg_ok, "classes.tif")):
        ok = rc == 0 and (work / "runs" / f"valid_{what}" / out).exists()
        bases_ok &= ok
        print(f"{'ok  ' if ok else 'FAIL'} valid {what} run (np 3, {secs:.1f} s){'' if ok else ': ' + err.strip()[-500:]}")
    jobs = [(c, r) for c in C for r in c[4] if r in RANKS]
    with ThreadPoolExecutor(max_workers=a.j) as pool:
        results = list(pool.map(lambda cr: judge(cr[0], cr[1], work), jobs))
    fails = 0
    for name, ranks, secs, why, msg in results:
        fails += bool(why)
        print(f"{'FAIL' if why else 'ok  '} {name} (np {ranks}, {secs:.1f} s): {'; '.join(why) + ' -- ' if why else ''}{msg}")
    print(f"\n{len(C)} cases, {len(jobs)} runs, {fails} failed, {time.time() - t0:.0f} s")
    return 1 if fails or not bases_ok else 0


if __name__ == "__main__":
    sys.exit(main())
