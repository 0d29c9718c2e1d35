//! `--colors N` uses all N colours when the image has more, and reserves palette entry 0's
//! colour only when asked to (code makes a palette entry transparent).

use cpslim_testkit::images::RawBmp;

use super::decode::decode;
use super::tests::{assert_board_safe, pal8, rewrite};
use super::*;

fn quantised(src: &[u8], k: u16, dither: bool, keep0: bool) -> Vec<[u8; 3]> {
    let opts = BitmapOptions {
        colors: Some(k),
        dither,
        ..Default::default()
    };
    match optimize_with(src, &opts, false, keep0) {
        Outcome::Rewrite { content, .. } => decode(&content).expect("decodes").palette,
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_slot_is_used_when_the_image_has_more_colours() {
    let src = photo(64, 48); // thousands of colours
    for k in [2u16, 4, 16, 64, 200] {
        for dither in [false, true] {
            let pal = quantised(&src, k, dither, false);
            let mut distinct = pal.clone();
            distinct.sort();
            distinct.dedup();
            assert_eq!(distinct.len(), usize::from(k), "k={k} dither={dither}");
        }
    }
    // An indexed image with 120 colours into 64.
    let used: Vec<u8> = (0..120).collect();
    assert_eq!(quantised(&pal8(60, 40, &used), 64, false, false).len(), 64);
}

#[test]
fn entry_zero_is_kept_only_when_asked() {
    // Index 0 is a black background covering a third of the picture; the rest a red ramp.
    let used: Vec<u8> = (0..40).collect();
    let mut src = pal8(40, 40, &used);
    let data_at = src.len() - 40 * 40;
    for b in &mut src[data_at..data_at + 40 * 13] {
        *b = 0;
    }
    let orig = decode(&src).expect("orig");
    let zero = orig.palette[0];
    let kept = quantised(&src, 2, false, true);
    assert_eq!(kept[0], zero, "make_transparent: entry 0 keeps its colour");
    let free = quantised(&src, 2, false, false);
    assert!(free.len() == 2);
    // Without the reservation both colours serve the picture: lower error.
    let err = |pal: &[[u8; 3]]| -> u64 {
        (0..orig.pixel_count())
            .map(|i| {
                let c = orig.color(i);
                pal.iter()
                    .map(|p| {
                        (0..3)
                            .map(|k| u64::from(c[k].abs_diff(p[k])).pow(2))
                            .sum::<u64>()
                    })
                    .min()
                    .unwrap_or(0)
            })
            .sum()
    };
    assert!(
        err(&free) <= err(&kept),
        "free {} kept {}",
        err(&free),
        err(&kept)
    );
}

pub(super) fn photo(w: usize, h: usize) -> Vec<u8> {
    let stride = (w * 3).div_ceil(4) * 4;
    let mut r = RawBmp::new(w as i32, h as i32, 24);
    r.data = vec![0; stride * h];
    for y in 0..h {
        for x in 0..w {
            let px = [
                (x * 255 / w) as u8,
                (y * 255 / h) as u8,
                ((x + y) * 3 % 256) as u8,
            ];
            r.data[y * stride + 3 * x..y * stride + 3 * x + 3].copy_from_slice(&px);
        }
    }
    r.bytes()
}

#[test]
fn colors_quantises_and_reports_error() {
    let src = photo(64, 48);
    let opts = BitmapOptions {
        colors: Some(16),
        ..Default::default()
    };
    let (out, note) = rewrite(&src, &opts, false);
    assert_board_safe(&out);
    let d = decode(&out).expect("d");
    assert!(d.palette.len() <= 16 && d.info.bpp == 4);
    assert!(
        note.contains("PSNR") && note.contains("max channel error"),
        "{note}"
    );
    let dither = BitmapOptions {
        dither: true,
        ..opts
    };
    let (out2, _) = rewrite(&src, &dither, false);
    assert_ne!(out, out2, "dithering changes the pixels");
}

#[test]
fn colors_keeps_index_zero_colour() {
    // Indexed original with 40 colours, index 0 a background nobody else is near.
    let used: Vec<u8> = (0..40).collect();
    let mut src = pal8(40, 40, &used);
    let stride = 40;
    let data_at = src.len() - stride * 40;
    for x in 0..40 {
        src[data_at + x] = 0;
    }
    let opts = BitmapOptions {
        colors: Some(4),
        ..Default::default()
    };
    let (out, _) = rewrite(&src, &opts, false);
    let (a, b) = (decode(&src).expect("a"), decode(&out).expect("b"));
    assert_eq!(b.palette[0], a.palette[0]);
    for i in 0..a.pixel_count() {
        if a.color(i) == a.palette[0] {
            assert_eq!(b.color(i), a.palette[0]);
        }
    }
}
