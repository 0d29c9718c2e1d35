use std::path::Path;

use cpslim_testkit::images::RawBmp;

use super::decode::{decode, Pixels};
use super::encode::{bitmap_ram, encode_indexed, MIN_FILE_LEN};
use super::guard::palette_user;
use super::*;

pub(super) fn gray(n: usize) -> Vec<Rgb> {
    (0..n).map(|i| [i as u8, (i * 3) as u8, 200]).collect()
}

/// 8-bit file, 256-entry palette, pixels cycling through `used` indices.
pub(super) fn pal8(w: usize, h: usize, used: &[u8]) -> Vec<u8> {
    let stride = w.div_ceil(4) * 4;
    let mut r = RawBmp::new(w as i32, h as i32, 8);
    r.palette = gray(256);
    r.data = vec![0; stride * h];
    for y in 0..h {
        for x in 0..w {
            r.data[y * stride + x] = used[(x + y) % used.len()];
        }
    }
    r.bytes()
}

pub(super) fn rewrite(bytes: &[u8], opts: &BitmapOptions, remap: bool) -> (Vec<u8>, String) {
    match optimize(bytes, opts, remap) {
        Outcome::Rewrite { content, note, .. } => (content, note),
        other => panic!("expected a rewrite, got {other:?}"),
    }
}

pub(super) fn same_colors(a: &[u8], b: &[u8]) {
    let (a, b) = (decode(a).expect("a"), decode(b).expect("b"));
    assert_eq!((a.width, a.height), (b.width, b.height));
    for i in 0..a.pixel_count() {
        assert_eq!(a.color(i), b.color(i), "pixel {i}");
    }
}

/// The rules our output must follow (docs/domain/bmp-and-displayio.md §0), checked on the bytes.
pub(super) fn assert_board_safe(b: &[u8]) {
    assert!(b.len() >= MIN_FILE_LEN);
    assert_eq!(&b[..2], b"BM");
    let u32at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    assert_eq!(u32at(2) as usize, b.len());
    assert_eq!(u32at(14), 40);
    assert!((u32at(22) as i32) > 0, "bottom-up");
    assert_eq!(u32at(30), 0, "BI_RGB");
    let bpp = u16::from_le_bytes([b[28], b[29]]);
    let n = u32at(46);
    if bpp <= 8 {
        assert!(n >= 2 && n <= 1 << bpp);
        assert_eq!(u32at(10), 14 + 40 + 4 * n, "palette adjacent to pixels");
        for i in 0..n as usize {
            assert_eq!(b[54 + 4 * i + 3], 0, "reserved byte");
        }
    } else {
        assert_eq!(n, 0);
    }
}

#[test]
fn eight_bit_five_colours_becomes_four_bit_with_same_indices() {
    let src = pal8(33, 7, &[0, 1, 2, 3, 4]);
    let (out, note) = rewrite(&src, &BitmapOptions::default(), false);
    assert_board_safe(&out);
    same_colors(&src, &out);
    let d = decode(&out).expect("decode");
    assert_eq!(d.info.bpp, 4);
    assert_eq!(d.palette.len(), 5);
    assert_eq!(d.pixels, decode(&src).expect("src").pixels, "indices kept");
    assert!(note.contains("8 → 4 bpp, palette 256 → 5"), "{note}");
    assert!(out.len() < src.len());
}

#[test]
fn unused_middle_indices_stay_and_tail_is_cut() {
    let src = pal8(16, 4, &[0, 9]);
    let (out, _) = rewrite(&src, &BitmapOptions::default(), false);
    let d = decode(&out).expect("decode");
    assert_eq!(d.palette.len(), 10);
    assert_eq!(d.info.bpp, 4);
    let Pixels::Indexed(ix) = &d.pixels else {
        panic!("indexed")
    };
    assert!(ix.contains(&9));
}

#[test]
fn remap_compacts_to_one_bit() {
    let src = pal8(16, 4, &[0, 9]);
    let (out, note) = rewrite(&src, &BitmapOptions::default(), true);
    let d = decode(&out).expect("decode");
    assert_eq!((d.info.bpp, d.palette.len()), (1, 2));
    assert_eq!(d.palette[0], gray(256)[0], "index 0's colour stays first");
    assert!(note.contains("renumbered"));
    same_colors(&src, &out);
}

