//! A font's REUSE-style licence file (`font.bdf.license`) follows the font when it becomes
//! `font.pcf`: the same text is written as `font.pcf.license`, then the old name goes.

use std::path::{Path, PathBuf};

use crate::plan::{Action, StagePlan};
use crate::scan::Inventory;

fn license_of(font: &Path) -> PathBuf {
    let mut name = font.as_os_str().to_owned();
    name.push(".license");
    PathBuf::from(name)
}

/// Plan the rename of `bdf`'s licence file next to `pcf`, after `bdf_delete` (the index of the
/// BDF's own deletion, so a failed conversion keeps the licence where it was).
pub fn plan_rename(
    inv: &Inventory,
    bdf: &Path,
    pcf: &Path,
    bdf_delete: usize,
    plan: &mut StagePlan,
) {
    let (old, new) = (license_of(bdf), license_of(pcf));
    let Some(e) = inv.get(&old).filter(|e| e.is_file()) else {
        return;
    };
    if inv.get(&new).is_some() {
        return;
    }
    let Ok(text) = inv.read_limited(&old, 1 << 20) else {
        return;
    };
    let note = format!("the licence follows its font: {}", new.display());
    let create = plan.push(Action::create(inv, &new, text, note).requiring([bdf_delete]));
    plan.push(
        Action::delete(inv, e, format!("renamed to {}", new.display()))
            .requiring([bdf_delete, create]),
    );
}
