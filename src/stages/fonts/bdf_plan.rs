//! One BDF font, planned in steps: read it (tolerating what adafruit_bitmap_font tolerates),
//! choose the glyphs to keep, then either subset it in place (`--keep-names`) or encode it as PCF
//! or LVGL and plan the new file when it is smaller.

use super::bdf::{self, BdfFile};
use super::charset::CharSet;
use super::convert::{encode_cropped, keep_only, select, Encoded};
use super::target::{out_name, Source, Target};
use super::{bad, bdf_split, join, list_codes, slash_path, Conversion};
use crate::config::Config;
use crate::plan::{Action, StagePlan};
use crate::scan::{Entry, Inventory};
use crate::units::format_size;

pub(super) fn plan_bdf<'a>(
    inv: &Inventory,
    e: &'a Entry,
    mut source: Source,
    set: Option<&CharSet>,
    cfg: &Config,
    target: &mut Target,
    plan: &mut StagePlan,
) -> Option<Conversion<'a>> {
    let mut file = read(e, &mut source, plan)?;
    let mut notes = read_notes(&file);
    // A BDF subset in place keeps everything a BDF can hold.
    let astral = target.lv || cfg.fonts.keep_names;
    let (keep, subset_notes) = select(&file.font, set, astral);
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
        if let (Some(_), Source::Bytes(bytes)) = (set, &source) {
            subset_in_place(inv, e, bytes, &file, &keep, &notes, plan);
        }
        return None;
    }
    // A whole-Unicode BDF is megabytes: from here on only the parsed glyphs are needed.
    drop(source);
    let font = keep_only(std::mem::take(&mut file.font), &keep);
    let mut lv = target.lv;
    if lv {
        if let Err(why) = out_name(inv, e, "lvfontbin", target) {
            notes.push(format!("written as PCF, not LVGL: {why}"));
            lv = false;
        }
    }
    let enc = match encode_cropped(font, lv) {
        Ok(x) => x,
        Err(why) => {
            plan.push(bad(e, "not converted", why));
            return None;
        }
    };
    let out_rel = match out_name(inv, e, enc.ext(), target) {
        Ok(r) => r,
        Err(why) => {
            plan.push(Action::report(&e.rel, e.size, format!("not converted: {why}")).warning());
            return None;
        }
    };
    // Against what stays on the drive: the PCF when it is written, else the BDF.
    let lv_note = (!enc.lv)
        .then(|| enc.lv_saving((enc.bytes.len() as u64).min(e.size)))
        .flatten();
    if enc.bytes.len() as u64 >= e.size {
        plan.push(not_smaller(e, enc, lv_note));
        return None;
    }
    notes.extend(enc.notes.iter().cloned());
    notes.extend(target.note.clone());
    notes.extend(lv_note);
    let note = join(
        format!(
            "{} from {} ({} glyphs, {})",
            kind(&enc),
            e.rel.display(),
            enc.glyphs,
            format_size(enc.bytes.len() as u64)
        ),
        &notes,
    );
    target.taken.push(slash_path(&out_rel).to_ascii_lowercase());
    let create = Action::create(inv, &out_rel, enc.bytes, note);
    Some(Conversion {
        bdf: e,
        pcf: out_rel,
        create,
    })
}

/// Parse the whole file, glyphs in their ink boxes (what both writers take), or say why it
/// cannot be read.
fn read(e: &Entry, source: &mut Source, plan: &mut StagePlan) -> Option<BdfFile> {
    let parsed = match source {
        Source::Bytes(bytes) => bdf::parse_cropped(&bytes[..]),
        Source::Stream(file, cap) => bdf_split::parse_file(file, *cap, true),
    };
    match parsed {
        Ok(f) => Some(f),
        Err(why) => {
            plan.push(bad(e, "BDF font not read", why));
            None
        }
    }
}

/// What reading the file tolerated, for the note.
fn read_notes(file: &BdfFile) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some((said, found)) = file.chars_mismatch {
        notes.push(format!(
            "CHARS says {said} glyphs but the file has {found}; read like adafruit_bitmap_font does, which ignores CHARS"
        ));
    }
    if file.unencoded > 0 {
        notes.push(format!(
            "{} unencoded glyph(s) dropped (ENCODING -1: unreachable)",
            file.unencoded
        ));
    }
    if !file.duplicates.is_empty() {
        notes.push(format!(
            "{} code point(s) defined twice, first kept (as on the device): {}",
            file.duplicates.len(),
            list_codes(&file.duplicates)
        ));
    }
    notes
}

/// `--keep-names`: the same BDF with only the kept glyphs, when that is smaller.
fn subset_in_place(
    inv: &Inventory,
    e: &Entry,
    bytes: &[u8],
    file: &BdfFile,
    keep: &[bool],
    notes: &[String],
    plan: &mut StagePlan,
) {
    let out = bdf::subset(bytes, file, keep);
    if (out.len() as u64) < e.size {
        let kept = keep.iter().filter(|k| **k).count();
        let note = join(format!("subset in place: {kept} glyph(s) kept"), notes);
        plan.push(Action::replace(inv, e, out, note));
    }
}

fn kind(enc: &Encoded) -> &'static str {
    if enc.lv {
        "LVGL font"
    } else {
        "PCF"
    }
}

/// The converted font would not be smaller: say so, and what would make it smaller.
fn not_smaller(e: &Entry, enc: Encoded, lv_note: Option<String>) -> Action {
    let mut why = vec![format!(
        "not converted: the {} would be {}, not smaller",
        kind(&enc),
        format_size(enc.bytes.len() as u64)
    )];
    why.extend(enc.notes);
    why.extend(lv_note);
    why.push("--charset auto (or ascii, latin1) keeps only what the code shows".into());
    Action::report(&e.rel, e.size, why.join("; ")).warning()
}
