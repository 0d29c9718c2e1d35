//! Our minimal PCF: the four tables adafruit_bitmap_font reads (METRICS, BITMAPS in format 0xE,
//! BDF_ENCODINGS, BDF_ACCELERATORS), nothing else, no padding between tables, and glyphs with
//! identical bitmaps share one copy (the loader reads each glyph at its own offset). Its size is
//! `164 + 9n + D + 2RC` with compressed metrics, D counting each distinct bitmap once.
//! Written straight into one buffer of the final size: a whole-Unicode font is megabytes.

use super::glyph::{Bounds, Font, Glyph};
use super::pcf::{
    row_bytes, BDF_ACCELERATORS, BDF_ENCODINGS, BITMAPS, COMPRESSED, FORMAT, METRICS,
};

#[path = "pcf_bitmaps.rs"]
mod bitmaps;
use bitmaps::{bitmaps_table, shared};

/// Sizes of our file's parts, for notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub total: usize,
    pub encodings: usize,
    pub bitmaps: usize,
}

fn fits_i8(v: i32) -> bool {
    (-128..=127).contains(&v)
}

/// (lsb, rsb, width, ascent, descent) of a glyph in PCF terms.
fn metrics(g: &Glyph) -> [i32; 5] {
    let lsb = g.x;
    let rsb = g.x + g.bitmap.w as i32;
    let ascent = g.y + g.bitmap.h as i32;
    [lsb, rsb, g.advance, ascent, -g.y]
}

/// Write `font` (glyphs sorted, unique, ≤ U+FFFF). `None` when a value does not fit PCF.
pub fn write(font: &Font) -> Option<(Vec<u8>, Layout)> {
    let glyphs = &font.glyphs;
    let n = glyphs.len();
    if n == 0 || n > 0xFFFF || glyphs.iter().any(|g| g.code > 0xFFFF) {
        return None;
    }
    let (min, max) = metric_bounds(glyphs)?;
    let shape = Shape::of(glyphs, &min, &max);
    let total = shape.total();
    // Allocated zeroed (fresh pages, no fill pass): the bitmap data's pages are first touched
    // by the thread that copies into them.
    let mut buf = vec![0u8; total];
    let mut out = Out {
        buf: &mut buf,
        at: 0,
    };
    table_of_contents(&mut out, &shape)?;
    metrics_table(&mut out, &shape, glyphs)?;
    bitmaps_table(&mut out, &shape, glyphs)?;
    let enc_start = out.at;
    encodings_table(&mut out, &shape, font)?;
    let encodings = out.at - enc_start;
    accelerators(&mut out, font, glyphs, min, max)?;
    (out.at == total).then_some(())?;
    Some((
        buf,
        Layout {
            total,
            encodings,
            bitmaps: shape.data_len,
        },
    ))
}

/// The file being filled in order; `None` past its end (the sizes were computed wrong).
struct Out<'a> {
    buf: &'a mut [u8],
    at: usize,
}

impl Out<'_> {
    fn put(&mut self, bytes: impl AsRef<[u8]>) -> Option<()> {
        let bytes = bytes.as_ref();
        self.take(bytes.len())?.copy_from_slice(bytes);
        Some(())
    }

    fn put16(&mut self, v: i32) -> Option<()> {
        self.put(i16::try_from(v).ok()?.to_be_bytes())
    }

    /// The next `len` bytes (zero until written), to fill in place.
    fn take(&mut self, len: usize) -> Option<&mut [u8]> {
        let region = self.buf.get_mut(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        Some(region)
    }
}

/// The smallest and largest of each metric over all glyphs; `None` when one does not fit 16 bits.
fn metric_bounds(glyphs: &[Glyph]) -> Option<([i32; 5], [i32; 5])> {
    let mut min = [i32::MAX; 5];
    let mut max = [i32::MIN; 5];
    for m in glyphs.iter().map(metrics) {
        for i in 0..5 {
            min[i] = min[i].min(m[i]);
            max[i] = max[i].max(m[i]);
        }
    }
    if min.iter().chain(&max).any(|v| i16::try_from(*v).is_err()) {
        return None;
    }
    Some((min, max))
}

/// What the tables' sizes follow from: glyph count, metric width, shared bitmaps and the
/// encoding grid (high byte rows × low byte columns).
struct Shape {
    n: usize,
    compressed: bool,
    /// For each glyph, the glyph whose bitmap it shares (itself when it is the first).
    rep: Vec<u32>,
    /// Bytes of distinct bitmaps, rows padded to 4 bytes.
    data_len: usize,
    lo1: u32,
    hi1: u32,
    lo2: u32,
    hi2: u32,
    rows: usize,
    cols: usize,
}

