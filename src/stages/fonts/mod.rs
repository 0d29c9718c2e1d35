//! Fonts stage: every `.bdf` becomes the smallest `.pcf` adafruit_bitmap_font loads (the code's
//! path literals follow), existing `.pcf`s are repacked to the same minimal form, and
//! `--charset` keeps only the glyphs a project shows. With `--font-format lvfontbin` fonts
//! become LVGL binary fonts instead (far smaller, slower to load; [`lvfont`]) when the drive's
//! adafruit_bitmap_font reads them ([`library`]). Facts: `docs/domain/pcf-and-bdf.md`,
//! `docs/lvfontbin.md`.
//!
//! BDF is read by our own tolerant reader ([`bdf`]) rather than the `bdf-reader` crate: on real
//! fonts that crate rejects `FONT` names with spaces (Adafruit's own example fonts), rejects
//! files with Latin-1 bytes, stores encodings as u32 and panics on BDF 2.2 METRICSSET fonts,
//! and it is EPL-2.0 licensed.

mod auto;
pub mod bdf;
mod bdf_plan;
mod bdf_split;
mod bdf_text;
pub mod charset;
pub mod convert;
pub mod error;
pub mod glyph;
pub mod library;
mod license;
pub mod lvfont;
mod lvfont_read;
mod lvfont_walk;
pub mod pcf;
mod pcf_write;
mod refs;
#[doc(hidden)]
pub mod synth;
mod target;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use crate::config::{Config, FontFormat};
use crate::error::{Error, Result};
use crate::plan::{Action, StagePlan};
use crate::scan::{Category, Entry, Inventory};
use crate::units::format_size;

pub use convert::build;
use convert::{encode, keep_only, select};

use bdf_plan::plan_bdf;
use charset::CharSet;
use library::Loader;
use target::{open_stream, out_name, Source, Target};

/// Plan the stage. Only a malformed `--charset` is an error; bad fonts are reported.
pub fn plan(inv: &Inventory, cfg: &Config) -> Result<StagePlan> {
    let mut charset = match &cfg.fonts.charset {
        Some(spec) => Some(charset::parse(spec).map_err(|e| Error::Usage(e.to_string()))?),
        None => None,
    };
    let mut plan = StagePlan::default();
    let terminal = inv.terminal_fonts();
    let fonts: Vec<&Entry> = inv
        .files()
        .filter(|e| e.category == Category::Font && matches!(e.ext().as_str(), "bdf" | "pcf"))
        .filter(|e| !crate::layout::firmware::is_terminal_font(&terminal, &e.rel))
        .collect();
    if fonts.is_empty() {
        return Ok(plan);
    }
    let sources = refs::PySources::load(inv);
    if let (Some(set), Some(spec)) = (charset.as_mut(), cfg.fonts.charset.as_deref()) {
        auto::apply(inv, cfg, spec, set, &mut plan);
    }
    let mut target = target_for(inv, cfg, terminal, &mut plan);

    let mut conversions = Vec::new();
    for e in fonts {
        let streamed = e.ext() == "bdf" && !cfg.fonts.keep_names;
        let read = if streamed {
            open_stream(inv, e).map(|(f, cap)| Source::Stream(f, cap))
        } else {
            inv.read(&e.rel).map(Source::Bytes)
        };
        let source = match read {
            Ok(b) => b,
            Err(err) => {
                plan.push(Action::report(&e.rel, e.size, format!("not read: {err}")).warning());
                continue;
            }
        };
        let c = match source {
            Source::Bytes(bytes) if e.ext() == "pcf" => {
                plan_pcf(inv, e, &bytes, charset.as_ref(), &mut target, &mut plan)
            }
            source => plan_bdf(
                inv,
                e,
                source,
                charset.as_ref(),
                cfg,
                &mut target,
                &mut plan,
            ),
        };
        conversions.extend(c);
    }
    refs::plan_edits(inv, &sources, conversions, &mut plan);
    Ok(plan)
}

