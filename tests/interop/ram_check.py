#!/usr/bin/env python3
"""Measure, with the real Adafruit loaders (Blinka displayio), the RAM the ram stage predicts.

usage: ram_check.py imageload|ondisk|font FILE

Prints one integer: the bytes the loaded objects hold under CircuitPython's storage rules,
taken from the objects the real loader built (not from cpslim's code):
  imageload: the Bitmap's rows (stride words x 4 bytes x height) + 16 bytes per Palette entry;
  ondisk:    16 bytes per entry of the OnDiskBitmap's palette;
  font:      every glyph loaded; per glyph its Bitmap's rows rounded up to a 16-byte block,
             + 48 (Bitmap object) + 48 (Glyph namedtuple of 8 fields). Each glyph bitmap must
             hold 1 bit per value (value_count 2).
"""
import dataclasses
import sys

import displayio
import adafruit_imageload
from adafruit_bitmap_font import bitmap_font


def rows(bitmap):
    return bitmap._stride * bitmap.height * 4


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "imageload":
        bitmap, palette = adafruit_imageload.load(
            path, bitmap=displayio.Bitmap, palette=displayio.Palette
        )
        # A truecolour PNG comes with a ColorConverter, which has no per-colour entries.
        colors = len(palette) if isinstance(palette, displayio.Palette) else 0
        print(rows(bitmap) + 16 * colors)
    elif kind == "ondisk":
        odb = displayio.OnDiskBitmap(path)
        print(16 * len(odb.pixel_shader))
    elif kind == "font":
        font = bitmap_font.load_font(path)
        font.load_glyphs(range(0x10000))
        total = 0
        for glyph in font._glyphs.values():
            if glyph is None:
                continue
            # fontio.Glyph: a namedtuple on the board, a dataclass in Blinka; 8 fields either way.
            fields = (
                len(dataclasses.fields(glyph)) if dataclasses.is_dataclass(glyph) else len(glyph)
            )
            if fields != 8:
                sys.exit("glyph does not have 8 fields")
            if glyph.bitmap._bits_per_value != 1:
                sys.exit("glyph bitmap is not 1 bit per value")
            total += -(-rows(glyph.bitmap) // 16) * 16 + 48 + 48
        print(total)
    else:
        sys.exit("unknown kind " + kind)


main()
