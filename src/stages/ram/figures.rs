//! The notes: one figure per load, then the advice whose condition holds.

use std::path::PathBuf;

use super::code::{CodeUses, Load, Loader, RelabeledLabel};
use super::font::{self, Face, FontRam};
use super::{at, slash, Asset, ADVICE, FIGURE};
use crate::plan::{Action, StagePlan};
use crate::scan::Entry;
use crate::stages::bitmaps::decode::{decode, parse_info, Info};
use crate::stages::bitmaps::encode::{bitmap_ram, palette_ram};
use crate::stages::bitmaps::{loader_problems, Cost};
use crate::units::group_thousands;

/// Bits per value `displayio.Bitmap` picks for `n` values (shared-module/displayio/Bitmap.c).
fn bits_per_value(n: u64) -> u64 {
    // bitmap_ram of a 32-pixel row is 4 bytes per bit of depth.
    bitmap_ram(32, 1, n) / 4
}

fn b(n: u64) -> String {
    format!("{} B", group_thousands(n))
}

/// imageload's Bitmap and Palette (or ColorConverter) for a BMP, as the two parts of its cost.
fn imageload_parts(info: &Info) -> (u64, u64, u64) {
    let (w, h) = (u64::from(info.width), u64::from(info.height));
    let values = if info.is_indexed() {
        u64::from(info.ondisk_palette_len())
    } else {
        65535
    };
    let colors = if info.is_indexed() { values } else { 0 };
    (bitmap_ram(w, h, values), bits_per_value(values), colors)
}

pub(super) fn image_load(py: &Entry, load: &Load, asset: &Asset, plan: &mut StagePlan) {
    let rel = &asset.rel;
    let size = asset.bytes.len() as u64;
    let is_bmp = slash(rel).to_ascii_lowercase().ends_with(".bmp");
    let info = is_bmp.then(|| parse_info(&asset.bytes).ok()).flatten();
    let Some(info) = info else {
        let note = format!("{FIGURE}{}: {}", at(py, load), other_figure(load, asset));
        plan.push(Action::report(rel, size, note));
        return;
    };
    let cost = Cost::of(&info);
    plan.push(Action::report(
        rel,
        size,
        format!(
            "{FIGURE}{}: {}",
            at(py, load),
            bmp_figure(load, &info, &cost)
        ),
    ));
    let usable_on_disk = loader_problems(&info, asset.bytes.len()).is_empty();
    if let (Loader::ImageLoad, Some(ram), true, Some(_), false) = (
        load.loader,
        cost.imageload_ram,
        usable_on_disk,
        &load.target,
        load.modified,
    ) {
        advise_on_disk(py, load, asset, &cost, ram, plan);
    }
    if let Some(colour) = solid_colour(&asset.bytes) {
        advise_rectangle(py, load, asset, &info, &cost, colour, plan);
    }
}

/// The RAM a PNG takes under imageload; other files are not measured.
fn other_figure(load: &Load, asset: &Asset) -> String {
    let png = (load.loader == Loader::ImageLoad)
        .then(|| super::png::imageload_ram(&asset.bytes))
        .flatten();
    match png {
        Some(p) if p.colors > 0 => {
            format!(
            "{}: Bitmap {}×{} in 32-bit rows = {} + Palette {} × 16 B; about {} more while loading",
            b(p.total()), p.width, p.height, b(p.pixels), p.colors, b(p.transient)
        )
        }
        Some(p) => format!(
            "{}: Bitmap {}×{} at 16 bits per pixel in 32-bit rows; about {} more while loading",
            b(p.total()),
            p.width,
            p.height,
            b(p.transient)
        ),
        None => "not estimated (only BMP and PNG files are measured)".to_string(),
    }
}

/// The RAM a BMP takes under the loader the code uses, and how it adds up.
fn bmp_figure(load: &Load, info: &Info, cost: &Cost) -> String {
    let (pixels, bpv, colors) = imageload_parts(info);
    match (load.loader, cost.imageload_ram) {
        (Loader::OnDiskBitmap, _) => format!(
            "{} B: Palette of {} colour(s) × 16 B; the pixels stay in the file",
            group_thousands(cost.ondisk_palette_ram),
            cost.colors
        ),
        (_, Some(ram)) if colors > 0 => format!(
            "{}: Bitmap {}×{} at {bpv} bit(s) per pixel in 32-bit rows = {} + Palette {colors} × 16 B = {}",
            b(ram),
            info.width,
            info.height,
            b(pixels),
            b(palette_ram(colors))
        ),
        (_, Some(ram)) => format!(
            "{}: Bitmap {}×{} at 16 bits per pixel (RGB565) in 32-bit rows",
            b(ram),
            info.width,
            info.height
        ),
        (_, None) => "adafruit_imageload cannot load this file".to_string(),
    }
}

