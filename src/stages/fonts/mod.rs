//! Fonts stage: every `.bdf` becomes the smallest `.pcf` adafruit_bitmap_font loads (the code's
//! path literals follow), existing `.pcf`s are repacked to the same minimal form, and
//! `--charset` keeps only the glyphs a project shows. Facts: `pcf-and-bdf.md`.
//!
//! BDF is read by our own tolerant reader ([`bdf`]) rather than the `bdf-reader` crate: on real
//! fonts that crate rejects `FONT` names with spaces (Adafruit's own example fonts), rejects
//! files with Latin-1 bytes, stores encodings as u32 and panics on BDF 2.2 METRICSSET fonts,
//! and it is EPL-2.0 licensed.

pub mod bdf;
pub mod charset;
pub mod glyph;
mod license;
pub mod pcf;
mod refs;
#[doc(hidden)]
pub mod synth;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::plan::{Action, StagePlan};
use crate::scan::{Category, Entry, Inventory};
use crate::units::format_size;

use charset::CharSet;
use glyph::Font;

/// Plan the stage. Only a malformed `--charset` is an error; bad fonts are reported.
pub fn plan(inv: &Inventory, cfg: &Config) -> Result<StagePlan> {
    let mut charset = match &cfg.fonts.charset {
        Some(spec) => Some(charset::parse(spec).map_err(Error::Usage)?),
        None => None,
    };
    let mut plan = StagePlan::default();
    let fonts: Vec<&Entry> = inv
        .files()
        .filter(|e| e.category == Category::Font && matches!(e.ext().as_str(), "bdf" | "pcf"))
        .collect();
    if fonts.is_empty() {
        return Ok(plan);
    }
    let sources = refs::PySources::load(inv);
    if let Some(set) = charset.as_mut().filter(|s| s.auto) {
        sources.add_chars(set);
    }

    let mut conversions = Vec::new();
    for e in fonts {
        let bytes = match inv.read(&e.rel) {
            Ok(b) => b,
            Err(err) => {
                plan.push(Action::report(&e.rel, e.size, format!("not read: {err}")).warning());
                continue;
            }
        };
        if e.ext() == "pcf" {
            plan_pcf(inv, e, &bytes, charset.as_ref(), &mut plan);
        } else if let Some(c) = plan_bdf(inv, e, &bytes, charset.as_ref(), cfg, &mut plan) {
            conversions.push(c);
        }
    }
    refs::plan_edits(inv, &sources, conversions, &mut plan);
    Ok(plan)
}

/// A `.bdf` → `.pcf` ready to plan: the create action, pushed once the code references are known.
pub struct Conversion<'a> {
    pub bdf: &'a Entry,
    pub pcf: PathBuf,
    pub create: Action,
}

fn bad(e: &Entry, what: &str, why: &str) -> Action {
    Action::report(
        &e.rel,
        e.size,
        format!("{what}: {why}; left as it is (fix or re-export the font)"),
    )
    .warning()
}

