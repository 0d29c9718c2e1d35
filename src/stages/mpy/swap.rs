//! The `lib/` walk: each top-level module is swapped for the bundle's form, or (the user's own)
//! listed; `.py`/`.mpy` pairs and `.mpy` files the board cannot load are settled on the way.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::bundle::{Bundle, Module};
use super::place::{grows_library, swap_file, twin_of};
use super::user::{report_if_unloadable, user_module};
use super::version::{version_newer, version_of, version_of_files};
use super::{bundle_file_for, ADAFRUIT_PREFIX};
use crate::error::Result;
use crate::plan::{Action, StagePlan};
use crate::scan::{Category, Entry, EntryKind, Inventory};
use crate::units::format_size;

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

fn in_bundle(ctx: &mut Ctx, bi: usize, name: &str, dm: &DriveModule) -> Result<()> {
    let Some(bm) = ctx.bundles.get(bi).and_then(|b| b.module(name)).cloned() else {
        return Ok(());
    };
    let bname = ctx
        .bundles
        .get(bi)
        .map(|b| b.name.clone())
        .unwrap_or_default();
    let drive_kind_matches = if bm.package {
        dm.dir.is_some()
    } else {
        dm.py.is_some() || dm.mpy.is_some()
    };
    if !drive_kind_matches {
        let e = dm.dir.or(dm.py).or(dm.mpy);
        if let Some(e) = e {
            let note = format!(
                "bundle {bname} has {name} as a {}, the drive as a {}; not converted (reinstall it, e.g. `circup install {name}`)",
                if bm.package { "package folder" } else { "single file" },
                if bm.package { "single file" } else { "package folder" },
            );
            ctx.out.push(Action::report(&e.rel, e.size, note));
        }
        return Ok(());
    }
    if dm.py.is_some() && dm.mpy.is_some() {
        let (py, mpy) = (dm.py, dm.mpy);
        if let (Some(py), Some(mpy)) = (py, mpy) {
            ctx.out.push(Action::report(
                &mpy.rel,
                mpy.size,
                format!(
                    "{} and {} are both here: the .py is what runs, the .mpy is dead weight; both are replaced by the bundle's {name}.mpy",
                    py.rel.display(),
                    mpy.rel.display()
                ),
            ));
        }
    }
    // Versions before/after, for the per-library summary.
    let drive_files: Vec<&Entry> = match dm.dir {
        Some(d) if bm.package => ctx
            .inv
            .descendants(&d.rel)
            .filter(|e| e.is_file())
            .collect(),
        _ => dm.py.into_iter().chain(dm.mpy).collect(),
    };
    let before_version = version_of_files(ctx.inv, &drive_files);
    let mut after_version = None;
    let mut contents = Vec::new();
    for f in &bm.files {
        let bytes = match ctx.bundles.get_mut(bi) {
            Some(b) => b.read(f)?,
            None => continue,
        };
        if after_version.is_none() {
            after_version = version_of(f, &bytes);
        }
        contents.push((f.clone(), bytes));
    }
    let version_change = format!(
        "{} → {}",
        before_version.as_deref().unwrap_or("?"),
        after_version.as_deref().unwrap_or("?")
    );
    if let (Some(b), Some(a)) = (&before_version, &after_version) {
        if version_newer(b, a) {
            if let Some(e) = dm.dir.or(dm.py).or(dm.mpy) {
                let note = format!(
                    "{name} {b} on the drive is newer than {a} in bundle {bname}; not converted (download a newer bundle)"
                );
                ctx.out.push(Action::report(&e.rel, e.size, note).warning());
            }
            return Ok(());
        }
    }
    // A user who removed a submodule from a package to save space did it on purpose; only a
    // version change may need the files the drive lacks.
    let add_missing = !bm.package || before_version != after_version;
    let first = ctx.out.actions.len();
    let mut covered: BTreeSet<String> = BTreeSet::new();
    let mut skipped_missing = Vec::new();
    let mut fixes_unloadable = false;
    for (f, bytes) in contents {
        let target = drive_path(ctx.inv, &lib_rel(&f));
        let twin = twin_of(&f).map(|t| drive_path(ctx.inv, &lib_rel(&t)));
        covered.insert(crate::fatname::path_key(&target));
        if let Some(t) = &twin {
            covered.insert(crate::fatname::path_key(t));
        }
        let present = ctx.inv.find(&target).is_some()
            || twin.as_ref().is_some_and(|t| ctx.inv.find(t).is_some());
        if !present && !add_missing {
            skipped_missing.push(f);
            continue;
        }
        fixes_unloadable |= swap_file(
            ctx,
            &bname,
            name,
            &version_change,
            &target,
            twin.as_deref(),
            bytes,
        );
    }
    if !fixes_unloadable && grows_library(&ctx.out.actions[first..]) {
        ctx.out.actions.truncate(first);
        if let Some(e) = dm.dir.or(dm.py).or(dm.mpy) {
            let note = format!(
                "bundle {bname}'s {name} would be larger than the copy on the drive; not swapped (a swap never makes a library bigger)"
            );
            ctx.out.push(Action::report(&e.rel, e.size, note).warning());
        }
        return Ok(());
    }
    if !skipped_missing.is_empty() {
        let e = dm.dir.or(dm.py).or(dm.mpy);
        if let Some(e) = e {
            ctx.out.push(Action::report(
                &e.rel,
                0,
                format!(
                    "the bundle's {name} also has {}, which the drive lacks; not added (same version, so it was probably removed on purpose)",
                    skipped_missing.join(", ")
                ),
            ));
        }
    }
    if let (Some(d), true) = (dm.dir, bm.package) {
        for e in ctx.inv.descendants(&d.rel) {
            if e.is_file() && !covered.contains(&crate::fatname::path_key(&e.rel)) {
                let note = format!(
                    "kept: not part of the bundle's {name} (added by the user?) ({})",
                    format_size(e.size)
                );
                ctx.out.push(Action::report(&e.rel, e.size, note));
                if e.ext() == "mpy" {
                    report_if_unloadable(ctx, e, "not in the bundle, so cpslim cannot replace it");
                }
            }
        }
    }
    // The per-library line: what changes, with the version.
    let actions = ctx.out.actions.get(first..).unwrap_or_default();
    let (before, after) = actions
        .iter()
        .filter(|a| a.writes())
        .fold((0u64, 0u64), |(b, a), x| {
            (b + x.bytes_before, a + x.bytes_after())
        });
    let writes: Vec<usize> = actions
        .iter()
        .enumerate()
        .filter(|(_, a)| a.writes())
        .map(|(i, _)| first + i)
        .collect();
    if !writes.is_empty() {
        let path = dm.dir.or(dm.py).or(dm.mpy).map(|e| e.rel.clone());
        if let Some(path) = path {
            // Linked to the library's writes: if an earlier stage takes the library (e.g. the
            // deadweight stage deletes a copy the firmware shadows), the merge drops the whole
            // swap and this line with it, so the report never claims a swap that did not happen.
            let line = Action::report(
                &path,
                before,
                format!(
                    "{name}: swapped for bundle {bname} ({}), version {version_change}: {} → {}",
                    bundle_form(&bm),
                    format_size(before),
                    format_size(after)
                ),
            )
            .requiring(writes);
            ctx.out.push(line);
        }
    }
    Ok(())
}

fn bundle_form(bm: &Module) -> String {
    if bm.package {
        format!("{} files", bm.files.len())
    } else {
        bm.files.join(", ")
    }
}
