//! The font model both readers produce and the PCF writer consumes: what adafruit_bitmap_font
//! sees of a font (ascent, descent, bounding box, and per code point a bitmap, offsets, advance).

/// The accelerator bounds that `get_bounding_box()` is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bounds {
    /// minbounds.lsb (BDF: FONTBOUNDINGBOX x offset).
    pub lsb: i32,
    /// maxbounds.rsb (x offset + width).
    pub rsb: i32,
    /// maxbounds.ascent (height + y offset).
    pub ascent: i32,
    /// maxbounds.descent (−y offset).
    pub descent: i32,
}

impl Bounds {
    /// What the loader returns: (width, height, x offset, y offset).
    pub fn bounding_box(&self) -> (i32, i32, i32, i32) {
        (
            self.rsb - self.lsb,
            self.ascent + self.descent,
            self.lsb,
            -self.descent,
        )
    }
}

/// A 1-bit bitmap, rows packed MSB first, `stride = ceil(w/8)` bytes per row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bitmap {
    pub w: u32,
    pub h: u32,
    pub bits: Vec<u8>,
}

impl Bitmap {
    pub fn stride(w: u32) -> usize {
        (w as usize).div_ceil(8)
    }

    pub fn new(w: u32, h: u32) -> Bitmap {
        Bitmap {
            w,
            h,
            bits: vec![0; Bitmap::stride(w) * h as usize],
        }
    }

    pub fn get(&self, x: u32, y: u32) -> bool {
        let i = y as usize * Bitmap::stride(self.w) + x as usize / 8;
        self.bits.get(i).is_some_and(|b| b & (0x80 >> (x % 8)) != 0)
    }

    pub fn set(&mut self, x: u32, y: u32) {
        let i = y as usize * Bitmap::stride(self.w) + x as usize / 8;
        if let Some(b) = self.bits.get_mut(i) {
            *b |= 0x80 >> (x % 8);
        }
    }

    fn row(&self, y: u32) -> &[u8] {
        let s = Bitmap::stride(self.w);
        let start = y as usize * s;
        self.bits.get(start..start + s).unwrap_or(&[])
    }

    /// The tight box of set pixels as (x0, y0, w, h) from the top-left, or None when blank.
    pub fn ink_box(&self) -> Option<(u32, u32, u32, u32)> {
        let s = Bitmap::stride(self.w);
        if (1..=4).contains(&s) {
            return self.narrow_ink_box(s);
        }
        let mut top = None;
        let mut bottom = 0;
        let (mut left, mut right) = (u32::MAX, 0u32);
        for y in 0..self.h {
            let row = self.row(y);
            let Some(first) = row.iter().position(|&b| b != 0) else {
                continue;
            };
            top.get_or_insert(y);
            bottom = y;
            let last = row.iter().rposition(|&b| b != 0).unwrap_or(first);
            let l = first as u32 * 8 + row[first].leading_zeros();
            let r = last as u32 * 8 + 8 - row[last].trailing_zeros();
            left = left.min(l);
            right = right.max(r.min(self.w));
        }
        let top = top?;
        Some((left, top, right.saturating_sub(left), bottom - top + 1))
    }

    /// [`Bitmap::ink_box`] of rows up to 32 pixels wide, each row as one big-endian word.
    fn narrow_ink_box(&self, stride: usize) -> Option<(u32, u32, u32, u32)> {
        let rows = self.bits.chunks_exact(stride).take(self.h as usize);
        words_ink_box(rows.map(row_word), self.w)
    }

    /// Copy of the ink box (0×0 when blank).
    pub fn crop_box(&self) -> Bitmap {
        match self.ink_box() {
            Some((x0, y0, w, h)) => self.crop(x0, y0, w, h),
            None => Bitmap::new(0, 0),
        }
    }

