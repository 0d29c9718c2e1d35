//! Our BMP reader. Every header field is checked against the real file length before anything
//! is allocated, so a hostile header (60000×60000 in 200 bytes) costs nothing.

use std::fmt;

use super::mask::Mask;

mod header;

use header::parse;

/// No CircuitPython board holds a bigger picture; caps RLE, whose output size the file length
/// does not bound.
pub const MAX_PIXELS: u64 = 16 << 20;

const BI_RGB: u32 = 0;
const BI_RLE8: u32 = 1;
const BI_RLE4: u32 = 2;
const BI_BITFIELDS: u32 = 3;

/// The 16-bit masks both loaders read: RGB555 and RGB565.
const SIXTEEN_BIT_MASKS: [[u32; 3]; 2] = [[0x7c00, 0x03e0, 0x001f], [0xf800, 0x07e0, 0x001f]];

pub type Rgb = [u8; 3];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BmpError {
    NotBmp,
    Truncated(&'static str),
    HeaderSize(u32),
    Dimensions(i64, i64),
    TooLarge(u64),
    Bpp(u16),
    Compression(u32),
    PaletteCount(u32),
    DataOffset(u32),
    Masks,
    IndexOutOfPalette(u8, usize),
    Rle(&'static str),
}

impl fmt::Display for BmpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BmpError::NotBmp => write!(f, "not a BMP file (no `BM` signature)"),
            BmpError::Truncated(what) => {
                write!(f, "truncated BMP: the file ends inside the {what}")
            }
            BmpError::HeaderSize(n) => write!(f, "unsupported BMP header size {n}"),
            BmpError::Dimensions(w, h) => write!(f, "invalid BMP dimensions {w}×{h}"),
            BmpError::TooLarge(p) => {
                write!(f, "BMP claims {p} pixels, more than the file can hold")
            }
            BmpError::Bpp(b) => write!(f, "unsupported bits per pixel {b}"),
            BmpError::Compression(c) => write!(f, "unknown or unsupported BMP compression {c}"),
            BmpError::PaletteCount(n) => write!(f, "palette count {n} is over 256"),
            BmpError::DataOffset(o) => write!(f, "pixel data offset {o} lies outside the file"),
            BmpError::Masks => write!(
                f,
                "unsupported colour masks (a 16-bit file must be RGB555 or RGB565)"
            ),
            BmpError::IndexOutOfPalette(i, n) => {
                write!(f, "pixel index {i} is past the {n}-entry palette")
            }
            BmpError::Rle(what) => write!(f, "corrupt RLE data: {what}"),
        }
    }
}

/// What the header said, for reports and for the loaders' rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    pub header_size: u32,
    pub width: u32,
    pub height: u32,
    pub top_down: bool,
    pub bpp: u16,
    pub compression: u32,
    /// biClrUsed as written (0 = 2^bpp for indexed files).
    pub clr_used: u32,
    pub data_offset: u32,
    /// Bits of precision per channel (r, g, b) of truecolour sources; 8 for indexed.
    pub precision: [u8; 3],
    /// Green mask of a 16-bit file, to spot 565 after a 40-byte header.
    pub green_mask: u32,
    /// Red, green, blue masks of 16/32-bit files (zero otherwise).
    pub masks: [u32; 3],
}

