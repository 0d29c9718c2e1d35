//! Hostile BMP headers (issue: a debug build panicked on a 16-bit mask of 0xFFFFFFFF): every
//! one gets a clear error or a correct decode, never a panic, never a huge allocation.

use cpslim_testkit::images::RawBmp;

use super::decode::{decode, BmpError, Pixels};
use super::tests::gray;
use super::*;

const EDGE_MASKS: [u32; 12] = [
    0,
    1,
    0x1f,
    0x3e0,
    0x7c00,
    0xf800,
    0xffff,
    0xff00_ff00,
    0x8000_0000,
    0xff00_0000,
    0x7fff_ffff,
    0xffff_ffff,
];

fn bitfields(bpp: u16, header_size: u32, masks: [u32; 3]) -> Vec<u8> {
    let mut r = RawBmp::new(3, 2, bpp);
    r.header_size = header_size;
    r.compression = 3;
    r.masks = Some(masks);
    r.data = vec![0xa5; 4 * 3 * 2];
    r.bytes()
}

#[test]
fn every_mask_combination_decodes_or_errors_cleanly() {
    for bpp in [16u16, 32] {
        for header in [40u32, 56, 108, 124] {
            for &r in &EDGE_MASKS {
                for &g in &EDGE_MASKS {
                    for &b in &EDGE_MASKS {
                        let bytes = bitfields(bpp, header, [r, g, b]);
                        match decode(&bytes) {
                            Ok(img) => assert_eq!(img.pixel_count(), 6),
                            Err(e) => assert_eq!(e, BmpError::Masks, "{bpp} {header} {r:x}"),
                        }
                        // The whole stage too: a report, never a panic.
                        let _ = optimize(&bytes, &BitmapOptions::default(), false);
                    }
                }
            }
        }
    }
}

#[test]
fn full_width_sixteen_bit_mask_is_a_clear_error() {
    let bytes = bitfields(16, 124, [0xffff_ffff, 0x07e0, 0x001f]);
    assert_eq!(decode(&bytes), Err(BmpError::Masks));
    match optimize(&bytes, &BitmapOptions::default(), false) {
        Outcome::Report { note, warning } => {
            assert!(warning);
            assert!(note.contains("RGB555 or RGB565"), "{note}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn thirty_two_bit_is_read_as_the_loaders_read_it_whatever_the_masks() {
    // RGBA-ordered masks (SDL's RGBA8888): both CircuitPython loaders ignore them and read the
    // bytes as blue, green, red, so that is what a lossless rewrite must keep.
    let mut r = RawBmp::new(2, 1, 32);
    r.header_size = 124;
    r.compression = 3;
    r.masks = Some([0xff00_0000, 0x00ff_0000, 0x0000_ff00]);
    r.data = vec![208, 255, 255, 255, 10, 20, 30, 40];
    let img = decode(&r.bytes()).expect("decodes");
    assert_eq!(img.color(0), [255, 255, 208]);
    assert_eq!(img.color(1), [30, 20, 10]);
}

#[test]
fn huge_dimensions_and_lying_counts_are_refused_before_allocating() {
    let cases: Vec<(RawBmp, &str)> = vec![
        (
            {
                let mut r = RawBmp::new(i32::MAX, i32::MAX, 1);
                r.data = vec![0; 8];
                r
            },
            "pixels",
        ),
        (
            {
                let mut r = RawBmp::new(70000, -70000, 24);
                r.data = vec![0; 8];
                r
            },
            "pixels",
        ),
        (
            {
                let mut r = RawBmp::new(1, i32::MIN, 24);
                r.data = vec![0; 8];
                r
            },
            "dimensions",
        ),
        (
            {
                let mut r = RawBmp::new(-5, 5, 24);
                r.data = vec![0; 8];
                r
            },
            "dimensions",
        ),
        (
            {
                let mut r = RawBmp::new(4000, 4000, 24);
                r.data = vec![0; 100];
                r
            },
            "truncated",
        ),
        (
            {
                let mut r = RawBmp::new(2, 2, 8);
                r.clr_used = u32::MAX;
                r.palette = gray(4);
                r.data = vec![0; 8];
                r
            },
            "over 256",
        ),
        (
            {
                let mut r = RawBmp::new(2, 2, 7);
                r.data = vec![0; 8];
                r
            },
            "bits per pixel",
        ),
    ];
    for (raw, needle) in cases {
        let err = decode(&raw.bytes()).expect_err(needle).to_string();
        assert!(err.contains(needle), "{err} lacks {needle}");
    }
    // Lying size and offset fields in the file header.
    let mut r = RawBmp::new(2, 2, 8);
    r.palette = gray(2);
    r.clr_used = 2;
    r.data = vec![0; 8];
    let mut b = r.bytes();
    b[2..6].copy_from_slice(&u32::MAX.to_le_bytes()); // bfSize is never trusted
    assert!(decode(&b).is_ok());
    b[10..14].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(decode(&b), Err(BmpError::DataOffset(_))));
    b[10..14].copy_from_slice(&3u32.to_le_bytes()); // inside the headers
    assert!(matches!(decode(&b), Err(BmpError::DataOffset(_))));
    // A header size that runs past the end of the file.
    let mut h = r.bytes();
    h[14..18].copy_from_slice(&124u32.to_le_bytes());
    h.truncate(100);
    assert!(matches!(decode(&h), Err(BmpError::Truncated(_))));
}

#[test]
fn rle_that_runs_past_the_image_is_clipped_not_written_out_of_bounds() {
    let mut r = RawBmp::new(4, 2, 8);
    r.compression = 1;
    r.palette = gray(3);
    r.clr_used = 3;
    // A 255-pixel run in a 4-pixel row, a delta far past the bottom, a literal past the end.
    r.data = vec![255, 1, 0, 0, 0, 2, 200, 200, 3, 2, 0, 5, 1, 2];
    let img = decode(&r.bytes()).expect("clipped");
    assert_eq!(img.pixels, Pixels::Indexed(vec![0, 0, 0, 0, 1, 1, 1, 1]));
    let mut lit = RawBmp::new(4, 1, 8);
    lit.compression = 1;
    lit.palette = gray(3);
    lit.clr_used = 3;
    lit.data = vec![0, 9, 1, 2];
    assert_eq!(
        decode(&lit.bytes()),
        Err(BmpError::Rle("literal run past the end"))
    );
}
