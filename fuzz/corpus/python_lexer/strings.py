import board, displayio
from adafruit_display_text import label as lbl
from . import sibling
x = f"{board.D5!r:>{width}} {'nested' + \"q\"}"
y = rb'\x00' b"\\" r'''raw
line''' """doc
string"""
z = u"caf\u00e9" + 'tab\t' \
    + "continued"
def f(a, *, b=1, **kw):
    return __import__("neo" + "pixel"), importlib.import_module("wifi")
bmp = displayio.OnDiskBitmap("/images/logo.bmp")  # comment "not a string"
class K: pass
if (a := 3) > 2: print(f"{a=}")
