//! Modules in no bundle (the user's own, or every module when no bundle is given), and the
//! `.mpy` load check shared with the swap.

use std::collections::BTreeSet;

use super::header::{self, MpyHeader};
use super::swap::{Ctx, DriveModule};
use super::{bundle_file_for, ADAFRUIT_PREFIX, MEASURED_RATIO};
use crate::plan::Action;
use crate::scan::Entry;
use crate::units::format_size;

/// `Some(board message)` when the bytes will not load.
pub(super) fn inv_check(major: Option<u32>, bytes: &[u8]) -> Option<String> {
    match major {
        Some(m) => header::check(bytes, m)
            .err()
            .map(|why| format!("{} ({why})", header::board_error(m, &why))),
        None => match MpyHeader::parse(bytes).and_then(|h| h.family()) {
            Some(_) => None,
            None => Some("incompatible .mpy file (not a .mpy file)".to_string()),
        },
    }
}

/// Warn about a `.mpy` the board will refuse to import.
pub(super) fn report_if_unloadable(ctx: &mut Ctx, e: &Entry, why_kept: &str) {
    let bytes = match ctx.inv.read_limited(&e.rel, 1 << 20) {
        Ok(b) => b,
        Err(err) => {
            let note = format!("cannot read: {err}");
            ctx.out.push(Action::report(&e.rel, e.size, note).warning());
            return;
        }
    };
    if let Some(fail) = inv_check(ctx.major, &bytes) {
        let note = format!("will fail with: {fail}; {why_kept}");
        ctx.out.push(Action::report(&e.rel, e.size, note).warning());
    } else if let Some(h) = MpyHeader::parse(&bytes).filter(|h| h.arch() != 0) {
        let note = format!(
            "contains native code for {}: loads only on boards of that architecture",
            h.arch_name()
        );
        ctx.out.push(Action::report(&e.rel, e.size, note));
    }
}

/// A module in no bundle: the user's own (or, without a bundle, unknown). Returns the `.py`
/// bytes and the estimated `.mpy` bytes when estimating.
pub(super) fn user_module(ctx: &mut Ctx, name: &str, dm: &DriveModule) -> (u64, u64) {
    let inv = ctx.inv;
    let mut files: Vec<&Entry> = Vec::new();
    if let Some(d) = dm.dir {
        files.extend(inv.descendants(&d.rel).filter(|e| e.is_file()));
    }
    files.extend(dm.py.into_iter().chain(dm.mpy));
    // Keyed as FAT compares names: `MY_MOD.MPY` and `my_mod.py` are a pair.
    let paths: BTreeSet<String> = files
        .iter()
        .map(|e| crate::fatname::path_key(&e.rel))
        .collect();
    let mut shadowed = BTreeSet::new();
    for e in &files {
        if e.ext() != "mpy" {
            continue;
        }
        let py = e.rel.with_extension("py");
        if paths.contains(&crate::fatname::path_key(&py)) {
            let note = format!(
                "never runs: {} beside it is imported first; the shadowed .mpy is dead weight",
                py.display()
            );
            ctx.out.push(Action::delete(inv, e, note));
            shadowed.insert(e.rel.clone());
        } else {
            let why = if ctx.bundles.is_empty() {
                "give --bundle to replace it if it is a bundle library"
            } else {
                "not in the bundle, so cpslim cannot replace it"
            };
            report_if_unloadable(ctx, e, why);
        }
    }
    let py_bytes: u64 = files
        .iter()
        .filter(|e| e.ext() == "py")
        .map(|e| e.size)
        .sum();
    let total: u64 = files
        .iter()
        .filter(|e| !shadowed.contains(&e.rel))
        .map(|e| e.size)
        .sum();
    let Some(path) = dm.dir.or(dm.py).or(dm.mpy).map(|e| e.rel.clone()) else {
        return (0, 0);
    };
    if ctx.bundles.is_empty() {
        if py_bytes == 0 {
            return (0, 0);
        }
        let est = (py_bytes as f64 * MEASURED_RATIO).round() as u64;
        let a = Action::estimate(
            &path,
            py_bytes,
            est,
            format!(
                "estimate, not measured: if {name} is a bundle library, its .mpy form would take about {} instead of {} of .py (measured ratio ~{MEASURED_RATIO}); download {} and run with --bundle PATH",
                format_size(est),
                format_size(py_bytes),
                bundle_file_for(ADAFRUIT_PREFIX, ctx.major)
            ),
        );
        ctx.out.push(a);
        return (py_bytes, est);
    }
    let note = format!(
        "{name}: not in the given bundle(s), kept as is ({})",
        format_size(total)
    );
    ctx.out.push(Action::report(&path, total, note));
    (0, 0)
}
