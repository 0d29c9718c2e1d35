use super::*;
use crate::stages::fonts::glyph::{Bitmap, Bounds};

fn glyph(code: u32, advance: i32, x: i32, y: i32, w: u32, h: u32) -> Glyph {
    let mut bitmap = Bitmap::new(w, h);
    for i in 0..w.min(h) {
        bitmap.set(i, i);
    }
    Glyph {
        code,
        advance,
        x,
        y,
        bitmap,
    }
}

fn font(glyphs: Vec<Glyph>) -> Font {
    Font {
        ascent: 11,
        descent: 3,
        bounds: Bounds {
            lsb: -1,
            rsb: 9,
            ascent: 12,
            descent: 3,
        },
        default_char: None,
        glyphs,
    }
}

#[test]
fn cmap_picks_runs_and_sparse_lists_by_size() {
    // A run of 3 then 2 lone code points 2 apart: one sparse list (16 + 2·5 = 26 B) beats three
    // headers (48 B).
    let r = cmap_ranges(&[10, 11, 12, 14, 16]);
    assert_eq!(
        r,
        vec![Range {
            first: 0,
            end: 5,
            sparse: true
        }]
    );
    // A long run next to a lone far code point: two format-2 headers.
    let codes: Vec<u32> = (0x20..0x7F).chain([0x2022]).collect();
    let r = cmap_ranges(&codes);
    assert_eq!(r.len(), 2);
    assert!(r.iter().all(|r| !r.sparse));
    // Format-3 offsets are u16: a list never spans 65,536 code points.
    let r = cmap_ranges(&[0x20, 0x10020]);
    assert_eq!(r.len(), 2);
}

#[test]
fn field_widths_keep_both_readers_working() {
    assert_eq!(unsigned_bits(0), 1, "advance bits are never 0");
    assert_eq!(unsigned_bits(8), 4);
    assert_eq!(signed_bits(0, 0), 1, "x/y bits are never 0");
    assert_eq!(signed_bits(-1, 0), 1);
    assert_eq!(signed_bits(-2, 1), 2);
    assert_eq!(signed_bits(-3, 3), 3);
    assert_eq!(signed_bits(0, 4), 4);
}

#[test]
fn round_trip_and_size_formula() {
    let f = font(vec![
        glyph(0x20, 5, 0, 0, 0, 0),
        glyph(0x41, 6, -1, -3, 5, 7),
        glyph(0x42, 0, 0, 2, 1, 1),
        glyph(0x1F600, 9, 0, 0, 8, 8),
    ]);
    let (bytes, layout) = write(&f).expect("write");
    let back = check(&bytes).expect("core reader rules");
    assert_eq!(back.glyphs, f.glyphs);
    assert_eq!(
        (
            back.font_size,
            back.ascent,
            back.descent,
            back.default_advance
        ),
        (15, 11, -3, 10)
    );
    // Widths: advance ≤ 9 → 4 bits, x/y in −3..2 → 3 bits, w/h ≤ 8 → 4 bits: a 4+6+8 = 18-bit
    // header. Records: 18 → 3 B, 18+35 → 7 B, 18+1 → 3 B, 18+64 → 11 B; glyf = 8 + 24.
    // cmap: U+0020, U+0041-42 as one sparse list (16 + 2·3 = 22 B, less than two 16-byte
    // format-2 headers), U+1F600 is too far for a u16 offset: a format-2 header. 12 + 22 + 16.
    // loca: 12 + 5 ids × 2. head 48.
    assert_eq!(layout.glyf, 8 + 3 + 7 + 3 + 11);
    assert_eq!(layout.cmap, 12 + 22 + 16);
    assert_eq!(layout.loca, 12 + 5 * 2);
    assert_eq!(bytes.len(), 48 + 50 + 22 + 32);
    assert_eq!(size(&f), Ok(bytes.len()));
}

#[test]
fn unfit_fonts_are_refused_not_mangled() {
    let f = font(vec![glyph(0x41, -2, 0, 0, 1, 1)]);
    assert!(matches!(write(&f), Err(Unfit::NegativeAdvance(v)) if v == vec![0x41]));
    assert_eq!(write(&font(vec![])).err(), Some(Unfit::Empty));
    let many: Vec<Glyph> = (0..MAX_GLYPHS as u32 + 1)
        .map(|c| glyph(c, 1, 0, 0, 0, 0))
        .collect();
    assert_eq!(
        size(&font(many)).err(),
        Some(Unfit::TooMany(MAX_GLYPHS + 1))
    );
    // 65,535 glyphs is the most that fits: ids 1..=65535.
    let most: Vec<Glyph> = (0..MAX_GLYPHS as u32)
        .map(|c| glyph(c, 1, 0, 0, 0, 0))
        .collect();
    let (bytes, _) = write(&font(most)).expect("65,535 glyphs");
    assert_eq!(check(&bytes).expect("check").glyphs.len(), MAX_GLYPHS);
}

#[test]
fn check_rejects_what_a_board_reader_gets_wrong() {
    use crate::stages::fonts::error::LvFontError as E;
    let f = font(vec![glyph(0x41, 6, 0, 0, 3, 3), glyph(0x43, 6, 0, 0, 2, 2)]);
    let (good, _) = write(&f).expect("write");
    let head = |i: usize, v: u8| {
        let mut b = good.clone();
        b[8 + 26 + i] = v;
        b
    };
    assert_eq!(check(&head(7, 1)).err(), Some(E::Compressed));
    assert_eq!(
        check(&head(6, 0)).err(),
        Some(E::EmptyField),
        "0 advance bits"
    );
    assert_eq!(check(&head(4, 0)).err(), Some(E::EmptyField), "0 x/y bits");
    // Both code points pointing at one glyph record: the core reader's walk breaks.
    let mut shared = good.clone();
    let at = good.windows(4).position(|w| w == b"loca").expect("loca") + 8;
    let first = [shared[at + 2], shared[at + 3]];
    shared[at + 4] = first[0];
    shared[at + 5] = first[1];
    assert_eq!(check(&shared).err(), Some(E::Misplaced(2)), "shared record");
    // A format-0 cmap subtable.
    let mut f0 = good.clone();
    let cmap = good.windows(4).position(|w| w == b"cmap").expect("cmap") + 8;
    f0[cmap + 14] = 0;
    assert_eq!(check(&f0).err(), Some(E::CmapFormat(0)));
    assert_eq!(
        E::CmapFormat(0).to_string(),
        "cmap format 0: only formats 2 and 3 load reliably"
    );
    // A range starting near u32::MAX is refused, not an overflow.
    let mut far = good.clone();
    far[cmap + 4..cmap + 8].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(check(&far).err(), Some(E::OutsideRange(u32::MAX)));
    assert_eq!(check(&[]).err(), Some(E::NoMagic));
    for cut in [4, 47, 60, good.len() - 1] {
        let err = check(&good[..cut]).expect_err("truncated");
        assert!(matches!(err, E::BadSection { .. }), "cut {cut}: {err}");
    }
}
