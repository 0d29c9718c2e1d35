//! PCF round trips through our writer and reader.

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

#[test]
fn errors_say_what_is_wrong() {
    use crate::stages::fonts::error::PcfError;
    assert_eq!(read(b""), Err(PcfError::TruncatedTable));
    assert_eq!(read(b"\x01fcq\0\0\0\0"), Err(PcfError::BadMagic));
    let (mut bytes, _) = write(&font()).expect("write");
    bytes[4..8].copy_from_slice(&65u32.to_le_bytes());
    assert_eq!(read(&bytes), Err(PcfError::TooManyTables(65)));
    assert_eq!(
        read(&bytes).expect_err("65 tables").to_string(),
        "65 tables: not a PCF font"
    );
    // No tables at all: the accelerators are looked up first.
    bytes[4..8].copy_from_slice(&0u32.to_le_bytes());
    assert_eq!(read(&bytes), Err(PcfError::NoAccelerators));
}

#[test]
fn a_whole_unicode_size_font_round_trips_with_its_bitmaps_copied_in_two_halves() {
    // Enough glyphs for the two-thread copy, with identical bitmaps across the halves.
    let mut f = super::super::bdf::parse_cropped(&super::super::synth::bdf(20_000)[..])
        .expect("synth")
        .font;
    let n = f.glyphs.len();
    assert!(n >= 8192, "{n} glyphs");
    let early = f.glyphs[10].bitmap.clone();
    f.glyphs[n - 3].bitmap = early.clone();
    f.glyphs[n / 2 + 1].bitmap = early;
    let (bytes, layout) = write(&f).expect("write");
    assert_eq!(layout.total, bytes.len());
    assert_eq!(read(&bytes).expect("read"), f);
    // The later copies point at the first one's bitmap.
    let offset = |i: usize| {
        let at = bytes.len() - layout.encodings - 48 - layout.bitmaps - 16 - 4 * n + 4 * i;
        u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
    };
    assert_eq!(offset(n - 3), offset(10));
    assert_eq!(offset(n / 2 + 1), offset(10));
    assert_ne!(offset(11), offset(10));
}
