//! What a font costs in RAM under adafruit_bitmap_font, and which family, weight, slant and
//! size a BDF says it is.
//!
//! The loader keeps, per glyph it loads, a `displayio.Bitmap(w, h, 2)` of the glyph's box
//! (bdf.py / pcf.py call `bitmap_class(w, h, 2)`) and a `fontio.Glyph`, a namedtuple of 8
//! fields. On a 32-bit board with 16-byte GC blocks that is: the Bitmap's pixels, rows of
//! 32-bit words at 1 bit per pixel, rounded up to a block; 48 B for the Bitmap object
//! (docs/domain/bmp-and-displayio.md §2); and 48 B for the tuple (4 B type + 4 B length +
//! 8 × 4 B items = 40 B, one 48-byte allocation). The glyph dictionary's slots are not counted.

use crate::stages::bitmaps::encode::bitmap_ram;
use crate::stages::fonts::glyph::Font;
use crate::stages::fonts::{bdf, pcf};

pub const BITMAP_OBJECT: u64 = 48;
pub const GLYPH_TUPLE: u64 = 48;
const GC_BLOCK: u64 = 16;

/// RAM of one loaded glyph whose box is `w` × `h`.
pub fn glyph_ram(w: u32, h: u32) -> u64 {
    let pixels = bitmap_ram(u64::from(w), u64::from(h), 2);
    pixels.div_ceil(GC_BLOCK) * GC_BLOCK + BITMAP_OBJECT + GLYPH_TUPLE
}

/// The glyphs a font file holds and what loading all of them costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FontRam {
    pub glyphs: usize,
    pub all: u64,
    /// A typical character cell for per-character figures: the average advance of the printable
    /// ASCII glyphs (all glyphs when there are none) × the line height (ascent + descent).
    pub cell: (u32, u32),
}

pub fn font_ram(font: &Font) -> FontRam {
    let all = font
        .glyphs
        .iter()
        .map(|g| glyph_ram(g.bitmap.w, g.bitmap.h))
        .sum();
    let ascii: Vec<_> = font
        .glyphs
        .iter()
        .filter(|g| (0x20..0x7f).contains(&g.code))
        .collect();
    let pool: Vec<_> = if ascii.is_empty() {
        font.glyphs.iter().collect()
    } else {
        ascii
    };
    let advances: i64 = pool.iter().map(|g| i64::from(g.advance.max(0))).sum();
    let width = u32::try_from(advances / (pool.len().max(1) as i64)).unwrap_or(0);
    let line = font.ascent.saturating_add(font.descent);
    let tallest = font.glyphs.iter().map(|g| g.bitmap.h).max().unwrap_or(0);
    let height = u32::try_from(line)
        .ok()
        .filter(|h| *h > 0)
        .unwrap_or(tallest);
    let cell = (width, height);
    FontRam {
        glyphs: font.glyphs.len(),
        all,
        cell,
    }
}

/// Read a BDF or PCF (by the name's extension, as the loader dispatches).
pub fn read(name: &str, bytes: &[u8]) -> Option<Font> {
    if name.to_ascii_lowercase().ends_with(".pcf") {
        pcf::read(bytes).ok()
    } else {
        bdf::parse(bytes).ok().map(|f| f.font)
    }
}

/// Family, weight and slant from a BDF's properties (or its XLFD `FONT` name), and its pixel size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Face {
    pub family: String,
    pub weight: String,
    pub slant: String,
    pub pixel_size: u32,
}

fn unquote(v: &str) -> String {
    v.trim().trim_matches('"').trim().to_ascii_lowercase()
}

