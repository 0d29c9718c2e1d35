//! RLE8/RLE4 pixel data (imageload reads it; OnDiskBitmap rejects it since 8.2.x/9.0).

use super::decode::BmpError;

/// RLE8/RLE4 into one index per pixel, top row first. Pixels the stream skips stay index 0.
pub fn decode_rle(
    data: &[u8],
    four: bool,
    width: usize,
    height: usize,
) -> Result<Vec<u8>, BmpError> {
    let mut out = vec![0u8; width * height];
    let (mut x, mut y) = (0usize, 0usize); // y counts file rows, bottom first
    let mut i = 0usize;
    let put = |x: usize, y: usize, v: u8, out: &mut Vec<u8>| {
        if x < width && y < height {
            out[(height - 1 - y) * width + x] = v;
        }
    };
    // Many encoders omit the end-of-bitmap marker; what was drawn stands.
    while let (Some(&n), Some(&c)) = (data.get(i), data.get(i + 1)) {
        i += 2;
        if n > 0 {
            for k in 0..usize::from(n) {
                let v = if four {
                    if k % 2 == 0 {
                        c >> 4
                    } else {
                        c & 15
                    }
                } else {
                    c
                };
                put(x + k, y, v, &mut out);
            }
            x += usize::from(n);
            continue;
        }
        match c {
            0 => {
                x = 0;
                y += 1;
            }
            1 => break,
            2 => {
                let (Some(&dx), Some(&dy)) = (data.get(i), data.get(i + 1)) else {
                    return Err(BmpError::Rle("delta past the end"));
                };
                i += 2;
                x += usize::from(dx);
                y += usize::from(dy);
            }
            count => {
                let count = usize::from(count);
                let bytes = if four { count.div_ceil(2) } else { count };
                let run = data
                    .get(i..i + bytes)
                    .ok_or(BmpError::Rle("literal run past the end"))?;
                for k in 0..count {
                    let v = if four {
                        let byte = run[k / 2];
                        if k % 2 == 0 {
                            byte >> 4
                        } else {
                            byte & 15
                        }
                    } else {
                        run[k]
                    };
                    put(x + k, y, v, &mut out);
                }
                x += count;
                // Literal runs are padded to a 16-bit boundary.
                i += bytes + (bytes & 1);
            }
        }
        if y >= height {
            break;
        }
    }
    Ok(out)
}

/// Write an RLE8 or RLE4 BMP of `indices` (top row first; every index below `palette.len()`,
/// which must be 2..=256, and ≤ 16 for RLE4), in the form adafruit_imageload decodes: 40-byte
/// header, palette directly before the data with biClrUsed = its length, rows bottom-up, each
/// ended by an end-of-line code (pixels after it stay index 0, as imageload's new Bitmap is),
/// then end-of-bitmap. Returns the smaller of RLE4 (when the palette allows) and RLE8.
pub fn encode_rle(width: usize, height: usize, palette: &[[u8; 3]], indices: &[u8]) -> Vec<u8> {
    let rle8 = rle_file(width, height, palette, indices, false);
    if palette.len() <= 16 {
        let rle4 = rle_file(width, height, palette, indices, true);
        if rle4.len() <= rle8.len() {
            return rle4;
        }
    }
    rle8
}

fn rle_file(w: usize, h: usize, palette: &[[u8; 3]], indices: &[u8], four: bool) -> Vec<u8> {
    let mut data = Vec::new();
    for y in (0..h).rev() {
        let row = indices.get(y * w..(y + 1) * w).unwrap_or(&[]);
        // Trailing index-0 pixels need no bytes: end-of-line leaves them 0.
        let end = row.iter().rposition(|&v| v != 0).map_or(0, |p| p + 1);
        if four {
            row4(&row[..end], &mut data);
        } else {
            row8(&row[..end], &mut data);
        }
        data.extend_from_slice(&[0, 0]);
    }
    data.extend_from_slice(&[0, 1]);
    let n = palette.len();
    let off = 14 + 40 + 4 * n;
    let mut out = Vec::with_capacity(off + data.len());
    out.extend_from_slice(b"BM");
    out.extend_from_slice(&((off + data.len()) as u32).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&(off as u32).to_le_bytes());
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&(w as i32).to_le_bytes());
    out.extend_from_slice(&(h as i32).to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&(if four { 4u16 } else { 8 }).to_le_bytes());
    out.extend_from_slice(&(if four { 2u32 } else { 1 }).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&2835u32.to_le_bytes());
    out.extend_from_slice(&2835u32.to_le_bytes());
    out.extend_from_slice(&(n as u32).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    for c in palette {
        out.extend_from_slice(&[c[2], c[1], c[0], 0]);
    }
    out.extend_from_slice(&data);
    out
}

/// Length of the run of `row[x]` from `x`, at most 255.
fn run8(row: &[u8], x: usize) -> usize {
    row[x..]
        .iter()
        .take(255)
        .take_while(|&&v| v == row[x])
        .count()
}

fn row8(row: &[u8], out: &mut Vec<u8>) {
    let mut x = 0;
    while x < row.len() {
        let n = run8(row, x);
        if n >= 2 {
            out.extend_from_slice(&[n as u8, row[x]]);
            x += n;
            continue;
        }
        // A literal until a run of 3 or more starts (a run of 2 costs what it saves).
        let mut j = x;
        while j < row.len() && j - x < 255 && run8(row, j) < 3 {
            j += 1;
        }
        let lit = &row[x..j];
        if lit.len() >= 3 {
            out.extend_from_slice(&[0, lit.len() as u8]);
            out.extend_from_slice(lit);
            if lit.len() % 2 == 1 {
                out.push(0);
            }
        } else {
            for &v in lit {
                out.extend_from_slice(&[1, v]);
            }
        }
        x = j;
    }
}

/// Length of the alternating pair run (`a b a b …`) from `x`, at most 255.
fn run4(row: &[u8], x: usize) -> usize {
    let a = row[x];
    let b = row.get(x + 1).copied().unwrap_or(a);
    row[x..]
        .iter()
        .take(255)
        .enumerate()
        .take_while(|(k, &v)| v == if k % 2 == 0 { a } else { b })
        .count()
}

fn row4(row: &[u8], out: &mut Vec<u8>) {
    let mut x = 0;
    while x < row.len() {
        let n = run4(row, x);
        if n >= 4 || x + n == row.len() {
            let b = row.get(x + 1).copied().filter(|_| n > 1).unwrap_or(row[x]);
            out.extend_from_slice(&[n as u8, row[x] << 4 | (b & 15)]);
            x += n;
            continue;
        }
        let mut j = x;
        while j < row.len() && j - x < 254 && run4(row, j) < 6 {
            j += 1;
        }
        let lit = &row[x..j];
        if lit.len() >= 3 {
            out.extend_from_slice(&[0, lit.len() as u8]);
            let start = out.len();
            for pair in lit.chunks(2) {
                let lo = pair.get(1).copied().unwrap_or(0);
                out.push(pair[0] << 4 | (lo & 15));
            }
            if (out.len() - start) % 2 == 1 {
                out.push(0);
            }
        } else {
            for pair in lit.chunks(2) {
                let lo = pair.get(1).copied().unwrap_or(pair[0]);
                out.extend_from_slice(&[pair.len() as u8, pair[0] << 4 | (lo & 15)]);
            }
        }
        x = j;
    }
}
