#!/usr/bin/python3
"""PyTorch reference of the FLAIR U-Net, built from torch primitives (no smp).

Architecture-exact with segmentation_models_pytorch
``Unet(encoder_name="resnet18"|"resnet34"|"resnet50", in_channels=B, classes=N)``: the module tree,
hence the state-dict names and shapes, is smp's (``encoder.conv1.weight``,
``encoder.layer2.0.downsample.1.running_mean``, ``decoder.blocks.0.conv1.0.weight``,
``segmentation_head.0.bias`` ...). ``width_mult`` scales every encoder/decoder width
(1.0 = smp; smaller values give the small demo models).

Also: a hand-written safetensors reader/writer (the safetensors package is not in
Debian) and the FLAIR normalisation defaults. The C engine (src/seg/) is tested against
this file.
"""
import json
import math
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# FLAIR normalisation of the 5 bands R, G, B, NIR, elevation (x - mean) / std.
FLAIR_MEANS = (105.08, 110.87, 101.82, 106.38, 53.26)
FLAIR_STDS = (52.17, 45.38, 44.0, 39.69, 79.3)

ARCH_BLOCKS = {"resnet18": (2, 2, 2, 2), "resnet34": (3, 4, 6, 3), "resnet50": (3, 4, 6, 3)}
ENCODER_WIDTHS = (64, 64, 128, 256, 512)   # stem, layer1..layer4 (BasicBlock encoders)
BOTTLENECK_WIDTHS = (64, 128, 256, 512)    # resnet50: inner width of each layer, output 4x
DECODER_WIDTHS = (256, 128, 64, 32, 16)


def scaled(c, width_mult):
    """Channel count c scaled by width_mult (same rule as RslSegModel: round, >= 1)."""
    return max(1, int(math.floor(c * width_mult + 0.5)))


def shortcut(cin, cout, stride):
    """torchvision's downsample branch (1x1 conv + BN) where the shapes change, else None."""
    if stride == 1 and cin == cout:
        return None
    return nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))