/// An image loaded whole and never changed could stay in the file with OnDiskBitmap.
fn advise_on_disk(
    py: &Entry,
    load: &Load,
    asset: &Asset,
    cost: &Cost,
    ram: u64,
    plan: &mut StagePlan,
) {
    let freed = ram.saturating_sub(cost.ondisk_palette_ram);
    if freed > 0 {
        let note = format!(
            "{ADVICE}{}: the image is never changed after loading; displayio.OnDiskBitmap(\"{}\") \
             would keep only its palette ({}) and free {} of RAM, but redraws more slowly (it reads \
             the file on every refresh)",
            at(py, load),
            load.path.as_deref().unwrap_or_default(),
            b(cost.ondisk_palette_ram),
            b(freed)
        );
        plan.push(Action::report(&asset.rel, asset.bytes.len() as u64, note));
    }
}

/// A one-colour image is a rectangle: no file, and no pixels in RAM.
fn advise_rectangle(
    py: &Entry,
    load: &Load,
    asset: &Asset,
    info: &Info,
    cost: &Cost,
    colour: [u8; 3],
    plan: &mut StagePlan,
) {
    let size = asset.bytes.len() as u64;
    let ram = match load.loader {
        Loader::OnDiskBitmap => Some(cost.ondisk_palette_ram),
        _ => cost.imageload_ram,
    };
    let note = format!(
        "{ADVICE}{}: the image is one solid colour (#{:02x}{:02x}{:02x}); vectorio.Rectangle(pixel_shader=…, \
         width={}, height={}) draws it with no file at all (frees {} of flash{})",
        at(py, load),
        colour[0],
        colour[1],
        colour[2],
        info.width,
        info.height,
        b(size),
        ram.map(|r| format!(" and about {} of RAM", b(r)))
            .unwrap_or_default()
    );
    plan.push(Action::report(&asset.rel, size, note));
}

fn solid_colour(bytes: &[u8]) -> Option<[u8; 3]> {
    let img = decode(bytes).ok()?;
    let n = img.pixel_count();
    let first = (n > 0).then(|| img.color(0))?;
    (1..n).all(|i| img.color(i) == first).then_some(first)
}

/// A font the code loads, with what it costs.
pub(super) struct FontUse {
    pub py: PathBuf,
    pub target: Option<String>,
    pub rel: PathBuf,
    pub flash: u64,
    pub ram: FontRam,
    pub face: Option<Face>,
}

pub(super) fn font_load(
    py: &Entry,
    load: &Load,
    asset: &Asset,
    plan: &mut StagePlan,
) -> Option<FontUse> {
    let rel = &asset.rel;
    let size = asset.bytes.len() as u64;
    let Some(f) = font::read(&slash(rel), &asset.bytes) else {
        let note = format!("{FIGURE}{}: not estimated (font not read)", at(py, load));
        plan.push(Action::report(rel, size, note));
        return None;
    };
    let ram = font::font_ram(&f);
    let avg = ram.all.checked_div(ram.glyphs as u64).unwrap_or(0);
    let converted = if asset.original.is_some() {
        format!(" as converted to {}", slash(rel))
    } else {
        String::new()
    };
    let note = format!(
        "{FIGURE}{}{converted}: about {} per glyph loaded (labels load the characters they show); all {} glyph(s): {} \
         (each: its box as a 1-bit Bitmap in 32-bit rows + 48 B Bitmap object + 48 B Glyph tuple)",
        at(py, load),
        b(avg),
        ram.glyphs,
        b(ram.all)
    );
    plan.push(Action::report(rel, size, note));
    // The family is in the original's properties (a converted PCF has none).
    let face = font::face(asset.original.as_deref().unwrap_or(&asset.bytes));
    Some(FontUse {
        py: py.rel.clone(),
        target: load.target.clone(),
        rel: rel.clone(),
        flash: size,
        ram,
        face,
    })
}

