//! `--image-format rle|png`: smaller files for images only `adafruit_imageload.load` reads,
//! with what each costs in RAM while loading; and, in the default BMP mode, how much each
//! format would save (so a user with a full board finds the flag).

use std::path::{Path, PathBuf};

use super::decode::{self, Image, Pixels};
use super::encode::{bitmap_ram, palette_ram};
use super::imageload_refs::{path_rewrites, why_not_imageload_only, ImageRefs};
use super::{plan_target, png, rle, Target};
use crate::config::{BitmapOptions, ImageFormat};
use crate::scan::{Entry, Inventory};

/// imageload's RLE reader holds a 2-byte command and a 256-byte literal buffer.
const RLE_BUFFERS: u64 = 258;

/// A re-encoding of one image in a compressed format.
pub struct Encoded {
    pub content: Vec<u8>,
    /// Peak RAM while adafruit_imageload loads it, and how that figure is made up.
    pub peak_ram: u64,
    pub ram_note: String,
    pub what: String,
}

/// Does `bytes` decode to the colours the target says, pixel for pixel?
fn same_pixels(img: &Image, t: &Target, palette: &[[u8; 3]], indices: &[u8]) -> bool {
    indices.len() == img.pixel_count()
        && indices.iter().zip(&t.indices).all(|(&a, &b)| {
            palette.get(usize::from(a)).is_some()
                && palette.get(usize::from(a)) == t.palette.get(usize::from(b))
        })
}

pub fn encode_rle(img: &Image, t: &Target) -> Option<Encoded> {
    let content = rle::encode_rle(img.width, img.height, &t.palette, &t.indices);
    let back = decode::decode(&content).ok()?;
    let Pixels::Indexed(ix) = &back.pixels else {
        return None;
    };
    if !same_pixels(img, t, &back.palette, ix) {
        return None;
    }
    let n = t.palette.len() as u64;
    let (w, h) = (img.width as u64, img.height as u64);
    let (bitmap, pal) = (bitmap_ram(w, h, n), palette_ram(n));
    let what = if back.info.compression == 2 {
        "RLE4"
    } else {
        "RLE8"
    };
    Some(Encoded {
        peak_ram: bitmap + pal + RLE_BUFFERS,
        ram_note: format!(
            "bitmap {bitmap} + palette {pal} + {RLE_BUFFERS} read buffers; decoded as it reads"
        ),
        what: what.into(),
        content,
    })
}

pub fn encode_png(img: &Image, t: &Target) -> Option<Encoded> {
    let p = png::encode_png(img.width, img.height, &t.palette, &t.indices);
    let (w, h, palette, ix) = png::decode_indexed(&p.bytes)?;
    if (w, h) != (img.width, img.height) || !same_pixels(img, t, &palette, &ix) {
        return None;
    }
    let n = t.palette.len() as u64;
    let bitmap = bitmap_ram(w as u64, h as u64, 1u64 << p.depth);
    let pal = palette_ram(n);
    let lines = 2 * (p.inflated / h.max(1)) as u64;
    let (z, raw) = (p.compressed as u64, p.inflated as u64);
    Some(Encoded {
        peak_ram: bitmap + pal + z + raw + lines,
        ram_note: format!(
            "bitmap {bitmap} + palette {pal} + compressed data {z} + inflated data {raw} + two \
             lines {lines}, all at once: imageload inflates the whole image in RAM"
        ),
        what: format!("indexed PNG, {} bit", p.depth),
        content: p.bytes,
    })
}

