//! `--colors N` uses all N colours when the image has more, and reserves palette entry 0's
//! colour only when asked to (code makes a palette entry transparent).

use super::decode::decode;
use super::tests::{pal8, photo};
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
