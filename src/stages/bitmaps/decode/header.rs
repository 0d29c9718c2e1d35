//! The BMP headers, step by step: the file header, the info header's fields and what both
//! loaders accept of them, the channel masks of 16/32-bit files, and the colour table. Each
//! step checks its bytes against the file length before using them.

use super::{
    u16_at, u32_at, BmpError, Info, Mask, Rgb, BI_BITFIELDS, BI_RGB, BI_RLE4, BI_RLE8, MAX_PIXELS,
    SIXTEEN_BIT_MASKS,
};

/// Header, colour table, and the channel masks of 16/32-bit files.
pub(super) type Parsed = (Info, Vec<Rgb>, Option<[u32; 3]>);

/// The info header's fields that matter, as stored (core headers have no compression or count).
struct Fields {
    width: i64,
    height: i64,
    bpp: u16,
    compression: u32,
    clr_used: u32,
}

/// The channel masks and where the colour table starts (after masks stored past a 40-byte header).
struct Channels {
    masks: Option<[u32; 3]>,
    precision: [u8; 3],
    green_mask: u32,
    table_at: usize,
}

pub(super) fn parse(b: &[u8]) -> Result<Parsed, BmpError> {
    if b.len() < 2 || &b[..2] != b"BM" {
        return Err(BmpError::NotBmp);
    }
    let data_offset = u32_at(b, 10).ok_or(BmpError::Truncated("file header"))?;
    let header_size = u32_at(b, 14).ok_or(BmpError::Truncated("file header"))?;
    let core = header_size == 12;
    if !matches!(header_size, 12 | 40 | 52 | 56 | 64 | 108 | 124) {
        return Err(BmpError::HeaderSize(header_size));
    }
    let hdr_end = 14 + header_size as usize;
    if b.len() < hdr_end {
        return Err(BmpError::Truncated("info header"));
    }
    let f = fields(b, core);
    let (width, height, top_down) = check_fields(&f, header_size)?;
    let ch = channels(b, &f, header_size, hdr_end)?;
    let data_off = data_offset as usize;
    if data_off > b.len() || (data_offset as u64) < hdr_end as u64 {
        return Err(BmpError::DataOffset(data_offset));
    }
    let palette = colour_table(b, core, &f, data_off, ch.table_at)?;
    let info = Info {
        header_size,
        width: width as u32,
        height: height as u32,
        top_down,
        bpp: f.bpp,
        compression: f.compression,
        clr_used: f.clr_used,
        data_offset,
        precision: ch.precision,
        green_mask: ch.green_mask,
        masks: ch.masks.unwrap_or([0; 3]),
    };
    Ok((info, palette, ch.masks))
}

fn fields(b: &[u8], core: bool) -> Fields {
    if core {
        Fields {
            width: i64::from(u16_at(b, 18).unwrap_or(0)),
            height: i64::from(u16_at(b, 20).unwrap_or(0)),
            bpp: u16_at(b, 24).unwrap_or(0),
            compression: BI_RGB,
            clr_used: 0,
        }
    } else {
        Fields {
            width: i64::from(u32_at(b, 18).unwrap_or(0) as i32),
            height: i64::from(u32_at(b, 22).unwrap_or(0) as i32),
            bpp: u16_at(b, 28).unwrap_or(0),
            compression: u32_at(b, 30).unwrap_or(0),
            clr_used: u32_at(b, 46).unwrap_or(0),
        }
    }
}

/// Size, depth, compression and colour count the loaders read; returns width, height and
/// whether rows run top-down (a negative height).
fn check_fields(f: &Fields, header_size: u32) -> Result<(u64, u64, bool), BmpError> {
    let (w, h, bpp) = (f.width, f.height, f.bpp);
    if w <= 0 || h == 0 || h == i64::from(i32::MIN) {
        return Err(BmpError::Dimensions(w, h));
    }
    let (width, height, top_down) = (w as u64, h.unsigned_abs(), h < 0);
    if width * height > MAX_PIXELS {
        return Err(BmpError::TooLarge(width * height));
    }
    if !matches!(bpp, 1 | 2 | 4 | 8 | 16 | 24 | 32) {
        return Err(BmpError::Bpp(bpp));
    }
    // OS/2 2.x (64-byte header) numbers 3 and 4 as Huffman and RLE24: neither is readable here.
    let compression_ok = match f.compression {
        BI_RGB => true,
        BI_RLE8 => bpp == 8 && !top_down,
        BI_RLE4 => bpp == 4 && !top_down,
        BI_BITFIELDS => (bpp == 16 || bpp == 32) && header_size != 64,
        _ => false,
    };
    if !compression_ok {
        return Err(BmpError::Compression(f.compression));
    }
    if f.clr_used > 256 {
        return Err(BmpError::PaletteCount(f.clr_used));
    }
    Ok((width, height, top_down))
}

fn channels(b: &[u8], f: &Fields, header_size: u32, hdr_end: usize) -> Result<Channels, BmpError> {
    let mut ch = Channels {
        masks: None,
        precision: [8u8; 3],
        green_mask: 0,
        table_at: hdr_end,
    };
    let bpp = f.bpp;
    if bpp == 16 || bpp == 32 {
        let m = if f.compression == BI_BITFIELDS {
            // Masks live inside V4/V5 (and 52/56-byte) headers, or right after a 40-byte one.
            let at = 14 + 40;
            let m = [
                u32_at(b, at).ok_or(BmpError::Truncated("colour masks"))?,
                u32_at(b, at + 4).ok_or(BmpError::Truncated("colour masks"))?,
                u32_at(b, at + 8).ok_or(BmpError::Truncated("colour masks"))?,
            ];
            if header_size == 40 {
                ch.table_at = at + 12;
            }
            m
        } else if bpp == 16 {
            [0x7c00, 0x03e0, 0x001f]
        } else {
            [0xff_0000, 0xff00, 0xff]
        };
        if bpp == 16 && !SIXTEEN_BIT_MASKS.contains(&m) {
            // imageload rejects other 16-bit masks and OnDiskBitmap shifts them as 555/565:
            // there is no one picture the board shows.
            return Err(BmpError::Masks);
        }
        if bpp == 16 {
            for (i, &mv) in m.iter().enumerate() {
                let mk = Mask::new(mv).ok_or(BmpError::Masks)?;
                ch.precision[i] = mk.bits as u8;
            }
        }
        ch.green_mask = m[1];
        ch.masks = Some(m);
    }
    Ok(ch)
}

fn colour_table(
    b: &[u8],
    core: bool,
    f: &Fields,
    data_off: usize,
    table_at: usize,
) -> Result<Vec<Rgb>, BmpError> {
    let entry = if core { 3 } else { 4 };
    let declared = if f.bpp > 8 {
        // A colour table in a truecolour file is only a hint for old displays; skip it.
        0
    } else if f.clr_used == 0 {
        1u32 << f.bpp
    } else {
        f.clr_used
    };
    let mut palette = Vec::new();
    if declared > 0 {
        // Entries past the pixel data offset are pixels, not colours; a short table is allowed
        // (the missing entries must simply never be used).
        let room = data_off.saturating_sub(table_at) / entry;
        let n = (declared as usize).min(room);
        if n == 0 {
            return Err(BmpError::Truncated("colour table"));
        }
        palette.reserve(n);
        for i in 0..n {
            let at = table_at + i * entry;
            let s = b
                .get(at..at + 3)
                .ok_or(BmpError::Truncated("colour table"))?;
            palette.push([s[2], s[1], s[0]]);
        }
    }
    Ok(palette)
}
