//! Our BMP writer: only the form both CircuitPython loaders read on every firmware since 8.x
//! (see docs/domain/bmp-and-displayio.md §0): `BM` + 40-byte header, BI_RGB, bottom-up, palette directly
//! before the pixels with its length written out, reserved bytes 0, file ≥ 138 bytes.

use super::decode::Rgb;

/// CircuitPython < 9.2.5 and Blinka read this many header bytes unconditionally.
pub const MIN_FILE_LEN: usize = 138;

/// The smallest bit depth whose index range holds `count` palette entries.
pub fn bpp_for(count: usize, two_bpp: bool) -> u16 {
    match count {
        0..=2 => 1,
        3..=4 if two_bpp => 2,
        3..=16 => 4,
        _ => 8,
    }
}

fn row_stride(width: usize, bpp: u16) -> usize {
    (width * usize::from(bpp)).div_ceil(32) * 4
}

fn header(out: &mut Vec<u8>, width: usize, height: usize, bpp: u16, colors: usize, image: usize) {
    let off = 14 + 40 + 4 * colors;
    out.extend_from_slice(b"BM");
    out.extend_from_slice(&0u32.to_le_bytes()); // file size, patched at the end
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&(off as u32).to_le_bytes());
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&(width as i32).to_le_bytes());
    // Positive height: bottom-up, the only order both loaders draw the right way up.
    out.extend_from_slice(&(height as i32).to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&bpp.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes()); // BI_RGB
    out.extend_from_slice(&(image as u32).to_le_bytes());
    out.extend_from_slice(&2835u32.to_le_bytes()); // 72 dpi
    out.extend_from_slice(&2835u32.to_le_bytes());
    // Written even when it equals 2^bpp: 0 would make loaders allocate 2^bpp entries.
    out.extend_from_slice(&(colors as u32).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
}

fn finish(mut out: Vec<u8>) -> Vec<u8> {
    if out.len() < MIN_FILE_LEN {
        out.resize(MIN_FILE_LEN, 0);
    }
    let len = (out.len() as u32).to_le_bytes();
    out[2..6].copy_from_slice(&len);
    out
}

/// Write an indexed BMP. `indices` are row-major, top row first; every index must be below
/// `palette.len()`, which must be 2..=2^bpp (the caller pads one-colour palettes).
pub fn encode_indexed(
    width: usize,
    height: usize,
    palette: &[Rgb],
    indices: &[u8],
    bpp: u16,
) -> Vec<u8> {
    let stride = row_stride(width, bpp);
    let mut out = Vec::with_capacity(54 + 4 * palette.len() + stride * height);
    header(&mut out, width, height, bpp, palette.len(), stride * height);
    for c in palette {
        // RGBQUAD: blue, green, red, reserved (0: OnDiskBitmap passes it into the colour).
        out.extend_from_slice(&[c[2], c[1], c[0], 0]);
    }
    let per = usize::from(8 / bpp);
    let mut row = vec![0u8; stride];
    for y in (0..height).rev() {
        row.iter_mut().for_each(|b| *b = 0);
        let src = indices.get(y * width..(y + 1) * width).unwrap_or(&[]);
        for (x, &ix) in src.iter().enumerate() {
            let shift = 8 - usize::from(bpp) * (x % per + 1);
            if let Some(b) = row.get_mut(x / per) {
                *b |= ix << shift;
            }
        }
        out.extend_from_slice(&row);
    }
    finish(out)
}

/// Write a 24-bit BI_RGB BMP, the safe truecolour form.
pub fn encode_rgb24(width: usize, height: usize, pixels: &[Rgb]) -> Vec<u8> {
    let stride = row_stride(width, 24);
    let mut out = Vec::with_capacity(54 + stride * height);
    header(&mut out, width, height, 24, 0, stride * height);
    for y in (0..height).rev() {
        let start = out.len();
        for p in pixels.get(y * width..(y + 1) * width).unwrap_or(&[]) {
            out.extend_from_slice(&[p[2], p[1], p[0]]);
        }
        out.resize(start + stride, 0);
    }
    finish(out)
}

/// RAM of a `displayio.Bitmap(w, h, value_count)`: rows padded to 32-bit words.
pub fn bitmap_ram(width: u64, height: u64, value_count: u64) -> u64 {
    let bits = match value_count {
        0..=2 => 1,
        3..=4 => 2,
        5..=16 => 4,
        17..=256 => 8,
        _ => 16,
    };
    (width * bits).div_ceil(32) * 4 * height
}

/// RAM of a `displayio.Palette(n)`.
pub fn palette_ram(n: u64) -> u64 {
    16 * n
}
