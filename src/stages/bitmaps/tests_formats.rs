//! RLE and PNG writers round-trip every shape: widths 1..70, palettes of 2 to 256 entries,
//! flat, noisy, alternating and striped rows (the real adafruit_imageload check is in
//! tests/cli/image_format.rs; here our own decoders, which follow imageload's rules).

use super::decode::{decode, Pixels};
use super::png::{decode_indexed, encode_png};
use super::rle::encode_rle;
use cpslim_testkit::Lcg;

fn shapes() -> Vec<(usize, usize, usize, Vec<u8>)> {
    let mut rng = Lcg(18);
    let mut out = Vec::new();
    for &n in &[2usize, 3, 5, 16, 17, 200, 256] {
        for &w in &[1usize, 2, 3, 7, 16, 33, 70, 300] {
            let h = 1 + (rng.next_u64() % 5) as usize;
            for pattern in 0..5 {
                let px: Vec<u8> = (0..w * h)
                    .map(|i| {
                        let r = rng.next_u64() as usize;
                        (match pattern {
                            0 => 0,
                            1 => r % n,
                            2 => (i % 2) * (n - 1),
                            3 => (i / 5) % n,
                            _ => {
                                if r.is_multiple_of(4) {
                                    r % n
                                } else {
                                    (i / 9) % n
                                }
                            }
                        }) as u8
                    })
                    .collect();
                out.push((w, h, n, px));
            }
        }
    }
    out
}

#[test]
fn rle_round_trips_and_picks_rle4_only_for_small_palettes() {
    for (w, h, n, px) in shapes() {
        let pal: Vec<[u8; 3]> = (0..n).map(|i| [i as u8, 7, 9]).collect();
        let bytes = encode_rle(w, h, &pal, &px);
        let img = decode(&bytes).expect("decodes");
        assert_eq!(img.pixels, Pixels::Indexed(px.clone()), "{w}x{h} n={n}");
        assert_eq!(img.palette, pal);
        assert!(
            n <= 16 || img.info.compression == 1,
            "RLE4 with {n} colours"
        );
    }
}

#[test]
fn png_round_trips_with_the_palette_in_order() {
    for (w, h, n, px) in shapes() {
        let pal: Vec<[u8; 3]> = (0..n)
            .map(|i| [i as u8, 3, 250 - (i % 200) as u8])
            .collect();
        let png = encode_png(w, h, &pal, &px);
        let (gw, gh, gpal, gix) = decode_indexed(&png.bytes).expect("decodes");
        assert_eq!((gw, gh), (w, h));
        assert_eq!(gpal, pal);
        assert_eq!(gix, px, "{w}x{h} n={n}");
    }
}
