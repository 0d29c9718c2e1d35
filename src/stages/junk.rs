//! Junk stage: plans the deletion of what [`crate::layout::junk`] calls junk, and recreates
//! CircuitPython's markers on a board.

use std::path::Path;

use crate::config::Config;
use crate::layout::junk::{classify, inside_junk_dir, Verdict, MARKERS};
use crate::plan::{Action, StagePlan};
use crate::scan::Inventory;
use crate::units::format_size;

pub fn plan(inv: &Inventory, cfg: &Config) -> StagePlan {
    let mut plan = StagePlan::default();
    let mut deleted_trash: Vec<(&Path, usize)> = Vec::new();
    for e in &inv.entries {
        // Links are never followed or changed; special files are not ours to judge.
        if !(e.is_file() || e.is_dir()) || inside_junk_dir(&e.rel) {
            continue;
        }
        let Some(r) = classify(&e.rel, e.kind) else {
            continue;
        };
        match r.verdict {
            Verdict::Marker => {}
            Verdict::Delete => {
                plan.push(Action::delete(inv, e, r.what));
            }
            Verdict::Report => {
                let (bytes, _) = inv.tree_size(&e.rel);
                plan.push(Action::report(&e.rel, bytes, r.what));
            }
            Verdict::Trash => {
                let (bytes, _) = inv.tree_size(&e.rel);
                let files = inv.file_count(&e.rel);
                let what = format!(
                    "{}: {files} deleted file(s), {}",
                    r.what,
                    format_size(bytes)
                );
                if cfg.empty_trash {
                    let i = plan.push(Action::delete(
                        inv,
                        e,
                        format!("{what}, emptied (--empty-trash)"),
                    ));
                    deleted_trash.push((&e.rel, i));
                } else {
                    plan.push(
                        Action::report(
                            &e.rel,
                            bytes,
                            format!("{what} still taking space; --empty-trash deletes them"),
                        )
                        .warning(),
                    );
                }
            }
        }
    }
    if inv.is_board {
        plan_markers(inv, &deleted_trash, &mut plan);
    }
    plan
}

/// Recreate missing markers: they stop macOS from writing its junk again.
fn plan_markers(inv: &Inventory, deleted_trash: &[(&Path, usize)], plan: &mut StagePlan) {
    for marker in MARKERS {
        let rel = Path::new(marker);
        let requires: Vec<usize> = match inv.find(rel) {
            None => Vec::new(),
            Some(e) if e.is_dir() => match deleted_trash
                .iter()
                .find(|(p, _)| crate::fatname::path_eq(p, rel))
            {
                Some((_, i)) => vec![*i],
                None => continue,
            },
            Some(_) => continue,
        };
        if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            if inv.find(parent).is_some_and(|p| !p.is_dir()) {
                continue;
            }
        }
        let what = "CircuitPython marker recreated: stops macOS from writing junk here";
        plan.push(Action::create(inv, rel, Vec::new(), what).requiring(requires));
    }
}
