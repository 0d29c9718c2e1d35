//! Our minimal PCF: the four tables adafruit_bitmap_font reads (METRICS, BITMAPS in format 0xE,
//! BDF_ENCODINGS, BDF_ACCELERATORS), nothing else, no padding between tables, and glyphs with
//! identical bitmaps share one copy (the loader reads each glyph at its own offset). Its size is
//! `164 + 9n + D + 2RC` with compressed metrics, D counting each distinct bitmap once.
//! Written straight into one buffer of the final size: a whole-Unicode font is megabytes.

use super::glyph::{Bounds, Font, Glyph};
use super::pcf::{
    row_bytes, BDF_ACCELERATORS, BDF_ENCODINGS, BITMAPS, COMPRESSED, FORMAT, METRICS,
};

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

/// For each glyph, the first glyph with the same bitmap (itself when it is the first). Sorted
/// by a hash of the bitmap, then equal hashes compared byte for byte.
fn shared(glyphs: &[Glyph]) -> Vec<u32> {
    let hash = |g: &Glyph| {
        let b = &g.bitmap;
        let mut h = 0xcbf2_9ce4_8422_2325u64 ^ (u64::from(b.w) << 32 | u64::from(b.h));
        for &byte in &b.bits {
            h = (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        h
    };
    let mut order: Vec<(u64, u32)> = glyphs
        .iter()
        .enumerate()
        .map(|(i, g)| (hash(g), i as u32))
        .collect();
    order.sort_unstable();
    let mut rep: Vec<u32> = (0..glyphs.len() as u32).collect();
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && order[j].0 == order[i].0 {
            j += 1;
        }
        // Within one hash, each glyph points at the first earlier glyph with equal bits.
        for k in i + 1..j {
            let gk = &glyphs[order[k].1 as usize].bitmap;
            if let Some(first) = order[i..k]
                .iter()
                .find(|(_, m)| glyphs[*m as usize].bitmap == *gk)
            {
                rep[order[k].1 as usize] = rep[first.1 as usize];
            }
        }
        i = j;
    }
    rep
}

fn put16(out: &mut Vec<u8>, v: i32) -> Option<()> {
    out.extend(i16::try_from(v).ok()?.to_be_bytes());
    Some(())
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
    let mut out = Vec::with_capacity(total);
    table_of_contents(&mut out, &shape);
    metrics_table(&mut out, &shape, glyphs)?;
    bitmaps_table(&mut out, &shape, glyphs)?;
    let enc_start = out.len();
    encodings_table(&mut out, &shape, font)?;
    let encodings = out.len() - enc_start;
    accelerators(&mut out, font, glyphs, min, max)?;
    debug_assert_eq!(out.len(), total);
    Some((
        out,
        Layout {
            total,
            encodings,
            bitmaps: shape.data_len,
        },
    ))
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
fn table_of_contents(out: &mut Vec<u8>, shape: &Shape) {
    out.extend(b"\x01fcp");
    out.extend(4u32.to_le_bytes());
    let mut offset = 8 + 16 * 4;
    for (ty, fmt, len) in [
        (METRICS, shape.metrics_fmt(), shape.metrics_len()),
        (BITMAPS, FORMAT, shape.bitmaps_len()),
        (BDF_ENCODINGS, FORMAT, shape.enc_len()),
        (BDF_ACCELERATORS, FORMAT, ACCEL_LEN),
    ] {
        for v in [ty, fmt, len as u32, offset as u32] {
            out.extend(v.to_le_bytes());
        }
        offset += len;
    }
}

fn metrics_table(out: &mut Vec<u8>, shape: &Shape, glyphs: &[Glyph]) -> Option<()> {
    out.extend(shape.metrics_fmt().to_le_bytes());
    if shape.compressed {
        out.extend((shape.n as u16).to_be_bytes());
    } else {
        out.extend((shape.n as u32).to_be_bytes());
    }
    for m in glyphs.iter().map(metrics) {
        if shape.compressed {
            out.extend(m.iter().map(|v| (v + 0x80) as u8));
        } else {
            for v in m {
                put16(out, v)?;
            }
            out.extend(0u16.to_be_bytes());
        }
    }
    Some(())
}

/// Offsets (a shared bitmap's glyphs point at one copy), the sizes at each padding, then each
/// distinct bitmap with rows padded to 4 bytes.
fn bitmaps_table(out: &mut Vec<u8>, shape: &Shape, glyphs: &[Glyph]) -> Option<()> {
    let (n, rep) = (shape.n, &shape.rep);
    out.extend(FORMAT.to_le_bytes());
    out.extend((n as u32).to_be_bytes());
    let mut offsets = vec![0u32; n];
    let mut at = 0usize;
    let mut sizes = [0usize; 4];
    for (i, g) in glyphs.iter().enumerate() {
        let r = rep[i] as usize;
        offsets[i] = if r == i {
            let o = u32::try_from(at).ok()?;
            at += row_bytes(g.bitmap.w, 4) * g.bitmap.h as usize;
            for (k, pad) in [1, 2, 4, 8].into_iter().enumerate() {
                sizes[k] += row_bytes(g.bitmap.w, pad) * g.bitmap.h as usize;
            }
            o
        } else {
            offsets[r]
        };
        out.extend(offsets[i].to_be_bytes());
    }
    for s in sizes {
        out.extend(u32::try_from(s).ok()?.to_be_bytes());
    }
    for (i, g) in glyphs.iter().enumerate() {
        if rep[i] as usize != i {
            continue;
        }
        let b = &g.bitmap;
        let src_stride = b.w.div_ceil(8) as usize;
        let dst_stride = row_bytes(b.w, 4);
        for row in b.bits.chunks_exact(src_stride.max(1)).take(b.h as usize) {
            out.extend_from_slice(row);
            out.resize(out.len() + dst_stride - row.len(), 0);
        }
    }
    Some(())
}

/// The grid's bounds and default character, then each code's glyph index (0xFFFF: none).
fn encodings_table(out: &mut Vec<u8>, shape: &Shape, font: &Font) -> Option<()> {
    let (lo1, hi1, lo2, hi2) = (shape.lo1, shape.hi1, shape.lo2, shape.hi2);
    let (rows, cols) = (shape.rows, shape.cols);
    out.extend(FORMAT.to_le_bytes());
    let default = font
        .default_char
        .filter(|c| font.glyph(*c).is_some())
        .unwrap_or(0xFFFF) as u16;
    for v in [lo2 as u16, hi2 as u16, lo1 as u16, hi1 as u16, default] {
        out.extend(v.to_be_bytes());
    }
    let table_at = out.len();
    out.resize(table_at + 2 * rows * cols, 0xFF);
    for (i, g) in font.glyphs.iter().enumerate() {
        let (h, l) = ((g.code >> 8) as usize, (g.code & 0xFF) as usize);
        let slot = table_at + 2 * ((h - lo1 as usize) * cols + l - lo2 as usize);
        out.get_mut(slot..slot + 2)?
            .copy_from_slice(&(i as u16).to_be_bytes());
    }
    Some(())
}

/// fontAscent/fontDescent and bounds chosen to reproduce the source's `ascent`, `descent` and
/// `get_bounding_box()`; the other fields describe the glyphs as X11 expects.
fn accelerators(
    out: &mut Vec<u8>,
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
    out.extend(FORMAT.to_le_bytes());
    out.extend([
        u8::from(max_overlap <= 0),
        0,
        0,
        u8::from(constant_width),
        0,
        0,
        0,
        0,
    ]);
    for v in [font.ascent, font.descent, max_overlap] {
        out.extend(v.to_be_bytes());
    }
    for b in [min, max] {
        for v in b {
            put16(out, v)?;
        }
        out.extend(0u16.to_be_bytes());
    }
    Some(())
}
