//! deadweight: libraries and files on the drive that can never run or are never used.
//!
//! 1. shadowed by firmware (built-in C module or frozen module of the board),
//! 2. shadowed on the drive (`.py` beside `.mpy`, folder beside module, root beside `/lib`),
//! 3. unused libraries (not reached by the import graph from the entry points),
//! 4. unreferenced assets (named by no string of any reachable file; report only).
//!
//! Facts: `shared/docs/dead-weight.md`. Decisions are per whole top-level `lib/` entry.

mod drive;
mod firmware;
mod graph;
mod mpy_imports;
mod why;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::Result;
use crate::plan::{Action, StagePlan};
use crate::scan::{Category, Inventory};
use crate::stages::StageName;

pub use drive::{new_package_rule, Drive, Place, Unit, Winner};
pub use firmware::{lookup as firmware_lookup, Firmware, Unknown};
pub use graph::{Graph, Via};
pub use mpy_imports::{read as read_mpy, MpyError, MpyImport, MpyInfo};
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

const ASSET_EXTS: [&str; 8] = ["bdf", "pcf", "bmp", "png", "gif", "jpg", "jpeg", "wav"];

fn is_asset_ext(ext: &str) -> bool {
    ASSET_EXTS.contains(&ext) || ext == "mp3"
}

pub fn analyze(inv: &Inventory, cfg: &Config) -> Analysis {
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
    let graph = (!drive.entry_points.is_empty())
        .then(|| graph::walk(inv, &drive, fw.as_ref().ok(), new_rule, &drive.entry_points));
    let unsure = !cfg.deadweight.assume_static_imports
        && graph.as_ref().is_some_and(|g| !g.uncertain.is_empty());
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
    firmware_findings(&mut a);
    shadow_findings(inv, &mut a, mpy_stage);
    unused_findings(&mut a, cfg.deadweight.prune);
    asset_findings(inv, &mut a);
    dedup(&mut a.findings);
    a
}

fn item_stem(p: &Path) -> String {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match drive::module_stem(&name) {
        Some((s, _)) => s.to_string(),
        None => name,
    }
}

fn firmware_findings(a: &mut Analysis) {
    let Ok(fw) = &a.firmware else { return };
    let mut out = Vec::new();
    for u in a.drive.lib.values() {
        for item in u.items() {
            let stem = item_stem(item);
            let reason = if fw.is_builtin(&stem) {
                format!(
                    "{} has '{stem}' built into its CircuitPython {} firmware: `import {stem}` gets the C module and this copy never runs",
                    fw.board_id, fw.tag
                )
            } else if fw.is_frozen(&stem) {
                let from = firmware::frozen_source(fw.major, &stem)
                    .map(|d| format!(" (from {d})"))
                    .unwrap_or_default();
                format!(
                    "{} has '{stem}' frozen into its CircuitPython {} firmware{from}, which is searched before /lib, so this copy never runs (to run a newer version, put it at the drive root)",
                    fw.board_id, fw.tag
                )
            } else {
                continue;
            };
            out.push(Finding {
                kind: Kind::Firmware,
                path: item.clone(),
                reason,
                delete: true,
            });
        }
    }
    a.findings.extend(out);
}

fn shadow_findings(inv: &Inventory, a: &mut Analysis, mpy_stage: bool) {
    let mut out = Vec::new();
    for (key, u) in &a.drive.lib {
        if let Some(root) = a.drive.root.get(key) {
            let first = root.items().next().map(|p| p.display().to_string());
            for item in u.items() {
                out.push(Finding {
                    kind: Kind::Shadowed,
                    path: item.clone(),
                    reason: format!(
                        "/{} at the drive root is found before /lib, so this copy never runs",
                        first.as_deref().unwrap_or(&u.name)
                    ),
                    delete: true,
                });
            }
            continue;
        }
        if u.dirs.is_empty() || (u.pys.is_empty() && u.mpys.is_empty()) {
            continue;
        }
        let version = a.version.as_deref().unwrap_or("unknown");
        match u.winner(a.new_rule) {
            Winner::Dir => {
                let why = if u.init {
                    "the package folder lib/{n}/ is found first".to_string()
                } else {
                    format!("CircuitPython {version} takes any folder lib/{{n}}/ first, even without __init__")
                };
                for item in u.pys.iter().chain(&u.mpys) {
                    out.push(Finding {
                        kind: Kind::Shadowed,
                        path: item.clone(),
                        reason: format!(
                            "{}, so this module never runs",
                            why.replace("{n}", &u.name)
                        ),
                        delete: true,
                    });
                }
            }
            Winner::Py | Winner::Mpy => {
                for d in &u.dirs {
                    out.push(Finding {
                        kind: Kind::Shadowed,
                        path: d.clone(),
                        reason: format!(
                            "CircuitPython {version} loads lib/{} before a folder without __init__, so this folder never runs",
                            u.pys.first().or(u.mpys.first()).map(|p| item_file_name(p)).unwrap_or_default()
                        ),
                        delete: true,
                    });
                }
            }
            Winner::Ambiguous => {
                for item in u.items() {
                    out.push(Finding {
                        kind: Kind::Shadowed,
                        path: item.clone(),
                        reason: format!(
                            "lib/{}/ (no __init__) and a module of the same name: which one runs depends on the CircuitPython version (a folder wins up to 10.2, the module from 10.3); pass --cp-version",
                            u.name
                        ),
                        delete: false,
                    });
                }
            }
        }
    }
    if !mpy_stage {
        out.extend(pair_findings(inv));
    }
    a.findings.extend(out);
}