/// Why PNG cannot be used on this board: its firmware must have the `zlib` module. Derived
/// from the CircuitPython source: `CIRCUITPY_ZLIB ?= $(CIRCUITPY_FULL_BUILD)`
/// (py/circuitpy_mpconfig.mk) and no port the board data covers overrides it; a full build is
/// recognised by the two built-in modules that also default to `CIRCUITPY_FULL_BUILD`
/// (`adafruit_bus_device`, `adafruit_pixelbuf`) in the shipped board data.
pub fn png_unavailable(inv: &Inventory) -> Option<String> {
    let board = inv.board.as_ref();
    let fw = crate::stages::deadweight::firmware::lookup(
        board.map(|b| b.version.as_str()),
        board.and_then(|b| b.board_id.as_deref()),
    );
    match fw {
        Ok(fw) if fw.is_builtin("adafruit_bus_device") && fw.is_builtin("adafruit_pixelbuf") => {
            None
        }
        Ok(fw) => Some(format!(
            "{} runs a small CircuitPython build without the zlib module adafruit_imageload \
             needs for PNG",
            fw.board_id
        )),
        Err(why) => Some(format!(
            "cpslim cannot tell whether the board's firmware has the zlib module PNG needs: {}",
            why.explain()
        )),
    }
}

/// Total RAM of microcontrollers that CircuitPython boards ship without external RAM
/// (datasheet figures): a load that needs more can never work there.
const CHIP_RAM: [(&str, u64); 7] = [
    ("samd21", 32 << 10),
    ("samd51g19", 192 << 10),
    ("samd51j19", 192 << 10),
    ("samd51j20", 256 << 10),
    ("samd51p20", 256 << 10),
    ("nrf52840", 256 << 10),
    ("rp2040", 264 << 10),
];

/// The board's chip and its whole RAM, when cpslim knows it (from boot_out.txt's "with …").
pub fn chip_ram(inv: &Inventory) -> Option<(String, u64)> {
    let mcu = inv.board.as_ref()?.mcu.as_ref()?.to_ascii_lowercase();
    CHIP_RAM
        .iter()
        .find(|(chip, _)| mcu.starts_with(chip))
        .map(|&(_, ram)| (mcu.clone(), ram))
}

/// What the plan says about a peak RAM figure.
pub fn ram_verdict(peak: u64, chip: Option<&(String, u64)>) -> String {
    let whole = match chip {
        Some((mcu, ram)) => format!(
            " (the {mcu} has {} in all)",
            crate::units::format_size(*ram)
        ),
        None => String::new(),
    };
    format!(
        "; cpslim does not know this board's free RAM{whole}: if gc.mem_free() on the board is \
         under {peak} B, loading fails with MemoryError"
    )
}

/// The lossless (or `--colors`) target for a compressed format, if the image is indexable.
pub fn target(
    bytes: &[u8],
    opts: &BitmapOptions,
    remap: bool,
    keep0: bool,
) -> Option<(Image, Target)> {
    let img = decode::decode(bytes).ok()?;
    let t = plan_target(&img, opts, remap, keep0)?;
    Some((img, t))
}

/// What one image becomes under `--image-format rle|png`.
pub enum Choice {
    /// Write this instead of the BMP (PNG: under `png_rel`, with these code edits).
    Use {
        enc: Encoded,
        png_rel: Option<PathBuf>,
        edits: Vec<(usize, std::ops::Range<usize>, String, String)>,
    },
    /// Stay a BMP, for this reason.
    Bmp(String),
    /// Already as small as this format makes it (an RLE file we would write again).
    AsIs,
}

#[allow(clippy::too_many_arguments)]
pub fn choose(
    inv: &Inventory,
    e: &Entry,
    bytes: &[u8],
    opts: &BitmapOptions,
    remap: bool,
    keep0: bool,
    refs: &ImageRefs,
    png_blocked: Option<&str>,
) -> Choice {
    if let Some(why) = why_not_imageload_only(refs, &e.rel) {
        return Choice::Bmp(why);
    }
    if opts.image_format == ImageFormat::Bmp {
        return Choice::Bmp(String::new());
    }
    let Some((img, t)) = target(bytes, opts, remap, keep0) else {
        return Choice::Bmp("too many colours for an indexed format".into());
    };
    match opts.image_format {
        ImageFormat::Bmp => Choice::Bmp(String::new()),
        ImageFormat::Rle => rle_choice(&img, &t, bytes.len()),
        ImageFormat::Png => png_choice(inv, e, &img, &t, bytes.len(), refs, png_blocked),
    }
}

