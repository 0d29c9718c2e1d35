//! A tolerant BDF reader of our own (see the stage docs for why not `bdf-reader`).
//!
//! Reads bytes, not UTF-8 (Latin-1 comments and properties are common), accepts `STARTFONT 2.x`,
//! `FONT` names with spaces, `ENCODING -1 [n]` (dropped: unencoded glyphs are unreachable in PCF
//! and crash adafruit's BDF loader) and duplicate code points (the first wins, as on the device).
//! Everything that decides pixels is validated strictly: a malformed glyph fails the file, which
//! the stage then reports and leaves alone.

use std::io::Read;
use std::ops::Range;

use super::bdf_text::{hex, hex_row, in_range, int, ints, keyword, tokens, Lines};

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

/// Parse a whole BDF file. `Err` carries a message for the user (line number included).
pub fn parse(src: &[u8]) -> Result<BdfFile, String> {
    parse_from(src)
}

/// [`parse`] from a reader, line by line (the stage streams fonts from the drive).
pub fn parse_from(r: impl Read) -> Result<BdfFile, String> {
    let mut lines = Lines::new(r);
    let result = parse_lines(&mut lines);
    match lines.error {
        Some(e) => Err(format!("read error: {e}")),
        None => result,
    }
}

fn parse_lines<R: Read>(lines: &mut Lines<R>) -> Result<BdfFile, String> {
    let (_, _, first) = lines.next().ok_or("empty file")?;
    if keyword(first) != b"STARTFONT" {
        return Err("not a BDF font (no STARTFONT)".into());
    }
    let version = tokens(first).nth(1).unwrap_or(&[]);
    if !version.starts_with(b"2.") {
        return Err(format!(
            "unsupported BDF version {}",
            String::from_utf8_lossy(version)
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
            .ok_or("truncated: no CHARS line before the end of the file")?;
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
                return Err("vertical-only font (METRICSSET 1)".into());
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
            b"STARTCHAR" => return Err(format!("line {no}: glyphs before the CHARS line")),
            b"ENDFONT" => return Err(format!("line {no}: ENDFONT before any CHARS line")),
            _ => {}
        }
    }
    let (fw, fh, fx, fy) = fbb.ok_or("no FONTBOUNDINGBOX")?;
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

    let mut count = 0i64;
    let hint = chars.unwrap_or(0).clamp(0, 1 << 17) as usize;
    let mut glyphs: Vec<Glyph> = Vec::with_capacity(hint);
    let mut blocks: Vec<Range<usize>> = Vec::with_capacity(hint);
    loop {
        let (start, no, line) = lines
            .next()
            .ok_or("truncated: the file ends before ENDFONT")?;
        match keyword(line) {
            b"ENDFONT" => break,
            b"STARTCHAR" => {}
            other => {
                return Err(format!(
                    "line {no}: expected STARTCHAR, found {}",
                    String::from_utf8_lossy(other)
                ))
            }
        }
        count += 1;
        let (g, end) = glyph(lines, font_dwidth)?;
        let range = start..end;
        match g {
            Parsed::Unencoded => out.unencoded += 1,
            Parsed::Encoded(g) if g.code > 0x10FFFF => out.unencoded += 1,
            Parsed::Encoded(g) => {
                // Kept for LVGL, which holds them; the PCF writer leaves them out.
                out.beyond_bmp += usize::from(g.code > 0xFFFF);
                glyphs.push(g);
                blocks.push(range);
            }
        }
    }
    if let Some(said) = chars.filter(|n| *n != count) {
        out.chars_mismatch = Some((said, count));
    }
    let (g, b) = sort_unique(glyphs, blocks, &mut out.duplicates);
    out.duplicates.sort_unstable();
    out.duplicates.dedup();
    out.font.glyphs = g;
    out.blocks = b;
    Ok(out)
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

/// One glyph after its STARTCHAR line; returns it and the offset just past its ENDCHAR line.
fn glyph<R: Read>(
    lines: &mut Lines<R>,
    font_dwidth: Option<i64>,
) -> Result<(Parsed, usize), String> {
    let mut code: Option<i64> = None;
    let mut advance = font_dwidth;
    let mut bbx = None;
    loop {
        let (_, no, line) = lines
            .next()
            .ok_or("truncated: the file ends inside a glyph")?;
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
            b"STARTCHAR" | b"ENDFONT" | b"ENDCHAR" => {
                return Err(format!(
                    "line {no}: glyph without BITMAP section (missing ENDCHAR?)"
                ))
            }
            _ => {}
        }
    }
    let no = lines.no;
    let code = code.ok_or_else(|| format!("line {no}: glyph without ENCODING"))?;
    let advance = advance.ok_or_else(|| format!("line {no}: glyph without DWIDTH"))?;
    let advance = in_range(advance, -MAX_OFFSET, MAX_OFFSET, "DWIDTH", no)?;
    let (w, h, x, y) = bbx.ok_or_else(|| format!("line {no}: glyph without BBX"))?;
    let stride = Bitmap::stride(w);
    let mut bits = Vec::with_capacity(stride * h as usize);
    let mut rows = 0u32;
    let end = loop {
        let (_, no, line) = lines
            .next_raw()
            .ok_or("truncated: the file ends inside a BITMAP")?;
        let t = line.trim_ascii();
        if t == b"ENDCHAR" {
            break lines.pos;
        }
        // The common case first: a hex row where one is expected.
        let at = bits.len();
        if rows == h || !hex_row(t, &mut bits) {
            bits.truncate(at);
            if t.first().is_some_and(u8::is_ascii_alphabetic)
                && !t.iter().all(|b| hex(*b).is_some())
            {
                return Err(format!(
                    "line {no}: {} inside a BITMAP (missing ENDCHAR?)",
                    String::from_utf8_lossy(keyword(t))
                ));
            }
            if rows == h {
                return Err(format!(
                    "line {no}: expected ENDCHAR after {h} BITMAP rows (BBX height)"
                ));
            }
            return Err(format!("line {no}: BITMAP row is not hex"));
        }
        if bits.len() - at != stride {
            return Err(format!(
                "line {no}: BITMAP row has {} bytes, BBX width {w} needs {stride}",
                bits.len() - at
            ));
        }
        // Bits past the width are not part of the glyph.
        if w % 8 != 0 {
            if let Some(last) = bits.last_mut() {
                *last &= 0xFFu8 << (8 - w % 8);
            }
        }
        rows += 1;
    };
    if rows != h {
        return Err(format!(
            "line {}: glyph has {rows} BITMAP rows, BBX height is {h}",
            lines.no
        ));
    }
    if code < 0 {
        return Ok((Parsed::Unencoded, end));
    }
    let g = Glyph {
        code: u32::try_from(code).unwrap_or(u32::MAX),
        advance,
        x,
        y,
        bitmap: Bitmap { w, h, bits },
    };
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
mod tests {
    use super::*;

    pub const SMALL: &str = "STARTFONT 2.1\nCOMMENT caf\u{e9}\nFONT -Misc-Fixed Medium-R-1\nSIZE 8 75 75\n\
        FONTBOUNDINGBOX 6 8 -1 -2\nSTARTPROPERTIES 3\nFONT_ASCENT 6\nFONT_DESCENT 2\n\
        DEFAULT_CHAR 65\nENDPROPERTIES\nCHARS 4\n\
        STARTCHAR A\nENCODING 65\nSWIDTH 500 0\nDWIDTH 6 0\nBBX 5 3 0 0\nBITMAP\n70\n88\nF8\nENDCHAR\n\
        STARTCHAR space\nENCODING 32\nSWIDTH 500 0\nDWIDTH 6 0\nBBX 0 0 0 0\nBITMAP\nENDCHAR\n\
        STARTCHAR un\nENCODING -1 300\nSWIDTH 500 0\nDWIDTH 6 0\nBBX 1 1 0 0\nBITMAP\n80\nENDCHAR\n\
        STARTCHAR A2\nENCODING 65\nSWIDTH 500 0\nDWIDTH 9 0\nBBX 1 1 0 0\nBITMAP\n80\nENDCHAR\n\
        ENDFONT\n";

    #[test]
    fn reads_tolerantly() {
        let f = parse(SMALL.as_bytes()).expect("parse");
        assert_eq!(f.font.glyphs.len(), 2);
        assert_eq!(f.unencoded, 1);
        assert_eq!(f.duplicates, vec![65]);
        let a = f.font.glyph(65).expect("A");
        assert_eq!(a.advance, 6, "the first definition wins");
        assert_eq!(a.bitmap.bits, vec![0x70, 0x88, 0xF8]);
        assert_eq!((f.font.ascent, f.font.descent), (6, 2));
        assert_eq!(f.font.bounds.bounding_box(), (6, 8, -1, -2));
        assert_eq!(f.font.default_char, Some(65));
    }

    #[test]
    fn crlf_long_lines_and_no_final_newline() {
        let long = format!("COMMENT {}\n", "x".repeat(200_000));
        let src = SMALL
            .replacen("FONT -Misc", &format!("{long}FONT -Misc"), 1)
            .replace('\n', "\r\n");
        let src = src.trim_end();
        let f = parse(src.as_bytes()).expect("parse");
        assert_eq!(f.font.glyphs.len(), 2);
        assert_eq!(
            f.font.glyph(65).expect("A").bitmap.bits,
            vec![0x70, 0x88, 0xF8]
        );
        // Block ranges still point at the glyph text.
        let block = &src.as_bytes()[f.blocks[1].clone()];
        assert!(block.starts_with(b"STARTCHAR A\r\n") && block.ends_with(b"ENDCHAR\r\n"));
    }

    #[test]
    fn latin1_bytes_and_version_2_2_are_fine() {
        let mut src = SMALL.replace("2.1", "2.2").into_bytes();
        let i = src.iter().position(|&b| b == 0xC3).expect("é");
        src.splice(i..i + 2, [0xE9]);
        assert!(parse(&src).is_ok());
    }

    fn bad(from: &str, to: &str) -> String {
        let src = SMALL.replacen(from, to, 1);
        assert_ne!(src, SMALL, "{from} not in fixture");
        parse(src.as_bytes()).expect_err("should fail")
    }

    #[test]
    fn rejects_malformed_glyphs() {
        let e = bad("F8\nENDCHAR", "F8\n");
        assert!(e.contains("ENDCHAR"), "{e}");
        assert!(bad("88\n", "880\n").contains("hex"));
        assert!(bad("88\n", "8800\n").contains("bytes"));
        assert!(bad("88\n", "").contains("rows"));
        assert!(bad("BBX 5 3 0 0", "BBX 99999 3 0 0").contains("range"));
        assert!(bad("70\n", "7Z\n").contains("hex"));
        assert!(bad("ENDFONT\n", "").contains("truncated"));
        assert!(bad("DWIDTH 6 0\nBBX 5", "BBX 5").contains("DWIDTH"));
    }

    #[test]
    fn a_wrong_chars_count_is_noted_not_refused() {
        for wrong in ["CHARS 5", "CHARS 3361", "CHARS 1"] {
            let src = SMALL.replacen("CHARS 4", wrong, 1);
            let f = parse(src.as_bytes()).expect("the loader ignores CHARS, so do we");
            let said: i64 = wrong[6..].parse().expect("n");
            assert_eq!(f.chars_mismatch, Some((said, 4)));
            let right = parse(SMALL.as_bytes()).expect("parse");
            assert_eq!(f.font.glyphs.len(), right.font.glyphs.len());
            assert!(right.chars_mismatch.is_none());
        }
    }

    #[test]
    fn subset_copies_blocks() {
        let f = parse(SMALL.as_bytes()).expect("parse");
        let out = subset(SMALL.as_bytes(), &f, &[false, true]);
        let g = parse(&out).expect("reparse");
        assert_eq!(g.font.glyphs.len(), 1);
        assert_eq!(g.font.glyphs[0].code, 65);
        assert_eq!(g.unencoded, 0);
    }
}