#[test]
fn two_bpp_only_when_asked() {
    let src = pal8(40, 10, &[0, 1, 2]);
    let (out, _) = rewrite(&src, &BitmapOptions::default(), false);
    assert_eq!(decode(&out).expect("d").info.bpp, 4);
    let opts = BitmapOptions {
        two_bpp: true,
        ..Default::default()
    };
    let (out, note) = rewrite(&src, &opts, false);
    assert_eq!(decode(&out).expect("d").info.bpp, 2);
    assert!(note.contains("2 bpp"));
    same_colors(&src, &out);
}

#[test]
fn one_colour_image_gets_a_two_entry_palette() {
    let src = pal8(20, 20, &[0]);
    let (out, _) = rewrite(&src, &BitmapOptions::default(), false);
    assert_board_safe(&out);
    assert_eq!(decode(&out).expect("d").palette.len(), 2);
}

#[test]
fn truecolour_with_few_colours_becomes_indexed_background_first() {
    let (w, h) = (17usize, 9usize);
    let stride = (w * 3).div_ceil(4) * 4;
    let mut r = RawBmp::new(w as i32, h as i32, 24);
    r.data = vec![0; stride * h];
    for y in 0..h {
        for x in 0..w {
            let c: [u8; 3] = if (x * y) % 5 == 1 {
                [10, 20, 30]
            } else {
                [250, 250, 250]
            };
            r.data[y * stride + 3 * x..y * stride + 3 * x + 3].copy_from_slice(&c);
        }
    }
    let src = r.bytes();
    let (out, _) = rewrite(&src, &BitmapOptions::default(), false);
    assert_board_safe(&out);
    same_colors(&src, &out);
    let d = decode(&out).expect("d");
    assert_eq!(d.info.bpp, 1);
    assert_eq!(
        d.palette[0],
        decode(&src).expect("s").color(0),
        "top-left colour is index 0"
    );
}

