//! Unit tests of the font model (kept beside it: `glyph.rs` holds the model).

use super::*;

fn glyph(w: u32, h: u32, px: &[(u32, u32)]) -> Glyph {
    let mut b = Bitmap::new(w, h);
    for &(x, y) in px {
        b.set(x, y);
    }
    Glyph {
        code: 65,
        advance: 7,
        x: -1,
        y: -2,
        bitmap: b,
    }
}

#[test]
fn crop_keeps_ink_in_place() {
    let g = glyph(40, 10, &[(3, 2), (35, 7)]);
    let c = g.cropped();
    assert_eq!((c.bitmap.w, c.bitmap.h), (33, 6));
    assert_eq!((c.x, c.y), (2, 0));
    assert_eq!(c.ink(), g.ink());
}

#[test]
fn crop_matches_pixel_by_pixel() {
    let mut seed = 7u32;
    for _ in 0..200 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let (w, h) = (1 + seed % 40, 1 + (seed >> 8) % 9);
        let mut b = Bitmap::new(w, h);
        for i in 0..w * h {
            if (seed >> (i % 23)) & 1 == 1 {
                b.set(i % w, i / w);
            }
        }
        let (x0, y0) = ((seed >> 4) % w, (seed >> 12) % h);
        let (cw, ch) = (w - x0, h - y0);
        let c = b.crop(x0, y0, cw, ch);
        for y in 0..ch {
            for x in 0..cw {
                assert_eq!(c.get(x, y), b.get(x0 + x, y0 + y));
            }
        }
        assert_eq!(c.bits.len(), Bitmap::stride(cw) * ch as usize);
        let g = Glyph {
            code: 1,
            advance: 3,
            x: -2,
            y: 1,
            bitmap: b.clone(),
        };
        let mut inplace = g.clone();
        inplace.crop_in_place();
        assert_eq!(inplace.ink(), g.ink());
        let ink = b.ink_box().map_or((0, 0), |(_, _, w, h)| (w, h));
        assert_eq!((inplace.bitmap.w, inplace.bitmap.h), ink);
        assert_eq!(
            inplace.bitmap.bits.len(),
            Bitmap::stride(ink.0) * ink.1 as usize
        );
        assert_eq!(
            inplace.bitmap,
            b.crop_box(),
            "same as a fresh crop of the ink box"
        );
    }
}

#[test]
fn ink_box_is_the_box_of_set_pixels() {
    let mut seed = 11u32;
    for _ in 0..300 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let (w, h) = (1 + seed % 40, 1 + (seed >> 8) % 9);
        let mut b = Bitmap::new(w, h);
        for i in 0..w * h {
            if (seed >> (i % 29)) & 7 == 0 {
                b.set(i % w, i / w);
            }
        }
        let set: Vec<(u32, u32)> = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .filter(|&(x, y)| b.get(x, y))
            .collect();
        let expect = (!set.is_empty()).then(|| {
            let x0 = set.iter().map(|p| p.0).min().unwrap_or(0);
            let x1 = set.iter().map(|p| p.0).max().unwrap_or(0);
            let y0 = set.iter().map(|p| p.1).min().unwrap_or(0);
            let y1 = set.iter().map(|p| p.1).max().unwrap_or(0);
            (x0, y0, x1 - x0 + 1, y1 - y0 + 1)
        });
        assert_eq!(b.ink_box(), expect, "{w}x{h}");
    }
}

#[test]
fn blank_glyph_crops_to_nothing() {
    let c = glyph(8, 8, &[]).cropped();
    assert_eq!((c.bitmap.w, c.bitmap.h, c.x, c.y), (0, 0, 0, 0));
    assert_eq!(c.advance, 7);
}

#[test]
fn cropping_from_row_words_matches_cropping_in_place() {
    let mut seed = 0x9E37_79B9u32;
    for _ in 0..2000 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let (w, h) = (seed % 33, (seed >> 8) % 12);
        let mut g = glyph(w, h, &[]);
        for i in 0..w * h {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            // Sparse ink, often none in a row, sometimes none at all.
            if (seed >> 16).is_multiple_of(11) {
                g.bitmap.set(i % w, i / w);
            }
        }
        let words: Vec<u32> = (0..h)
            .map(|y| {
                (0..w)
                    .filter(|&x| g.bitmap.get(x, y))
                    .fold(0, |v, x| v | 1 << (31 - x))
            })
            .collect();
        let from_rows = Glyph::cropped_from_rows(g.code, g.advance, (g.x, g.y), w, &words);
        assert_eq!(from_rows, g.cropped(), "{w}x{h}");
    }
}
