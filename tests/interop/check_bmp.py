#!/usr/bin/env python3
"""Load every BMP cpslim wrote with the real CircuitPython loaders and compare each pixel's
colour with the original, decoded independently by Pillow.

Usage: check_bmp.py MANIFEST.json
MANIFEST: [{"orig": path, "new": path, "max_err": int, "loaders": [...], "same_indices": bool},
...]; max_err is 0 for lossless rewrites, the reported max channel error for lossy ones;
loaders (default both) lists the loaders that must read the new file: ["imageload"] for RLE and
PNG, which OnDiskBitmap does not read (the C rules are then not applied either); same_indices
also requires the same palette index at every pixel and the same colour per used entry.

Per file:
  1. C rules of displayio.OnDiskBitmap that Blinka's Python port does not enforce (our checker);
  2. adafruit_imageload.load(bitmap=displayio.Bitmap, palette=displayio.Palette);
  3. displayio.OnDiskBitmap (Blinka);
and every pixel of 2 and 3 must match, within max_err, what a board shows for the original:
the same loader's rendering of it when that loader shows it faithfully, else the other
loader's, else Pillow's decode (at the coarser channel precision of the two). Lossless means
the board shows the same picture. Exit 1 with one line per failure.
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


def imageload_render(path):
    """(width, height, pixel getter, per-channel shifts) as adafruit_imageload shows the file."""
    bitmap, palette = adafruit_imageload.load(path, bitmap=displayio.Bitmap, palette=displayio.Palette)
    if isinstance(palette, displayio.Palette):
        return (bitmap.width, bitmap.height, lambda x, y: rgb(palette[bitmap[x, y]]), (0, 0, 0))
    # Truecolour goes through RGB565 in imageload: compare at that precision.
    return (bitmap.width, bitmap.height, lambda x, y: from565(bitmap[x, y]), (3, 2, 3))


def ondisk_render(path):
    odb = displayio.OnDiskBitmap(path)
    shader = odb.pixel_shader
    if isinstance(shader, displayio.Palette):
        get = lambda x, y: rgb(shader[odb._get_pixel(x, y)])  # noqa: E731
    else:
        get = lambda x, y: rgb(odb._get_pixel(x, y))  # noqa: E731
    return (odb.width, odb.height, get, source_shifts(path))


def imageload_faithful(data):
    """Does adafruit_imageload on a board show this original as it was meant to look?"""
    hsize = struct.unpack_from("<I", data, 14)[0]
    h = struct.unpack_from("<i", data, 22)[0]
    bpp, comp = struct.unpack_from("<HI", data, 28)
    clr_used = struct.unpack_from("<I", data, 46)[0]
    off = struct.unpack_from("<I", data, 10)[0]
    if hsize == 12 or h < 0:  # core headers misparsed; top-down upside down with bitmaptools
        return False
    if bpp == 16 and comp == 3 and hsize < 56:  # masks never read: 565 shown as 555
        return False
    if bpp <= 8:
        n = clr_used or (1 << bpp)
        return off == 14 + hsize + 4 * n  # palette read at offset - 4n
    return True


def references(orig):
    """What a board shows for the original, per loader: that loader's own rendering when the
    loader shows the file faithfully, else the other loader's, else Pillow's decode."""
    with open(orig, "rb") as f:
        data = f.read()
    shown = {}
    if imageload_faithful(data):
        try:
            shown["imageload"] = imageload_render(orig)
        except Exception:  # noqa: BLE001 - a loader refusing the original just gives no reference
            pass
    if not c_rule_violations(data):
        try:
            shown["OnDiskBitmap"] = ondisk_render(orig)
        except Exception:  # noqa: BLE001
            pass
    img = Image.open(orig).convert("RGB")
    pixels = list(img.getdata())
    pillow = (img.size[0], img.size[1], lambda x, y: pixels[y * img.size[0] + x], source_shifts(orig))
    out = {}
    for loader, other in (("imageload", "OnDiskBitmap"), ("OnDiskBitmap", "imageload")):
        out[loader] = shown.get(loader) or shown.get(other) or pillow
    return out


def check_same_indices(entry, problems):
    """An indexed original and its re-encoding (RLE, PNG) load with adafruit_imageload to the
    same index at every pixel and the same colour at every palette entry the image uses."""
    name = entry["new"]
    try:
        a, pa = adafruit_imageload.load(entry["orig"], bitmap=displayio.Bitmap, palette=displayio.Palette)
        b, pb = adafruit_imageload.load(entry["new"], bitmap=displayio.Bitmap, palette=displayio.Palette)
    except Exception as e:  # noqa: BLE001 - reported as the failure
        problems.append(f"{name}: adafruit_imageload failed: {e!r}")
        return
    if (a.width, a.height) != (b.width, b.height):
        problems.append(f"{name}: size {b.width}x{b.height}, want {a.width}x{a.height}")
        return
    for y in range(a.height):
        for x in range(a.width):
            if a[x, y] != b[x, y]:
                problems.append(f"{name}: pixel ({x},{y}) has index {b[x, y]}, original {a[x, y]}")
                return
            i = a[x, y]
            if pa[i] != pb[i]:
                problems.append(f"{name}: palette entry {i} is {pb[i]:06x}, original {pa[i]:06x}")
                return


def check(entry, problems):
    name = entry["new"]
    max_err = int(entry.get("max_err", 0))
    loaders = entry.get("loaders", ["imageload", "OnDiskBitmap"])
    with open(entry["new"], "rb") as f:
        data = f.read()
    if "OnDiskBitmap" in loaders:
        for v in c_rule_violations(data):
            problems.append(f"{name}: C rule: {v}")
    refs = references(entry["orig"])
    if entry.get("same_indices"):
        check_same_indices(entry, problems)
    for loader, render in (("imageload", imageload_render), ("OnDiskBitmap", ondisk_render)):
        if loader not in loaders:
            continue
        w, h, want_at, want_shifts = refs[loader]
        try:
            gw, gh, got_at, got_shifts = render(entry["new"])
        except Exception as e:  # the loader rejecting our file is the failure we test for
            problems.append(f"{name}: {loader} failed: {e!r}")
            continue
        if (gw, gh) != (w, h):
            problems.append(f"{name}: {loader} size {gw}x{gh}, want {w}x{h}")
            continue
        src = source_shifts(entry["orig"])
        shifts = tuple(max(a, b, c) for a, b, c in zip(want_shifts, got_shifts, src))
        want = [want_at(x, y) for y in range(h) for x in range(w)]
        compare(name, loader, want, got_at, w, h, shifts, max_err, problems)


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
