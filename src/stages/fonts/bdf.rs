//! A tolerant BDF reader of our own (see the stage docs for why not `bdf-reader`).
//!
//! Reads bytes, not UTF-8 (Latin-1 comments and properties are common), accepts `STARTFONT 2.x`,
//! `FONT` names with spaces, `ENCODING -1 [n]` (dropped: unencoded glyphs are unreachable in PCF
//! and crash adafruit's BDF loader) and duplicate code points (the first wins, as on the device).
//! Everything that decides pixels is validated strictly: a malformed glyph fails the file, which
//! the stage then reports and leaves alone.

use std::io::Read;
use std::ops::Range;

use super::bdf_text::{bitmap_rows, in_range, int, ints, keyword, tokens, Lines, Rows};

use super::error::{BdfError, BdfLineError, Truncated};
use super::glyph::{Bitmap, Bounds, Font, Glyph};

/// Glyph boxes and the font box are bounded so every metric fits a PCF i16 and no allocation is
/// driven by a number in the file.
const MAX_DIM: i64 = 1024;
const MAX_OFFSET: i64 = 4096;

#[derive(Debug, Clone, Default)]
pub struct BdfFile {
    pub font: Font,
    /// FONTBOUNDINGBOX w h x y.
    pub fbb: (i32, i32, i32, i32),
    /// Bytes before the `CHARS` line (header and properties, kept as they are when subsetting).
    pub header: Range<usize>,
    /// For each glyph of `font.glyphs` (same order): its STARTCHAR..ENDCHAR bytes.
    pub blocks: Vec<Range<usize>>,
    /// Glyphs with `ENCODING -1` (with or without an alternative code) or beyond Unicode.
    pub unencoded: usize,
    /// Glyphs above U+FFFF (in `font.glyphs`; a PCF cannot address them, LVGL can).
    pub beyond_bmp: usize,
    /// Code points defined more than once (the later definitions are dropped).
    pub duplicates: Vec<u32>,
    /// `CHARS` and the glyphs found disagree: `(said, found)`. adafruit_bitmap_font never reads
    /// `CHARS`, so such a font loads on the board and is read here too.
    pub chars_mismatch: Option<(i64, i64)>,
}

/// Parse a whole BDF file. `Err` says why, for the user (line number included).
pub fn parse(src: &[u8]) -> Result<BdfFile, BdfError> {
    parse_from(src)
}

/// [`parse`] from a reader, line by line (the stage streams fonts from the drive).
pub fn parse_from(r: impl Read) -> Result<BdfFile, BdfError> {
    parse_boxes(r, false)
}

/// [`parse_from`] with every glyph cut to its ink box ([`Glyph::crop_in_place`]) as soon as it
/// is read, while its rows are still in cache: what the converters need, and cheaper than a
/// pass over a whole-Unicode font later.
pub fn parse_cropped(r: impl Read) -> Result<BdfFile, BdfError> {
    parse_boxes(r, true)
}

pub(super) fn parse_boxes(r: impl Read, crop: bool) -> Result<BdfFile, BdfError> {
    let mut lines = Lines::new(r);
    let result = header(&mut lines).and_then(|head| {
        let part = glyphs(&mut lines, head.dwidth, head.hint, None, crop)?;
        Ok(finish(head, [part]))
    });
    match lines.error {
        Some(e) => Err(BdfError::Read(e.to_string())),
        None => result,
    }
}

/// What the header says that the glyph section needs.
pub(super) struct Header {
    out: BdfFile,
    /// The font-wide DWIDTH, the default of every glyph's.
    pub(super) dwidth: Option<i64>,
    chars: Option<i64>,
    /// Glyphs to make room for (CHARS, bounded).
    pub(super) hint: usize,
}

