#!/usr/bin/env python3
"""Check PCFs written by cpslim with the real adafruit_bitmap_font loader (Blinka displayio).

usage: check_font.py [--charset all|ascii|latin1|digits] [--formula] OUT=SOURCE[=PCF] ...

OUT is normally a .pcf; a .bdf (a subset written in place with --keep-names) is loaded
with the real BDF loader the same way. A .lvfontbin (LVGL binary font) is loaded with the
same load_font; it keeps code points above U+FFFF, and its layout is compared with what the
loader's lvfontbin reader derives from the head (bounding box (w, h, 0, y), descent = y).
With =PCF, bitmap_label.Label and label.Label must render the same strings pixel for pixel
from OUT and from that PCF of the same font. --lv-formula asserts an LVGL file's size from
its glyphs (see lv_formula below).

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


def read_bdf(path, astral=False):
    s = Src()
    lines = open(path, "rb").read().decode("latin-1").splitlines()
    i = 0
    fbb = None
    font_dwidth = None  # BDF 2.2 (FontForge): a font-wide DWIDTH before the glyphs
    while i < len(lines):
        t = lines[i].split()
        i += 1
        if not t:
            continue
        k = t[0]
        if k == "DWIDTH":
            font_dwidth = int(t[1])
        elif k == "FONTBOUNDINGBOX":
            fbb = tuple(int(v) for v in t[1:5])
        elif k == "FONT_ASCENT":
            s.ascent = int(t[1])
        elif k == "FONT_DESCENT":
            s.descent = int(t[1])
        elif k == "DEFAULT_CHAR":
            s.default_char = int(t[1])
        elif k == "STARTCHAR":
            enc = bbx = None
            adv = font_dwidth
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
            if enc < 0 or (enc > 0xFFFF and not astral) or enc in s.glyphs:
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


def read_pcf(path, extra=()):
    font = bitmap_font.load_font(path)
    probe = sorted(set(range(0x10000)) | set(extra))
    font.load_glyphs(probe)
    s = Src()
    for cp in probe:
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


def pixels(node, ox=0, oy=0, out=None):
    """Every lit pixel a displayio tree draws, as (x, y, colour index) in absolute coordinates."""
    import displayio

    if out is None:
        out = set()
    if isinstance(node, displayio.Group):
        if node.hidden:
            return out
        for child in node:
            pixels(child, ox + node.x, oy + node.y, out)
    elif isinstance(node, displayio.TileGrid):
        if node.hidden:
            return out
        bmp = node.bitmap
        for y in range(bmp.height):
            for x in range(bmp.width):
                v = bmp[x, y]
                if v:
                    out.add((ox + node.x + x, oy + node.y + y, v))
    return out


def label_strings(keep):
    """A few strings over the kept glyphs (BMP only: the PCF holds no more), lines included."""
    chars = [chr(cp) for cp in sorted(keep) if cp <= 0xFFFF and cp >= 0x20]
    chunks = ["".join(chars[i:i + 40]) for i in range(0, len(chars), 40)][:8]
    sample = "".join(c for c in "Hello, World! 0123 gjpqy" if ord(c) in keep)
    return [t for t in chunks + [sample, sample + "\n" + sample[::-1]] if t.strip()]


def compare_labels(out, font, pcf_path, keep):
    from adafruit_display_text import bitmap_label, label

    ref = bitmap_font.load_font(pcf_path)
    for text in label_strings(keep):
        for kind in (bitmap_label.Label, label.Label):
            a = pixels(kind(font, text=text, color=0xFFFFFF))
            b = pixels(kind(ref, text=text, color=0xFFFFFF))
            if not a:
                fail(f"{out}: {kind.__module__}.Label drew nothing for {text!r}")
            if a != b:
                fail(f"{out}: {kind.__module__}.Label draws {text!r} differently from {pcf_path} "
                     f"({len(a ^ b)} pixels differ)")


def bits(n):
    return max(1, n.bit_length())


def sbits(lo, hi):
    b = 1
    while not (-(1 << (b - 1)) <= lo and hi < (1 << (b - 1))):
        b += 1
    return b


def lv_formula(glyphs):
    """Size of cpslim's LVGL file from the glyphs alone.

    head 48 + cmap (12 + 16 per subtable + 2 per code point in a sparse list) + loca (12 + one
    offset per glyph id, id 0 included: 2 bytes while glyf fits 64 KiB, else 4) + glyf (8 + one
    byte-aligned record per glyph: header bits (advance, 2 x/y, 2 w/h; each field as wide as the
    largest value needs, x/y signed, at least 1 bit) + w·h pixel bits of the ink box).
    The cmap is the cheapest split of the sorted code points into contiguous runs (16 B each) and
    sparse lists (16 + 2 per code point, spanning under 65,536), found here by brute force over
    run groupings (an independent search, not cpslim's)."""
    cps = sorted(glyphs)
    boxes = {}
    for cp in cps:
        ink, adv = glyphs[cp]
        if ink:
            xs = [p[0] for p in ink]
            ys = [p[1] for p in ink]
            boxes[cp] = (adv, min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1)
        else:
            boxes[cp] = (adv, 0, 0, 0, 0)
    adv_b = bits(max(b[0] for b in boxes.values()))
    xy_b = sbits(min(min(b[1], b[2]) for b in boxes.values()), max(max(b[1], b[2]) for b in boxes.values()))
    wh_b = bits(max(max(b[3], b[4]) for b in boxes.values()))
    head_bits = adv_b + 2 * xy_b + 2 * wh_b
    glyf = 8 + sum((head_bits + b[3] * b[4] + 7) // 8 for b in boxes.values())
    runs = []
    for cp in cps:
        if runs and runs[-1][1] == cp - 1 and runs[-1][1] - runs[-1][0] < 0xFFFE:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp])
    best = [0] + [None] * len(runs)
    for j in range(len(runs)):
        best[j + 1] = best[j] + 16
        count = 0
        for i in range(j, -1, -1):
            count += runs[i][1] - runs[i][0] + 1
            if runs[j][1] - runs[i][0] >= 0xFFFF:
                break
            if i < j:
                best[j + 1] = min(best[j + 1], best[i] + 16 + 2 * count)
    cmap = 12 + best[-1]
    loca = 12 + (len(cps) + 1) * (2 if glyf <= 0xFFFF else 4)
    return 48 + cmap + loca + glyf