/// Say so when --colors made it lossy (the same words as the BMP path).
fn with_lossy_note(mut enc: Encoded, img: &Image, t: &Target) -> Encoded {
    if let Some(k) = t.lossy {
        let (psnr, max) = super::quantize::error(img, &t.palette, &t.indices);
        enc.what.push_str(&format!(
            ", lossy ≤{k} colours: PSNR {psnr:.1} dB, max channel error {max}"
        ));
    }
    enc
}

/// RLE in place, when smaller (an RLE file written again is left as it is).
fn rle_choice(img: &Image, t: &Target, file_len: usize) -> Choice {
    match encode_rle(img, t) {
        Some(enc) if enc.content.len() < file_len => Choice::Use {
            enc: with_lossy_note(enc, img, t),
            png_rel: None,
            edits: Vec::new(),
        },
        Some(_) if img.info.is_rle() => Choice::AsIs,
        Some(enc) => Choice::Bmp(format!(
            "as {} it would be {} B, not smaller",
            enc.what,
            enc.content.len()
        )),
        None => Choice::Bmp(
            "internal check of the RLE encoding failed (please report this file)".into(),
        ),
    }
}

/// A PNG beside the BMP with the code's path literals rewritten, when the board has what
/// imageload's PNG reader needs, the name is free, every literal can be rewritten, the loading
/// peak fits the chip's RAM, and it is smaller.
fn png_choice(
    inv: &Inventory,
    e: &Entry,
    img: &Image,
    t: &Target,
    file_len: usize,
    refs: &ImageRefs,
    png_blocked: Option<&str>,
) -> Choice {
    if let Some(why) = png_blocked {
        return Choice::Bmp(why.to_string());
    }
    let png_rel = e.rel.with_extension("png");
    let taken = inv.files().any(|o| {
        o.rel
            .to_string_lossy()
            .eq_ignore_ascii_case(&png_rel.to_string_lossy())
    });
    if taken {
        return Choice::Bmp(format!("{} already exists", png_rel.display()));
    }
    let edits = match path_rewrites(refs, &e.rel, "png") {
        Ok(v) => v,
        Err(why) => return Choice::Bmp(why.to_string()),
    };
    let edits = edits
        .into_iter()
        .filter_map(|(py, span, new, shown)| {
            let i = refs.files.iter().position(|f| f.entry.rel == py.rel)?;
            Some((i, span, new, shown))
        })
        .collect();
    match encode_png(img, t) {
        Some(enc) if chip_ram(inv).is_some_and(|(_, ram)| enc.peak_ram > ram) => {
            let (mcu, ram) = chip_ram(inv).unwrap_or_default();
            Choice::Bmp(format!(
                "as PNG it needs {} B of RAM while loading, more than the {mcu}'s entire \
                 {}",
                enc.peak_ram,
                crate::units::format_size(ram)
            ))
        }
        Some(enc) if enc.content.len() < file_len => Choice::Use {
            enc: with_lossy_note(enc, img, t),
            png_rel: Some(png_rel),
            edits,
        },
        Some(enc) => Choice::Bmp(format!(
            "as PNG it would be {} B, not smaller",
            enc.content.len()
        )),
        None => Choice::Bmp(
            "internal check of the PNG encoding failed (please report this file)".into(),
        ),
    }
}

/// Default BMP mode: what `--image-format rle` and `png` would save on this image (bytes
/// beyond `bmp_len`, the size the BMP path leaves it at), when only imageload reads it.
pub fn would_save(
    bytes: &[u8],
    bmp_len: usize,
    opts: &BitmapOptions,
    keep0: bool,
) -> Option<(u64, u64)> {
    let (img, t) = target(bytes, opts, false, keep0)?;
    let rle = encode_rle(&img, &t).map_or(0, |e| bmp_len.saturating_sub(e.content.len()));
    let png = encode_png(&img, &t).map_or(0, |e| bmp_len.saturating_sub(e.content.len()));
    Some((rle as u64, png as u64))
}

pub fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
