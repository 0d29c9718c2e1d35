//! The `lib/` walk: each top-level module is swapped for the bundle's form, or (the user's own)
//! listed; `.py`/`.mpy` pairs and `.mpy` files the board cannot load are settled on the way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::bundle::Bundle;
use super::user::user_module;
use super::{bundle_file_for, ADAFRUIT_PREFIX};
use crate::error::Result;
use crate::plan::{Action, StagePlan};
use crate::scan::{Category, Entry, EntryKind, Inventory};
use crate::units::format_size;

mod library;

use library::in_bundle;

pub(super) struct Ctx<'a> {
    pub inv: &'a Inventory,
    /// The major version files must load on (`None`: unknown, only format checks).
    pub major: Option<u32>,
    pub bundles: &'a mut Vec<Bundle>,
    pub out: &'a mut StagePlan,
}

/// One importable name at the top of the drive's `lib/`.
#[derive(Default)]
pub(super) struct DriveModule<'a> {
    pub py: Option<&'a Entry>,
    pub mpy: Option<&'a Entry>,
    pub dir: Option<&'a Entry>,
}

fn lib_rel(rel: &str) -> PathBuf {
    Path::new("lib").join(rel)
}

/// `want` as it is spelled on the drive: each existing component takes the drive's case
/// (`LIB/neopixel.mpy` for `lib/neopixel.mpy` on a drive with `LIB/`), so a new file lands in
/// the folder FAT would use, and never beside a name it equals.
fn drive_path(inv: &Inventory, want: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in want.components() {
        let cand = out.join(c);
        out = match inv.find(&cand) {
            Some(e) => e.rel.clone(),
            None => cand,
        };
    }
    out
}

pub(super) fn plan_lib(ctx: &mut Ctx) -> Result<()> {
    let inv = ctx.inv;
    let Some(lib) = inv.find(Path::new("lib")).filter(|e| e.is_dir()) else {
        return Ok(());
    };
    // Keyed as FAT compares names, so `neopixel.py` and `NEOPIXEL.MPY` are one module; the
    // first spelling seen names it.
    let mut mods: BTreeMap<String, (String, DriveModule)> = BTreeMap::new();
    for e in inv.children(&lib.rel) {
        if matches!(e.category, Category::Junk | Category::Marker) {
            continue;
        }
        let Some(name) = e.rel.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        let (stem, kind) = match e.kind {
            EntryKind::Dir => (name, 0),
            EntryKind::File if lower.ends_with(".py") => (&name[..name.len() - 3], 1),
            EntryKind::File if lower.ends_with(".mpy") => (&name[..name.len() - 4], 2),
            // Links are never followed or changed.
            _ => continue,
        };
        let dm = &mut mods
            .entry(stem.to_lowercase())
            .or_insert_with(|| (stem.to_string(), DriveModule::default()))
            .1;
        match kind {
            0 => dm.dir = Some(e),
            1 => dm.py = Some(e),
            _ => dm.mpy = Some(e),
        }
    }
    let mut estimate_total = (0u64, 0u64);
    for (name, dm) in mods.values() {
        let found = ctx.bundles.iter().position(|b| b.module(name).is_some());
        match found {
            Some(bi) => in_bundle(ctx, bi, name, dm)?,
            None => {
                let (py, est) = user_module(ctx, name, dm);
                estimate_total.0 += py;
                estimate_total.1 += est;
            }
        }
    }
    if ctx.bundles.is_empty() && estimate_total.0 > 0 {
        let a = Action::estimate(
            Path::new("lib"),
            estimate_total.0,
            estimate_total.1,
            format!(
                "estimate, not measured: the .py libraries in lib/ ({}) would take about {} as the bundle's .mpy files; download {} and run with --bundle PATH",
                format_size(estimate_total.0),
                format_size(estimate_total.1),
                bundle_file_for(ADAFRUIT_PREFIX, ctx.major)
            ),
        );
        // Shown without -v: it is the one thing the user must do for this stage to work.
        ctx.out.push(a.warning());
    }
    Ok(())
}
