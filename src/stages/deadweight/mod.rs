//! deadweight: libraries and files on the drive that can never run or are never used.
//!
//! 1. shadowed by firmware (built-in C module or frozen module of the board),
//! 2. shadowed on the drive (`.py` beside `.mpy`, folder beside module, root beside `/lib`),
//! 3. unused libraries (not reached by the import graph from the entry points),
//! 4. unreferenced assets (named by no string of any reachable file; report only).
//!
//! Facts: `docs/domain/dead-weight.md`; firmware data: `assets/data/README.md`. Decisions are per
//! whole top-level `lib/` entry.

mod drive;
mod edges;
mod findings;
pub(crate) mod firmware;
mod frozen_imports;
mod graph;
mod mpy_imports;
mod user_code;
mod why;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::config::StageName;
use crate::error::Result;
use crate::plan::{Action, StagePlan};
use crate::scan::Inventory;

pub use drive::{new_package_rule, Drive, Place, Unit, Winner};
pub use firmware::{lookup as firmware_lookup, Firmware, Unknown};
pub use graph::{Graph, Via};
pub use mpy_imports::{read as read_mpy, MpyError, MpyImport, MpyInfo};
pub use user_code::{is_library_file, is_library_name, user_code, UserCode};
pub use why::why;

/// The four kinds of dead weight, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Firmware = 1,
    Shadowed = 2,
    Unused = 3,
    Asset = 4,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Firmware => "shadowed by firmware",
            Kind::Shadowed => "shadowed on the drive",
            Kind::Unused => "unused library",
            Kind::Asset => "unreferenced asset",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: Kind,
    pub path: PathBuf,
    pub reason: String,
    /// `optimize` deletes it (kinds 1 and 2; kind 3 with `--prune`).
    pub delete: bool,
}

/// Everything the stage knows about one drive.
pub struct Analysis {
    pub drive: Drive,
    pub firmware: std::result::Result<Firmware, Unknown>,
    pub version: Option<String>,
    pub new_rule: Option<bool>,
    /// `None` when the drive has no entry point (no code.py, main.py, boot.py …).
    pub graph: Option<Graph>,
    /// The graph cannot be trusted to be complete (and `--assume-static-imports` is off).
    pub unsure: bool,
    pub findings: Vec<Finding>,
}

pub fn analyze(inv: &Inventory, cfg: &Config) -> Analysis {
    analyze_with(inv, cfg, None)
}

/// [`analyze`] with another source of frozen modules' imports (tests: a firmware cpslim has no
/// data for).
pub(crate) fn analyze_with(
    inv: &Inventory,
    cfg: &Config,
    frozen_lookup: Option<graph::FrozenLookup>,
) -> Analysis {
    let drive = Drive::build(inv);
    let version = inv
        .board
        .as_ref()
        .map(|b| b.version.clone())
        .or_else(|| cfg.cp_version.clone());
    // `--cp-version` alone replaces the scanned board; the id still comes from boot_out.txt.
    let board_id = inv
        .board
        .as_ref()
        .and_then(|b| b.board_id.clone())
        .or_else(|| cfg.board_id.clone())
        .or_else(|| {
            let bytes = inv.read_limited(Path::new("boot_out.txt"), 4096).ok()?;
            crate::board::parse_boot_out(&bytes)?.board_id
        });
    let fw = firmware::lookup(version.as_deref(), board_id.as_deref());
    let new_rule = drive::new_package_rule(version.as_deref());
    let graph = (!drive.entry_points.is_empty()).then(|| {
        graph::walk(
            inv,
            &drive,
            fw.as_ref().ok(),
            new_rule,
            &drive.entry_points,
            frozen_lookup,
        )
    });
    // A frozen module without data may import anything: --assume-static-imports does not help.
    let unsure = graph.as_ref().is_some_and(|g| {
        !g.frozen_unknown.is_empty()
            || (!cfg.deadweight.assume_static_imports && !g.uncertain.is_empty())
    });
    let mut a = Analysis {
        drive,
        firmware: fw,
        version,
        new_rule,
        graph,
        unsure,
        findings: Vec::new(),
    };
    let mpy_stage = cfg.stages.contains(&StageName::Mpy);
    findings::firmware(&mut a);
    findings::shadowed(inv, &mut a, mpy_stage);
    findings::unused(&mut a, cfg.deadweight.prune);
    findings::assets(inv, &mut a);
    findings::dedup(&mut a.findings);
    a
}

/// One line on what the import graph found (shown with `-v`).
fn graph_summary(a: &Analysis, g: &Graph) -> String {
    let mut used: Vec<&str> = a
        .drive
        .lib
        .iter()
        .filter(|(k, _)| g.reached.contains_key(&(Place::Lib, (*k).clone())))
        .map(|(_, u)| u.name.as_str())
        .collect();
    used.sort_unstable();
    let list = |names: Vec<&str>| {
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    };
    format!(
        "import graph from {}: {} files read; lib/ entries used: {}; answered by built-in modules: {}; by frozen modules: {}",
        findings::entry_list(&a.drive.entry_points),
        g.files_read,
        list(used),
        list(g.builtin_hits.keys().map(String::as_str).collect()),
        list(g.frozen_hits.keys().map(String::as_str).collect()),
    )
}

/// Plan the stage.
pub fn plan(inv: &Inventory, cfg: &Config) -> Result<StagePlan> {
    let a = analyze(inv, cfg);
    let mut plan = StagePlan::default();
    let mpy_stage = cfg.stages.contains(&StageName::Mpy);
    let lib = Path::new("lib");
    if let Err(u) = &a.firmware {
        let note = Action::report(
            lib,
            0,
            format!(
                "{}: check skipped because {}",
                Kind::Firmware.label(),
                u.explain()
            ),
        );
        plan.push(if a.drive.lib.is_empty() {
            note
        } else {
            note.warning()
        });
    }
    match &a.graph {
        None => {
            plan.push(Action::report(
                Path::new(""),
                0,
                "no code.py, main.py, boot.py or other entry point: unused libraries and assets are not checked",
            ));
        }
        Some(g) => {
            plan.push(Action::report(lib, 0, graph_summary(&a, g)));
            for p in &g.problems {
                if p.bad_mpy_header && mpy_stage {
                    continue;
                }
                let bytes = inv.get(&p.path).map(|e| e.size).unwrap_or(0);
                plan.push(Action::report(&p.path, bytes, p.message.clone()).warning());
            }
            if a.unsure {
                plan.push(
                    Action::report(
                        lib,
                        0,
                        format!(
                            "{}: cannot be sure which libraries are unused, so none are reported ({}){}",
                            Kind::Unused.label(),
                            g.uncertain.join("; "),
                            if g.frozen_unknown.is_empty() {
                                "; pass --assume-static-imports to trust the import graph"
                            } else {
                                ""
                            }
                        ),
                    )
                    .warning(),
                );
            }
        }
    }
    for f in &a.findings {
        if crate::layout::is_protected(&f.path) {
            continue;
        }
        let Some(e) = inv.get(&f.path) else { continue };
        let note = format!("{}: {}", f.kind.label(), f.reason);
        let action = if f.delete {
            Action::delete(inv, e, note)
        } else {
            let (bytes, alloc) = inv.tree_size(&f.path);
            // A warning, so a plain `audit` shows it (info notes need -v).
            let mut r = Action::report(&f.path, bytes, note).warning();
            r.alloc_before = alloc;
            r
        };
        plan.push(action);
    }
    Ok(plan)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_firmware;
#[cfg(test)]
mod tests_mpy;
#[cfg(test)]
mod tests_why;
