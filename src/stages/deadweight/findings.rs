//! The four kinds of findings, computed from the drive model and the import graph.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::drive::{self, Place, Winner};
use super::{firmware, Analysis, Finding, Kind};
use crate::scan::{Category, Inventory};

const ASSET_EXTS: [&str; 10] = [
    "bdf",
    "pcf",
    "lvfontbin",
    "bmp",
    "png",
    "gif",
    "jpg",
    "jpeg",
    "wav",
    "mp3",
];

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

pub(super) fn firmware(a: &mut Analysis) {
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
    // Built-in modules come before every folder, the drive root included; root files are the
    // user's own, so they are only reported.
    for u in a.drive.root.values() {
        for item in u.items() {
            let stem = item_stem(item);
            if fw.is_builtin(&stem) && u.has_code() {
                out.push(Finding {
                    kind: Kind::Firmware,
                    path: item.clone(),
                    reason: format!(
                        "{} has '{stem}' built into its CircuitPython {} firmware, which is found before any file, even one at the drive root: this copy never runs",
                        fw.board_id, fw.tag
                    ),
                    delete: false,
                });
            }
        }
    }
    a.findings.extend(out);
}

pub(super) fn shadowed(inv: &Inventory, a: &mut Analysis, mpy_stage: bool) {
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

pub(super) fn unused(a: &mut Analysis, prune: bool) {
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

pub(super) fn entry_list(entries: &[PathBuf]) -> String {
    entries
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn assets(inv: &Inventory, a: &mut Analysis) {
    let Some(g) = &a.graph else { return };
    let literals: Vec<String> = g.literals.iter().map(|l| l.to_lowercase()).collect();
    let terminal = inv.terminal_fonts();
    let mut out = Vec::new();
    for e in inv.files() {
        if matches!(e.category, Category::Junk | Category::Marker) {
            continue;
        }
        let in_lib = drive::components(&e.rel)
            .and_then(|c| c.first().map(|f| drive::is_lib_dir(f)))
            .unwrap_or(false);
        // The firmware reads its terminal font without any code naming it.
        let terminal = crate::layout::firmware::is_terminal_font(&terminal, &e.rel);
        if in_lib || terminal || !ASSET_EXTS.contains(&e.ext().as_str()) {
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
pub(super) fn dedup(findings: &mut Vec<Finding>) {
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
