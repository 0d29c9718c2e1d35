//! Reading LVGL binary fonts back: [`check`] walks a file the way CircuitPython's core reader
//! (`lvfontio.OnDiskFont`) does, record by record, and refuses anything either board reader
//! would get wrong; [`read`] then returns every glyph as adafruit_bitmap_font would draw it.

pub use super::error::LvFontError;
use super::glyph::Glyph;

/// MSB-first bit packing into a byte vector; `finish` pads the last byte with zeros.
pub struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    n: u32,
}

impl<'a> BitWriter<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> BitWriter<'a> {
        BitWriter { out, acc: 0, n: 0 }
    }

    /// The low `bits` bits of `v` (two's complement for negative values cast to u32).
    pub fn put(&mut self, v: u32, bits: u8) {
        let bits = u32::from(bits);
        if bits == 0 {
            return;
        }
        let mask = if bits >= 32 {
            u32::MAX
        } else {
            (1 << bits) - 1
        };
        self.acc = (self.acc << bits) | u64::from(v & mask);
        self.n += bits;
        while self.n >= 8 {
            self.n -= 8;
            self.out.push((self.acc >> self.n) as u8);
        }
    }

    pub fn finish(self) {
        if self.n > 0 {
            self.out.push((self.acc << (8 - self.n)) as u8);
        }
    }
}

pub(super) struct BitReader<'a> {
    pub(super) d: &'a [u8],
    /// Bit position from the start of `d`.
    pub(super) pos: usize,
}

impl BitReader<'_> {
    pub(super) fn get(&mut self, bits: u8) -> Result<u32, LvFontError> {
        let mut v = 0u64;
        let mut need = u32::from(bits);
        while need > 0 {
            let byte = self.d.get(self.pos / 8).ok_or(LvFontError::PastGlyf)?;
            let avail = 8 - (self.pos % 8) as u32;
            let n = need.min(avail);
            let chunk = (u32::from(*byte) >> (avail - n)) & ((1 << n) - 1);
            v = (v << n) | u64::from(chunk);
            self.pos += n as usize;
            need -= n;
        }
        Ok(v as u32)
    }

    /// One bitmap row of `w` bits, packed MSB first into whole bytes (the bits past the row's
    /// end zero), as the bit-by-bit reads of 8 bits would give it, but a byte at a time.
    pub(super) fn row(&mut self, w: u32, out: &mut Vec<u8>) -> Result<(), LvFontError> {
        let end = self.pos + w as usize;
        if end > self.d.len() * 8 {
            return Err(LvFontError::PastGlyf);
        }
        let (start, offset) = (self.pos / 8, self.pos % 8);
        for k in 0..(w as usize).div_ceil(8) {
            let hi = self.d[start + k];
            let byte = if offset == 0 {
                hi
            } else {
                let lo = self.d.get(start + k + 1).copied().unwrap_or(0);
                (hi << offset) | (lo >> (8 - offset))
            };
            out.push(byte);
        }
        if !w.is_multiple_of(8) {
            if let Some(last) = out.last_mut() {
                *last &= 0xFFu8 << (8 - w % 8);
            }
        }
        self.pos = end;
        Ok(())
    }

    pub(super) fn signed(&mut self, bits: u8) -> Result<i32, LvFontError> {
        let v = self.get(bits)? as i64;
        let half = 1i64 << (bits - 1);
        Ok((if v >= half { v - 2 * half } else { v }) as i32)
    }
}

