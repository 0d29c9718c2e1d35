//! LVGL binary fonts (`.lvfontbin`), the smallest font file CircuitPython reads: glyphs packed
//! bit by bit, code points mapped sparsely. Facts and the rules below: `docs/lvfontbin.md`.
//!
//! Both readers on the board (adafruit_bitmap_font's `lvfontbin.py`, 2.2.0 and newer, and the
//! core's `lvfontio.OnDiskFont`) impose rules a valid-looking file can still break, so the
//! writer keeps all of them: no compression, cmap formats 2 and 3 only (chosen per range for
//! size), advance and x/y fields of at least 1 bit, one glyph record per glyph id laid out in id
//! order (the core reader walks the records one by one), glyph id 0 an empty record. [`check`]
//! walks a file the way the core reader does and is run on everything the writer produces.

use super::glyph::{Bitmap, Font, Glyph};
use super::lvfont_read::BitWriter;

pub use super::lvfont_read::{check, check_with, read, LvFont};

/// The `head` section's size, which both loaders use as the magic number.
pub const MAGIC: [u8; 4] = [0x30, 0, 0, 0];
const HEAD: usize = 0x30;
/// Glyph ids are u16 in the cmap and id 0 is reserved.
pub const MAX_GLYPHS: usize = 0xFFFF;
/// cmap subtable header: data offset, range start, range length, first id, entries, format, pad.
const SUBTABLE: usize = 16;

/// Why a font cannot be written as LVGL (the stage then writes a PCF and says why).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unfit {
    #[error("no glyph to write")]
    Empty,
    #[error("{0} glyphs: LVGL glyph ids stop at {MAX_GLYPHS}")]
    TooMany(usize),
    #[error("{} glyph(s) advance backwards (negative DWIDTH), which LVGL cannot store: {}", .0.len(), super::list_codes(.0))]
    NegativeAdvance(Vec<u32>),
    #[error("the font box or ascent does not fit LVGL's 16-bit head fields")]
    Head,
}

/// Sizes of the parts, for notes and the size test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub total: usize,
    pub cmap: usize,
    pub loca: usize,
    pub glyf: usize,
}

/// One cmap subtable: glyphs `first..end` (indices into the sorted glyphs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    first: usize,
    end: usize,
    /// Format 3 (sparse list of code-point offsets) or 2 (a contiguous run, header only).
    sparse: bool,
}

/// Bit widths of the glyph record header fields.
#[derive(Debug, Clone, Copy)]
struct Widths {
    advance: u8,
    xy: u8,
    wh: u8,
}

fn unsigned_bits(max: u32) -> u8 {
    // At least 1: both readers misbehave with a 0-bit advance, and `1 << (bits - 1)` needs 1.
    (32 - max.leading_zeros()).max(1) as u8
}

fn signed_bits(min: i32, max: i32) -> u8 {
    (1u8..32)
        .find(|b| {
            let half = 1i64 << (b - 1);
            i64::from(min) >= -half && i64::from(max) < half
        })
        .unwrap_or(32)
}

fn widths(glyphs: &[Glyph]) -> Widths {
    let (mut adv, mut wh) = (0u32, 0u32);
    let (mut lo, mut hi) = (0i32, 0i32);
    for g in glyphs {
        adv = adv.max(g.advance.max(0) as u32);
        wh = wh.max(g.bitmap.w).max(g.bitmap.h);
        lo = lo.min(g.x).min(g.y);
        hi = hi.max(g.x).max(g.y);
    }
    Widths {
        advance: unsigned_bits(adv),
        xy: signed_bits(lo, hi),
        wh: unsigned_bits(wh),
    }
}

fn record_len(g: &Glyph, w: Widths) -> usize {
    let bits = usize::from(w.advance) + 2 * usize::from(w.xy) + 2 * usize::from(w.wh);
    (bits + (g.bitmap.w * g.bitmap.h) as usize).div_ceil(8)
}