fn item_file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `foo.mpy` beside `foo.py` in any folder: `.py` is tried first.
fn pair_findings(inv: &Inventory) -> Vec<Finding> {
    let mut pys: HashSet<(PathBuf, String)> = HashSet::new();
    let mut mpys: Vec<(PathBuf, String, PathBuf)> = Vec::new();
    for e in inv.files() {
        let name = item_file_name(&e.rel);
        let Some((stem, ext)) = drive::module_stem(&name) else {
            continue;
        };
        let parent = e.rel.parent().map(Path::to_path_buf).unwrap_or_default();
        let key = (parent, stem.to_ascii_lowercase());
        if ext == "py" {
            pys.insert(key);
        } else {
            mpys.push((key.0, key.1, e.rel.clone()));
        }
    }
    mpys.into_iter()
        .filter(|(parent, stem, _)| pys.contains(&(parent.clone(), stem.clone())))
        .map(|(_, stem, path)| Finding {
            kind: Kind::Shadowed,
            path,
            reason: format!("{stem}.py beside it is loaded first, so this .mpy never runs"),
            delete: true,
        })
        .collect()
}

fn unused_findings(a: &mut Analysis, prune: bool) {
    let Some(g) = &a.graph else { return };
    if a.unsure {
        return;
    }
    let mut out = Vec::new();
    for (key, u) in &a.drive.lib {
        if !u.has_code() || g.reached.contains_key(&(Place::Lib, key.clone())) {
            continue;
        }
        let hint = if prune { "" } else { " (delete with --prune)" };
        for item in u.items() {
            out.push(Finding {
                kind: Kind::Unused,
                path: item.clone(),
                reason: format!(
                    "no file reachable from {} imports '{}'{hint}",
                    entry_list(&a.drive.entry_points),
                    u.name
                ),
                delete: prune,
            });
        }
    }
    a.findings.extend(out);
}

fn entry_list(entries: &[PathBuf]) -> String {
    entries
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn asset_findings(inv: &Inventory, a: &mut Analysis) {
    let Some(g) = &a.graph else { return };
    let literals: Vec<String> = g.literals.iter().map(|l| l.to_lowercase()).collect();
    let mut out = Vec::new();
    for e in inv.files() {
        if matches!(e.category, Category::Junk | Category::Marker) {
            continue;
        }
        let in_lib = drive::components(&e.rel)
            .and_then(|c| c.first().map(|f| drive::is_lib_dir(f)))
            .unwrap_or(false);
        if in_lib || !is_asset_ext(&e.ext()) {
            continue;
        }
        let name = item_file_name(&e.rel).to_lowercase();
        if literals.iter().any(|l| l.contains(&name)) {
            continue;
        }
        out.push(Finding {
            kind: Kind::Asset,
            path: e.rel.clone(),
            reason: format!(
                "no string in any reachable code file mentions '{}' (it may still be named by a path built at run time; cpslim never deletes it)",
                item_file_name(&e.rel)
            ),
            delete: false,
        });
    }
    a.findings.extend(out);
}

/// One finding per path, the lowest kind first; nothing inside a folder already deleted.
fn dedup(findings: &mut Vec<Finding>) {
    findings.sort_by(|x, y| x.kind.cmp(&y.kind).then_with(|| x.path.cmp(&y.path)));
    let mut seen: Vec<PathBuf> = Vec::new();
    findings.retain(|f| {
        if seen.iter().any(|s| f.path.starts_with(s)) {
            return false;
        }
        seen.push(f.path.clone());
        true
    });
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
        entry_list(&a.drive.entry_points),
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
                            "{}: cannot be sure which libraries are unused, so none are reported ({}); pass --assume-static-imports to trust the import graph",
                            Kind::Unused.label(),
                            g.uncertain.join("; ")
                        ),
                    )
                    .warning(),
                );
            }
        }
    }
    for f in &a.findings {
        if crate::scan::is_protected(&f.path) {
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
            r.alloc_after = alloc;
            r.dir = e.is_dir();
            r
        };
        plan.push(action);
    }
    Ok(plan)
}

#[cfg(test)]
mod tests;
