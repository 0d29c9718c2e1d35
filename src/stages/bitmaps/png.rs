//! Indexed PNG in the form adafruit_imageload's png.py reads: colour type 3, bit depth 1/2/4/8,
//! not interlaced, one PLTE with the palette in order (user code addresses entries by index),
//! no tRNS, zlib at the best level. imageload inflates the whole IDAT stream in RAM, so the
//! firmware needs the `zlib` module.

use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::{Compression, Crc};

use super::decode::Rgb;

/// The PNG bit depth for a palette of `n` entries (imageload allocates `Bitmap(w, h, 2^depth)`).
pub fn depth_for(n: usize) -> u8 {
    match n {
        0..=2 => 1,
        3..=4 => 2,
        5..=16 => 4,
        _ => 8,
    }
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

/// Packed scanlines, each with its filter byte; every row uses `filter` (0 none … 4 Paeth).
fn scanlines(w: usize, h: usize, depth: u8, indices: &[u8], filter: u8) -> Vec<u8> {
    let per = usize::from(8 / depth);
    let line = w.div_ceil(per);
    let mut prev = vec![0u8; line];
    let mut cur = vec![0u8; line];
    let mut out = Vec::with_capacity((line + 1) * h);
    for y in 0..h {
        cur.iter_mut().for_each(|b| *b = 0);
        for (x, &v) in indices
            .get(y * w..(y + 1) * w)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let shift = 8 - usize::from(depth) * (x % per + 1);
            cur[x / per] |= v << shift;
        }
        out.push(filter);
        for i in 0..line {
            let a = if i >= 1 { cur[i - 1] } else { 0 };
            let b = prev[i];
            let c = if i >= 1 { prev[i - 1] } else { 0 };
            let pred = match filter {
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => paeth(a, b, c),
                _ => 0,
            };
            out.push(cur[i].wrapping_sub(pred));
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    out
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

fn zlib(raw: &[u8]) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    // Writing to a Vec cannot fail.
    let _ = z.write_all(raw);
    z.finish().unwrap_or_default()
}

/// The PNG file and the size of its inflated image data (what imageload holds in RAM at once).
pub struct Png {
    pub bytes: Vec<u8>,
    pub inflated: usize,
    pub compressed: usize,
    pub depth: u8,
}

/// Write `indices` (top row first, each below `palette.len()` ≤ 256) as an indexed PNG, trying
/// each of the five row filters for the whole image and keeping the smallest.
pub fn encode_png(w: usize, h: usize, palette: &[Rgb], indices: &[u8]) -> Png {
    let depth = depth_for(palette.len());
    let (raw_len, idat) = (0..=4u8)
        .map(|f| {
            let raw = scanlines(w, h, depth, indices, f);
            (raw.len(), zlib(&raw))
        })
        .min_by_key(|(_, z)| z.len())
        .unwrap_or_default();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&(w as u32).to_be_bytes());
    ihdr.extend_from_slice(&(h as u32).to_be_bytes());
    ihdr.extend_from_slice(&[depth, 3, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    let plte: Vec<u8> = palette.iter().flatten().copied().collect();
    chunk(&mut out, b"PLTE", &plte);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    Png {
        bytes: out,
        inflated: raw_len,
        compressed: idat.len(),
        depth,
    }
}

/// Read back an indexed PNG the way imageload does (for our own check before writing):
/// (width, height, palette, indices top row first).
pub fn decode_indexed(b: &[u8]) -> Option<(usize, usize, Vec<Rgb>, Vec<u8>)> {
    use std::io::Read;
    let mut at = 8;
    let (mut w, mut h, mut depth) = (0usize, 0usize, 0u8);
    let mut palette = Vec::new();
    let mut idat = Vec::new();
    while at + 8 <= b.len() {
        let len = u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize;
        let kind = b.get(at + 4..at + 8)?;
        let data = b.get(at + 8..at + 8 + len)?;
        match kind {
            b"IHDR" => {
                w = u32::from_be_bytes(data.get(0..4)?.try_into().ok()?) as usize;
                h = u32::from_be_bytes(data.get(4..8)?.try_into().ok()?) as usize;
                depth = *data.get(8)?;
                if data.get(9..13)? != [3, 0, 0, 0] {
                    return None;
                }
            }
            b"PLTE" => palette = data.chunks(3).map(|c| [c[0], c[1], c[2]]).collect(),
            b"IDAT" => idat.extend_from_slice(data),
            b"IEND" => break,
            _ => {}
        }
        at += 12 + len;
    }
    if !matches!(depth, 1 | 2 | 4 | 8) {
        return None;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(idat.as_slice())
        .take(64 << 20)
        .read_to_end(&mut raw)
        .ok()?;
    let per = usize::from(8 / depth);
    let line = w.div_ceil(per);
    let mut prev = vec![0u8; line];
    let mut cur = vec![0u8; line];
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        let row = raw.get(y * (line + 1)..(y + 1) * (line + 1))?;
        for i in 0..line {
            let a = if i >= 1 { cur[i - 1] } else { 0 };
            let (bb, c) = (prev[i], if i >= 1 { prev[i - 1] } else { 0 });
            let pred = match row[0] {
                0 => 0,
                1 => a,
                2 => bb,
                3 => ((u16::from(a) + u16::from(bb)) / 2) as u8,
                4 => paeth(a, bb, c),
                _ => return None,
            };
            cur[i] = row[1 + i].wrapping_add(pred);
        }
        for x in 0..w {
            let shift = 8 - usize::from(depth) * (x % per + 1);
            out.push((cur[x / per] >> shift) & ((1u16 << depth) - 1) as u8);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    Some((w, h, palette, out))
}
