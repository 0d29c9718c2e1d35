//! The BDF reader's unit tests (kept beside it: `bdf.rs` holds the reader).

use super::*;

pub const SMALL: &str =
    "STARTFONT 2.1\nCOMMENT caf\u{e9}\nFONT -Misc-Fixed Medium-R-1\nSIZE 8 75 75\n\
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

/// A glyph 40 pixels wide (wider than the one-word-per-row path) with blank margins.
const WIDE: &str = "STARTFONT 2.1\nFONTBOUNDINGBOX 40 4 -3 -1\nCHARS 2\n\
    STARTCHAR w\nENCODING 87\nDWIDTH 41 0\nBBX 40 4 -3 -1\nBITMAP\n0000000000\n\
    0001FF8000\n00000003C0\n0000000000\nENDCHAR\n\
    STARTCHAR x\nENCODING 88\nDWIDTH 9 0\nBBX 9 3 0 0\nBITMAP\n0000\n4100\n0000\nENDCHAR\nENDFONT\n";

#[test]
fn cropped_reads_cut_each_glyph_as_a_later_crop_does() {
    let fonts = [
        SMALL.as_bytes().to_vec(),
        WIDE.as_bytes().to_vec(),
        super::super::synth::bdf(300),
        // CRLF, and rows with trailing blanks: not the quick path.
        String::from_utf8(super::super::synth::bdf(300))
            .expect("ascii")
            .replace('\n', " \r\n")
            .into_bytes(),
        std::fs::read(cpslim_testkit::fixture("fonts").join("6x13.bdf")).expect("6x13"),
    ];
    for src in &fonts[..] {
        let mut plain = parse(src).expect("parse");
        let cropped = parse_cropped(&src[..]).expect("parse cropped");
        plain.font.glyphs.iter_mut().for_each(Glyph::crop_in_place);
        assert_eq!(cropped.font, plain.font);
        assert_eq!(cropped.blocks, plain.blocks);
        assert_eq!(cropped.duplicates, plain.duplicates);
    }
    let wide = parse_cropped(WIDE.as_bytes()).expect("wide").font;
    let (w, x) = (&wide.glyphs[0], &wide.glyphs[1]);
    assert_eq!((w.x, w.y, w.bitmap.w, w.bitmap.h), (12, 0, 19, 2));
    assert_eq!((x.x, x.y, x.bitmap.w, x.bitmap.h), (1, 1, 7, 1));
    assert_eq!(x.bitmap.bits, vec![0x82]);
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
    parse(src.as_bytes()).expect_err("should fail").to_string()
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

#[test]
fn errors_carry_the_line_and_what_is_wrong() {
    use crate::stages::fonts::error::{BdfLineError, Truncated};
    let parse_err = |from: &str, to: &str| {
        parse(SMALL.replacen(from, to, 1).as_bytes()).expect_err("should fail")
    };
    let e = parse_err("88\n", "880\n");
    assert_eq!(e, BdfLineError::NotHex.at(19));
    assert_eq!(e.to_string(), "line 19: BITMAP row is not hex");
    let e = parse_err("BBX 5 3 0 0", "BBX 99999 3 0 0");
    let width = BdfLineError::OutOfRange {
        what: "glyph width",
        value: 99999,
    };
    assert_eq!(e, width.at(16));
    assert_eq!(e.to_string(), "line 16: glyph width 99999 is out of range");
    let e = parse_err("ENDFONT\n", "");
    assert_eq!(e, BdfError::Truncated(Truncated::BeforeEndfont));
    assert_eq!(e.to_string(), "truncated: the file ends before ENDFONT");
}