pub(super) fn family_advice(fonts: &[FontUse], plan: &mut StagePlan) {
    let mut seen: Vec<&Face> = Vec::new();
    for f in fonts {
        let Some(face) = &f.face else { continue };
        let same = |g: &&FontUse| {
            g.face.as_ref().is_some_and(|o| {
                (&o.family, &o.weight, &o.slant) == (&face.family, &face.weight, &face.slant)
            })
        };
        if seen
            .iter()
            .any(|s| (&s.family, &s.weight, &s.slant) == (&face.family, &face.weight, &face.slant))
        {
            continue;
        }
        seen.push(face);
        let mut members: Vec<&FontUse> = fonts.iter().filter(same).collect();
        members.sort_by_key(|g| g.face.as_ref().map_or(0, |x| x.pixel_size));
        members.dedup_by(|a, b| a.rel == b.rel);
        let Some(small) = members.first() else {
            continue;
        };
        let s = small.face.as_ref().map_or(0, |x| x.pixel_size);
        let mut parts = Vec::new();
        let (mut flash, mut ram) = (0u64, 0u64);
        for g in members.iter().skip(1) {
            let l = g.face.as_ref().map_or(0, |x| x.pixel_size);
            if let Some(n) = font::scale_for(s, l) {
                parts.push(format!(
                    "{} ({l} px) → scale={n} ({} px)",
                    slash(&g.rel),
                    n * s
                ));
                flash += g.flash;
                ram += g.ram.all;
            }
        }
        if parts.is_empty() {
            continue;
        }
        let note = format!(
            "{ADVICE}{} {} {} is loaded in several sizes; load only {} ({s} px) and give the labels \
             `scale`: {}. Keeping the smaller size saves {} of flash and up to {} of RAM \
             (scaled text looks blockier)",
            face.family,
            face.weight,
            face.slant,
            slash(&small.rel),
            parts.join(", "),
            b(flash),
            b(ram)
        );
        plan.push(Action::report(&small.rel, small.flash, note));
    }
}

/// A `displayio.TileGrid` object: `displayio_tilegrid_t` (shared-module/displayio/TileGrid.h) is
/// about 84 B on a 32-bit board (three pointers, a dozen 16-bit sizes, the tiles and transform
/// pointers, three 12-byte areas, flag bits), one 96-byte allocation; a one-tile grid keeps its
/// tile inline.
const TILEGRID: u64 = 96;

/// Built-in terminalio font cell (CircuitPython's `terminalio.FONT` is 6 × 12 pixels).
const TERMINAL_CELL: (u32, u32) = (6, 12);

pub(super) fn label_advice(
    py: &Entry,
    label: &RelabeledLabel,
    uses: &CodeUses,
    fonts: &[FontUse],
    plan: &mut StagePlan,
) {
    let cell = match label.font.as_deref() {
        Some("terminalio.FONT") => Some(TERMINAL_CELL),
        Some(name) => uses
            .loads
            .iter()
            .find(|l| l.loader == Loader::LoadFont && l.target.as_deref() == Some(name))
            .and_then(|_| {
                fonts
                    .iter()
                    .find(|f| f.py == py.rel && f.target.as_deref() == Some(name))
            })
            .map(|f| f.ram.cell),
        None => None,
    };
    let Some((w, h)) = cell else { return };
    let per_char_bitmap = (u64::from(w) * u64::from(h)).div_ceil(8);
    let twenty = bitmap_ram(20 * u64::from(w), u64::from(h), 2);
    let note = format!(
        "{ADVICE}{}:{} label.Label's text changes in a loop or function. label.Label keeps one TileGrid \
         per character (about {} each, {} for 20 characters, in many small blocks); bitmap_label.Label \
         draws the whole text into one Bitmap (about {} per character, {} for 20 characters of this \
         {w}×{h} font, in one block that needs contiguous free RAM). Either works: bitmap_label uses \
         less RAM in total, label copes better with fragmented RAM",
        slash(&py.rel),
        label.line,
        b(TILEGRID),
        b(20 * TILEGRID),
        b(per_char_bitmap),
        b(twenty)
    );
    plan.push(Action::report(&py.rel, 0, note));
}