/// Everything up to and including the CHARS line.
pub(super) fn header<R: Read>(lines: &mut Lines<R>) -> Result<Header, BdfError> {
    let (_, _, first) = lines.next().ok_or(BdfError::Empty)?;
    if keyword(first) != b"STARTFONT" {
        return Err(BdfError::NotBdf);
    }
    let version = tokens(first).nth(1).unwrap_or(&[]);
    if !version.starts_with(b"2.") {
        return Err(BdfError::Version(
            String::from_utf8_lossy(version).into_owned(),
        ));
    }

    let mut out = BdfFile::default();
    let mut fbb = None;
    let mut ascent = None;
    let mut descent = None;
    let mut font_dwidth = None;
    let mut chars = None;
    let mut header_end = 0;
    // Header and properties, up to CHARS.
    while chars.is_none() {
        let (start, no, line) = lines
            .next()
            .ok_or(BdfError::Truncated(Truncated::NoChars))?;
        match keyword(line) {
            b"FONTBOUNDINGBOX" => {
                let v = ints(line, 4, "FONTBOUNDINGBOX", no)?;
                fbb = Some((
                    in_range(v[0], 0, MAX_DIM, "font box width", no)?,
                    in_range(v[1], 0, MAX_DIM, "font box height", no)?,
                    in_range(v[2], -MAX_OFFSET, MAX_OFFSET, "font box x offset", no)?,
                    in_range(v[3], -MAX_OFFSET, MAX_OFFSET, "font box y offset", no)?,
                ));
            }
            b"METRICSSET" if ints(line, 1, "METRICSSET", no)?[0] == 1 => {
                return Err(BdfError::VerticalOnly);
            }
            b"DWIDTH" => font_dwidth = Some(ints(line, 1, "DWIDTH", no)?[0]),
            b"FONT_ASCENT" => ascent = int(tokens(line).nth(1)),
            b"FONT_DESCENT" => descent = int(tokens(line).nth(1)),
            b"DEFAULT_CHAR" => {
                out.font.default_char = int(tokens(line).nth(1))
                    .filter(|c| (0..=0xFFFF).contains(c))
                    .map(|c| c as u32)
            }
            b"CHARS" => {
                let n = ints(line, 1, "CHARS", no)?[0];
                chars = Some(n);
                header_end = start;
            }
            b"STARTCHAR" => return Err(BdfLineError::GlyphsBeforeChars.at(no)),
            b"ENDFONT" => return Err(BdfLineError::EndfontBeforeChars.at(no)),
            _ => {}
        }
    }
    let (fw, fh, fx, fy) = fbb.ok_or(BdfError::NoFontBox)?;
    out.fbb = (fw, fh, fx, fy);
    out.header = 0..header_end;
    let clamp = |v: Option<i64>, dflt: i32| {
        v.filter(|v| (-MAX_OFFSET..=MAX_OFFSET).contains(v))
            .map_or(dflt, |v| v as i32)
    };
    out.font.ascent = clamp(ascent, fh + fy);
    out.font.descent = clamp(descent, -fy);
    out.font.bounds = Bounds {
        lsb: fx,
        rsb: fx + fw,
        ascent: fh + fy,
        descent: -fy,
    };
    let hint = chars.unwrap_or(0).clamp(0, 1 << 17) as usize;
    Ok(Header {
        out,
        dwidth: font_dwidth,
        chars,
        hint,
    })
}

/// A run of glyphs in file order, before sorting: the whole glyph section or a part of it.
#[derive(Default)]
pub(super) struct Part {
    glyphs: Vec<Glyph>,
    blocks: Vec<Range<usize>>,
    count: i64,
    unencoded: usize,
    beyond_bmp: usize,
    /// Stopped at the `stop` offset rather than at ENDFONT.
    pub(super) stopped: bool,
}

/// Glyphs up to ENDFONT, or up to the STARTCHAR line that starts at offset `stop`; each cut
/// to its ink box when `crop`.
pub(super) fn glyphs<R: Read>(
    lines: &mut Lines<R>,
    font_dwidth: Option<i64>,
    hint: usize,
    stop: Option<usize>,
    crop: bool,
) -> Result<Part, BdfError> {
    let mut part = Part {
        glyphs: Vec::with_capacity(hint),
        blocks: Vec::with_capacity(hint),
        ..Part::default()
    };
    let mut words = Vec::new();
    loop {
        let (start, no, line) = lines
            .next()
            .ok_or(BdfError::Truncated(Truncated::BeforeEndfont))?;
        match keyword(line) {
            b"ENDFONT" => break,
            b"STARTCHAR" if Some(start) == stop => {
                part.stopped = true;
                break;
            }
            b"STARTCHAR" => {}
            other => {
                return Err(BdfLineError::ExpectedStartchar(
                    String::from_utf8_lossy(other).into_owned(),
                )
                .at(no))
            }
        }
        part.count += 1;
        let (g, end) = glyph(lines, font_dwidth, crop, &mut words)?;
        match g {
            Parsed::Unencoded => part.unencoded += 1,
            Parsed::Encoded(g) if g.code > 0x10FFFF => part.unencoded += 1,
            Parsed::Encoded(g) => {
                // Kept for LVGL, which holds them; the PCF writer leaves them out.
                part.beyond_bmp += usize::from(g.code > 0xFFFF);
                part.glyphs.push(g);
                part.blocks.push(start..end);
            }
        }
    }
    Ok(part)
}

/// The file from its header and its glyph section's parts in file order.
pub(super) fn finish<const N: usize>(head: Header, parts: [Part; N]) -> BdfFile {
    let mut out = head.out;
    let mut count = 0;
    let (mut glyphs, mut blocks) = (Vec::new(), Vec::new());
    for mut p in parts {
        count += p.count;
        out.unencoded += p.unencoded;
        out.beyond_bmp += p.beyond_bmp;
        if glyphs.is_empty() {
            (glyphs, blocks) = (p.glyphs, p.blocks);
        } else {
            glyphs.append(&mut p.glyphs);
            blocks.append(&mut p.blocks);
        }
    }
    if let Some(said) = head.chars.filter(|n| *n != count) {
        out.chars_mismatch = Some((said, count));
    }
    let (g, b) = sort_unique(glyphs, blocks, &mut out.duplicates);
    out.duplicates.sort_unstable();
    out.duplicates.dedup();
    out.font.glyphs = g;
    out.blocks = b;
    out
}

