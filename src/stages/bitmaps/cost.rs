//! What a BMP costs on a board (flash, imageload RAM, OnDiskBitmap palette RAM) and the ways
//! it misbehaves with the loaders (docs/domain/bmp-and-displayio.md §1, §2).

use super::decode::Info;
use super::encode::{self, bitmap_ram, palette_ram};

/// What a file costs on the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub bpp: u16,
    /// Palette entries the loaders allocate (0 for truecolour).
    pub colors: u32,
    /// Bitmap + palette RAM under adafruit_imageload; `None` when imageload cannot load it.
    pub imageload_ram: Option<u64>,
    /// Palette RAM under displayio.OnDiskBitmap.
    pub ondisk_palette_ram: u64,
}

impl Cost {
    pub fn of(info: &Info) -> Cost {
        let (w, h) = (u64::from(info.width), u64::from(info.height));
        let colors = info.ondisk_palette_len();
        let imageload_ram = if info.header_size == 12 {
            // imageload reads BITMAPINFOHEADER offsets in a core header: garbage.
            None
        } else if info.is_indexed() {
            let n = u64::from(colors);
            Some(bitmap_ram(w, h, n) + palette_ram(n))
        } else if info.clr_used == 0 {
            Some(bitmap_ram(w, h, 65535))
        } else {
            None
        };
        Cost {
            bpp: info.bpp,
            colors,
            imageload_ram,
            ondisk_palette_ram: palette_ram(u64::from(colors)),
        }
    }
}

pub fn ram(r: Option<u64>) -> String {
    r.map_or_else(|| "fails".to_string(), |r| r.to_string())
}

/// Ways the original misbehaves on a board (C rules of OnDiskBitmap, adafruit_imageload).
pub fn loader_problems(info: &Info, file_len: usize) -> Vec<&'static str> {
    let mut p = Vec::new();
    if info.is_rle() {
        p.push("RLE-compressed: displayio.OnDiskBitmap rejects it (CircuitPython 8.2.x/9.0 on)");
    }
    if info.top_down {
        p.push("top-down rows: upside down with adafruit_imageload, broken with OnDiskBitmap");
    }
    match info.header_size {
        12 => p.push("OS/2 core header: misread by both loaders"),
        52 | 56 | 64 => p.push("header size 52/56/64: OnDiskBitmap rejects it"),
        _ => {}
    }
    if info.bpp == 16 && info.header_size == 40 && info.green_mask == 0x07e0 {
        p.push("RGB565 after a 40-byte header: wrong colours with OnDiskBitmap");
    }
    if !info.is_indexed() && info.clr_used != 0 {
        p.push("colour table in a truecolour file: adafruit_imageload fails on it");
    }
    if info.bpp == 32 && info.masks != [0xff_0000, 0xff00, 0xff] {
        p.push(
            "32-bit masks not BGRA: adafruit_imageload rejects it (the colours OnDiskBitmap \
             shows, its bytes read as BGR, are kept)",
        );
    }
    if info.is_indexed() {
        let n = info.ondisk_palette_len();
        let adjacent = 14 + info.header_size + 4 * n;
        if info.header_size != 12 && info.data_offset != adjacent {
            p.push("palette not directly before the pixels: wrong colours with adafruit_imageload");
        }
        if n == 1 {
            p.push("1-entry palette: OnDiskBitmap writes past it");
        }
    }
    if file_len < encode::MIN_FILE_LEN {
        p.push("under 138 bytes: CircuitPython before 9.2.5 rejects it");
    }
    p
}