    /// Copy of the rectangle (x0, y0, w, h), row by row with byte shifts (fonts with tens of
    /// thousands of glyphs are cropped on every run).
    pub fn crop(&self, x0: u32, y0: u32, w: u32, h: u32) -> Bitmap {
        let (src, dst) = (Bitmap::stride(self.w), Bitmap::stride(w));
        let (skip, shift) = (x0 as usize / 8, x0 % 8);
        let mut bits = Vec::with_capacity(dst * h as usize);
        for y in y0..y0 + h {
            let row = self
                .bits
                .get(y as usize * src..(y as usize + 1) * src)
                .unwrap_or(&[]);
            let byte = |i: usize| row.get(i).copied().unwrap_or(0);
            for j in 0..dst {
                let hi = byte(skip + j) << shift;
                let lo = if shift == 0 {
                    0
                } else {
                    byte(skip + j + 1) >> (8 - shift)
                };
                bits.push(hi | lo);
            }
            if !w.is_multiple_of(8) {
                if let Some(last) = bits.last_mut() {
                    *last &= 0xFFu8 << (8 - w % 8);
                }
            }
        }
        Bitmap { w, h, bits }
    }
}

/// Up to 4 bytes of a row as a big-endian word, the row's first pixel in the top bit.
pub(super) fn row_word(row: &[u8]) -> u32 {
    (0..)
        .zip(row)
        .fold(0u32, |v, (k, &byte)| v | u32::from(byte) << (24 - 8 * k))
}

/// The ink box (x0, y0, w, h) of a bitmap at most 32 pixels wide whose rows are `words` (each
/// in a word's top bits, nothing past `w`), or None when blank.
fn words_ink_box(words: impl Iterator<Item = u32>, w: u32) -> Option<(u32, u32, u32, u32)> {
    let (mut top, mut bottom, mut any) = (None, 0, 0u32);
    for (y, word) in (0u32..).zip(words) {
        if word != 0 {
            top.get_or_insert(y);
            bottom = y;
            any |= word;
        }
    }
    let top = top?;
    let left = any.leading_zeros();
    let right = (32 - any.trailing_zeros()).min(w);
    Some((left, top, right.saturating_sub(left), bottom - top + 1))
}

/// One encoded glyph, in BDF terms: the bitmap's lower-left corner sits at (x, y) from the origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glyph {
    pub code: u32,
    pub advance: i32,
    pub x: i32,
    pub y: i32,
    pub bitmap: Bitmap,
}

impl Glyph {
    /// The same pixels on screen in the smallest box (a blank glyph becomes 0×0 at the origin).
    pub fn cropped(&self) -> Glyph {
        let mut g = self.clone();
        g.crop_in_place();
        g
    }

    /// [`Glyph::cropped`] without a new allocation: rows move down inside the same buffer
    /// (every byte is read before a write can reach it, as the output is never longer).
    pub fn crop_in_place(&mut self) {
        let Some((x0, y0, w, h)) = self.bitmap.ink_box() else {
            self.x = 0;
            self.y = 0;
            self.bitmap = Bitmap::new(0, 0);
            return;
        };
        let b = &mut self.bitmap;
        if (x0, y0, w, h) == (0, 0, b.w, b.h) {
            return;
        }
        let (src, dst) = (Bitmap::stride(b.w), Bitmap::stride(w));
        let (skip, shift) = (x0 as usize / 8, x0 % 8);
        let mask = if w % 8 == 0 {
            0xFF
        } else {
            0xFFu8 << (8 - w % 8)
        };
        // Both readers size bitmaps exactly; a short one would only mean blank rows.
        b.bits.resize(src * b.h as usize, 0);
        if src <= 4 {
            // Rows of up to 32 pixels (nearly every font) as one big-endian word: one shift
            // and one mask crop a row. The ink box is never empty here, so 1 <= w <= 32.
            let keep = u32::MAX << (32 - w);
            for j in 0..h as usize {
                let row = (y0 as usize + j) * src;
                let word = (row_word(&b.bits[row..row + src]) << x0) & keep;
                for k in 0..dst {
                    b.bits[j * dst + k] = (word >> (24 - 8 * k)) as u8;
                }
            }
        } else {
            for j in 0..h as usize {
                let row = (y0 as usize + j) * src;
                let (from, to) = (row + skip, j * dst);
                if shift == 0 {
                    b.bits.copy_within(from..from + dst, to);
                } else {
                    // The byte after a row's last belongs to the next row: read it as 0.
                    let last = row + src - 1;
                    for k in 0..dst {
                        let i = from + k;
                        let lo = if i < last {
                            b.bits[i + 1] >> (8 - shift)
                        } else {
                            0
                        };
                        b.bits[to + k] = (b.bits[i] << shift) | lo;
                    }
                }
                if let Some(out) = b.bits.get_mut(to + dst - 1) {
                    *out &= mask;
                }
            }
        }
        let old_h = b.h;
        b.bits.truncate(dst * h as usize);
        b.w = w;
        b.h = h;
        // y counts up from the box's bottom row; rows below the ink are dropped.
        self.y += (old_h - (y0 + h)) as i32;
        self.x += x0 as i32;
    }