def check(out, src_path, charset, formula, glyphs_only, pcf_ref=None, lv_size=False):
    lv = out.lower().endswith("bin")
    if src_path.lower().endswith(".bdf"):
        src = read_bdf(src_path, astral=lv)
    else:
        src = read_pcf(src_path)[0]
    got, font = read_pcf(out, extra=[cp for cp in src.glyphs if cp > 0xFFFF])
    if lv and type(font).__name__ != "LVGLFont":
        fail(f"{out}: load_font did not open it as an LVGL font ({type(font).__name__})")
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
    want = {"ascent": src.ascent, "descent": src.descent, "bbox": src.bbox}
    if lv:
        # lvfontbin.py: get_bounding_box() = (default advance, font_size, 0, descent).
        w, h, _, y = src.bbox
        want = {"ascent": src.ascent, "descent": y, "bbox": (w, h, 0, y)}
    for what in () if glyphs_only else ("ascent", "descent", "bbox"):
        if getattr(got, what) != want[what]:
            fail(f"{out}: {what} {getattr(got, what)} != expected {want[what]}")
    size = os.path.getsize(out)
    if formula:
        n = len(keep)
        d = 0
        shared = set()
        for cp in keep:
            ink = got.glyphs[cp][0]
            if ink:
                xs = [p[0] for p in ink]
                ys = [p[1] for p in ink]
                w = max(xs) - min(xs) + 1
                h = max(ys) - min(ys) + 1
                # Glyphs with identical ink boxes share one bitmap.
                key = (w, h, frozenset((x - min(xs), y - min(ys)) for x, y in ink))
                if key not in shared:
                    shared.add(key)
                    d += h * 4 * ((w + 31) // 32)
        his = [cp >> 8 for cp in keep]
        los = [cp & 0xFF for cp in keep]
        rc = (max(his) - min(his) + 1) * (max(los) - min(los) + 1)
        want_size = 164 + 9 * n + d + 2 * rc
        if size != want_size:
            fail(f"{out}: {size} bytes, formula 164 + 9*{n} + {d} + 2*{rc} = {want_size}")
    if lv_size:
        want_size = lv_formula({cp: got.glyphs[cp] for cp in keep})
        if size != want_size:
            fail(f"{out}: {size} bytes, LVGL formula gives {want_size}")
    if pcf_ref:
        compare_labels(out, font, pcf_ref, keep)
    print(f"ok {out}: {len(keep)} glyphs, {size} bytes")


def main(argv):
    charset = "all"
    formula = False
    lv_size = False
    glyphs_only = False
    pairs = []
    it = iter(argv)
    for a in it:
        if a == "--charset":
            charset = next(it)
        elif a == "--formula":
            formula = True
        elif a == "--lv-formula":
            lv_size = True
        elif a == "--glyphs-only":
            glyphs_only = True
        else:
            parts = a.split("=")
            pairs.append((parts[0], parts[1], parts[2] if len(parts) > 2 else None))
    if not pairs:
        fail("no OUT=SOURCE pair given")
    for out, src, ref in pairs:
        check(out, src, charset, formula, glyphs_only, ref, lv_size)


if __name__ == "__main__":
    main(sys.argv[1:])