/// Where fonts go this run: LVGL when asked and the drive's loader reads it (a report says
/// when it does not), else PCF.
fn target_for(
    inv: &Inventory,
    cfg: &Config,
    terminal: Vec<String>,
    plan: &mut StagePlan,
) -> Target {
    let mut target = Target {
        lv: false,
        note: None,
        terminal,
        taken: Vec::new(),
    };
    if cfg.fonts.format != FontFormat::Lvfontbin || cfg.fonts.keep_names {
        return target;
    }
    match library::loader(inv, cfg) {
        Loader::Ready(_) => target.lv = true,
        Loader::Absent => {
            target.lv = true;
            target.note = Some(format!(
                "loads with adafruit_bitmap_font {}+ (none on this drive to check)",
                library::NEEDED_TEXT
            ));
        }
        Loader::TooOld(why) => {
            plan.push(
                Action::report(
                    Path::new("lib/adafruit_bitmap_font"),
                    0,
                    format!("fonts written as PCF, not LVGL: {why}"),
                )
                .warning(),
            );
            target.note = Some(format!("PCF, not LVGL: {why}"));
        }
    }
    target
}

/// A font written under a new name (`.bdf` → `.pcf`/`.lvfontbin`, `.pcf` → `.lvfontbin`): the
/// create action, pushed once the code references are known.
pub struct Conversion<'a> {
    /// The source font (BDF or PCF), deleted once the new file and the code edits are in.
    pub bdf: &'a Entry,
    /// The new file.
    pub pcf: PathBuf,
    pub create: Action,
}

fn bad(e: &Entry, what: &str, why: impl std::fmt::Display) -> Action {
    Action::report(
        &e.rel,
        e.size,
        format!("{what}: {why}; left as it is (fix or re-export the font)"),
    )
    .warning()
}

fn plan_pcf<'a>(
    inv: &Inventory,
    e: &'a Entry,
    bytes: &[u8],
    set: Option<&CharSet>,
    target: &mut Target,
    plan: &mut StagePlan,
) -> Option<Conversion<'a>> {
    let src = match pcf::read(bytes) {
        Ok(f) => f,
        Err(why) => {
            plan.push(bad(e, "PCF font not read", why));
            return None;
        }
    };
    let (keep, mut notes) = select(&src, set, false);
    if !keep.iter().any(|k| *k) {
        plan.push(bad(
            e,
            "no glyph would be kept",
            "the font has none of --charset",
        ));
        return None;
    }
    let font = keep_only(src, &keep);
    let mut lv = target.lv;
    let lv_rel = if lv {
        out_name(inv, e, "lvfontbin", target)
            .map_err(|why| notes.push(format!("repacked as PCF, not LVGL: {why}")))
            .ok()
    } else {
        None
    };
    lv &= lv_rel.is_some();
    let enc = match encode(font, lv) {
        Ok(x) => x,
        Err(why) => {
            plan.push(bad(e, "not repacked", why));
            return None;
        }
    };
    let lv_note = (!enc.lv)
        .then(|| enc.lv_saving(enc.bytes.len().min(e.size as usize) as u64))
        .flatten();
    if enc.bytes.len() as u64 >= e.size {
        if let Some(n) = lv_note {
            plan.push(Action::report(&e.rel, 0, n));
        }
        return None;
    }
    notes.extend(enc.notes.iter().cloned());
    notes.extend(target.note.clone());
    notes.extend(lv_note);
    if let (true, Some(rel)) = (enc.lv, lv_rel) {
        let note = join(
            format!(
                "LVGL font from {} ({} glyphs, {})",
                e.rel.display(),
                enc.glyphs,
                format_size(enc.bytes.len() as u64)
            ),
            &notes,
        );
        target.taken.push(slash_path(&rel).to_ascii_lowercase());
        let create = Action::create(inv, &rel, enc.bytes, note);
        return Some(Conversion {
            bdf: e,
            pcf: rel,
            create,
        });
    }
    let note = join(
        format!("repacked: {} glyphs, minimal tables", enc.glyphs),
        &notes,
    );
    plan.push(Action::replace(inv, e, enc.bytes, note));
    None
}

fn list_codes(codes: &[u32]) -> String {
    let mut s: Vec<String> = codes
        .iter()
        .take(12)
        .map(|c| match char::from_u32(*c).filter(|ch| !ch.is_control()) {
            Some(ch) => format!("U+{c:04X} {ch}"),
            None => format!("U+{c:04X}"),
        })
        .collect();
    if codes.len() > 12 {
        s.push(format!("… {} more", codes.len() - 12));
    }
    s.join(", ")
}

fn join(head: String, notes: &[String]) -> String {
    if notes.is_empty() {
        head
    } else {
        format!("{head}; {}", notes.join("; "))
    }
}

/// `fonts/a.bdf` as the forward-slash path code would write it.
fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