impl Shape {
    fn of(glyphs: &[Glyph], min: &[i32; 5], max: &[i32; 5]) -> Shape {
        let compressed = min.iter().chain(max).all(|v| fits_i8(*v));
        let rep = shared(glyphs);
        let data_len: usize = glyphs
            .iter()
            .zip(&rep)
            .enumerate()
            .filter(|(i, (_, r))| **r as usize == *i)
            .map(|(_, (g, _))| row_bytes(g.bitmap.w, 4) * g.bitmap.h as usize)
            .sum();
        let (lo1, hi1, lo2, hi2) = glyphs.iter().fold((255, 0, 255, 0), |(a, b, c, d), g| {
            let (h, l) = (g.code >> 8, g.code & 0xFF);
            (a.min(h), b.max(h), c.min(l), d.max(l))
        });
        Shape {
            n: glyphs.len(),
            compressed,
            rep,
            data_len,
            lo1,
            hi1,
            lo2,
            hi2,
            rows: (hi1 - lo1 + 1) as usize,
            cols: (hi2 - lo2 + 1) as usize,
        }
    }

    fn metrics_len(&self) -> usize {
        if self.compressed {
            6 + 5 * self.n
        } else {
            8 + 12 * self.n
        }
    }
    fn bitmaps_len(&self) -> usize {
        24 + 4 * self.n + self.data_len
    }
    fn enc_len(&self) -> usize {
        14 + 2 * self.rows * self.cols
    }
    fn total(&self) -> usize {
        8 + 16 * 4 + self.metrics_len() + self.bitmaps_len() + self.enc_len() + ACCEL_LEN
    }
    fn metrics_fmt(&self) -> u32 {
        if self.compressed {
            FORMAT | COMPRESSED
        } else {
            FORMAT
        }
    }
}

const ACCEL_LEN: usize = 48;

/// The header and the four table entries (type, format, size, offset).
fn table_of_contents(out: &mut Out, shape: &Shape) -> Option<()> {
    out.put(b"\x01fcp")?;
    out.put(4u32.to_le_bytes())?;
    let mut offset = 8 + 16 * 4;
    for (ty, fmt, len) in [
        (METRICS, shape.metrics_fmt(), shape.metrics_len()),
        (BITMAPS, FORMAT, shape.bitmaps_len()),
        (BDF_ENCODINGS, FORMAT, shape.enc_len()),
        (BDF_ACCELERATORS, FORMAT, ACCEL_LEN),
    ] {
        for v in [ty, fmt, len as u32, offset as u32] {
            out.put(v.to_le_bytes())?;
        }
        offset += len;
    }
    Some(())
}

fn metrics_table(out: &mut Out, shape: &Shape, glyphs: &[Glyph]) -> Option<()> {
    out.put(shape.metrics_fmt().to_le_bytes())?;
    if shape.compressed {
        out.put((shape.n as u16).to_be_bytes())?;
    } else {
        out.put((shape.n as u32).to_be_bytes())?;
    }
    for m in glyphs.iter().map(metrics) {
        if shape.compressed {
            out.put(m.map(|v| (v + 0x80) as u8))?;
        } else {
            for v in m {
                out.put16(v)?;
            }
            out.put(0u16.to_be_bytes())?;
        }
    }
    Some(())
}

/// The grid's bounds and default character, then each code's glyph index (0xFFFF: none).
fn encodings_table(out: &mut Out, shape: &Shape, font: &Font) -> Option<()> {
    let (lo1, hi1, lo2, hi2) = (shape.lo1, shape.hi1, shape.lo2, shape.hi2);
    let (rows, cols) = (shape.rows, shape.cols);
    out.put(FORMAT.to_le_bytes())?;
    let default = font
        .default_char
        .filter(|c| font.glyph(*c).is_some())
        .unwrap_or(0xFFFF) as u16;
    for v in [lo2 as u16, hi2 as u16, lo1 as u16, hi1 as u16, default] {
        out.put(v.to_be_bytes())?;
    }
    let table = out.take(2 * rows * cols)?;
    table.fill(0xFF);
    for (i, g) in font.glyphs.iter().enumerate() {
        let (h, l) = ((g.code >> 8) as usize, (g.code & 0xFF) as usize);
        let slot = 2 * ((h - lo1 as usize) * cols + l - lo2 as usize);
        table
            .get_mut(slot..slot + 2)?
            .copy_from_slice(&(i as u16).to_be_bytes());
    }
    Some(())
}

/// fontAscent/fontDescent and bounds chosen to reproduce the source's `ascent`, `descent` and
/// `get_bounding_box()`; the other fields describe the glyphs as X11 expects.
fn accelerators(
    out: &mut Out,
    font: &Font,
    glyphs: &[Glyph],
    mut min: [i32; 5],
    mut max: [i32; 5],
) -> Option<()> {
    let Bounds {
        lsb,
        rsb,
        ascent,
        descent,
    } = font.bounds;
    min[0] = lsb;
    max[1] = rsb;
    max[3] = ascent;
    max[4] = descent;
    let constant_width = min[2] == max[2];
    let max_overlap = glyphs
        .iter()
        .map(|g| metrics(g)[1] - g.advance)
        .max()
        .unwrap_or(0);
    out.put(FORMAT.to_le_bytes())?;
    out.put([
        u8::from(max_overlap <= 0),
        0,
        0,
        u8::from(constant_width),
        0,
        0,
        0,
        0,
    ])?;
    for v in [font.ascent, font.descent, max_overlap] {
        out.put(v.to_be_bytes())?;
    }
    for b in [min, max] {
        for v in b {
            out.put16(v)?;
        }
        out.put(0u16.to_be_bytes())?;
    }
    Some(())
}
