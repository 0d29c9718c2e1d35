//! RAM stage: what the images and fonts the user's code loads cost in RAM on the board, and the
//! memory advice a tool must not apply by itself. It only reports (`level: info`,
//! `action: report`); it never plans a write, so it cannot break idempotence.
//!
//! It runs after the other stages and reads their plans, so the figures are for the files as the
//! plan leaves them (a re-encoded BMP, a BDF converted to PCF) and no advice contradicts a change
//! the plan makes (no OnDiskBitmap advice for a file the plan turns into something OnDiskBitmap
//! cannot read). The allocation rules are stated in `docs/ram.md`.

pub mod code;
mod figures;
pub mod font;
mod png;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use crate::config::StageName;
use crate::plan::{Action, ActionKind, StagePlan};
use crate::scan::{Category, Entry, Inventory};

use code::{Load, Loader};

/// Prefix of every figure's note; advice notes start with [`ADVICE`].
pub const FIGURE: &str = "RAM: ";
pub const ADVICE: &str = "advice: ";

pub(crate) fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A file a load names, as the plan leaves it.
pub(crate) struct Asset {
    /// Where it will be (a converted font's `.pcf`), and its content then.
    pub rel: PathBuf,
    pub bytes: Vec<u8>,
    /// The file as it is now, when the plan replaces it with `bytes` under another name.
    pub original: Option<Vec<u8>>,
}

/// The drive file a literal names (FAT compares names without case).
fn find<'a>(inv: &'a Inventory, literal: &str) -> Option<&'a Entry> {
    let v = literal.strip_prefix('/').unwrap_or(literal);
    let v = v.strip_prefix("./").unwrap_or(v);
    inv.files().find(|e| slash(&e.rel).eq_ignore_ascii_case(v))
}

/// The file as the earlier stages' plans leave it; `None` when the plan deletes it outright.
fn after_plan<'a>(
    inv: &'a Inventory,
    prior: &[(StageName, StagePlan)],
    e: &'a Entry,
) -> Option<Asset> {
    let actions = || prior.iter().flat_map(|(_, p)| p.actions.iter());
    let mine = actions().find(|a| a.writes() && a.path == e.rel);
    match mine.map(Action::kind) {
        None => Some(Asset {
            rel: e.rel.clone(),
            bytes: inv.read(&e.rel).ok()?,
            original: None,
        }),
        Some(ActionKind::Replace) => Some(Asset {
            rel: e.rel.clone(),
            bytes: mine?.content()?.to_vec(),
            original: None,
        }),
        Some(ActionKind::Delete) => {
            // A converted font: the BDF goes, a PCF of the same name is created.
            let pcf = e.rel.with_extension("pcf");
            let create = actions().find(|a| a.kind() == ActionKind::Create && a.path == pcf)?;
            Some(Asset {
                rel: pcf,
                bytes: create.content()?.to_vec(),
                original: inv.read(&e.rel).ok(),
            })
        }
        Some(_) => None,
    }
}

/// Where a load is, for notes: `code.py:12 adafruit_imageload.load`.
pub(crate) fn at(py: &Entry, load: &Load) -> String {
    let what = load
        .path
        .as_deref()
        .map(|p| format!("(\"{p}\")"))
        .unwrap_or_default();
    format!(
        "{}:{} {}{what}",
        slash(&py.rel),
        load.line,
        load.loader.as_str()
    )
}

/// Plan the stage given the plans of the stages before it.
pub fn plan(inv: &Inventory, prior: &[(StageName, StagePlan)]) -> StagePlan {
    let mut plan = StagePlan::default();
    let mut fonts = Vec::new();
    let sources: Vec<(&Entry, code::CodeUses)> = inv
        .files()
        .filter(|e| e.ext() == "py" && e.category == Category::Code)
        .filter_map(|e| {
            let src = String::from_utf8(inv.read(&e.rel).ok()?).ok()?;
            Some((e, code::uses(&src)))
        })
        .collect();
    for (py, uses) in &sources {
        for load in &uses.loads {
            if load.loader == Loader::Terminalio {
                let note = format!(
                    "{FIGURE}{}: 0 B of heap (built into the firmware; its glyphs stay in flash)",
                    at(py, load)
                );
                plan.push(Action::report(&py.rel, 0, note));
                continue;
            }
            let Some(literal) = &load.path else {
                let note = format!(
                    "{FIGURE}{}: not estimated (the path is built at run time)",
                    at(py, load)
                );
                plan.push(Action::report(&py.rel, 0, note));
                continue;
            };
            let Some(entry) = find(inv, literal) else {
                let note = format!(
                    "{FIGURE}{}: not estimated (no such file on this drive)",
                    at(py, load)
                );
                plan.push(Action::report(&py.rel, 0, note));
                continue;
            };
            // A file the plan deletes outright has nothing left to measure.
            let Some(asset) = after_plan(inv, prior, entry) else {
                continue;
            };
            match load.loader {
                Loader::LoadFont => {
                    if let Some(f) = figures::font_load(py, load, &asset, &mut plan) {
                        fonts.push(f);
                    }
                }
                _ => figures::image_load(py, load, &asset, &mut plan),
            }
        }
    }
    figures::family_advice(&fonts, &mut plan);
    for (py, uses) in &sources {
        for label in &uses.labels {
            figures::label_advice(py, label, uses, &fonts, &mut plan);
        }
    }
    plan
}
