//! Small image files built byte by byte (BMP, PNG), for inputs cpslim's own writers would never
//! produce.

use std::io::Write as _;

/// A BMP with any header values (BITMAPINFOHEADER or larger), for inputs cpslim's own writer
/// would never produce: set the fields, then take [`RawBmp::bytes`].
pub struct RawBmp {
    pub header_size: u32,
    pub width: i32,
    pub height: i32,
    pub bpp: u16,
    pub compression: u32,
    pub pixels_per_metre: u32,
    pub clr_used: u32,
    /// RGB entries, written as BGRX.
    pub palette: Vec<[u8; 3]>,
    /// Bit masks: inside a header larger than 40 bytes, after a 40-byte one.
    pub masks: Option<[u32; 3]>,
    /// The pixel data as stored (rows bottom-up, padded, or an RLE stream).
    pub data: Vec<u8>,
}

impl RawBmp {
    pub fn new(width: i32, height: i32, bpp: u16) -> RawBmp {
        RawBmp {
            header_size: 40,
            width,
            height,
            bpp,
            compression: 0,
            pixels_per_metre: 0,
            clr_used: 0,
            palette: Vec::new(),
            masks: None,
            data: Vec::new(),
        }
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut h = Vec::new();
        h.extend_from_slice(&self.header_size.to_le_bytes());
        h.extend_from_slice(&self.width.to_le_bytes());
        h.extend_from_slice(&self.height.to_le_bytes());
        h.extend_from_slice(&1u16.to_le_bytes());
        h.extend_from_slice(&self.bpp.to_le_bytes());
        h.extend_from_slice(&self.compression.to_le_bytes());
        h.extend_from_slice(&(self.data.len() as u32).to_le_bytes());
        h.extend_from_slice(&self.pixels_per_metre.to_le_bytes());
        h.extend_from_slice(&self.pixels_per_metre.to_le_bytes());
        h.extend_from_slice(&self.clr_used.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes());
        let mut masks_after = Vec::new();
        if let Some(m) = self.masks {
            let target = if self.header_size == 40 {
                &mut masks_after
            } else {
                &mut h
            };
            for v in m {
                target.extend_from_slice(&v.to_le_bytes());
            }
        }
        h.resize(self.header_size as usize, 0);
        h.extend_from_slice(&masks_after);
        for c in &self.palette {
            h.extend_from_slice(&[c[2], c[1], c[0], 0]);
        }
        let off = 14 + h.len();
        let mut out = b"BM".to_vec();
        out.extend_from_slice(&((off + self.data.len()) as u32).to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&(off as u32).to_le_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(&self.data);
        out
    }
}

/// A PNG: IHDR (`mode` is the colour type, `depth` the bit depth), a PLTE of `colors` entries
/// for mode 3, and `rows` (each starting with its filter byte) deflated into one IDAT.
pub fn png(w: u32, h: u32, depth: u8, mode: u8, colors: usize, rows: &[u8]) -> Vec<u8> {
    let mut out = PNG_SIGNATURE.to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[depth, mode, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &ihdr);
    if mode == 3 {
        let pal: Vec<u8> = (0..colors * 3).map(|i| (i * 40) as u8).collect();
        png_chunk(&mut out, b"PLTE", &pal);
    }
    png_chunk(
        &mut out,
        b"IDAT",
        &zlib(rows, flate2::Compression::default()),
    );
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// The eight bytes every PNG starts with.
pub const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Append one chunk: length, type, body and the CRC over type and body.
pub fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]) {
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    // imageload never checks the CRC; a real one keeps other readers happy.
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(body);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

/// `bytes` as a zlib stream (what a PNG's IDAT holds).
pub fn zlib(bytes: &[u8], level: flate2::Compression) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), level);
    z.write_all(bytes).expect("deflate");
    z.finish().expect("deflate")
}
