//! What adafruit_imageload (png.py) allocates for a PNG, from its header chunks: an indexed PNG
//! becomes `Bitmap(w, h, 2^depth)` + `Palette(PLTE entries)`; an 8-bit grey or RGB(A) PNG becomes
//! `Bitmap(w, h, 65536)` (16 bits per pixel) with a ColorConverter. While loading, it also holds
//! every IDAT byte and the inflated scanlines.

use crate::stages::bitmaps::encode::bitmap_ram;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PngRam {
    pub width: u32,
    pub height: u32,
    /// Bitmap rows as stored.
    pub pixels: u64,
    /// Palette entries (0 for a ColorConverter).
    pub colors: u64,
    /// Held only while loading: the compressed data and the inflated scanlines.
    pub transient: u64,
}

impl PngRam {
    pub fn total(&self) -> u64 {
        self.pixels + 16 * self.colors
    }
}

/// `None` when it is not a PNG imageload loads (interlaced, 16-bit truecolour, bad chunks).
pub fn imageload_ram(b: &[u8]) -> Option<PngRam> {
    if b.get(..8)? != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    let be = |o: usize| {
        b.get(o..o.checked_add(4)?)
            .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    };
    let (mut width, mut height, mut depth, mut mode) = (0u32, 0u32, 0u8, None);
    let (mut colors, mut idat) = (0u64, 0u64);
    let mut at = 8usize;
    loop {
        let size = be(at)? as usize;
        let kind = b.get(at + 4..at + 8)?;
        let body = at + 8;
        match kind {
            b"IHDR" => {
                width = be(body)?;
                height = be(body + 4)?;
                depth = *b.get(body + 8)?;
                mode = Some(*b.get(body + 9)?);
                if *b.get(body + 12)? != 0 {
                    return None;
                }
            }
            b"PLTE" => colors = (size / 3) as u64,
            b"IDAT" => idat += size as u64,
            b"IEND" => break,
            _ => {}
        }
        at = body.checked_add(size)?.checked_add(4)?;
    }
    let (w, h) = (u64::from(width), u64::from(height));
    let unit: u64 = match mode? {
        0 | 3 => 1,
        2 => 3,
        4 => 2,
        6 => 4,
        _ => return None,
    };
    let scanline = (w * u64::from(depth) * unit).div_ceil(8);
    let transient = idat + (scanline + 1) * h;
    let (pixels, colors) = if mode == Some(3) {
        (bitmap_ram(w, h, 1u64 << depth.min(8)), colors)
    } else if depth == 8 {
        (bitmap_ram(w, h, 65536), 0)
    } else {
        return None;
    };
    Some(PngRam {
        width,
        height,
        pixels,
        colors,
        transient,
    })
}
