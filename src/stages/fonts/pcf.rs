//! PCF: a bounds-checked reader for any PCF (bdftopcf output to repack, and our own output to
//! verify before it is planned); the writer of our minimal PCF is [`super::pcf_write`].

use super::error::PcfError;
use super::glyph::{Bitmap, Bounds, Font, Glyph};

pub(super) const METRICS: u32 = 1 << 2;
pub(super) const BITMAPS: u32 = 1 << 3;
pub(super) const BDF_ENCODINGS: u32 = 1 << 5;
const ACCELERATORS: u32 = 1 << 1;
pub(super) const BDF_ACCELERATORS: u32 = 1 << 8;

/// Pad 4 (index 2), MSByte first, MSBit first, scan unit 1: the only format the loader takes.
pub(super) const FORMAT: u32 = 0xE;
pub(super) const COMPRESSED: u32 = 0x100;

pub use super::pcf_write::{write, Layout};

pub(super) fn row_bytes(w: u32, pad: usize) -> usize {
    (w as usize).div_ceil(8).div_ceil(pad) * pad
}

/// Bounds-checked big- or little-endian reads inside one table.
#[derive(Clone, Copy)]
struct Table<'a> {
    d: &'a [u8],
    msb: bool,
}

impl<'a> Table<'a> {
    fn bytes(&self, at: usize, n: usize) -> Result<&'a [u8], PcfError> {
        let end = at.checked_add(n).ok_or(PcfError::OffsetOverflow)?;
        self.d.get(at..end).ok_or(PcfError::TruncatedTable)
    }
    fn u8(&self, at: usize) -> Result<u8, PcfError> {
        Ok(self.bytes(at, 1)?[0])
    }
    fn u16(&self, at: usize) -> Result<u16, PcfError> {
        let b = self.bytes(at, 2)?;
        let b = [b[0], b[1]];
        Ok(if self.msb {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }
    fn i16(&self, at: usize) -> Result<i32, PcfError> {
        Ok(self.u16(at)? as i16 as i32)
    }
    fn u32(&self, at: usize) -> Result<u32, PcfError> {
        let b = self.bytes(at, 4)?;
        let b = [b[0], b[1], b[2], b[3]];
        Ok(if self.msb {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }
}

/// Read a PCF as adafruit_bitmap_font would see it (every encoded glyph, ascent, descent,
/// bounding box). Other bitmap formats are read too, so they can be repacked into 0xE.
pub fn read(file: &[u8]) -> Result<Font, PcfError> {
    let mut glyphs = Vec::new();
    let mut font = read_with(file, |g| glyphs.push(g.clone()))?;
    font.glyphs = glyphs;
    Ok(font)
}

/// [`read`] one glyph at a time, in code-point order, without keeping them (verifying a
/// whole-Unicode font must not hold a second copy of it). The returned font has no glyphs.
pub fn read_with(file: &[u8], mut each: impl FnMut(&Glyph)) -> Result<Font, PcfError> {
    let dir = Directory::read(file)?;
    let mut font = accelerators(&dir)?;
    let metrics = Metrics::read(&dir)?;
    let bitmaps = Bitmaps::read(&dir)?;
    let enc = Encodings::read(&dir)?;
    font.default_char = (enc.default != 0xFFFF).then_some(enc.default);
    // Many code points may share one glyph: bound the work by the file's size.
    let mut budget = file.len().saturating_mul(16).saturating_add(1 << 20);
    // One glyph buffer for the whole read: `each` copies what it keeps.
    let mut g = Glyph {
        code: 0,
        advance: 0,
        x: 0,
        y: 0,
        bitmap: Bitmap::new(0, 0),
    };
    for hi in enc.lo1..=enc.hi1 {
        for lo in enc.lo2..=enc.hi2 {
            let Some(idx) = enc.glyph_index(hi, lo)? else {
                continue;
            };
            if idx >= bitmaps.count.min(metrics.count) {
                return Err(PcfError::EncodingPastGlyphs);
            }
            let [lsb, rsb, advance, ascent, descent] = metrics.get(idx)?;
            let w = u32::try_from(rsb - lsb).map_err(|_| PcfError::NegativeWidth)?;
            let h = u32::try_from(ascent + descent).map_err(|_| PcfError::NegativeHeight)?;
            bitmaps.glyph(idx, w, h, &mut g.bitmap)?;
            budget = budget
                .checked_sub(g.bitmap.bits.len() + 32)
                .ok_or(PcfError::SharedGlyphs)?;
            (g.code, g.advance, g.x, g.y) = (hi << 8 | lo, advance, lsb, -descent);
            each(&g);
        }
    }
    Ok(font)
}

/// The table of contents: (type, format, size, offset) of each table.
struct Directory<'a> {
    file: &'a [u8],
    toc: Vec<(u32, u32, usize, usize)>,
}

impl<'a> Directory<'a> {
    fn read(file: &'a [u8]) -> Result<Directory<'a>, PcfError> {
        let whole = Table {
            d: file,
            msb: false,
        };
        if whole.bytes(0, 4)? != b"\x01fcp" {
            return Err(PcfError::BadMagic);
        }
        let count = whole.u32(4)? as usize;
        if count > 64 {
            return Err(PcfError::TooManyTables(count));
        }
        let mut toc = Vec::new();
        for i in 0..count {
            let at = 8 + 16 * i;
            toc.push((
                whole.u32(at)?,
                whole.u32(at + 4)?,
                whole.u32(at + 8)? as usize,
                whole.u32(at + 12)? as usize,
            ));
        }
        Ok(Directory { file, toc })
    }

    /// The first table of type `ty` and its format, in the byte order its own format word says.
    fn table(&self, ty: u32) -> Result<Option<(Table<'a>, u32)>, PcfError> {
        let Some(&(_, fmt, size, off)) = self.toc.iter().find(|t| t.0 == ty) else {
            return Ok(None);
        };
        // bdftopcf declares its last table longer than the file: clip to EOF.
        let end = off.saturating_add(size).min(self.file.len());
        let d = self.file.get(off..end).ok_or(PcfError::TableOutside)?;
        let inner = Table { d, msb: false }.u32(0)?;
        Ok(Some((
            Table {
                d,
                msb: inner & 4 != 0,
            },
            fmt,
        )))
    }

    fn required(&self, ty: u32, name: &'static str) -> Result<(Table<'a>, u32), PcfError> {
        self.table(ty)?.ok_or(PcfError::NoTable(name))
    }
}

/// Ascent, descent and the bounding box from the (BDF) accelerator table; no glyphs yet.
fn accelerators(dir: &Directory) -> Result<Font, PcfError> {
    let (accel, _) = match dir.table(BDF_ACCELERATORS)? {
        Some(t) => t,
        None => dir.table(ACCELERATORS)?.ok_or(PcfError::NoAccelerators)?,
    };
    let afmt = accel.u32(0)?;
    let ascent = accel.u32(12)? as i32;
    let descent = accel.u32(16)? as i32;
    // The loader takes the ink bounds when the table has them.
    let base = if afmt & 0x100 != 0 { 24 + 24 } else { 24 };
    let bounds = Bounds {
        lsb: accel.i16(base)?,
        rsb: accel.i16(base + 12 + 2)?,
        ascent: accel.i16(base + 12 + 6)?,
        descent: accel.i16(base + 12 + 8)?,
    };
    Ok(Font {
        ascent,
        descent,
        bounds,
        default_char: None,
        glyphs: Vec::new(),
    })
}

/// The METRICS table: per glyph lsb, rsb, advance, ascent, descent (compressed or not).
struct Metrics<'a> {
    t: Table<'a>,
    compressed: bool,
    count: usize,
}

impl<'a> Metrics<'a> {
    fn read(dir: &Directory<'a>) -> Result<Metrics<'a>, PcfError> {
        let (t, fmt) = dir.required(METRICS, "METRICS")?;
        let compressed = fmt & COMPRESSED != 0;
        let count = if compressed {
            t.u16(4)? as usize
        } else {
            t.u32(4)? as usize
        };
        let m = Metrics {
            t,
            compressed,
            count,
        };
        if count.saturating_mul(m.record()) > t.d.len() {
            return Err(PcfError::CountTooLarge("METRICS"));
        }
        Ok(m)
    }

    fn record(&self) -> usize {
        if self.compressed {
            5
        } else {
            12
        }
    }

    fn get(&self, i: usize) -> Result<[i32; 5], PcfError> {
        let first = if self.compressed { 6 } else { 8 };
        let at = first + i * self.record();
        let mut m = [0; 5];
        for (k, v) in m.iter_mut().enumerate() {
            *v = if self.compressed {
                self.t.u8(at + k)? as i32 - 0x80
            } else {
                self.t.i16(at + 2 * k)?
            };
        }
        Ok(m)
    }
}

/// The BITMAPS table: glyph offsets and the rows, in the table's bit and byte order.
struct Bitmaps<'a> {
    t: Table<'a>,
    count: usize,
    pad: usize,
    lsbit_first: bool,
    msbyte: bool,
    unit: usize,
    data_start: usize,
}

impl<'a> Bitmaps<'a> {
    fn read(dir: &Directory<'a>) -> Result<Bitmaps<'a>, PcfError> {
        let (t, fmt) = dir.required(BITMAPS, "BITMAPS")?;
        let count = t.u32(4)? as usize;
        if count.saturating_mul(4) > t.d.len() {
            return Err(PcfError::CountTooLarge("BITMAPS"));
        }
        Ok(Bitmaps {
            t,
            count,
            pad: 1usize << (fmt & 3),
            lsbit_first: fmt & 8 == 0,
            msbyte: fmt & 4 != 0,
            unit: 1usize << ((fmt >> 4) & 3),
            data_start: 8 + 4 * count + 16,
        })
    }

    /// Glyph `idx`, `w`×`h` pixels, into `bitmap` (reusing its buffer).
    fn glyph(&self, idx: usize, w: u32, h: u32, bitmap: &mut Bitmap) -> Result<(), PcfError> {
        let off = self.t.u32(8 + 4 * idx)? as usize;
        let stride = row_bytes(w, self.pad);
        let raw = self
            .t
            .bytes(self.data_start.saturating_add(off), stride * h as usize)?;
        (bitmap.w, bitmap.h) = (w, h);
        bitmap.bits.clear();
        bitmap.bits.resize(Bitmap::stride(w) * h as usize, 0);
        // Bytes are swapped inside each scan unit.
        let swapped = self.msbyte == self.lsbit_first && self.unit > 1;
        if !self.lsbit_first && !swapped {
            // Our own format (and bdftopcf's default): rows are copied as they are.
            let s = Bitmap::stride(w);
            for (y, row) in bitmap.bits.chunks_mut(s.max(1)).enumerate() {
                if let Some(from) = raw.get(y * stride..y * stride + s) {
                    row.copy_from_slice(from);
                }
                if !w.is_multiple_of(8) {
                    if let Some(last) = row.last_mut() {
                        *last &= 0xFFu8 << (8 - w % 8);
                    }
                }
            }
            return Ok(());
        }
        for y in 0..h {
            for x in 0..w {
                let mut byte = y as usize * stride + x as usize / 8;
                if swapped {
                    byte = byte - byte % self.unit + (self.unit - 1 - byte % self.unit);
                }
                let b = raw.get(byte).copied().unwrap_or(0);
                let bit = if self.lsbit_first {
                    1 << (x % 8)
                } else {
                    0x80 >> (x % 8)
                };
                if b & bit != 0 {
                    bitmap.set(x, y);
                }
            }
        }
        Ok(())
    }
}

/// The BDF_ENCODINGS table: a high-byte × low-byte rectangle of glyph indices.
struct Encodings<'a> {
    t: Table<'a>,
    lo2: u32,
    hi2: u32,
    lo1: u32,
    hi1: u32,
    default: u32,
}

impl<'a> Encodings<'a> {
    fn read(dir: &Directory<'a>) -> Result<Encodings<'a>, PcfError> {
        let (t, _) = dir.required(BDF_ENCODINGS, "BDF_ENCODINGS")?;
        let (lo2, hi2, lo1, hi1) = (
            t.u16(4)? as u32,
            t.u16(6)? as u32,
            t.u16(8)? as u32,
            t.u16(10)? as u32,
        );
        let default = t.u16(12)? as u32;
        if hi2 > 255 || hi1 > 255 || lo2 > hi2 || lo1 > hi1 {
            return Err(PcfError::EncodingRanges);
        }
        Ok(Encodings {
            t,
            lo2,
            hi2,
            lo1,
            hi1,
            default,
        })
    }

    /// The glyph index of code point `hi`·`lo`, None when it has none.
    fn glyph_index(&self, hi: u32, lo: u32) -> Result<Option<usize>, PcfError> {
        let cols = self.hi2 - self.lo2 + 1;
        let slot = ((hi - self.lo1) * cols + lo - self.lo2) as usize;
        let idx = self.t.u16(14 + 2 * slot)? as usize;
        Ok((idx != 0xFFFF).then_some(idx))
    }
}

#[cfg(test)]
#[path = "pcf_tests.rs"]
mod tests;
