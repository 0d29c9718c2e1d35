//! From a font's kept glyphs to the bytes written: a verified PCF or LVGL file, the notes the
//! user should read about it, and what the other format would save.

use super::charset::CharSet;
use super::error::EncodeError;
use super::glyph::{Font, Glyph};
use super::{list_codes, lvfont, pcf};
use crate::units::format_size;

/// The bytes to write and what to say about them.
pub struct Encoded {
    pub bytes: Vec<u8>,
    /// LVGL (`.lvfontbin`) rather than PCF.
    pub lv: bool,
    pub glyphs: usize,
    /// Size as LVGL, when PCF was written and LVGL could hold the font.
    pub lv_size: Option<u64>,
    pub notes: Vec<String>,
}

impl Encoded {
    pub fn ext(&self) -> &'static str {
        if self.lv {
            "lvfontbin"
        } else {
            "pcf"
        }
    }
}

/// Which glyphs to keep (all without a charset) and what the user should know about it.
/// `astral`: the output can hold code points above U+FFFF (LVGL, BDF).
pub fn select(font: &Font, set: Option<&CharSet>, astral: bool) -> (Vec<bool>, Vec<String>) {
    let Some(set) = set else {
        return (vec![true; font.glyphs.len()], Vec::new());
    };
    let keep: Vec<bool> = font
        .glyphs
        .iter()
        .map(|g| {
            set.contains(g.code)
                || Some(g.code) == font.default_char
                || (astral && set.beyond_bmp.contains(&g.code))
        })
        .collect();
    let mut notes = Vec::new();
    let missing: Vec<u32> = set.iter().filter(|c| font.glyph(*c).is_none()).collect();
    if !missing.is_empty() {
        notes.push(format!(
            "the font lacks {} requested character(s): {}",
            missing.len(),
            list_codes(&missing)
        ));
    }
    if !astral && !set.beyond_bmp.is_empty() {
        notes.push(format!(
            "{} requested character(s) above U+FFFF cannot be kept in a PCF: {}",
            set.beyond_bmp.len(),
            list_codes(&set.beyond_bmp)
        ));
    }
    (keep, notes)
}

pub fn keep_only(mut font: Font, keep: &[bool]) -> Font {
    let mut it = keep.iter();
    font.glyphs.retain(|_| it.next().copied().unwrap_or(false));
    font
}

/// Every glyph in its ink box (the pixels on screen stay where they are; unit-tested in glyph).
/// Whole-Unicode fonts are cropped in two halves on two threads.
fn crop(font: &mut Font) {
    let glyphs = &mut font.glyphs;
    if glyphs.len() < 4096 {
        glyphs.iter_mut().for_each(Glyph::crop_in_place);
        return;
    }
    let mid = glyphs.len() / 2;
    let (a, b) = glyphs.split_at_mut(mid);
    std::thread::scope(|s| {
        s.spawn(|| a.iter_mut().for_each(Glyph::crop_in_place));
        b.iter_mut().for_each(Glyph::crop_in_place);
    });
}

/// The written PCF, read back, holds exactly the cropped font: the same glyphs (boxes, offsets,
/// advances, pixels) and the ascent, descent and bounding box labels use.
fn pcf_cropped(font: &Font) -> Result<(Vec<u8>, pcf::Layout), EncodeError> {
    let (out, layout) = pcf::write(font).ok_or(EncodeError::PcfMetrics)?;
    let mut expect = font.glyphs.iter();
    let mut glyphs_same = true;
    let back = pcf::read_with(&out, |g| glyphs_same &= expect.next() == Some(g))
        .map_err(EncodeError::PcfCheck)?;
    let same = back.ascent == font.ascent
        && back.descent == font.descent
        && back.bounds.bounding_box() == font.bounds.bounding_box()
        && glyphs_same
        && expect.next().is_none();
    if !same {
        return Err(EncodeError::PcfDiffers);
    }
    Ok((out, layout))
}

/// Crop, write, and read our own output back: only a PCF that draws exactly what the source
/// draws is planned. Glyphs above U+FFFF must have been left out.
pub fn build(font: &Font) -> Result<(Vec<u8>, pcf::Layout), EncodeError> {
    let mut cropped = font.clone();
    crop(&mut cropped);
    pcf_cropped(&cropped)
}