fn plan_bdf<'a>(
    inv: &Inventory,
    e: &'a Entry,
    bytes: &[u8],
    set: Option<&CharSet>,
    cfg: &Config,
    plan: &mut StagePlan,
) -> Option<Conversion<'a>> {
    let file = match bdf::parse(bytes) {
        Ok(f) => f,
        Err(why) => {
            plan.push(bad(e, "BDF font not read", &why));
            return None;
        }
    };
    let mut notes = Vec::new();
    if file.unencoded > 0 {
        notes.push(format!(
            "{} unencoded glyph(s) dropped (ENCODING -1: unreachable)",
            file.unencoded
        ));
    }
    if file.beyond_bmp > 0 {
        notes.push(format!(
            "{} glyph(s) above U+FFFF dropped (PCF cannot address them)",
            file.beyond_bmp
        ));
    }
    if !file.duplicates.is_empty() {
        notes.push(format!(
            "{} code point(s) defined twice, first kept (as on the device): {}",
            file.duplicates.len(),
            list_codes(&file.duplicates)
        ));
    }
    let (keep, subset_notes) = select(&file.font, set);
    notes.extend(subset_notes);
    if !keep.iter().any(|k| *k) {
        plan.push(bad(
            e,
            "no glyph would be kept",
            "the font has none of --charset",
        ));
        return None;
    }

    if cfg.fonts.keep_names {
        if set.is_some() {
            let out = bdf::subset(bytes, &file, &keep);
            if (out.len() as u64) < e.size {
                let kept = keep.iter().filter(|k| **k).count();
                let note = join(format!("subset in place: {kept} glyph(s) kept"), &notes);
                plan.push(Action::replace(inv, e, out, note));
            }
        }
        return None;
    }

    let pcf_rel = e.rel.with_extension("pcf");
    if let Some(other) = inv.entries.iter().find(|o| {
        o.rel
            .to_string_lossy()
            .eq_ignore_ascii_case(&pcf_rel.to_string_lossy())
    }) {
        plan.push(
            Action::report(
                &e.rel,
                e.size,
                format!(
                    "not converted: {} already exists (delete one of them)",
                    other.rel.display()
                ),
            )
            .warning(),
        );
        return None;
    }
    let font = keep_only(&file.font, &keep);
    let (out, layout) = match build(&font) {
        Ok(x) => x,
        Err(why) => {
            plan.push(bad(e, "not converted", &why));
            return None;
        }
    };
    if out.len() as u64 >= e.size {
        let mut why = vec![format!(
            "not converted: the PCF would be {}, not smaller",
            format_size(out.len() as u64)
        )];
        why.extend(table_note(&font, &layout));
        why.push("--charset auto (or ascii, latin1) keeps only what the code shows".into());
        plan.push(Action::report(&e.rel, e.size, why.join("; ")).warning());
        return None;
    }
    notes.extend(table_note(&font, &layout));
    let note = join(
        format!(
            "PCF from {} ({} glyphs, {})",
            e.rel.display(),
            font.glyphs.len(),
            format_size(out.len() as u64)
        ),
        &notes,
    );
    let create = Action::create(inv, &pcf_rel, out, note);
    Some(Conversion {
        bdf: e,
        pcf: pcf_rel,
        create,
    })
}

fn plan_pcf(inv: &Inventory, e: &Entry, bytes: &[u8], set: Option<&CharSet>, plan: &mut StagePlan) {
    let src = match pcf::read(bytes) {
        Ok(f) => f,
        Err(why) => {
            plan.push(bad(e, "PCF font not read", &why));
            return;
        }
    };
    let (keep, mut notes) = select(&src, set);
    if !keep.iter().any(|k| *k) {
        plan.push(bad(
            e,
            "no glyph would be kept",
            "the font has none of --charset",
        ));
        return;
    }
    let font = keep_only(&src, &keep);
    let (out, layout) = match build(&font) {
        Ok(x) => x,
        Err(why) => {
            plan.push(bad(e, "not repacked", &why));
            return;
        }
    };
    if out.len() as u64 >= e.size {
        return;
    }
    notes.extend(table_note(&font, &layout));
    let note = join(
        format!("repacked: {} glyphs, minimal tables", font.glyphs.len()),
        &notes,
    );
    plan.push(Action::replace(inv, e, out, note));
}

/// Which glyphs to keep (all without a charset) and what the user should know about it.
fn select(font: &Font, set: Option<&CharSet>) -> (Vec<bool>, Vec<String>) {
    let Some(set) = set else {
        return (vec![true; font.glyphs.len()], Vec::new());
    };
    let keep: Vec<bool> = font
        .glyphs
        .iter()
        .map(|g| set.contains(g.code) || Some(g.code) == font.default_char)
        .collect();
    let mut notes = Vec::new();
    let missing: Vec<u32> = set.iter().filter(|c| font.glyph(*c).is_none()).collect();
    if !missing.is_empty() {
        notes.push(format!(
            "the font lacks {} requested character(s): {}",
            missing.len(),
            list_codes(&missing)
        ));
    }
    if !set.beyond_bmp.is_empty() {
        notes.push(format!(
            "{} requested character(s) above U+FFFF cannot be kept in a PCF: {}",
            set.beyond_bmp.len(),
            list_codes(&set.beyond_bmp)
        ));
    }
    (keep, notes)
}