    /// The glyph at (`x`, `y`) whose `w`-pixel bitmap (at most 32 wide) has the rows `words`
    /// (each row in a word's top bits, nothing past `w`), already in its ink box: what
    /// [`Glyph::crop_in_place`] makes of it, without the uncropped bitmap (unit-tested against it).
    pub fn cropped_from_rows(
        code: u32,
        advance: i32,
        (x, y): (i32, i32),
        w: u32,
        words: &[u32],
    ) -> Glyph {
        let Some((left, top, cw, ch)) = words_ink_box(words.iter().copied(), w) else {
            return Glyph {
                code,
                advance,
                x: 0,
                y: 0,
                bitmap: Bitmap::new(0, 0),
            };
        };
        let keep = u32::MAX.checked_shl(32 - cw).unwrap_or(0);
        let dst = Bitmap::stride(cw);
        let mut bits = Vec::with_capacity(dst * ch as usize);
        for &word in &words[top as usize..(top + ch) as usize] {
            let be = ((word << left) & keep).to_be_bytes();
            match dst {
                1 => bits.push(be[0]),
                2 => bits.extend([be[0], be[1]]),
                3 => bits.extend([be[0], be[1], be[2]]),
                _ => bits.extend(be),
            }
        }
        let h = words.len() as u32;
        Glyph {
            code,
            advance,
            x: x + left as i32,
            // y counts up from the box's bottom row; rows below the ink are dropped.
            y: y + (h - (top + ch)) as i32,
            bitmap: Bitmap { w: cw, h: ch, bits },
        }
    }

    /// Set pixels as (x, y) relative to the origin, y up: what a renderer draws.
    pub fn ink(&self) -> Vec<(i32, i32)> {
        let mut v = Vec::new();
        for row in 0..self.bitmap.h {
            for col in 0..self.bitmap.w {
                if self.bitmap.get(col, row) {
                    v.push((
                        self.x + col as i32,
                        self.y + (self.bitmap.h - 1 - row) as i32,
                    ));
                }
            }
        }
        v
    }
}

/// What a font looks like to adafruit_bitmap_font.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Font {
    /// `font.ascent` / `font.descent` (fontAscent / fontDescent; read unsigned by the loader).
    pub ascent: i32,
    pub descent: i32,
    pub bounds: Bounds,
    /// BDF DEFAULT_CHAR / PCF default_char, when the font names one.
    pub default_char: Option<u32>,
    /// Sorted by code point, unique (a PCF holds only those ≤ U+FFFF).
    pub glyphs: Vec<Glyph>,
}

impl Font {
    pub fn glyph(&self, code: u32) -> Option<&Glyph> {
        self.glyphs
            .binary_search_by_key(&code, |g| g.code)
            .ok()
            .and_then(|i| self.glyphs.get(i))
    }

    /// True when both fonts draw the same thing for every code point (boxes may differ).
    pub fn renders_like(&self, other: &Font) -> bool {
        self.ascent == other.ascent
            && self.descent == other.descent
            && self.bounds.bounding_box() == other.bounds.bounding_box()
            && self.glyphs.len() == other.glyphs.len()
            && self
                .glyphs
                .iter()
                .zip(&other.glyphs)
                .all(|(a, b)| a.code == b.code && a.advance == b.advance && a.ink() == b.ink())
    }
}

#[cfg(test)]
#[path = "glyph_tests.rs"]
mod tests;
