//! Bitmaps stage: rewrite BMPs with the fewest bits per pixel that both CircuitPython loaders
//! read (`docs/domain/bmp-and-displayio.md`). Lossless by default: palette indices are kept, the palette is
//! cut after the highest index used. `--colors N` quantises.

mod compressed;
pub mod cost;
pub mod decode;
pub mod encode;
mod fill;
mod guard;
mod imageload_refs;
mod mask;
pub mod png;
pub mod quantize;
mod rle;
mod stage;

use crate::config::BitmapOptions;

use cost::ram;
pub use cost::{loader_problems, Cost};
use decode::{Image, Pixels, Rgb};
use encode::{bitmap_ram, palette_ram};

/// What the stage decided for one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Write `content` over the file.
    Rewrite {
        content: Vec<u8>,
        note: String,
        warning: bool,
        /// Not smaller, but fixes a layout the board cannot draw (RLE, top-down).
        force: bool,
    },
    /// Leave the file; tell the user.
    Report { note: String, warning: bool },
    /// Nothing to gain and nothing wrong.
    Keep,
}

/// The new picture, before it is written.
struct Target {
    palette: Vec<Rgb>,
    indices: Vec<u8>,
    renumbered: bool,
    lossy: Option<usize>,
}

/// Drop palette entries no pixel uses (index 0 stays when `keep_first`), renumbering the rest.
fn drop_unused(t: &mut Target, keep_first: bool) {
    let mut used = [false; 256];
    for &i in &t.indices {
        used[usize::from(i)] = true;
    }
    if keep_first {
        used[0] = true;
    }
    let mut map = [0u8; 256];
    let mut palette = Vec::new();
    for (i, c) in t.palette.iter().enumerate() {
        if used[i] {
            map[i] = palette.len() as u8;
            palette.push(*c);
        }
    }
    if palette.len() != t.palette.len() {
        t.indices.iter_mut().for_each(|i| *i = map[usize::from(*i)]);
        t.palette = palette;
    }
}

/// `keep0`: palette entry 0's colour must survive `--colors` exactly (code makes a palette
/// entry transparent, or cpslim cannot read all the code).
fn plan_target(img: &Image, opts: &BitmapOptions, remap: bool, keep0: bool) -> Option<Target> {
    let index0 = match &img.pixels {
        Pixels::Indexed(ix) if ix.contains(&0) => img.palette.first().copied(),
        _ => None,
    };
    let first = index0.or_else(|| (img.pixel_count() > 0).then(|| img.color(0)));
    let mut t = match &img.pixels {
        Pixels::Indexed(ix) if !remap => {
            let max = ix.iter().copied().max().unwrap_or(0);
            Some(Target {
                palette: img.palette.get(..=usize::from(max))?.to_vec(),
                indices: ix.clone(),
                renumbered: false,
                lossy: None,
            })
        }
        Pixels::Indexed(_) => quantize::exact(img, 256, first).map(|(palette, indices)| Target {
            palette,
            indices,
            renumbered: true,
            lossy: None,
        }),
        Pixels::Rgb(_) => quantize::exact(img, 256, first).map(|(palette, indices)| Target {
            palette,
            indices,
            renumbered: false,
            lossy: None,
        }),
    };
    if let Some(k) = opts.colors.map(usize::from) {
        let too_many = match &t {
            Some(t) => t.palette.len() > k,
            None => true,
        };
        if too_many {
            let renumbered = img.info.is_indexed();
            t = match quantize::exact(img, k, first) {
                Some((palette, indices)) => Some(Target {
                    palette,
                    indices,
                    renumbered,
                    lossy: None,
                }),
                None => quantize::lossy(img, k, opts.dither, index0.filter(|_| keep0)).map(
                    |(palette, indices)| {
                        let mut t = Target {
                            palette,
                            indices,
                            renumbered,
                            lossy: Some(k),
                        };
                        drop_unused(&mut t, keep0 && index0.is_some());
                        t
                    },
                ),
            };
        }
    }
    let mut t = t?;
    if t.palette.len() < 2 {
        // A 1-entry palette makes OnDiskBitmap write past it.
        let other = if t.palette.first() == Some(&[0, 0, 0]) {
            [255; 3]
        } else {
            [0; 3]
        };
        t.palette.push(other);
    }
    Some(t)
}

/// Does a decode of `bytes` show exactly `expect(i)` at every pixel?
fn verify(bytes: &[u8], img: &Image, expect: impl Fn(usize) -> Rgb) -> bool {
    let Ok(back) = decode::decode(bytes) else {
        return false;
    };
    back.width == img.width
        && back.height == img.height
        && (0..img.pixel_count()).all(|i| back.color(i) == expect(i))
}

/// Decide one file. `remap`: `--remap-palette` and nothing on the drive forbids it. Entry 0's
/// colour is kept through `--colors` (see [`optimize_with`]).
pub fn optimize(bytes: &[u8], opts: &BitmapOptions, remap: bool) -> Outcome {
    optimize_with(bytes, opts, remap, true)
}

