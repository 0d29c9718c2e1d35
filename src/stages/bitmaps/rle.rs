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
