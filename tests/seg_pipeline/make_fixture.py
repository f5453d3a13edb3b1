#!/usr/bin/python3
"""Fixtures of the seg pipeline tests, written into OUTDIR (build tree):
  weights.safetensors  tiny random-weight U-Net (resnet18, width 0.25, 7 classes; seeded)
  image.tif            300 x 260 px crop of the demo scene (5 bands, 1 m, Lambert-93)
  dem.tif              the DEM under it (2 m): 150 x 130 cells
  dem_domain.tif       that DEM cropped (the image goes beyond it on three sides) with a
                       nodata patch: the domain of the class map
  dsm.tif              surface model (1 m): the nDSM band can be rebuilt as DSM - DEM
  ref_map.tif          class map from PyTorch with the same global tiling (tile 64, margin
                       16): the independent reference of the C stage
  image_holes.tif      image.tif as UInt16 with nodata (65535) holes: a corner covering whole tiles (skipped),
                       a band across tiles
  bad_3bands.tif       only R, G, B
  bad_crs.tif          same pixels labelled EPSG:32631 (UTM 31N) instead of Lambert-93
  bad_far.tif          same pixels 100 km away
"""
import os
import sys

import numpy as np
import torch
from osgeo import gdal, osr

ROOT = os.environ.get("RUISSEL_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "seg"))
sys.path.insert(0, os.path.join(ROOT, "scripts", "demo"))
sys.path.insert(0, os.path.join(ROOT, "input", "demo"))
import make_scene  # noqa: E402
import train_demo_model  # noqa: E402
import unet_ref  # noqa: E402

gdal.UseExceptions()
NX, NY, C0, R0 = 300, 260, 420, 300  # crop of the 1200 x 1000 scene (image pixels, even offsets)
TILE, MARGIN, CLASSES, WIDTH = 64, 16, 7, 0.25


def write(path, a, gt, epsg, dtype=gdal.GDT_Byte, nodata=None):
    a = a if a.ndim == 3 else a[None]
    ds = gdal.GetDriverByName("GTiff").Create(path, a.shape[2], a.shape[1], a.shape[0], dtype)
    ds.SetGeoTransform(gt)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    ds.SetProjection(srs.ExportToWkt())
    for b in range(a.shape[0]):
        ds.GetRasterBand(b + 1).WriteArray(a[b])
        if nodata is not None:
            ds.GetRasterBand(b + 1).SetNoDataValue(nodata)
    ds = None


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    model = unet_ref.randomize_(unet_ref.build_unet("resnet18", 5, CLASSES, WIDTH), 11).eval()
    with torch.no_grad():  # random head biases would make one class win everywhere
        model.segmentation_head[0].bias.zero_()
    unet_ref.save_safetensors(model.state_dict(), os.path.join(out, "weights.safetensors"))
    sc = make_scene.generate(1)
    img = sc["image"][:, R0:R0 + NY, C0:C0 + NX]
    x0, y0 = sc["gt_img"][0] + C0, sc["gt_img"][3] - R0
    gt = (x0, 1.0, 0.0, y0, 0.0, -1.0)
    write(os.path.join(out, "image.tif"), img, gt, 2154)
    dem = sc["dem"][R0 // 2:(R0 + NY) // 2, C0 // 2:(C0 + NX) // 2]
    write(os.path.join(out, "dem.tif"), dem, (x0, 2.0, 0.0, y0, 0.0, -2.0), 2154, gdal.GDT_Float32)
    dom = dem[15:, 20:-10].astype(np.float32)
    dom[40:80, 30:90] = -9999
    write(os.path.join(out, "dem_domain.tif"), dom, (x0 + 40, 2.0, 0.0, y0 - 30, 0.0, -2.0), 2154, gdal.GDT_Float32, nodata=-9999)
    write(os.path.join(out, "dsm.tif"), sc["dsm"][R0:R0 + NY, C0:C0 + NX], gt, 2154, gdal.GDT_Float32)
    holes = img.astype(np.uint16)  # every byte value occurs in the image: nodata outside them
    holes[:, :70, :100] = 65535
    holes[:, 230:236, 40:300] = 65535
    write(os.path.join(out, "image_holes.tif"), holes, gt, 2154, gdal.GDT_UInt16, nodata=65535)
    write(os.path.join(out, "bad_3bands.tif"), img[:3], gt, 2154)
    write(os.path.join(out, "bad_crs.tif"), img, gt, 32631)
    write(os.path.join(out, "bad_far.tif"), img, (x0 + 1e5, 1.0, 0.0, y0, 0.0, -1.0), 2154)
    ref = train_demo_model.tiled_predict(model, unet_ref.normalise(img), TILE, MARGIN)
    write(os.path.join(out, "ref_map.tif"), ref, gt, 2154)
    print("fixtures in", out, "classes in the reference map:", np.bincount(ref.ravel(), minlength=CLASSES))


if __name__ == "__main__":
    main()