/// Split sorted, unique code points into cmap subtables of least total size: a run of
/// consecutive code points costs one 16-byte format-2 header; a format-3 list costs 16 bytes
/// plus 2 per code point and may span gaps (up to 65,535 code points). Dynamic programming over
/// the runs; a list never needs to reach back more than a few hundred runs to pay off.
fn cmap_ranges(codes: &[u32]) -> Vec<Range> {
    const LOOKBACK: usize = 256;
    // Runs of consecutive code points, none longer than a u16 range length.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (i, &c) in codes.iter().enumerate() {
        match runs.last_mut() {
            Some((s, e)) if *e == i && codes[i - 1] + 1 == c && i - *s < 0xFFFF => *e = i + 1,
            _ => runs.push((i, i + 1)),
        }
    }
    let n = runs.len();
    // best[j]: least cost of the first j runs; from[j]: (start run, sparse) of the last range.
    let mut best = vec![usize::MAX; n + 1];
    let mut from = vec![(0usize, false); n + 1];
    best[0] = 0;
    for j in 0..n {
        let (_, end) = runs[j];
        let dense = best[j] + SUBTABLE;
        if dense < best[j + 1] {
            best[j + 1] = dense;
            from[j + 1] = (j, false);
        }
        for i in (j.saturating_sub(LOOKBACK)..j).rev() {
            let (start, _) = runs[i];
            let count = end - start;
            if codes[end - 1] - codes[start] >= 0xFFFF || count > 0xFFFF {
                break;
            }
            let cost = best[i] + SUBTABLE + 2 * count;
            if cost < best[j + 1] {
                best[j + 1] = cost;
                from[j + 1] = (i, true);
            }
        }
    }
    let mut out = Vec::new();
    let mut j = n;
    while j > 0 {
        let (i, sparse) = from[j];
        out.push(Range {
            first: runs[i].0,
            end: runs[j - 1].1,
            sparse,
        });
        j = i;
    }
    out.reverse();
    out
}

fn cmap_size(ranges: &[Range]) -> usize {
    12 + ranges
        .iter()
        .map(|r| SUBTABLE + if r.sparse { 2 * (r.end - r.first) } else { 0 })
        .sum::<usize>()
}

/// Everything but the bytes: checks the font fits and computes the parts' sizes.
fn plan(font: &Font) -> Result<(Widths, Vec<Range>, Layout, bool), Unfit> {
    let glyphs = &font.glyphs;
    if glyphs.is_empty() {
        return Err(Unfit::Empty);
    }
    if glyphs.len() > MAX_GLYPHS {
        return Err(Unfit::TooMany(glyphs.len()));
    }
    let negative: Vec<u32> = glyphs
        .iter()
        .filter(|g| g.advance < 0)
        .map(|g| g.code)
        .collect();
    if !negative.is_empty() {
        return Err(Unfit::NegativeAdvance(negative));
    }
    head_fields(font)?;
    let w = widths(glyphs);
    let codes: Vec<u32> = glyphs.iter().map(|g| g.code).collect();
    let ranges = cmap_ranges(&codes);
    let cmap = cmap_size(&ranges);
    let glyf = 8 + glyphs.iter().map(|g| record_len(g, w)).sum::<usize>();
    let short = glyf <= 0xFFFF;
    let loca = 12 + (glyphs.len() + 1) * if short { 2 } else { 4 };
    let layout = Layout {
        total: HEAD + cmap + loca + glyf,
        cmap,
        loca,
        glyf,
    };
    Ok((w, ranges, layout, short))
}

/// The file size `write` would produce, without writing it (for the plan's "as LVGL" notes).
pub fn size(font: &Font) -> Result<usize, Unfit> {
    plan(font).map(|(_, _, l, _)| l.total)
}

/// font_size, ascent, descent, default advance: the line height, baseline and box a PCF of the
/// same font gives (`get_bounding_box()` is (default advance, font_size, 0, descent)).
fn head_fields(font: &Font) -> Result<[u16; 4], Unfit> {
    let (w, h, _, y) = font.bounds.bounding_box();
    let u = |v: i32| u16::try_from(v).map_err(|_| Unfit::Head);
    let descent = i16::try_from(y).map_err(|_| Unfit::Head)?;
    Ok([u(h)?, u(font.ascent)?, descent as u16, u(w)?])
}

/// Write `font` (glyphs sorted and unique by code point, boxes as they should be stored).
pub fn write(font: &Font) -> Result<(Vec<u8>, Layout), Unfit> {
    let (w, ranges, layout, short) = plan(font)?;
    let mut out = Vec::with_capacity(layout.total);
    head_section(&mut out, font, w, short)?;
    cmap_section(&mut out, &font.glyphs, &ranges, &layout);
    loca_section(&mut out, &font.glyphs, w, &layout, short);
    glyf_section(&mut out, &font.glyphs, w, &layout);
    Ok((out, layout))
}

