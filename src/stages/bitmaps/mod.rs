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
mod rewrite;
mod rle;
mod stage;

use crate::config::BitmapOptions;

pub use cost::{loader_problems, Cost};
use decode::{Image, Pixels, Rgb};

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
    let target = plan_target(&img, opts, remap, keep0);
    let (target, ram_cost) = rewrite::unless_ram_grows(target, info, opts, before.imageload_ram);
    let encoded = match target {
        Some(t) => rewrite::indexed(&img, t, opts),
        None if matches!(info.bpp, 24 | 32) => rewrite::truecolour(&img),
        None => {
            let why = match ram_cost {
                Some(cost) => rewrite::ram_reason(cost),
                None => "too many colours to index losslessly (--colors N quantises)".into(),
            };
            return keep_or_report(&problems, &why);
        }
    };
    let encoded = match encoded {
        Ok(e) => e,
        Err(report) => return report,
    };
    let (old_len, new_len) = (bytes.len(), encoded.content.len());
    if let Some(outcome) = rewrite::not_worth_it(info, old_len, new_len, opts, ram_cost, &problems)
    {
        return outcome;
    }
    let note = rewrite::note(info, old_len, &before, &encoded, &problems);
    Outcome::Rewrite {
        force: new_len >= old_len,
        content: encoded.content,
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
