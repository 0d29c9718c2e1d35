//! PCF: a bounds-checked reader for any PCF (bdftopcf output to repack, and our own output to
//! verify before it is planned); the writer of our minimal PCF is [`super::pcf_write`].

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
struct Table<'a> {
    d: &'a [u8],
    msb: bool,
}

impl Table<'_> {
    fn bytes(&self, at: usize, n: usize) -> Result<&[u8], String> {
        self.d
            .get(at..at.checked_add(n).ok_or("offset overflow")?)
            .ok_or_else(|| "truncated table".to_string())
    }
    fn u8(&self, at: usize) -> Result<u8, String> {
        Ok(self.bytes(at, 1)?[0])
    }
    fn u16(&self, at: usize) -> Result<u16, String> {
        let b: [u8; 2] = self.bytes(at, 2)?.try_into().map_err(|_| "short")?;
        Ok(if self.msb {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }
    fn i16(&self, at: usize) -> Result<i32, String> {
        Ok(self.u16(at)? as i16 as i32)
    }
    fn u32(&self, at: usize) -> Result<u32, String> {
        let b: [u8; 4] = self.bytes(at, 4)?.try_into().map_err(|_| "short")?;
        Ok(if self.msb {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }
}

/// Read a PCF as adafruit_bitmap_font would see it (every encoded glyph, ascent, descent,
/// bounding box). Other bitmap formats are read too, so they can be repacked into 0xE.
pub fn read(file: &[u8]) -> Result<Font, String> {
    let mut glyphs = Vec::new();
    let mut font = read_with(file, |g| {
        glyphs.push(g.clone());
        Ok(())
    })?;
    font.glyphs = glyphs;
    Ok(font)
}

/// [`read`] one glyph at a time, in code-point order, without keeping them (verifying a
/// whole-Unicode font must not hold a second copy of it). The returned font has no glyphs.
pub fn read_with(
    file: &[u8],
    mut each: impl FnMut(&Glyph) -> Result<(), String>,
) -> Result<Font, String> {
    let whole = Table {
        d: file,
        msb: false,
    };
    if whole.bytes(0, 4)? != b"\x01fcp" {
        return Err("not a PCF font (bad magic)".into());
    }
    let count = whole.u32(4)? as usize;
    if count > 64 {
        return Err(format!("{count} tables: not a PCF font"));
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
    // bdftopcf declares its last table longer than the file: clip to EOF.
    let table = |ty: u32| -> Result<Option<(Table, u32)>, String> {
        let Some(&(_, fmt, size, off)) = toc.iter().find(|t| t.0 == ty) else {
            return Ok(None);
        };
        let end = off.saturating_add(size).min(file.len());
        let d = file.get(off..end).ok_or("table outside the file")?;
        let inner = Table { d, msb: false }.u32(0)?;
        Ok(Some((
            Table {
                d,
                msb: inner & 4 != 0,
            },
            fmt,
        )))
    };

    let (accel, _) = match table(BDF_ACCELERATORS)? {
        Some(t) => t,
        None => table(ACCELERATORS)?.ok_or("no accelerator table")?,
    };
    let afmt = accel.u32(0)?;
    let font_ascent = accel.u32(12)? as i32;
    let font_descent = accel.u32(16)? as i32;
    // The loader takes the ink bounds when the table has them.
    let base = if afmt & 0x100 != 0 { 24 + 24 } else { 24 };
    let bounds = Bounds {
        lsb: accel.i16(base)?,
        rsb: accel.i16(base + 12 + 2)?,
        ascent: accel.i16(base + 12 + 6)?,
        descent: accel.i16(base + 12 + 8)?,
    };

    let (mt, mfmt) = table(METRICS)?.ok_or("no METRICS table")?;
    let compressed = mfmt & COMPRESSED != 0;
    let nmetrics = if compressed {
        mt.u16(4)? as usize
    } else {
        mt.u32(4)? as usize
    };
    let rec = if compressed { 5 } else { 12 };
    let first = if compressed { 6 } else { 8 };
    if nmetrics.saturating_mul(rec) > mt.d.len() {
        return Err("METRICS count larger than the table".into());
    }
    let metric = |i: usize| -> Result<[i32; 5], String> {
        let at = first + i * rec;
        let mut m = [0; 5];
        for (k, v) in m.iter_mut().enumerate() {
            *v = if compressed {
                mt.u8(at + k)? as i32 - 0x80
            } else {
                mt.i16(at + 2 * k)?
            };
        }
        Ok(m)
    };

    let (bt, bfmt) = table(BITMAPS)?.ok_or("no BITMAPS table")?;
    let nglyphs = bt.u32(4)? as usize;
    if nglyphs.saturating_mul(4) > bt.d.len() {
        return Err("BITMAPS count larger than the table".into());
    }
    let pad = 1usize << (bfmt & 3);
    let lsbit_first = bfmt & 8 == 0;
    let msbyte = bfmt & 4 != 0;
    let unit = 1usize << ((bfmt >> 4) & 3);
    let data_start = 8 + 4 * nglyphs + 16;

    let (et, _) = table(BDF_ENCODINGS)?.ok_or("no BDF_ENCODINGS table")?;
    let (lo2, hi2, lo1, hi1) = (
        et.u16(4)? as u32,
        et.u16(6)? as u32,
        et.u16(8)? as u32,
        et.u16(10)? as u32,
    );
    let default = et.u16(12)? as u32;
    if hi2 > 255 || hi1 > 255 || lo2 > hi2 || lo1 > hi1 {
        return Err("bad encoding ranges".into());
    }
    let cols = hi2 - lo2 + 1;
    let mut budget = file.len().saturating_mul(16).saturating_add(1 << 20);
    let mut g = Glyph {
        code: 0,
        advance: 0,
        x: 0,
        y: 0,
        bitmap: Bitmap::new(0, 0),
    };
    for hi in lo1..=hi1 {
        for lo in lo2..=hi2 {
            let idx = et.u16(14 + 2 * ((hi - lo1) * cols + lo - lo2) as usize)? as usize;
            if idx == 0xFFFF {
                continue;
            }
            if idx >= nglyphs.min(nmetrics) {
                return Err("encoding points past the glyphs".into());
            }
            {
                let [lsb, rsb, advance, ascent, descent] = metric(idx)?;
                let w = u32::try_from(rsb - lsb).map_err(|_| "glyph with negative width")?;
                let h =
                    u32::try_from(ascent + descent).map_err(|_| "glyph with negative height")?;
                let off = bt.u32(8 + 4 * idx)? as usize;
                let stride = row_bytes(w, pad);
                let raw = bt.bytes(data_start.saturating_add(off), stride * h as usize)?;
                // One glyph buffer for the whole read: `each` copies what it keeps.
                let bitmap = &mut g.bitmap;
                (bitmap.w, bitmap.h) = (w, h);
                bitmap.bits.clear();
                bitmap.bits.resize(Bitmap::stride(w) * h as usize, 0);
                let swapped = msbyte == lsbit_first && unit > 1;
                if !lsbit_first && !swapped {
                    // Our own format (and bdftopcf's default): rows are copied as they are.
                    let s = Bitmap::stride(w);
                    for (y, row) in bitmap.bits.chunks_mut(s.max(1)).enumerate() {
                        if let Some(from) = raw.get(y * stride..y * stride + s) {
                            row.copy_from_slice(from);
                        }
                        if w % 8 != 0 {
                            if let Some(last) = row.last_mut() {
                                *last &= 0xFFu8 << (8 - w % 8);
                            }
                        }
                    }
                }
                for y in (0..h).filter(|_| lsbit_first || swapped) {
                    for x in 0..w {
                        let mut byte = y as usize * stride + x as usize / 8;
                        if msbyte == lsbit_first && unit > 1 {
                            // Bytes are swapped inside each scan unit.
                            byte = byte - byte % unit + (unit - 1 - byte % unit);
                        }
                        let b = raw.get(byte).copied().unwrap_or(0);
                        let bit = if lsbit_first {
                            1 << (x % 8)
                        } else {
                            0x80 >> (x % 8)
                        };
                        if b & bit != 0 {
                            bitmap.set(x, y);
                        }
                    }
                }
                // Many code points may share one glyph: bound the work by the file's size.
                budget = budget
                    .checked_sub(bitmap.bits.len() + 32)
                    .ok_or("too many code points share large glyphs")?;
                (g.code, g.advance, g.x, g.y) = (hi << 8 | lo, advance, lsb, -descent);
                each(&g)?;
            }
        }
    }
    Ok(Font {
        ascent: font_ascent,
        descent: font_descent,
        bounds,
        default_char: (default != 0xFFFF).then_some(default),
        glyphs: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font() -> Font {
        let mut wide = Bitmap::new(40, 2);
        wide.set(0, 0);
        wide.set(39, 1);
        let mut a = Bitmap::new(3, 3);
        a.set(1, 0);
        a.set(0, 2);
        a.set(2, 2);
        Font {
            ascent: 12,
            descent: 4,
            bounds: Bounds {
                lsb: -1,
                rsb: 41,
                ascent: 13,
                descent: 5,
            },
            default_char: Some(0x41),
            glyphs: vec![
                Glyph {
                    code: 0x20,
                    advance: 4,
                    x: 0,
                    y: 0,
                    bitmap: Bitmap::new(0, 0),
                },
                Glyph {
                    code: 0x41,
                    advance: 5,
                    x: 1,
                    y: -2,
                    bitmap: a,
                },
                Glyph {
                    code: 0xB0,
                    advance: 44,
                    x: -1,
                    y: 3,
                    bitmap: wide,
                },
            ],
        }
    }

    #[test]
    fn round_trip_and_size_formula() {
        let f = font();
        let (bytes, layout) = write(&f).expect("write");
        // D: 3 rows of 4 bytes for A, 2 rows of 8 bytes for the 40 px glyph; R·C = 1×145.
        assert_eq!(bytes.len(), 164 + 9 * 3 + (12 + 16) + 2 * 145);
        assert_eq!(layout.total, bytes.len());
        let back = read(&bytes).expect("read");
        assert_eq!(back, f);
    }

    #[test]
    fn identical_bitmaps_are_stored_once() {
        let mut f = font();
        let mut b = f.glyphs[1].clone();
        b.code = 0x42;
        b.advance = 9;
        f.glyphs.insert(2, b);
        let (bytes, layout) = write(&f).expect("write");
        // One more glyph (9 B of metrics, offset, encoding slot) but no more bitmap bytes.
        assert_eq!(bytes.len(), 164 + 9 * 4 + (12 + 16) + 2 * 145);
        assert_eq!(layout.bitmaps, 12 + 16);
        assert_eq!(read(&bytes).expect("read"), f);
    }

    #[test]
    fn uncompressed_metrics_when_too_big() {
        let mut f = font();
        f.glyphs[2].advance = 300;
        let (bytes, _) = write(&f).expect("write");
        assert_eq!(bytes.len(), 164 + 9 * 3 + 28 + 290 + 3 * 7 + 2);
        assert_eq!(read(&bytes).expect("read"), f);
    }

    #[test]
    fn truncated_files_are_errors() {
        let (bytes, _) = write(&font()).expect("write");
        for cut in [0, 3, 8, 40, 100, bytes.len() - 10] {
            assert!(read(&bytes[..cut]).is_err(), "cut {cut}");
        }
    }
}