fn keep_only(font: &Font, keep: &[bool]) -> Font {
    Font {
        glyphs: font
            .glyphs
            .iter()
            .zip(keep)
            .filter(|(_, k)| **k)
            .map(|(g, _)| g.clone())
            .collect(),
        ..font.clone()
    }
}

/// Crop, write, and read our own output back: only a PCF that draws exactly what the source
/// draws is planned.
pub fn build(font: &Font) -> std::result::Result<(Vec<u8>, pcf::Layout), String> {
    let cropped = Font {
        glyphs: font.glyphs.iter().map(|g| g.cropped()).collect(),
        ..font.clone()
    };
    let (out, layout) =
        pcf::write(&cropped).ok_or("a glyph's metrics do not fit a PCF (over 32767)")?;
    let back = pcf::read(&out).map_err(|e| format!("internal check failed: {e}"))?;
    if !back.renders_like(font) {
        return Err("internal check failed: the written PCF would draw differently".into());
    }
    Ok((out, layout))
}

/// The encoding table is a high-byte × low-byte rectangle: say so when it dominates the file.
fn table_note(font: &Font, layout: &pcf::Layout) -> Option<String> {
    if layout.encodings < 1024 || layout.encodings * 3 < layout.total {
        return None;
    }
    let mut rows: Vec<(u32, usize)> = Vec::new();
    for g in &font.glyphs {
        match rows.iter_mut().find(|(r, _)| *r == g.code >> 8) {
            Some((_, n)) => *n += 1,
            None => rows.push((g.code >> 8, 1)),
        }
    }
    let main = rows.iter().max_by_key(|(_, n)| *n).map_or(0, |(r, _)| *r);
    let far: Vec<u32> = font
        .glyphs
        .iter()
        .map(|g| g.code)
        .filter(|c| c >> 8 != main)
        .collect();
    let (lo, hi) = (
        font.glyphs.first().map_or(0, |g| g.code),
        font.glyphs.last().map_or(0, |g| g.code),
    );
    let mut note = format!(
        "the encoding table is {} of {} ({}%): PCF keeps a slot for every code point in the \
         rectangle U+{lo:04X}–U+{hi:04X} (high byte × low byte)",
        format_size(layout.encodings as u64),
        format_size(layout.total as u64),
        layout.encodings * 100 / layout.total.max(1),
    );
    if !far.is_empty() && far.len() <= 8 {
        note.push_str(&format!(
            "; {} alone widen it (drop them with --charset to save most of it)",
            list_codes(&far)
        ));
    }
    Some(note)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FontOptions;
    use crate::plan::ActionKind;
    use crate::scan::{scan, ScanOptions};

    fn fixture(name: &str) -> Vec<u8> {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fonts")
            .join(name);
        std::fs::read(p).expect("fixture")
    }

    fn plan_for(files: &[(&str, &[u8])], charset: Option<&str>) -> StagePlan {
        let t = tempfile::tempdir().expect("tempdir");
        for (rel, bytes) in files {
            let p = t.path().join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, bytes).expect("write");
        }
        let opts = ScanOptions {
            cluster_size: Some(512),
            cp_version: None,
            board_id: None,
        };
        let inv = scan(t.path(), &opts).expect("scan");
        let cfg = Config {
            fonts: FontOptions {
                charset: charset.map(String::from),
                keep_names: false,
            },
            ..Config::default()
        };
        plan(&inv, &cfg).expect("plan")
    }

    #[test]
    fn auto_charset_adds_the_codes_non_ascii_characters() {
        let font = fixture("6x13.bdf");
        let p = plan_for(
            &[
                (
                    "code.py",
                    "print(\"23\u{b0}C \u{b1}1\")\n# caf\u{e9}\n".as_bytes(),
                ),
                ("fonts/6x13.bdf", &font),
            ],
            Some("auto"),
        );
        let create = p
            .actions
            .iter()
            .find(|a| a.kind == ActionKind::Create)
            .expect("create");
        let f = pcf::read(create.content.as_deref().expect("content")).expect("read");
        assert!(f.glyph(0xB0).is_some() && f.glyph(0xB1).is_some() && f.glyph(0x41).is_some());
        assert!(f.glyph(0xE9).is_none(), "comments are not literals");
        assert_eq!(f.glyphs.len(), 95 + 2 + 1, "ascii, ° ±, DEFAULT_CHAR 0");
    }

    #[test]
    fn delete_waits_for_the_pcf_and_the_code_edit() {
        let font = fixture("6x13.bdf");
        let p = plan_for(
            &[
                ("code.py", b"f = load_font('/fonts/6x13.bdf')\n"),
                ("fonts/6x13.bdf", &font),
            ],
            None,
        );
        let kinds: Vec<ActionKind> = p.actions.iter().map(|a| a.kind).collect();
        assert_eq!(
            kinds,
            vec![ActionKind::Create, ActionKind::Edit, ActionKind::Delete]
        );
        assert_eq!(p.actions[1].requires, vec![0]);
        assert_eq!(p.actions[2].requires, vec![0, 1]);
        assert_eq!(
            p.actions[1].content.as_deref(),
            Some(&b"f = load_font('/fonts/6x13.pcf')\n"[..])
        );
    }

    #[test]
    fn a_literal_we_cannot_rewrite_blocks_the_conversion() {
        let font = fixture("6x13.bdf");
        let p = plan_for(
            &[
                ("code.py", b"f = load_font('/fonts/6x13.b\\x64f')\n"),
                ("fonts/6x13.bdf", &font),
            ],
            None,
        );
        assert!(p.actions.iter().all(|a| a.kind == ActionKind::Report));
        assert!(p.actions.iter().any(|a| a.note.contains("by hand")));
    }

    /// Damaged fonts of every kind: errors or valid results, never a panic.
    #[test]
    fn damaged_fonts_never_panic() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut rnd = move |m: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m as u64) as usize
        };
        for name in [
            "synth.bdf",
            "6x13.bdf",
            "6x13.pcf",
            "synth.pcf",
            "junction-ascii.pcf",
        ] {
            let good = fixture(name);
            for i in 0..300 {
                let mut b = good.clone();
                if i % 3 == 0 {
                    b.truncate(rnd(good.len()));
                } else {
                    for _ in 0..1 + rnd(8) {
                        let at = rnd(b.len());
                        b[at] = if i % 3 == 1 {
                            rnd(256) as u8
                        } else {
                            b[at] ^ 0xFF
                        };
                    }
                }
                let font = if name.ends_with("bdf") {
                    bdf::parse(&b).map(|f| f.font)
                } else {
                    pcf::read(&b)
                };
                if let Ok(f) = font {
                    let _ = build(&f);
                }
            }
        }
    }

    #[test]
    fn run_time_font_paths_are_warned_about() {
        let font = fixture("6x13.bdf");
        let p = plan_for(
            &[
                ("code.py", b"n = '6x13'\nf = load_font(f'/fonts/{n}.bdf')\n"),
                ("fonts/6x13.bdf", &font),
            ],
            None,
        );
        let warn = p
            .actions
            .iter()
            .find(|a| a.kind == ActionKind::Report)
            .expect("report");
        assert!(warn.note.contains("code.py:2"), "{}", warn.note);
        assert_eq!(warn.level, crate::plan::Level::Warning);
    }
}
