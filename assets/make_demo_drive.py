#!/usr/bin/env python3
"""Rebuild assets/demo-drive: a dirty CIRCUITPY for CircuitPython 10.x.

Inputs: the `drive/` of the fixture bundle described in assets/BUNDLE-FIXTURE.txt (real library
sources from the sdists listed there, boot_out.txt, markers) and the OFL font LeagueSpartan-Bold-16.bdf from the adafruit-circuitpython-bitmap-font
sdist (examples/fonts). Needs Pillow. Usage:

    make_demo_drive.py FIXTURE_DRIVE FONT_BDF FONT_LICENSE OUT
"""
import os
import shutil
import struct
import sys

from PIL import Image, ImageDraw

src, font, font_license, out = sys.argv[1:5]
if os.path.exists(out):
    shutil.rmtree(out)
shutil.copytree(src, out)


def put(rel, data):
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path) or out, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# The board's code uses a BDF font and two bitmaps.
code = open(os.path.join(out, "code.py")).read()
code = code.replace(
    "import my_sensors\n",
    "import displayio\nfrom adafruit_bitmap_font import bitmap_font\n\nimport my_sensors\n",
).replace(
    'text = label.Label(terminalio.FONT, text="starting", x=10, y=20, scale=2)\n',
    'FONT = bitmap_font.load_font("/fonts/LeagueSpartan-Bold-16.bdf")\n'
    'background = displayio.OnDiskBitmap("/images/background.bmp")\n'
    'icons = displayio.OnDiskBitmap("images/icons.bmp")\n'
    'text = label.Label(FONT, text="starting", x=10, y=20)\n',
)
put("code.py", code)
shutil.copy(font, os.path.join(out, "fonts", "LeagueSpartan-Bold-16.bdf")) if os.path.isdir(
    os.path.join(out, "fonts")
) else (os.makedirs(os.path.join(out, "fonts")), shutil.copy(font, os.path.join(out, "fonts")))
shutil.copy(font_license, os.path.join(out, "fonts", "LeagueSpartan-Bold-16.bdf.license"))

# 240x135 (the TFT) background: 8-bit BMP with a full 256-entry palette, 6 colours used.
bg = Image.new("P", (240, 135), 0)
palette = [0, 0, 0, 16, 32, 96, 32, 64, 160, 255, 255, 255, 255, 160, 0, 200, 40, 40]
bg.putpalette(palette + [0] * (768 - len(palette)))
d = ImageDraw.Draw(bg)
for y in range(135):
    d.line([(0, y), (239, y)], fill=1 if y < 60 else 2)
d.rectangle([10, 90, 230, 125], fill=3)
d.ellipse([180, 10, 220, 50], fill=4)
d.rectangle([14, 94, 60, 121], fill=5)
bg.save(os.path.join(out, "images", "background.bmp")) if os.path.isdir(os.path.join(out, "images")) else (
    os.makedirs(os.path.join(out, "images")),
    bg.save(os.path.join(out, "images", "background.bmp")),
)

# Icon strip saved as 24-bit by an image editor, using 4 colours.
icons = Image.new("RGB", (64, 16), (0, 0, 0))
d = ImageDraw.Draw(icons)
d.rectangle([2, 2, 13, 13], fill=(255, 0, 0))
d.ellipse([18, 2, 29, 13], fill=(0, 255, 0))
d.polygon([(40, 2), (46, 13), (34, 13)], fill=(255, 255, 255))
d.line([(50, 8), (62, 8)], fill=(0, 255, 0), width=3)
icons.save(os.path.join(out, "images", "icons.bmp"))


def appledouble(name):
    header = struct.pack(">II16sH", 0x00051607, 0x00020000, b"Mac OS X        ", 2)
    entries = struct.pack(">III", 9, 50, 3698) + struct.pack(">III", 2, 3748, 348)
    body = header + entries
    return body + b"\0" * (4096 - len(body))


def ds_store():
    body = b"\0\0\0\x01Bud1" + b"\0" * 6138
    return body[:6148]


# macOS
for rel in ["._code.py", "._settings.toml", "lib/._neopixel.py", "images/._background.bmp", "fonts/._LeagueSpartan-Bold-16.bdf"]:
    put(rel, appledouble(rel))
put(".DS_Store", ds_store())
put("lib/.DS_Store", ds_store())
put(".Spotlight-V100/Store-V2/1C8E5A3B/psid.db", b"\0" * 4096)
put(".Spotlight-V100/VolumeConfiguration.plist", b"<?xml version=\"1.0\"?><plist version=\"1.0\"><dict/></plist>\n")
put(".fseventsd/fseventsd-uuid", b"8F3A1C2E-1B7D-4E55-9C3A-77E0D1F2A9B4")
put(".fseventsd/0000000000a1b2c3", b"\x1f\x8b" + b"\0" * 1200)
put(".TemporaryItems/folders.501/TemporaryItems/(A Document Being Saved By TextEdit)/code.py", "print('draft')\n")
# The Finder trash holds a library the user deleted: still taking space.
os.remove(os.path.join(out, ".Trashes"))
shutil.copy(os.path.join(out, "lib", "adafruit_ticks.py"), os.path.join(out, ".Trashes_tmp"))
os.makedirs(os.path.join(out, ".Trashes", "501"))
shutil.move(os.path.join(out, ".Trashes_tmp"), os.path.join(out, ".Trashes", "501", "adafruit_ticks_old.py"))
# Windows
put("System Volume Information/IndexerVolumeGuid", "{7E3F9A1C-2B4D-4E6F-8A9B-0C1D2E3F4A5B}".encode("utf-16-le"))
put("System Volume Information/WPSettings.dat", b"\x0c\0\0\0" + b"\x01" * 8)
put("images/Thumbs.db", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 9208)
put("desktop.ini", "[.ShellClassInfo]\r\nIconResource=C:\\Windows\\System32\\imageres.dll,-30\r\n")
# Linux and editors
put("lib/__pycache__/my_sensors.cpython-311.pyc", b"\xa7\r\r\n" + b"\0" * 1800)
put(".code.py.swp", b"b0VIM 9.0" + b"\0" * 12279)
put("code.py~", code.replace("scale=2", "scale=3"))
put(".goutputstream-7QX2L1", "partial save\n")
# The user's editor settings: reported, never deleted.
put(".vscode/settings.json", '{\n  "python.analysis.extraPaths": ["lib"]\n}\n')
print("demo drive written to", out)
