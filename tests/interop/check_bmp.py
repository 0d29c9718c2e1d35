#!/usr/bin/env python3
"""Load every BMP cpslim wrote with the real CircuitPython loaders and compare each pixel's
colour with the original, decoded independently by Pillow.

Usage: check_bmp.py MANIFEST.json
MANIFEST: [{"orig": path, "new": path, "max_err": int}, ...]; max_err is 0 for lossless
rewrites, the reported max channel error for lossy ones.

Per file:
  1. C rules of displayio.OnDiskBitmap that Blinka's Python port does not enforce (our checker);
  2. adafruit_imageload.load(bitmap=displayio.Bitmap, palette=displayio.Palette);
  3. displayio.OnDiskBitmap (Blinka);
and every pixel of 2 and 3 must match Pillow's decode of the original within max_err (at the
original's channel precision for 16-bit sources). Exit 1 with one line per failure.
"""

import json
import struct
import sys

import adafruit_imageload
import displayio
from PIL import Image


def c_rule_violations(data):
    """The rules CircuitPython's C OnDiskBitmap (and imageload's indexed path) apply, which
    Blinka does not check (bmp-and-displayio.md §0, §1.1)."""
    v = []
    if len(data) < 138:
        v.append(f"file is {len(data)} bytes, under 138 (CircuitPython < 9.2.5 rejects it)")
        return v
    if data[:2] != b"BM":
        return ["no BM signature"]
    off, hsize = struct.unpack_from("<II", data, 10)
    w, h, _planes, bpp, comp = struct.unpack_from("<iiHHI", data, 18)
    clr_used = struct.unpack_from("<I", data, 46)[0]
    if hsize not in (40, 108, 124):
        v.append(f"header size {hsize} (OnDiskBitmap accepts 40/108/124 only)")
    if comp not in (0, 3):
        v.append(f"compression {comp}: OnDiskBitmap rejects RLE and others")
    if comp == 3 and hsize < 56:
        v.append("BI_BITFIELDS after a header under 56 bytes: masks never read by the C code")
    if h <= 0:
        v.append("top-down (negative height): OnDiskBitmap always reads rows bottom-up")
    if not 0 < w < 65536 or not 0 < abs(h) < 65536 or off >= 65536:
        v.append("width, height or offset do not fit OnDiskBitmap's uint16 fields")
    if bpp not in (1, 2, 4, 8, 16, 24, 32):
        v.append(f"bpp {bpp}")
    if bpp <= 8:
        n = clr_used or (1 << bpp)
        if clr_used < 2:
            v.append(f"biClrUsed {clr_used}: must be the real count and >= 2")
        if n > (1 << bpp):
            v.append(f"{n} palette entries for {bpp} bpp")
        if off != 14 + hsize + 4 * n:
            v.append("palette not directly before the pixels (imageload reads it at offset - 4n)")
        for i in range(n):
            if data[14 + hsize + 4 * i + 3] != 0:
                v.append(f"palette entry {i}: reserved byte is not 0")
                break
        stride = (w * bpp + 31) // 32 * 4
        if off + stride * abs(h) > len(data):
            v.append("pixel data runs past the end of the file")
        else:
            per = 8 // bpp
            mask = (1 << bpp) - 1
            for y in range(abs(h)):
                row = data[off + y * stride: off + (y + 1) * stride]
                for x in range(w):
                    ix = (row[x // per] >> (8 - bpp * (x % per + 1))) & mask
                    if ix >= n:
                        v.append(f"pixel ({x},{y}) index {ix} >= palette length {n}")
                        return v
    elif clr_used != 0:
        v.append("truecolour file with a colour table: imageload's indexed path crashes")
    return v


def source_shifts(path):
    """Bits to drop per channel so colours compare at the original's precision."""
    with open(path, "rb") as f:
        data = f.read(70)
    hsize = struct.unpack_from("<I", data, 14)[0]
    bpp, comp = struct.unpack_from("<HI", data, 28)
    if bpp != 16:
        return (0, 0, 0)
    green = struct.unpack_from("<I", data, 58)[0] if comp == 3 and len(data) >= 62 else 0x03E0
    del hsize
    return (3, 2 if green == 0x07E0 else 3, 3)


def rgb(c):
    return ((c >> 16) & 255, (c >> 8) & 255, c & 255)


def from565(v):
    r, g, b = (v >> 11) & 31, (v >> 5) & 63, v & 31
    return (r << 3 | r >> 2, g << 2 | g >> 4, b << 3 | b >> 2)


def compare(name, loader, want, got_at, w, h, shifts, max_err, problems):
    for y in range(h):
        for x in range(w):
            a = want[y * w + x]
            b = got_at(x, y)
            for c in range(3):
                s = shifts[c]
                err = abs((a[c] >> s) - (b[c] >> s)) << s
                if err > max_err:
                    problems.append(
                        f"{name}: {loader} pixel ({x},{y}) is {b}, original {a} (allowed error {max_err})"
                    )
                    return


def check(entry, problems):
    name = entry["new"]
    max_err = int(entry.get("max_err", 0))
    with open(entry["new"], "rb") as f:
        data = f.read()
    for v in c_rule_violations(data):
        problems.append(f"{name}: C rule: {v}")
    orig = Image.open(entry["orig"]).convert("RGB")
    w, h = orig.size
    want = list(orig.getdata())
    shifts = source_shifts(entry["orig"])

    try:
        bitmap, palette = adafruit_imageload.load(
            entry["new"], bitmap=displayio.Bitmap, palette=displayio.Palette
        )
    except Exception as e:  # the loader rejecting our file is the failure we test for
        problems.append(f"{name}: adafruit_imageload failed: {e!r}")
        bitmap = None
    if bitmap is not None:
        if (bitmap.width, bitmap.height) != (w, h):
            problems.append(f"{name}: imageload size {bitmap.width}x{bitmap.height}, want {w}x{h}")
        elif isinstance(palette, displayio.Palette):
            compare(name, "imageload", want, lambda x, y: rgb(palette[bitmap[x, y]]), w, h,
                    shifts, max_err, problems)
        else:
            # Truecolour goes through RGB565 in imageload: compare at that precision.
            s = tuple(max(a, b) for a, b in zip(shifts, (3, 2, 3)))
            compare(name, "imageload", want, lambda x, y: from565(bitmap[x, y]), w, h, s,
                    max_err, problems)

    try:
        odb = displayio.OnDiskBitmap(entry["new"])
    except Exception as e:
        problems.append(f"{name}: OnDiskBitmap failed: {e!r}")
        return
    if (odb.width, odb.height) != (w, h):
        problems.append(f"{name}: OnDiskBitmap size {odb.width}x{odb.height}, want {w}x{h}")
        return
    shader = odb.pixel_shader
    if isinstance(shader, displayio.Palette):
        got = lambda x, y: rgb(shader[odb._get_pixel(x, y)])
    else:
        got = lambda x, y: rgb(odb._get_pixel(x, y))
    compare(name, "OnDiskBitmap", want, got, w, h, shifts, max_err, problems)


def main():
    with open(sys.argv[1]) as f:
        manifest = json.load(f)
    problems = []
    for entry in manifest:
        check(entry, problems)
    for p in problems:
        print(p)
    print(f"checked {len(manifest)} files, {len(problems)} problems")
    sys.exit(1 if problems or not manifest else 0)


if __name__ == "__main__":
    main()