pub fn face(bytes: &[u8]) -> Option<Face> {
    if bytes.starts_with(b"\x01fcp") {
        return pcf_face(bytes);
    }
    let text = String::from_utf8_lossy(bytes.get(..bytes.len().min(64 << 10))?);
    let (mut family, mut weight, mut slant, mut size) = (None, None, None, None);
    let mut xlfd: Vec<String> = Vec::new();
    let mut fbb_h = None;
    for line in text.lines() {
        let (key, rest) = line
            .trim()
            .split_once(char::is_whitespace)
            .unwrap_or((line, ""));
        match key {
            "FAMILY_NAME" => family = Some(unquote(rest)),
            "WEIGHT_NAME" => weight = Some(unquote(rest)),
            "SLANT" => slant = Some(unquote(rest)),
            "PIXEL_SIZE" => size = rest.trim().parse::<u32>().ok(),
            "FONT" => xlfd = rest.trim().split('-').map(unquote).collect(),
            "FONTBOUNDINGBOX" => {
                fbb_h = rest.split_whitespace().nth(1).and_then(|h| h.parse().ok())
            }
            "CHARS" | "STARTCHAR" => break,
            _ => {}
        }
    }
    // XLFD: -foundry-family-weight-slant-setwidth-adstyle-pixelsize-…
    let field = |i: usize| xlfd.get(i).filter(|s| !s.is_empty()).cloned();
    let family = family.or_else(|| field(2))?;
    Some(Face {
        family,
        weight: weight.or_else(|| field(3)).unwrap_or_default(),
        slant: slant.or_else(|| field(4)).unwrap_or_default(),
        pixel_size: size
            .or_else(|| field(7).and_then(|s| s.parse().ok()))
            .or(fbb_h)
            .filter(|s| *s > 0)?,
    })
}

/// The same from a PCF's PROPERTIES table (bdftopcf writes one; cpslim's minimal PCF does not).
fn pcf_face(b: &[u8]) -> Option<Face> {
    let le = |o: usize| {
        b.get(o..o + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    };
    let count = le(4)? as usize;
    let table = (0..count.min(64))
        .map(|i| 8 + 16 * i)
        .find(|&t| le(t) == Some(1))?;
    let start = le(table + 12)? as usize;
    let big = le(start)? & 4 != 0;
    let word = |o: usize| {
        b.get(o..o + 4).map(|s| {
            let a = [s[0], s[1], s[2], s[3]];
            if big {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            }
        })
    };
    let n = word(start + 4)? as usize;
    let props = start + 8;
    let pad = (4 - n % 4) % 4;
    let strings = props.checked_add(n.checked_mul(9)?)? + pad + 4;
    let cstr = |o: usize| -> Option<String> {
        let rest = b.get(strings.checked_add(o)?..)?;
        let end = rest.iter().position(|&c| c == 0)?;
        Some(String::from_utf8_lossy(rest.get(..end)?).into_owned())
    };
    let (mut family, mut weight, mut slant, mut size) = (None, None, None, None);
    for i in 0..n.min(4096) {
        let at = props + 9 * i;
        let name = cstr(word(at)? as usize)?;
        let is_string = *b.get(at + 4)? != 0;
        let value = word(at + 5)?;
        let text = || {
            if is_string {
                cstr(value as usize).map(|v| unquote(&v))
            } else {
                None
            }
        };
        match name.as_str() {
            "FAMILY_NAME" => family = text(),
            "WEIGHT_NAME" => weight = text(),
            "SLANT" => slant = text(),
            "PIXEL_SIZE" if !is_string => size = Some(value),
            _ => {}
        }
    }
    Some(Face {
        family: family?,
        weight: weight.unwrap_or_default(),
        slant: slant.unwrap_or_default(),
        pixel_size: size.filter(|s| *s > 0 && *s < 4096)?,
    })
}

/// The whole scale that makes `small` px come out near `large` px (within 15 %), if any ≥ 2.
pub fn scale_for(small: u32, large: u32) -> Option<u32> {
    if small == 0 {
        return None;
    }
    let ratio = f64::from(large) / f64::from(small);
    let n = ratio.round();
    (n >= 2.0 && (ratio - n).abs() / n <= 0.15).then_some(n as u32)
}