impl Info {
    pub fn is_rle(&self) -> bool {
        self.compression == BI_RLE8 || self.compression == BI_RLE4
    }
    pub fn is_indexed(&self) -> bool {
        self.bpp <= 8
    }
    /// Palette entries OnDiskBitmap allocates (biClrUsed, or 2^bpp when that is 0).
    pub fn ondisk_palette_len(&self) -> u32 {
        if !self.is_indexed() {
            0
        } else if self.clr_used == 0 {
            1 << self.bpp
        } else {
            self.clr_used
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pixels {
    /// One palette index per pixel.
    Indexed(Vec<u8>),
    Rgb(Vec<Rgb>),
}

/// A decoded image, rows top to bottom whatever the file's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub info: Info,
    pub width: usize,
    pub height: usize,
    /// The colour table (indexed sources), as many entries as the file declares and holds.
    pub palette: Vec<Rgb>,
    pub pixels: Pixels,
}

impl Image {
    pub fn color(&self, i: usize) -> Rgb {
        match &self.pixels {
            Pixels::Indexed(ix) => ix
                .get(i)
                .and_then(|&p| self.palette.get(usize::from(p)))
                .copied()
                .unwrap_or([0; 3]),
            Pixels::Rgb(px) => px.get(i).copied().unwrap_or([0; 3]),
        }
    }
    pub fn pixel_count(&self) -> usize {
        self.width * self.height
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Parse the headers only (cheap; used for reports and before decoding).
pub fn parse_info(b: &[u8]) -> Result<Info, BmpError> {
    parse(b).map(|(info, _, _)| info)
}

/// Decode a whole BMP. Never panics, never allocates more than the file can justify.
pub fn decode(b: &[u8]) -> Result<Image, BmpError> {
    let (info, palette, masks) = parse(b)?;
    let width = info.width as usize;
    let height = info.height as usize;
    let data = b.get(info.data_offset as usize..).unwrap_or(&[]);
    let pixels = if info.is_rle() {
        rle_pixels(&info, data)?
    } else {
        let rows = Rows::of(&info, data)?;
        if info.is_indexed() {
            indexed_pixels(&info, &rows)
        } else {
            rgb_pixels(&info, masks, &rows)?
        }
    };
    if let Pixels::Indexed(ix) = &pixels {
        if let Some(&bad) = ix.iter().find(|&&i| usize::from(i) >= palette.len()) {
            return Err(BmpError::IndexOutOfPalette(bad, palette.len()));
        }
    }
    Ok(Image {
        info,
        width,
        height,
        palette,
        pixels,
    })
}

/// RLE pixel data, after checking the header's size against what the data could hold.
fn rle_pixels(info: &Info, data: &[u8]) -> Result<Pixels, BmpError> {
    let (width, height) = (info.width as usize, info.height as usize);
    // A 2-byte run covers at most 255 pixels; skips (deltas) need bytes too. Anything that
    // claims far more pixels than that is a lie in the header.
    if (width as u64) * (height as u64) > 256 * (data.len() as u64 + 2) {
        return Err(BmpError::TooLarge((width * height) as u64));
    }
    Ok(Pixels::Indexed(super::rle::decode_rle(
        data,
        info.compression == BI_RLE4,
        width,
        height,
    )?))
}

/// Uncompressed pixel rows, each padded to 4 bytes, all inside the file.
struct Rows<'a> {
    data: &'a [u8],
    stride: usize,
    width: usize,
    height: usize,
    top_down: bool,
}

impl<'a> Rows<'a> {
    fn of(info: &Info, data: &'a [u8]) -> Result<Self, BmpError> {
        let (width, height) = (info.width as usize, info.height as usize);
        let stride = (width as u64 * u64::from(info.bpp)).div_ceil(32) * 4;
        let need = stride * height as u64;
        if need > data.len() as u64 {
            return Err(BmpError::Truncated("pixel data"));
        }
        Ok(Rows {
            data,
            stride: stride as usize,
            width,
            height,
            top_down: info.top_down,
        })
    }

    /// Row `y` of the picture from the top.
    fn row(&self, y: usize) -> &'a [u8] {
        // File rows are bottom-up unless the height was negative.
        let fy = if self.top_down {
            y
        } else {
            self.height - 1 - y
        };
        &self.data[fy * self.stride..(fy + 1) * self.stride]
    }
}

fn indexed_pixels(info: &Info, rows: &Rows) -> Pixels {
    let (width, height) = (rows.width, rows.height);
    let mut out = Vec::with_capacity(width * height);
    let bpp = usize::from(info.bpp);
    let per = 8 / bpp;
    let mask = ((1u16 << bpp) - 1) as u8;
    for y in 0..height {
        let row = rows.row(y);
        for x in 0..width {
            let byte = row[x / per];
            let shift = 8 - bpp * (x % per + 1);
            out.push((byte >> shift) & mask);
        }
    }
    Pixels::Indexed(out)
}

fn rgb_pixels(info: &Info, masks: Option<[u32; 3]>, rows: &Rows) -> Result<Pixels, BmpError> {
    let (width, height) = (rows.width, rows.height);
    // 32-bit: both loaders ignore the masks and read blue, green, red, (alpha) bytes
    // (bmp-and-displayio.md §1), so that is the picture the board shows. 24-bit has no
    // masks.
    let m = match info.bpp {
        16 => masks.unwrap_or([0x7c00, 0x03e0, 0x001f]),
        _ => [0xff_0000, 0xff00, 0xff],
    };
    let mk = [
        Mask::new(m[0]).ok_or(BmpError::Masks)?,
        Mask::new(m[1]).ok_or(BmpError::Masks)?,
        Mask::new(m[2]).ok_or(BmpError::Masks)?,
    ];
    let mut out = Vec::with_capacity(width * height);
    for y in 0..height {
        let row = rows.row(y);
        for x in 0..width {
            let px = match info.bpp {
                16 => {
                    let v = u32::from(u16::from_le_bytes([row[2 * x], row[2 * x + 1]]));
                    [mk[0].get(v), mk[1].get(v), mk[2].get(v)]
                }
                24 => [row[3 * x + 2], row[3 * x + 1], row[3 * x]],
                _ => {
                    let s = &row[4 * x..4 * x + 4];
                    let v = u32::from_le_bytes([s[0], s[1], s[2], s[3]]);
                    [mk[0].get(v), mk[1].get(v), mk[2].get(v)]
                }
            };
            out.push(px);
        }
    }
    Ok(Pixels::Rgb(out))
}
