//! Broken or oversized BMPs are reported with what is wrong, never decoded past their end and
//! never a panic.

use cpslim_testkit::images::RawBmp;

use super::decode::{decode, BmpError};
use super::tests::{expect_warning, gray, pal8, rle8};
use super::*;

#[test]
fn bad_inputs_are_reported_not_decoded() {
    let mut huge = RawBmp::new(60000, 60000, 24);
    huge.data = vec![0; 146];
    expect_warning(&huge.bytes(), "pixels");
    let mut huge_rle = RawBmp::new(4000, 4000, 8);
    huge_rle.compression = 1;
    huge_rle.palette = gray(2);
    huge_rle.clr_used = 2;
    huge_rle.data = vec![0, 1];
    expect_warning(&huge_rle.bytes(), "pixels");
    let good = pal8(8, 8, &[0, 1]);
    expect_warning(&good[..good.len() - 10], "truncated");
    let mut off = good.clone();
    off[10..14].copy_from_slice(&5000u32.to_le_bytes());
    expect_warning(&off, "offset");
    let mut many = RawBmp::new(2, 2, 8);
    many.clr_used = 300;
    many.palette = gray(256);
    many.data = vec![0; 8];
    expect_warning(&many.bytes(), "over 256");
    let mut comp = RawBmp::new(2, 2, 8);
    comp.compression = 4;
    comp.palette = gray(2);
    comp.data = vec![0; 8];
    expect_warning(&comp.bytes(), "compression");
    expect_warning(b"GIF89a", "not a BMP");
    let mut oob = RawBmp::new(4, 1, 8);
    oob.clr_used = 2;
    oob.palette = gray(2);
    oob.data = vec![0, 1, 5, 0];
    expect_warning(&oob.bytes(), "past the 2-entry palette");
}

#[test]
fn no_input_panics() {
    // Every truncation and many single-byte corruptions of valid files of each kind.
    let mut seeds = vec![
        pal8(9, 5, &[0, 3, 7]),
        rle8(6, 2, &[3, 5, 0, 3, 7, 8, 9, 0, 0, 0, 1]),
    ];
    let mut r = RawBmp::new(3, 3, 16);
    r.header_size = 124;
    r.compression = 3;
    r.masks = Some([0xf800, 0x07e0, 0x001f]);
    r.data = vec![0x55; 24];
    seeds.push(r.bytes());
    for seed in seeds {
        for cut in 0..seed.len() {
            let _ = optimize(&seed[..cut], &BitmapOptions::default(), true);
        }
        for at in 0..seed.len().min(80) {
            for v in [0u8, 1, 0x7f, 0x80, 0xff] {
                let mut m = seed.clone();
                m[at] = v;
                let _ = optimize(&m, &BitmapOptions::default(), false);
            }
        }
    }
}

#[test]
fn decode_error_messages_name_the_problem() {
    assert_eq!(
        decode(b"BM").unwrap_err(),
        BmpError::Truncated("file header")
    );
}