/// The same for LVGL: write, then walk the file as the core reader does and compare every
/// glyph and the head fields a label reads.
fn lv_cropped(font: &Font) -> Result<Vec<u8>, EncodeError> {
    let (out, _) = lvfont::write(font)?;
    let (back, coded, glyphs_same) =
        super::lvfont_walk::check_same(&out, |k, g| font.glyphs.get(k) == Some(g))
            .map_err(EncodeError::LvCheck)?;
    let (w, h, _, y) = font.bounds.bounding_box();
    let head = (
        i32::from(back.default_advance),
        i32::from(back.font_size),
        i32::from(back.descent),
        i32::from(back.ascent),
    );
    if head != (w, h, y, font.ascent) || !glyphs_same || coded != font.glyphs.len() {
        return Err(EncodeError::LvDiffers);
    }
    Ok(out)
}

/// Encode `font` (kept glyphs; may hold code points above U+FFFF) as LVGL when `lv` is asked,
/// else (or when LVGL cannot hold it) as PCF. `lv_size`: what LVGL would take, for the note.
pub fn encode(mut font: Font, lv: bool) -> Result<Encoded, EncodeError> {
    crop(&mut font);
    encode_cropped(font, lv)
}

/// [`encode`] of a font whose glyphs are already in their ink boxes (a cropped BDF read).
pub fn encode_cropped(mut font: Font, lv: bool) -> Result<Encoded, EncodeError> {
    let mut notes = Vec::new();
    if lv {
        match lv_cropped(&font) {
            Ok(bytes) => {
                return Ok(Encoded {
                    bytes,
                    lv: true,
                    glyphs: font.glyphs.len(),
                    lv_size: None,
                    notes,
                })
            }
            Err(why) => notes.push(format!("written as PCF, not LVGL: {why}")),
        }
    }
    let lv_size = lvfont::size(&font).ok().map(|s| s as u64);
    let total = font.glyphs.len();
    font.glyphs.retain(|g| g.code <= 0xFFFF);
    let astral = total - font.glyphs.len();
    if astral > 0 {
        notes.push(format!(
            "{astral} glyph(s) above U+FFFF dropped (PCF cannot address them; \
             --font-format lvfontbin keeps them)"
        ));
    }
    if font.glyphs.is_empty() {
        return Err(EncodeError::AllAstral);
    }
    let (bytes, layout) = pcf_cropped(&font)?;
    notes.extend(table_note(&font, &layout));
    Ok(Encoded {
        bytes,
        lv: false,
        glyphs: font.glyphs.len(),
        lv_size,
        notes,
    })
}

impl Encoded {
    /// What `--font-format lvfontbin` would write instead of `size` bytes, for fonts kept as
    /// PCF or BDF: a user short of space should find the option, and its cost.
    pub fn lv_saving(&self, size: u64) -> Option<String> {
        let lv = self.lv_size?;
        (lv < size).then(|| {
            format!(
                "as LVGL (--font-format lvfontbin, adafruit_bitmap_font {}+) it would be {}, {} \
                 less, but glyphs load more slowly on the board",
                super::library::NEEDED_TEXT,
                format_size(lv),
                format_size(size - lv)
            )
        })
    }
}

/// The encoding table is a high-byte × low-byte rectangle: say so when it dominates the file.
fn table_note(font: &Font, layout: &pcf::Layout) -> Option<String> {
    if layout.encodings < 1024 || layout.encodings * 3 < layout.total {
        return None;
    }
    let mut rows: Vec<(u32, usize)> = Vec::new();
    for g in &font.glyphs {
        match rows.iter_mut().find(|(r, _)| *r == g.code >> 8) {
            Some((_, n)) => *n += 1,
            None => rows.push((g.code >> 8, 1)),
        }
    }
    let main = rows.iter().max_by_key(|(_, n)| *n).map_or(0, |(r, _)| *r);
    let far: Vec<u32> = font
        .glyphs
        .iter()
        .map(|g| g.code)
        .filter(|c| c >> 8 != main)
        .collect();
    let (lo, hi) = (
        font.glyphs.first().map_or(0, |g| g.code),
        font.glyphs.last().map_or(0, |g| g.code),
    );
    let mut note = format!(
        "the encoding table is {} of {} ({}%): PCF keeps a slot for every code point in the \
         rectangle U+{lo:04X}–U+{hi:04X} (high byte × low byte)",
        format_size(layout.encodings as u64),
        format_size(layout.total as u64),
        layout.encodings * 100 / layout.total.max(1),
    );
    if !far.is_empty() && far.len() <= 8 {
        note.push_str(&format!(
            "; {} alone widen it (drop them with --charset to save most of it)",
            list_codes(&far)
        ));
    }
    Some(note)
}
