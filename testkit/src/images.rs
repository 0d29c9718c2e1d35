//! Small image files built byte by byte, for inputs cpslim's own writers would never produce.

use std::io::Write as _;

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
