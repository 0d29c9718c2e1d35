//! One library of the drive's `lib/` that a bundle has: swapped file by file for the bundle's
//! form, unless the shapes differ, the drive's copy is newer, or the swap would make it larger.

use std::collections::BTreeSet;

use super::{drive_path, lib_rel, Ctx, DriveModule};
use crate::error::Result;
use crate::plan::Action;
use crate::scan::{Entry, Inventory};
use crate::stages::mpy::bundle::Module;
use crate::stages::mpy::place::{grows_library, swap_file, twin_of};
use crate::stages::mpy::user::report_if_unloadable;
use crate::stages::mpy::version::{version_newer, version_of, version_of_files};
use crate::units::format_size;

/// The library on both sides: its name, the bundle's module and the drive's entries.
struct Library<'a> {
    name: &'a str,
    /// The bundle's name, for the notes.
    bundle: String,
    module: Module,
    drive: &'a DriveModule<'a>,
}

impl<'a> Library<'a> {
    /// The entry that stands for the library on the drive (its folder, else its file).
    fn entry(&self) -> Option<&'a Entry> {
        self.drive.dir.or(self.drive.py).or(self.drive.mpy)
    }

    /// A package in the bundle is a folder on the drive; a single file is a file.
    fn same_shape_on_drive(&self) -> bool {
        if self.module.package {
            self.drive.dir.is_some()
        } else {
            self.drive.py.is_some() || self.drive.mpy.is_some()
        }
    }
}

/// A module's files read from the bundle: lib-relative path and bytes.
type Files = Vec<(String, Vec<u8>)>;

/// What placing the bundle's files did.
struct Placed {
    /// Drive paths (as FAT compares them) the bundle's files land on or replace.
    covered: BTreeSet<String>,
    /// Bundle files the drive lacks and that were not added.
    skipped_missing: Vec<String>,
    /// A replaced `.mpy` was one the board cannot load.
    fixes_unloadable: bool,
}

pub(super) fn in_bundle(ctx: &mut Ctx, bi: usize, name: &str, dm: &DriveModule) -> Result<()> {
    let Some(bm) = ctx.bundles.get(bi).and_then(|b| b.module(name)).cloned() else {
        return Ok(());
    };
    let bname = ctx
        .bundles
        .get(bi)
        .map(|b| b.name.clone())
        .unwrap_or_default();
    let lib = Library {
        name,
        bundle: bname,
        module: bm,
        drive: dm,
    };
    if !lib.same_shape_on_drive() {
        report_shape_mismatch(ctx, &lib);
        return Ok(());
    }
    report_both_forms(ctx, &lib);
    // Versions before/after, for the per-library summary.
    let before_version = version_of_files(ctx.inv, &drive_files(ctx.inv, &lib));
    let (contents, after_version) = read_bundle_files(ctx, bi, &lib.module)?;
    let version_change = format!(
        "{} → {}",
        before_version.as_deref().unwrap_or("?"),
        after_version.as_deref().unwrap_or("?")
    );
    if let (Some(b), Some(a)) = (&before_version, &after_version) {
        if version_newer(b, a) {
            report_drive_newer(ctx, &lib, b, a);
            return Ok(());
        }
    }
    // A user who removed a submodule from a package to save space did it on purpose; only a
    // version change may need the files the drive lacks.
    let add_missing = !lib.module.package || before_version != after_version;
    let first = ctx.out.actions.len();
    let placed = place_files(ctx, &lib, &version_change, contents, add_missing);
    if !placed.fixes_unloadable && grows_library(&ctx.out.actions[first..]) {
        ctx.out.actions.truncate(first);
        report_not_smaller(ctx, &lib);
        return Ok(());
    }
    report_left_out(ctx, &lib, &placed.skipped_missing);
    report_user_files(ctx, &lib, &placed.covered);
    summary_line(ctx, &lib, first, &version_change);
    Ok(())
}

fn report_shape_mismatch(ctx: &mut Ctx, lib: &Library) {
    let (name, bname, package) = (lib.name, &lib.bundle, lib.module.package);
    if let Some(e) = lib.entry() {
        let note = format!(
            "bundle {bname} has {name} as a {}, the drive as a {}; not converted (reinstall it, e.g. `circup install {name}`)",
            if package { "package folder" } else { "single file" },
            if package { "single file" } else { "package folder" },
        );
        ctx.out.push(Action::report(&e.rel, e.size, note));
    }
}

/// `foo.py` beside `foo.mpy`: the `.py` runs, and both give way to the bundle's `.mpy`.
fn report_both_forms(ctx: &mut Ctx, lib: &Library) {
    if let (Some(py), Some(mpy)) = (lib.drive.py, lib.drive.mpy) {
        ctx.out.push(Action::report(
            &mpy.rel,
            mpy.size,
            format!(
                "{} and {} are both here: the .py is what runs, the .mpy is dead weight; both are replaced by the bundle's {}.mpy",
                py.rel.display(),
                mpy.rel.display(),
                lib.name
            ),
        ));
    }
}

