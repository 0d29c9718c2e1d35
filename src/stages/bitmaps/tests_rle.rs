//! RLE8 input: runs, literals and deltas decode, and an RLE file is rewritten uncompressed only
//! when that is not larger or `--decompress-rle` asks for it.

use super::decode::decode;
use super::tests::{assert_board_safe, rewrite, rle8, same_colors};
use super::*;

#[test]
fn rle8_runs_literals_deltas_decode() {
    // row 0 (bottom): run of 3×5, literal [7,8,9]; EOL; row 1: delta (2,0) then run 2×1; EOB.
    let src = rle8(
        6,
        2,
        &[3, 5, 0, 3, 7, 8, 9, 0, 0, 0, 0, 2, 2, 0, 2, 1, 0, 1],
    );
    let d = decode(&src).expect("rle");
    let Pixels::Indexed(ix) = d.pixels else {
        panic!()
    };
    assert_eq!(ix, vec![0, 0, 1, 1, 0, 0, 5, 5, 5, 7, 8, 9]);
}

#[test]
fn rle_is_rewritten_when_not_larger_or_forced() {
    // Big flat image: RLE is tiny, so uncompressed is larger → report, unless forced.
    let mut stream = Vec::new();
    for _ in 0..40 {
        stream.extend_from_slice(&[200, 3, 0, 0]);
    }
    stream.extend_from_slice(&[0, 1]);
    let src = rle8(200, 40, &stream);
    match optimize(&src, &BitmapOptions::default(), false) {
        Outcome::Report { note, warning } => {
            assert!(warning);
            assert!(
                note.contains("RLE") && note.contains("--decompress-rle"),
                "{note}"
            );
        }
        other => panic!("{other:?}"),
    }
    let opts = BitmapOptions {
        decompress_rle: true,
        ..Default::default()
    };
    let (out, _) = rewrite(&src, &opts, false);
    assert_board_safe(&out);
    same_colors(&src, &out);
    // Noisy image: RLE is larger than raw 4-bit → rewritten by default.
    let mut stream = Vec::new();
    for y in 0..8u8 {
        for x in 0..16u8 {
            stream.extend_from_slice(&[1, (x ^ y) & 15]);
        }
        stream.extend_from_slice(&[0, 0]);
    }
    let src = rle8(16, 8, &stream);
    let (out, _) = rewrite(&src, &BitmapOptions::default(), false);
    same_colors(&src, &out);
}