#[test]
fn rgb565_and_555_sixteen_bit_decode_by_masks() {
    let mut r = RawBmp::new(2, 1, 16);
    r.compression = 3;
    r.header_size = 108;
    r.masks = Some([0xf800, 0x07e0, 0x001f]);
    r.data = [0xffffu16, 0x07e0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let d = decode(&r.bytes()).expect("565");
    assert_eq!(d.color(0), [255, 255, 255]);
    assert_eq!(d.color(1), [0, 255, 0]);
    let mut r = RawBmp::new(1, 1, 16);
    r.data = 0x7c00u16
        .to_le_bytes()
        .iter()
        .copied()
        .chain([0, 0])
        .collect();
    assert_eq!(decode(&r.bytes()).expect("555").color(0), [255, 0, 0]);
}

#[test]
fn top_down_is_read_right_way_up_and_rewritten_bottom_up() {
    let mut r = RawBmp::new(40, 2, 8);
    r.height = -2;
    r.palette = gray(4);
    r.clr_used = 4;
    r.data = [vec![1; 40], vec![2; 40]].concat();
    let src = r.bytes();
    let d = decode(&src).expect("d");
    assert_eq!(d.color(0), gray(4)[1], "first file row is the top");
    let (out, note) = rewrite(&src, &BitmapOptions::default(), false);
    assert_board_safe(&out);
    same_colors(&src, &out);
    assert!(note.contains("top-down"), "{note}");
}

pub(super) fn rle8(w: i32, h: i32, stream: &[u8]) -> Vec<u8> {
    let mut r = RawBmp::new(w, h, 8);
    r.compression = 1;
    r.palette = gray(256);
    r.data = stream.to_vec();
    r.bytes()
}

pub(super) fn expect_warning(bytes: &[u8], needle: &str) {
    match optimize(bytes, &BitmapOptions::default(), false) {
        Outcome::Report { note, warning } => {
            assert!(warning);
            assert!(note.contains(needle), "{note} lacks {needle}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn not_smaller_is_kept() {
    let out = encode_indexed(64, 64, &gray(2), &vec![1; 64 * 64], 1);
    assert_eq!(
        optimize(&out, &BitmapOptions::default(), false),
        Outcome::Keep
    );
}

#[test]
fn tiny_output_is_padded_and_tiny_input_reported() {
    let out = encode_indexed(15, 17, &gray(2), &vec![1; 15 * 17], 1);
    assert_eq!(out.len(), MIN_FILE_LEN);
    assert_board_safe(&out);
    let mut tiny = RawBmp::new(2, 2, 1);
    tiny.clr_used = 2;
    tiny.palette = gray(2);
    tiny.data = vec![0x80, 0, 0, 0, 0x40, 0, 0, 0];
    expect_warning(&tiny.bytes(), "138");
}

#[test]
fn thirty_two_bit_many_colours_becomes_24_bit() {
    let (w, h) = (20usize, 20usize);
    let mut r = RawBmp::new(w as i32, h as i32, 32);
    r.data = (0..w * h)
        .flat_map(|i| {
            [
                (i % 256) as u8,
                (i / 2 % 256) as u8,
                (i * 7 % 256) as u8,
                0xff,
            ]
        })
        .collect();
    let src = r.bytes();
    let (out, _) = rewrite(&src, &BitmapOptions::default(), false);
    assert_board_safe(&out);
    assert_eq!(decode(&out).expect("d").info.bpp, 24);
    same_colors(&src, &out);
}

#[test]
fn ram_formulas_match_the_doc_example() {
    // 320×240, 5 colours: 8-bit biClrUsed=0 vs 4-bit biClrUsed=5.
    assert_eq!(bitmap_ram(320, 240, 256), 76_800);
    assert_eq!(bitmap_ram(320, 240, 5), 38_400);
    let src = pal8(320, 240, &[0, 1, 2, 3, 4]);
    let (out, note) = rewrite(&src, &BitmapOptions::default(), false);
    assert_eq!(out.len(), 38_474);
    assert!(note.contains("imageload RAM 80896 → 38480 B"), "{note}");
    assert!(
        note.contains("OnDiskBitmap palette RAM 4096 → 80 B"),
        "{note}"
    );
}

#[test]
fn palette_users_block_remap() {
    let src = vec![(
        std::path::PathBuf::from("code.py"),
        "bmp, pal = adafruit_imageload.load('/icons/sun.bmp')\npal.make_transparent(0)\n"
            .to_string(),
    )];
    assert!(palette_user(&src, Path::new("icons/sun.bmp")).is_some());
    assert!(palette_user(&src, Path::new("icons/moon.bmp")).is_none());
    let assign = vec![(
        std::path::PathBuf::from("code.py"),
        "b, palette = load('moon.bmp')\npalette[2] = 0xff0000\n".to_string(),
    )];
    assert!(palette_user(&assign, Path::new("moon.bmp")).is_some());
}

#[test]
fn truecolour_indexing_that_costs_ram_is_not_done() {
    // 8×8, 64 distinct colours: 8-bit pixels + 64×16 B palette > 16-bit truecolour bitmap.
    let mut r = RawBmp::new(8, 8, 24);
    r.data = (0..64u8)
        .flat_map(|i| [i, 255 - i, i.wrapping_mul(3)])
        .collect();
    let src = r.bytes();
    match optimize(&src, &BitmapOptions::default(), false) {
        Outcome::Report { note, warning } => {
            assert!(!warning);
            assert!(note.contains("imageload RAM 128 → 1088 B"), "{note}");
        }
        other => panic!("{other:?}"),
    }
    // 32-bit: still rewritten, as 24-bit (same RAM, smaller file).
    let mut r = RawBmp::new(8, 8, 32);
    r.data = (0..64u8)
        .flat_map(|i| [i, 255 - i, i.wrapping_mul(3), 0])
        .collect();
    let (out, _) = rewrite(&r.bytes(), &BitmapOptions::default(), false);
    assert_eq!(decode(&out).expect("d").info.bpp, 24);
}