fn u16_at(d: &[u8], at: usize) -> Result<u16, LvFontError> {
    let b = d.get(at..at + 2).ok_or(LvFontError::Truncated)?;
    Ok(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(d: &[u8], at: usize) -> Result<u32, LvFontError> {
    let b = d.get(at..at + 4).ok_or(LvFontError::Truncated)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// What a board sees of an LVGL font.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LvFont {
    pub font_size: u16,
    pub ascent: u16,
    pub descent: i16,
    pub default_advance: u16,
    /// Sorted by code point.
    pub glyphs: Vec<Glyph>,
}

struct Sections<'a> {
    head: &'a [u8],
    cmap: &'a [u8],
    loca: &'a [u8],
    glyf: &'a [u8],
}

fn sections(file: &[u8]) -> Result<Sections<'_>, LvFontError> {
    let mut found: [Option<&[u8]>; 4] = [None; 4];
    let mut at = 0usize;
    while at < file.len() {
        let size = u32_at(file, at)? as usize;
        if size < 8 || at + size > file.len() {
            return Err(LvFontError::BadSection { at, size });
        }
        let tag = file.get(at + 4..at + 8).ok_or(LvFontError::Truncated)?;
        let body = &file[at..at + size];
        let slot = ["head", "cmap", "loca", "glyf"]
            .iter()
            .position(|t| t.as_bytes() == tag);
        if let Some(s) = slot {
            found[s] = Some(body);
        }
        at += size;
    }
    let [Some(head), Some(cmap), Some(loca), Some(glyf)] = found else {
        return Err(LvFontError::MissingSection);
    };
    Ok(Sections {
        head,
        cmap,
        loca,
        glyf,
    })
}

/// Check every rule of `docs/lvfontbin.md` and read the glyphs (sorted by code point).
pub fn check(file: &[u8]) -> Result<LvFont, LvFontError> {
    let mut glyphs = Vec::new();
    let mut font = check_with(file, |g| {
        glyphs.push(g.clone());
        Ok(())
    })?;
    glyphs.sort_by_key(|g| g.code);
    font.glyphs = glyphs;
    Ok(font)
}

/// [`check`] handing each glyph to `each` in glyph-id order instead of keeping them (cpslim's
/// own files number glyphs in code-point order). The returned font has no glyphs.
pub fn check_with(
    file: &[u8],
    each: impl FnMut(&Glyph) -> Result<(), LvFontError>,
) -> Result<LvFont, LvFontError> {
    let p = prepare(file)?;
    let end = super::lvfont_walk::walk_ids(&p, 1..p.code_of.len(), FIRST_RECORD, each)?;
    p.check_end(end)?;
    Ok(p.font)
}

/// Where glyph id 1's record starts, in bits from the start of the glyf section: after the
/// section header and the empty record of id 0.
pub(super) const FIRST_RECORD: usize = 8 * 8;

/// A file whose head, cmap and loca are checked, ready for its glyph records to be walked.
pub(super) struct Prepared<'a> {
    pub(super) font: LvFont,
    pub(super) fields: Fields,
    pub(super) loca: Loca<'a>,
    /// The code point each glyph id draws, if any.
    pub(super) code_of: Vec<Option<u32>>,
    pub(super) glyf: &'a [u8],
}

pub(super) fn prepare(file: &[u8]) -> Result<Prepared<'_>, LvFontError> {
    if file.get(..4) != Some(&super::lvfont::MAGIC[..]) {
        return Err(LvFontError::NoMagic);
    }
    let s = sections(file)?;
    let (font, fields) = head(s.head)?;
    let loca = Loca::of(s.loca, fields.loc_format)?;
    // cmap first: which code point each glyph id draws (each id at most once).
    let code_of = codes_of_ids(s.cmap, loca.count)?;
    if loca.offset(0)? != 8 {
        return Err(LvFontError::FirstRecordNotEmpty);
    }
    Ok(Prepared {
        font,
        fields,
        loca,
        code_of,
        glyf: s.glyf,
    })
}

impl Prepared<'_> {
    /// The last record must end where the glyf section ends.
    pub(super) fn check_end(&self, end: usize) -> Result<(), LvFontError> {
        if end != self.glyf.len() * 8 {
            return Err(LvFontError::TrailingBytes);
        }
        Ok(())
    }
}

/// The bit widths of a glyph record's fields, and the loca offset size, from the head.
pub(super) struct Fields {
    loc_format: u8,
    pub(super) xy: u8,
    pub(super) wh: u8,
    pub(super) adv: u8,
}