/// The library's files on the drive (a package's whole folder).
fn drive_files<'i>(inv: &'i Inventory, lib: &Library<'i>) -> Vec<&'i Entry> {
    match lib.drive.dir {
        Some(d) if lib.module.package => inv.descendants(&d.rel).filter(|e| e.is_file()).collect(),
        _ => lib.drive.py.into_iter().chain(lib.drive.mpy).collect(),
    }
}

/// The bundle's files of the module (lib-relative path, bytes), and the version the first one
/// declares.
fn read_bundle_files(ctx: &mut Ctx, bi: usize, bm: &Module) -> Result<(Files, Option<String>)> {
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
    Ok((contents, after_version))
}

fn report_drive_newer(ctx: &mut Ctx, lib: &Library, drive: &str, bundle: &str) {
    if let Some(e) = lib.entry() {
        let note = format!(
            "{} {drive} on the drive is newer than {bundle} in bundle {}; not converted (download a newer bundle)",
            lib.name, lib.bundle
        );
        ctx.out.push(Action::report(&e.rel, e.size, note).warning());
    }
}

/// Plan each bundle file onto the drive (beside or over its other form).
fn place_files(
    ctx: &mut Ctx,
    lib: &Library,
    version_change: &str,
    contents: Files,
    add_missing: bool,
) -> Placed {
    let mut placed = Placed {
        covered: BTreeSet::new(),
        skipped_missing: Vec::new(),
        fixes_unloadable: false,
    };
    for (f, bytes) in contents {
        let target = drive_path(ctx.inv, &lib_rel(&f));
        let twin = twin_of(&f).map(|t| drive_path(ctx.inv, &lib_rel(&t)));
        placed.covered.insert(crate::fatname::path_key(&target));
        if let Some(t) = &twin {
            placed.covered.insert(crate::fatname::path_key(t));
        }
        let present = ctx.inv.find(&target).is_some()
            || twin.as_ref().is_some_and(|t| ctx.inv.find(t).is_some());
        if !present && !add_missing {
            placed.skipped_missing.push(f);
            continue;
        }
        placed.fixes_unloadable |= swap_file(
            ctx,
            &lib.bundle,
            lib.name,
            version_change,
            &target,
            twin.as_deref(),
            bytes,
        );
    }
    placed
}

fn report_not_smaller(ctx: &mut Ctx, lib: &Library) {
    if let Some(e) = lib.entry() {
        let note = format!(
            "bundle {}'s {} would be larger than the copy on the drive; not swapped (a swap never makes a library bigger)",
            lib.bundle, lib.name
        );
        ctx.out.push(Action::report(&e.rel, e.size, note).warning());
    }
}

fn report_left_out(ctx: &mut Ctx, lib: &Library, skipped_missing: &[String]) {
    if skipped_missing.is_empty() {
        return;
    }
    if let Some(e) = lib.entry() {
        ctx.out.push(Action::report(
            &e.rel,
            0,
            format!(
                "the bundle's {} also has {}, which the drive lacks; not added (same version, so it was probably removed on purpose)",
                lib.name,
                skipped_missing.join(", ")
            ),
        ));
    }
}

/// Files in the drive's package folder that the bundle's package does not have are kept.
fn report_user_files(ctx: &mut Ctx, lib: &Library, covered: &BTreeSet<String>) {
    let (Some(d), true) = (lib.drive.dir, lib.module.package) else {
        return;
    };
    for e in ctx.inv.descendants(&d.rel) {
        if e.is_file() && !covered.contains(&crate::fatname::path_key(&e.rel)) {
            let note = format!(
                "kept: not part of the bundle's {} (added by the user?) ({})",
                lib.name,
                format_size(e.size)
            );
            ctx.out.push(Action::report(&e.rel, e.size, note));
            if e.ext() == "mpy" {
                report_if_unloadable(ctx, e, "not in the bundle, so cpslim cannot replace it");
            }
        }
    }
}

/// The per-library line: what changes, with the version.
fn summary_line(ctx: &mut Ctx, lib: &Library, first: usize, version_change: &str) {
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
    if writes.is_empty() {
        return;
    }
    if let Some(path) = lib.entry().map(|e| e.rel.clone()) {
        // Linked to the library's writes: if an earlier stage takes the library (e.g. the
        // deadweight stage deletes a copy the firmware shadows), the merge drops the whole
        // swap and this line with it, so the report never claims a swap that did not happen.
        let line = Action::report(
            &path,
            before,
            format!(
                "{}: swapped for bundle {} ({}), version {version_change}: {} → {}",
                lib.name,
                lib.bundle,
                bundle_form(&lib.module),
                format_size(before),
                format_size(after)
            ),
        )
        .requiring(writes);
        ctx.out.push(line);
    }
}

fn bundle_form(bm: &Module) -> String {
    if bm.package {
        format!("{} files", bm.files.len())
    } else {
        bm.files.join(", ")
    }
}