/// [`optimize`], saying whether palette entry 0's colour must survive `--colors` exactly.
pub fn optimize_with(bytes: &[u8], opts: &BitmapOptions, remap: bool, keep0: bool) -> Outcome {
    let img = match decode::decode(bytes) {
        Ok(img) => img,
        Err(e) => {
            return Outcome::Report {
                note: format!("{e}; left as it is"),
                warning: true,
            }
        }
    };
    let info = &img.info;
    let problems = loader_problems(info, bytes.len());
    let before = Cost::of(info);

    let (w, h) = (u64::from(info.width), u64::from(info.height));
    let indexed_ram = |n: usize| bitmap_ram(w, h, n as u64) + palette_ram(n as u64);
    let mut target = plan_target(&img, opts, remap, keep0);
    // Lossless indexing of a small truecolour image with many colours can cost more RAM under
    // imageload (16 B per palette entry) than it saves in pixels: flash is not worth that.
    let mut ram_cost = None;
    if let (Some(t), Some(ram_before)) = (&target, before.imageload_ram) {
        let ram_after = indexed_ram(t.palette.len());
        if !info.is_indexed() && opts.colors.is_none() && ram_after > ram_before {
            ram_cost = Some((ram_before, ram_after));
            target = None;
        }
    }
    let (content, after_bpp, after_colors, extra) = match target {
        Some(t) => {
            let bpp = encode::bpp_for(t.palette.len(), opts.two_bpp);
            let content =
                encode::encode_indexed(img.width, img.height, &t.palette, &t.indices, bpp);
            let expect = |i: usize| {
                t.indices
                    .get(i)
                    .and_then(|&ix| t.palette.get(usize::from(ix)))
                    .copied()
                    .unwrap_or([0; 3])
            };
            let ok = match t.lossy {
                None => verify(&content, &img, |i| img.color(i)),
                Some(_) => verify(&content, &img, expect),
            };
            if !ok {
                return Outcome::Report {
                    note: "internal check failed: the re-encoded BMP did not decode to the same \
                           pixels; left as it is (please report this file)"
                        .into(),
                    warning: true,
                };
            }
            let mut extra = Vec::new();
            if let Some(k) = t.lossy {
                let (psnr, max) = quantize::error(&img, &t.palette, &t.indices);
                extra.push(format!(
                    "lossy ≤{k} colours: PSNR {psnr:.1} dB, max channel error {max}"
                ));
            }
            if t.renumbered {
                extra.push("palette indices renumbered".to_string());
            }
            if bpp == 2 {
                extra.push("2 bpp: desktop viewers cannot open it".to_string());
            }
            (content, bpp, t.palette.len() as u32, extra)
        }
        None if matches!(info.bpp, 24 | 32) => {
            let content = encode::encode_rgb24(
                img.width,
                img.height,
                match &img.pixels {
                    Pixels::Rgb(p) => p,
                    Pixels::Indexed(_) => &[],
                },
            );
            if !verify(&content, &img, |i| img.color(i)) {
                return Outcome::Report {
                    note: "internal check failed re-encoding as 24-bit; left as it is".into(),
                    warning: true,
                };
            }
            (content, 24, 0, Vec::new())
        }
        None => {
            let why = match ram_cost {
                Some((a, b)) => format!(
                    "indexing it would raise imageload RAM {a} → {b} B, so it stays truecolour"
                ),
                None => "too many colours to index losslessly (--colors N quantises)".into(),
            };
            return keep_or_report(&problems, &why);
        }
    };

    let after_ram = if after_bpp <= 8 {
        indexed_ram(after_colors as usize)
    } else {
        bitmap_ram(w, h, 65535)
    };
    let fixes_layout = info.is_rle() || info.top_down;
    let smaller = content.len() < bytes.len();
    let allowed = smaller
        || (fixes_layout && content.len() == bytes.len())
        || (info.is_rle() && opts.decompress_rle);
    if !allowed {
        let why = if info.is_rle() {
            format!(
                "uncompressed it would be {} B (larger); --decompress-rle rewrites it anyway",
                content.len()
            )
        } else if let Some((a, b)) = ram_cost {
            format!("indexing it would raise imageload RAM {a} → {b} B, so it stays truecolour")
        } else {
            "already as small as cpslim can make it".to_string()
        };
        return match keep_or_report(&problems, &why) {
            Outcome::Keep if ram_cost.is_some() => Outcome::Report {
                note: format!("left as it is: {why}"),
                warning: false,
            },
            other => other,
        };
    }
    let mut note = format!(
        "{} → {} B; {} → {} bpp, palette {} → {}; imageload RAM {} → {} B; OnDiskBitmap palette RAM {} → {} B",
        bytes.len(),
        content.len(),
        before.bpp,
        after_bpp,
        before.colors,
        after_colors,
        ram(before.imageload_ram),
        after_ram,
        before.ondisk_palette_ram,
        palette_ram(u64::from(after_colors)),
    );
    for e in &extra {
        note.push_str("; ");
        note.push_str(e);
    }
    if !problems.is_empty() {
        note.push_str("; fixes: ");
        note.push_str(&problems.join(", "));
    }
    Outcome::Rewrite {
        force: !smaller,
        content,
        note,
        warning: false,
    }
}

fn keep_or_report(problems: &[&str], why: &str) -> Outcome {
    if problems.is_empty() {
        Outcome::Keep
    } else {
        Outcome::Report {
            note: format!("{}; left as it is: {why}", problems.join(", ")),
            warning: true,
        }
    }
}

pub use stage::plan;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_bad_input;
#[cfg(test)]
mod tests_formats;
#[cfg(test)]
mod tests_hostile;
#[cfg(test)]
mod tests_lossy;
#[cfg(test)]
mod tests_rle;