/// Glyphs sorted by code point, the first definition of a code point kept (as on the device)
/// and the others listed in `dups`. Files are nearly always sorted already: nothing is copied.
fn sort_unique(
    glyphs: Vec<Glyph>,
    blocks: Vec<Range<usize>>,
    dups: &mut Vec<u32>,
) -> (Vec<Glyph>, Vec<Range<usize>>) {
    if glyphs.windows(2).all(|w| w[0].code < w[1].code) {
        return (glyphs, blocks);
    }
    let mut pairs: Vec<(Glyph, Range<usize>)> = glyphs.into_iter().zip(blocks).collect();
    // Stable: among equal code points the first definition stays first.
    pairs.sort_by_key(|(g, _)| g.code);
    let mut g: Vec<Glyph> = Vec::with_capacity(pairs.len());
    let mut b = Vec::with_capacity(pairs.len());
    for (glyph, range) in pairs {
        if g.last().is_some_and(|l| l.code == glyph.code) {
            dups.push(glyph.code);
        } else {
            g.push(glyph);
            b.push(range);
        }
    }
    (g, b)
}

enum Parsed {
    Unencoded,
    Encoded(Glyph),
}

/// One glyph after its STARTCHAR line (in its ink box when `crop`); returns it and the offset
/// just past its ENDCHAR line. `words`: room for a narrow glyph's rows, reused.
fn glyph<R: Read>(
    lines: &mut Lines<R>,
    font_dwidth: Option<i64>,
    crop: bool,
    words: &mut Vec<u32>,
) -> Result<(Parsed, usize), BdfError> {
    let mut code: Option<i64> = None;
    let mut advance = font_dwidth;
    let mut bbx = None;
    loop {
        let (_, no, line) = lines
            .next()
            .ok_or(BdfError::Truncated(Truncated::InsideGlyph))?;
        match keyword(line) {
            b"ENCODING" => code = Some(ints(line, 1, "ENCODING", no)?[0]),
            b"DWIDTH" => advance = Some(ints(line, 1, "DWIDTH", no)?[0]),
            b"BBX" => {
                let v = ints(line, 4, "BBX", no)?;
                bbx = Some((
                    in_range(v[0], 0, MAX_DIM, "glyph width", no)? as u32,
                    in_range(v[1], 0, MAX_DIM, "glyph height", no)? as u32,
                    in_range(v[2], -MAX_OFFSET, MAX_OFFSET, "glyph x offset", no)?,
                    in_range(v[3], -MAX_OFFSET, MAX_OFFSET, "glyph y offset", no)?,
                ));
            }
            b"BITMAP" => break,
            b"STARTCHAR" | b"ENDFONT" | b"ENDCHAR" => return Err(BdfLineError::NoBitmap.at(no)),
            _ => {}
        }
    }
    let no = lines.no;
    let code = code.ok_or_else(|| BdfLineError::NoEncoding.at(no))?;
    let advance = advance.ok_or_else(|| BdfLineError::NoDwidth.at(no))?;
    let advance = in_range(advance, -MAX_OFFSET, MAX_OFFSET, "DWIDTH", no)?;
    let (w, h, x, y) = bbx.ok_or_else(|| BdfLineError::NoBbx.at(no))?;
    let code = u32::try_from(code).ok();
    if crop && w <= 32 {
        words.clear();
        let end = bitmap_rows(lines, w, h, Rows::Words(words))?;
        let Some(code) = code else {
            return Ok((Parsed::Unencoded, end));
        };
        let g = Glyph::cropped_from_rows(code, advance, (x, y), w, words);
        return Ok((Parsed::Encoded(g), end));
    }
    let mut bits = Vec::with_capacity(Bitmap::stride(w) * h as usize);
    let end = bitmap_rows(lines, w, h, Rows::Bytes(&mut bits))?;
    let Some(code) = code else {
        return Ok((Parsed::Unencoded, end));
    };
    let mut g = Glyph {
        code,
        advance,
        x,
        y,
        bitmap: Bitmap { w, h, bits },
    };
    if crop {
        g.crop_in_place();
    }
    Ok((Parsed::Encoded(g), end))
}

/// The same font with only `keep` glyphs, as BDF text: header and glyph blocks are copied
/// byte for byte, only the CHARS line is rewritten.
pub fn subset(src: &[u8], file: &BdfFile, keep: &[bool]) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len());
    out.extend_from_slice(src.get(file.header.clone()).unwrap_or(&[]));
    let n = keep.iter().filter(|k| **k).count();
    out.extend_from_slice(format!("CHARS {n}\n").as_bytes());
    for (range, k) in file.blocks.iter().zip(keep) {
        if *k {
            out.extend_from_slice(src.get(range.clone()).unwrap_or(&[]));
            if out.last() != Some(&b'\n') {
                out.push(b'\n');
            }
        }
    }
    out.extend_from_slice(b"ENDFONT\n");
    out
}

#[cfg(test)]
#[path = "bdf_tests.rs"]
mod tests;