fn head_section(out: &mut Vec<u8>, font: &Font, w: Widths, short: bool) -> Result<(), Unfit> {
    let [font_size, ascent, descent, advance] = head_fields(font)?;
    out.extend(MAGIC);
    out.extend(b"head");
    out.extend(1u32.to_le_bytes()); // version
    out.extend(4u16.to_le_bytes()); // tables
                                    // font_size, ascent, descent, typo ascent/descent, line gap, min_y, max_y, default
                                    // advance, kerning scale.
    let max_y = font.bounds.ascent as u16;
    for v in [
        font_size, ascent, descent, ascent, descent, 0, descent, max_y, advance, 0,
    ] {
        out.extend(v.to_le_bytes());
    }
    // loca format, glyph id format (2-byte ids), advance format (integer), bits per pixel,
    // xy bits, wh bits, advance bits, compression (none), subpixel (none).
    out.extend([u8::from(!short), 1, 0, 1, w.xy, w.wh, w.advance, 0, 0]);
    out.resize(HEAD, 0);
    Ok(())
}

/// One subtable per range (format 2 dense, 3 sparse), then the sparse ranges' code lists.
fn cmap_section(out: &mut Vec<u8>, glyphs: &[Glyph], ranges: &[Range], layout: &Layout) {
    out.extend((layout.cmap as u32).to_le_bytes());
    out.extend(b"cmap");
    out.extend((ranges.len() as u32).to_le_bytes());
    let mut data_at = 12 + SUBTABLE * ranges.len();
    for r in ranges {
        let start = glyphs[r.first].code;
        let span = glyphs[r.end - 1].code - start + 1;
        let entries = if r.sparse { r.end - r.first } else { 0 };
        out.extend((if r.sparse { data_at as u32 } else { 0 }).to_le_bytes());
        out.extend(start.to_le_bytes());
        out.extend((span as u16).to_le_bytes());
        out.extend(((r.first + 1) as u16).to_le_bytes());
        out.extend((entries as u16).to_le_bytes());
        out.extend([if r.sparse { 3 } else { 2 }, 0]);
        data_at += 2 * entries;
    }
    for r in ranges.iter().filter(|r| r.sparse) {
        let start = glyphs[r.first].code;
        for g in &glyphs[r.first..r.end] {
            out.extend(((g.code - start) as u16).to_le_bytes());
        }
    }
}

fn loca_section(out: &mut Vec<u8>, glyphs: &[Glyph], w: Widths, layout: &Layout, short: bool) {
    out.extend((layout.loca as u32).to_le_bytes());
    out.extend(b"loca");
    out.extend(((glyphs.len() + 1) as u32).to_le_bytes());
    // Offsets from the start of the glyf section; id 0 is the empty record at its very start.
    let mut at = 8usize;
    let push_offset = |out: &mut Vec<u8>, at: usize| {
        if short {
            out.extend((at as u16).to_le_bytes());
        } else {
            out.extend((at as u32).to_le_bytes());
        }
    };
    push_offset(out, at);
    for g in glyphs {
        push_offset(out, at);
        at += record_len(g, w);
    }
}

/// Each glyph's record: advance, box, then its rows of bits, packed and byte-aligned.
fn glyf_section(out: &mut Vec<u8>, glyphs: &[Glyph], w: Widths, layout: &Layout) {
    out.extend((layout.glyf as u32).to_le_bytes());
    out.extend(b"glyf");
    // Every record starts on a byte, so the two halves of a large font are encoded on two
    // threads and joined as they are.
    if glyphs.len() < 4096 {
        glyf_records(out, glyphs, w);
        return;
    }
    let (first, second) = glyphs.split_at(glyphs.len() / 2);
    let tail = std::thread::scope(|s| {
        let later = s.spawn(|| {
            let mut v = Vec::new();
            glyf_records(&mut v, second, w);
            v
        });
        glyf_records(out, first, w);
        later
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    out.extend_from_slice(&tail);
}

/// Glyph records back to back, each padded to a whole byte.
fn glyf_records(out: &mut Vec<u8>, glyphs: &[Glyph], w: Widths) {
    for g in glyphs {
        let mut bw = BitWriter::new(out);
        bw.put(g.advance as u32, w.advance);
        bw.put(g.x as u32, w.xy);
        bw.put(g.y as u32, w.xy);
        bw.put(g.bitmap.w, w.wh);
        bw.put(g.bitmap.h, w.wh);
        let stride = Bitmap::stride(g.bitmap.w);
        for row in g
            .bitmap
            .bits
            .chunks(stride.max(1))
            .take(g.bitmap.h as usize)
        {
            let mut left = g.bitmap.w;
            for byte in row {
                let n = left.min(8);
                bw.put(u32::from(byte >> (8 - n)), n as u8);
                left -= n;
            }
        }
        bw.finish();
    }
}

#[cfg(test)]
mod tests;