/// The font's metrics, and the record layout the board readers can follow.
fn head(h: &[u8]) -> Result<(LvFont, Fields), LvFontError> {
    if h.len() < 8 + 35 {
        return Err(LvFontError::ShortHead);
    }
    let font = LvFont {
        font_size: u16_at(h, 14)?,
        ascent: u16_at(h, 16)?,
        descent: u16_at(h, 18)? as i16,
        default_advance: u16_at(h, 30)?,
        glyphs: Vec::new(),
    };
    let [loc_format, _, advance_format, bpp, xy, wh, adv, compression, _] = [
        h[34], h[35], h[36], h[37], h[38], h[39], h[40], h[41], h[42],
    ];
    if compression != 0 {
        return Err(LvFontError::Compressed);
    }
    if advance_format != 0 || bpp != 1 {
        return Err(LvFontError::NotOneBit);
    }
    if adv == 0 || xy == 0 {
        return Err(LvFontError::EmptyField);
    }
    if adv > 32 || xy > 32 || wh > 32 {
        return Err(LvFontError::WideField);
    }
    let fields = Fields {
        loc_format,
        xy,
        wh,
        adv,
    };
    Ok((font, fields))
}

/// The loca table: where each glyph id's record starts in glyf.
pub(super) struct Loca<'a> {
    table: &'a [u8],
    count: usize,
    off_size: usize,
}

impl<'a> Loca<'a> {
    fn of(table: &'a [u8], loc_format: u8) -> Result<Self, LvFontError> {
        let count = u32_at(table, 8)? as usize;
        let off_size = if loc_format == 1 { 4 } else { 2 };
        if count == 0 || count.saturating_mul(off_size) > table.len().saturating_sub(12) {
            return Err(LvFontError::LocaCount);
        }
        Ok(Loca {
            table,
            count,
            off_size,
        })
    }

    pub(super) fn offset(&self, id: usize) -> Result<usize, LvFontError> {
        let at = 12 + id * self.off_size;
        Ok(if self.off_size == 4 {
            u32_at(self.table, at)? as usize
        } else {
            u16_at(self.table, at)? as usize
        })
    }
}

/// The code point each glyph id draws, from the cmap's format 2 and 3 ranges; no id twice, no
/// ranges overlapping.
fn codes_of_ids(c: &[u8], count: usize) -> Result<Vec<Option<u32>>, LvFontError> {
    let n = u32_at(c, 8)? as usize;
    if n.saturating_mul(16) > c.len().saturating_sub(12) {
        return Err(LvFontError::CmapCount);
    }
    let mut code_of: Vec<Option<u32>> = vec![None; count];
    let mut spans: Vec<(u32, u32)> = Vec::new();
    for i in 0..n {
        let at = 12 + 16 * i;
        let data = u32_at(c, at)? as usize;
        let start = u32_at(c, at + 4)?;
        let len = u32::from(u16_at(c, at + 8)?);
        let first = usize::from(u16_at(c, at + 10)?);
        let entries = usize::from(u16_at(c, at + 12)?);
        let sparse = match c.get(at + 14) {
            Some(2) => false,
            Some(3) => true,
            Some(&f) => return Err(LvFontError::CmapFormat(f)),
            None => return Err(LvFontError::Truncated),
        };
        spans.push((start, start.saturating_add(len)));
        let total = if sparse { entries } else { len as usize };
        for k in 0..total {
            let code = if sparse {
                start.saturating_add(u32::from(u16_at(c, data + 2 * k)?))
            } else {
                start.saturating_add(k as u32)
            };
            if code >= start.saturating_add(len) {
                return Err(LvFontError::OutsideRange(code));
            }
            let id = first + k;
            let slot = code_of
                .get_mut(id)
                .filter(|_| id > 0)
                .ok_or(LvFontError::UnknownId { code, id, count })?;
            if slot.replace(code).is_some() {
                return Err(LvFontError::MappedTwice(id));
            }
        }
    }
    spans.sort_unstable();
    if spans.windows(2).any(|w| w[0].1 > w[1].0) {
        return Err(LvFontError::Overlap);
    }
    Ok(code_of)
}

/// Read an LVGL font (same as [`check`]: a file that breaks a rule is not read).
pub fn read(file: &[u8]) -> Result<LvFont, LvFontError> {
    check(file)
}