class BasicBlock(nn.Module):
    """torchvision's ResNet-18/34 block: 3x3 (with the stride), 3x3."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = shortcut(cin, cout, stride)

    def forward(self, x):
        idt = x if self.downsample is None else self.downsample(x)
        y = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(y)) + idt)


class Bottleneck(nn.Module):
    """torchvision's ResNet-50 block (v1.5: the stride on the 3x3): 1x1, 3x3, 1x1 to cout."""

    def __init__(self, cin, mid, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, mid, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(mid)
        self.conv2 = nn.Conv2d(mid, mid, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(mid)
        self.conv3 = nn.Conv2d(mid, cout, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = shortcut(cin, cout, stride)

    def forward(self, x):
        idt = x if self.downsample is None else self.downsample(x)
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        return self.relu(self.bn3(self.conv3(y)) + idt)


class ResNetEncoder(nn.Module):
    """torchvision's ResNet without avgpool/fc, returning smp's 6 feature maps; mids are
    the bottleneck inner widths (None: BasicBlock)."""

    def __init__(self, blocks, in_ch, widths, mids=None):
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, widths[0], 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        cin = widths[0]
        for i, (nb, cout) in enumerate(zip(blocks, widths[1:])):
            stride = 1 if i == 0 else 2
            if mids:
                layer = [Bottleneck(cin, mids[i], cout, stride)] + [Bottleneck(cout, mids[i], cout, 1) for _ in range(nb - 1)]
            else:
                layer = [BasicBlock(cin, cout, stride)] + [BasicBlock(cout, cout, 1) for _ in range(nb - 1)]
            setattr(self, "layer%d" % (i + 1), nn.Sequential(*layer))
            cin = cout

    def forward(self, x):
        f0 = x
        f1 = self.relu(self.bn1(self.conv1(x)))
        f2 = self.layer1(self.maxpool(f1))
        f3 = self.layer2(f2)
        f4 = self.layer3(f3)
        f5 = self.layer4(f4)
        return [f0, f1, f2, f3, f4, f5]


def conv_bn_relu(cin, cout):
    # smp's Conv2dReLU: Sequential(conv (no bias with BN), BN, ReLU)
    return nn.Sequential(nn.Conv2d(cin, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class DecoderBlock(nn.Module):
    def __init__(self, cin, cskip, cout):
        super().__init__()
        self.conv1 = conv_bn_relu(cin + cskip, cout)
        self.conv2 = conv_bn_relu(cout, cout)

    def forward(self, x, skip=None):
        x = F.interpolate(x, scale_factor=2, mode="nearest")
        if skip is not None:
            x = torch.cat([x, skip], dim=1)
        return self.conv2(self.conv1(x))


class UnetDecoder(nn.Module):
    def __init__(self, enc_widths, dec_widths):
        super().__init__()
        head = enc_widths[-1]
        skips = list(enc_widths[1:-1])[::-1] + [0]          # layer3, layer2, layer1, stem, none
        ins = [head] + list(dec_widths[:-1])
        self.center = nn.Identity()                          # smp: Identity for resnet encoders
        self.blocks = nn.ModuleList(DecoderBlock(i, s, o) for i, s, o in zip(ins, skips, dec_widths))

    def forward(self, feats):
        feats = feats[1:][::-1]
        x = self.center(feats[0])
        skips = feats[1:]
        for i, blk in enumerate(self.blocks):
            x = blk(x, skips[i] if i < len(skips) else None)
        return x


class Unet(nn.Module):
    def __init__(self, arch="resnet34", in_ch=5, classes=19, width_mult=1.0):
        super().__init__()
        enc = [scaled(c, width_mult) for c in ENCODER_WIDTHS]
        dec = [scaled(c, width_mult) for c in DECODER_WIDTHS]
        mids = None
        if arch == "resnet50":  # smp: encoder out_channels (in, 64, 256, 512, 1024, 2048)
            mids = [scaled(c, width_mult) for c in BOTTLENECK_WIDTHS]
            enc = [enc[0]] + [scaled(4 * c, width_mult) for c in BOTTLENECK_WIDTHS]
        self.encoder = ResNetEncoder(ARCH_BLOCKS[arch], in_ch, enc, mids)
        self.decoder = UnetDecoder([in_ch] + enc, dec)
        self.segmentation_head = nn.Sequential(nn.Conv2d(dec[-1], classes, 3, 1, 1))

    def forward(self, x):
        return self.segmentation_head(self.decoder(self.encoder(x)))


def build_unet(arch, in_ch=5, classes=19, width_mult=1.0):
    """The U-Net with smp's state-dict names; arch is 'resnet18'/'resnet34'/'resnet50' (an
    'unet_' prefix, as in -seg_arch, is accepted)."""
    if arch.startswith("unet_"):
        arch = arch[5:]
    if arch not in ARCH_BLOCKS:
        raise ValueError("unknown arch %r (resnet18, resnet34, resnet50)" % arch)
    return Unet(arch, in_ch, classes, width_mult)


def randomize_(model, seed):
    """Deterministic weights with realistic batch-norm statistics (non-trivial running
    mean/var, gamma, beta) so BN folding is really exercised; activations stay O(1)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, m in model.named_modules():
            if isinstance(m, nn.Conv2d):
                fan_in = m.in_channels * m.kernel_size[0] * m.kernel_size[1]
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * (2.0 / fan_in) ** 0.5)
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            elif isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(0.5 + torch.rand(c, generator=g))
                m.bias.copy_(torch.randn(c, generator=g) * 0.2)
                m.running_mean.copy_(torch.randn(c, generator=g) * 0.3)
                m.running_var.copy_(0.5 + 1.5 * torch.rand(c, generator=g))
                m.num_batches_tracked.fill_(1000)
    return model


# ---- safetensors (https://github.com/huggingface/safetensors format), by hand ----------
_DT = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
       torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
       torch.uint8: "U8", torch.bool: "BOOL"}
_TD = {v: k for k, v in _DT.items()}


def _tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:   # numpy has no bfloat16: reinterpret as int16
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()


def save_safetensors(state_dict, path, metadata=None):
    """Write {name: tensor} as safetensors: u64 LE header length, JSON header, data."""
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, t in state_dict.items():
        if t.dtype not in _DT:
            raise ValueError("%s: unsupported dtype %s" % (name, t.dtype))
        b = _tensor_bytes(t)
        header[name] = {"dtype": _DT[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)          # pad the header (spaces are allowed) to align the data
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    """Read a safetensors file into an ordered {name: tensor} (and strict checks)."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError("%s: truncated (no header length)" % path)
    (n,) = struct.unpack("<Q", raw[:8])
    if n > len(raw) - 8:
        raise ValueError("%s: header length %d exceeds file size %d" % (path, n, len(raw)))
    header = json.loads(raw[8:8 + n].decode())
    data = raw[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        if not (0 <= a <= b <= len(data)):
            raise ValueError("%s: tensor %s: offsets out of range" % (path, name))
        dt = _TD[e["dtype"]]
        buf = bytearray(data[a:b])
        if dt == torch.bfloat16:
            t = torch.frombuffer(buf, dtype=torch.int16).view(torch.bfloat16) if buf else torch.empty(0, dtype=dt)
        else:
            t = torch.frombuffer(buf, dtype=dt) if buf else torch.empty(0, dtype=dt)
        out[name] = t.reshape(e["shape"]).clone()
    return out


def normalise(img, means=FLAIR_MEANS, stds=FLAIR_STDS):
    """(x - mean) / std per band for a (..., 5, H, W) array or tensor."""
    m = np.asarray(means, dtype=np.float32).reshape(-1, 1, 1)
    s = np.asarray(stds, dtype=np.float32).reshape(-1, 1, 1)
    return (np.asarray(img, dtype=np.float32) - m) / s


if __name__ == "__main__":
    m = build_unet("resnet34", 5, 19)
    for k, v in m.state_dict().items():
        print(k, tuple(v.shape))
