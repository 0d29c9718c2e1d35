#!/usr/bin/env python3
"""Check PCFs written by cpslim with the real adafruit_bitmap_font loader (Blinka displayio).

usage: check_font.py [--charset all|ascii|latin1|digits] [--formula] OUT=SOURCE ...

OUT is normally a .pcf; a .bdf (a subset written in place with --keep-names) is loaded
with the real BDF loader the same way.

SOURCE is the font cpslim started from:
  - a .bdf: parsed by the independent reader below (not cpslim's code), with the rules the
    device applies: the first definition of a code point wins, ENCODING -1 and code points
    above U+FFFF are unreachable;
  - a .pcf: loaded with the same real loader and used as the reference.
For every kept code point the glyph's pixels relative to the origin and its advance must equal
the source's; every other code point must be missing; ascent, descent and get_bounding_box()
must equal the source's. --formula also asserts size == 164 + 9n + D + 2RC (D: ink rows × 4 ×
ceil(ink width / 32)). --glyphs-only skips ascent, descent and bounding box (for a source PCF
the loader cannot open, whose accelerators differ from the BDF it was made from). Exits non-zero with a message on the first difference.
"""
import os
import struct
import sys

from adafruit_bitmap_font import bitmap_font

CHARSETS = {
    "ascii": set(range(0x20, 0x7F)),
    "latin1": set(range(0x20, 0x7F)) | set(range(0xA0, 0x100)),
    "digits": set(map(ord, "0123456789 .,:-+%\u00b0")),
}


class Src:
    def __init__(self):
        self.glyphs = {}  # cp -> (ink frozenset, advance)
        self.ascent = self.descent = None
        self.bbox = None
        self.default_char = None


def ink_of(rows, w, h, x, y):
    px = set()
    for r, bits in enumerate(rows):
        for c in range(w):
            if bits >> (len_bits(w) - 1 - c) & 1:
                px.add((x + c, y + (h - 1 - r)))
    return frozenset(px)


def len_bits(w):
    return ((w + 7) // 8) * 8


def read_bdf(path):
    s = Src()
    lines = open(path, "rb").read().decode("latin-1").splitlines()
    i = 0
    fbb = None
    while i < len(lines):
        t = lines[i].split()
        i += 1
        if not t:
            continue
        k = t[0]
        if k == "FONTBOUNDINGBOX":
            fbb = tuple(int(v) for v in t[1:5])
        elif k == "FONT_ASCENT":
            s.ascent = int(t[1])
        elif k == "FONT_DESCENT":
            s.descent = int(t[1])
        elif k == "DEFAULT_CHAR":
            s.default_char = int(t[1])
        elif k == "STARTCHAR":
            enc = adv = bbx = None
            while True:
                t = lines[i].split()
                i += 1
                if not t:
                    continue
                if t[0] == "ENCODING":
                    enc = int(t[1])
                elif t[0] == "DWIDTH":
                    adv = int(t[1])
                elif t[0] == "BBX":
                    bbx = tuple(int(v) for v in t[1:5])
                elif t[0] == "BITMAP":
                    break
            w, h, x, y = bbx
            rows = [int(lines[i + r].strip(), 16) for r in range(h)]
            i += h
            assert lines[i].strip() == "ENDCHAR", f"{path}: ENDCHAR expected at line {i + 1}"
            i += 1
            if enc < 0 or enc > 0xFFFF or enc in s.glyphs:
                continue
            s.glyphs[enc] = (ink_of(rows, w, h, x, y), adv)
    w, h, x, y = fbb
    s.bbox = (w, h, x, y)
    if s.ascent is None:
        s.ascent = h + y
    if s.descent is None:
        s.descent = -y
    return s


def glyph_ink(g):
    px = set()
    for r in range(g.height):
        for c in range(g.width):
            if g.bitmap[c, r]:
                px.add((g.dx + c, g.dy + (g.height - 1 - r)))
    return frozenset(px)


def read_pcf(path):
    font = bitmap_font.load_font(path)
    font.load_glyphs(range(0x10000))
    s = Src()
    for cp in range(0x10000):
        g = font.get_glyph(cp)
        if g is not None:
            s.glyphs[cp] = (glyph_ink(g), g.shift_x)
    s.ascent, s.descent = font.ascent, font.descent
    s.bbox = tuple(font.get_bounding_box())
    s.default_char = pcf_default_char(path)
    return s, font


def pcf_default_char(path):
    """default_char of the BDF_ENCODINGS table (the loader reads but ignores it)."""
    data = open(path, "rb").read()
    if not data.startswith(b"\x01fcp"):
        return None
    (count,) = struct.unpack_from("<I", data, 4)
    for i in range(count):
        typ, fmt, size, off = struct.unpack_from("<IIII", data, 8 + 16 * i)
        if typ == 32:
            order = ">" if fmt & 4 else "<"
            d = struct.unpack_from(order + "h", data, off + 12)[0] & 0xFFFF
            return None if d == 0xFFFF else d
    return None


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def check(out, src_path, charset, formula, glyphs_only):
    src = read_bdf(src_path) if src_path.lower().endswith(".bdf") else read_pcf(src_path)[0]
    got, font = read_pcf(out)
    if charset == "all":
        keep = set(src.glyphs)
    else:
        keep = CHARSETS[charset] & set(src.glyphs)
        if src.default_char in src.glyphs:
            keep.add(src.default_char)
    for cp in sorted(keep):
        if cp not in got.glyphs:
            fail(f"{out}: U+{cp:04X} missing")
        if got.glyphs[cp] != src.glyphs[cp]:
            fail(f"{out}: U+{cp:04X} differs: got {sorted(got.glyphs[cp][0])} advance "
                 f"{got.glyphs[cp][1]}, source {sorted(src.glyphs[cp][0])} advance {src.glyphs[cp][1]}")
    extra = set(got.glyphs) - keep
    if extra:
        fail(f"{out}: unexpected glyphs {sorted(extra)[:10]}")
    for what in () if glyphs_only else ("ascent", "descent", "bbox"):
        if getattr(got, what) != getattr(src, what):
            fail(f"{out}: {what} {getattr(got, what)} != source {getattr(src, what)}")
    size = os.path.getsize(out)
    if formula:
        n = len(keep)
        d = 0
        for cp in keep:
            ink = got.glyphs[cp][0]
            if ink:
                xs = [p[0] for p in ink]
                ys = [p[1] for p in ink]
                w = max(xs) - min(xs) + 1
                h = max(ys) - min(ys) + 1
                d += h * 4 * ((w + 31) // 32)
        his = [cp >> 8 for cp in keep]
        los = [cp & 0xFF for cp in keep]
        rc = (max(his) - min(his) + 1) * (max(los) - min(los) + 1)
        want = 164 + 9 * n + d + 2 * rc
        if size != want:
            fail(f"{out}: {size} bytes, formula 164 + 9*{n} + {d} + 2*{rc} = {want}")
    print(f"ok {out}: {len(keep)} glyphs, {size} bytes")


def main(argv):
    charset = "all"
    formula = False
    glyphs_only = False
    pairs = []
    it = iter(argv)
    for a in it:
        if a == "--charset":
            charset = next(it)
        elif a == "--formula":
            formula = True
        elif a == "--glyphs-only":
            glyphs_only = True
        else:
            out, src = a.split("=", 1)
            pairs.append((out, src))
    if not pairs:
        fail("no OUT=SOURCE pair given")
    for out, src in pairs:
        check(out, src, charset, formula, glyphs_only)


if __name__ == "__main__":
    main(sys.argv[1:])
