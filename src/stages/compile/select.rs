//! Which `.py` files to compile: the user's own modules the code reaches (the deadweight import
//! graph), at the drive root and in `lib/`, that no bundle has, minus the files the firmware runs
//! by name as source.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::scan::{Entry, Inventory};
use crate::stages::deadweight::{self, Place, Unit, Winner};
use crate::stages::mpy::Bundle;

/// Root files the firmware runs by name stay source (docs/domain/mpy-cross.md): the entry points
/// the deadweight stage starts its import walk from, and `repl.py`.
fn is_run_by_name(name: &str) -> bool {
    name == "repl.py" || crate::layout::ENTRY_NAMES.contains(&name)
}

/// True for a root-level file the firmware runs as source.
pub fn runs_as_source(rel: &Path) -> bool {
    let mut comps = rel.components();
    match (comps.next(), comps.next()) {
        (Some(first), None) => {
            let name = first.as_os_str().to_string_lossy().to_ascii_lowercase();
            is_run_by_name(&name)
        }
        _ => false,
    }
}

/// One module file to compile.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub py: &'a Entry,
    /// The `-s` name: the path relative to the folder it is imported from (`lib/` or the root).
    pub name: String,
    pub mpy_rel: PathBuf,
}

/// A module left as source, and why (one report line each).
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: PathBuf,
    pub bytes: u64,
    pub why: String,
}

#[derive(Debug, Default)]
pub struct Selection<'a> {
    pub compile: Vec<Candidate<'a>>,
    pub skipped: Vec<Skipped>,
    /// Why nothing (or not everything) could be selected, for one summary note.
    pub limits: Vec<String>,
}

/// The `-s` name of a drive path: relative to `lib/` for library files, else to the root.
pub fn source_name(rel: &Path) -> Option<String> {
    let comps: Vec<&str> = rel
        .components()
        .map(|c| match c {
            std::path::Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let inner = match comps.split_first() {
        Some((first, rest)) if first.eq_ignore_ascii_case("lib") && !rest.is_empty() => rest,
        _ => &comps[..],
    };
    Some(inner.join("/"))
}

/// A library from a bundle declares the bundle repository it comes from.
fn looks_like_bundle_library(inv: &Inventory, files: &[PathBuf]) -> Option<String> {
    for f in files {
        let Ok(bytes) = inv.read_limited(f, 1 << 20) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        for line in text.lines() {
            let l = line.trim_start();
            if l.starts_with("__repo__") && l.to_ascii_lowercase().contains("circuitpython") {
                return Some(l.trim().to_string());
            }
        }
    }
    None
}

pub fn select<'a>(inv: &'a Inventory, cfg: &Config, bundles: &[Bundle]) -> Selection<'a> {
    let mut sel = Selection::default();
    let a = deadweight::analyze(inv, cfg);
    let Some(g) = &a.graph else {
        sel.limits.push(
            "no code.py, main.py or other entry point, so no module is known to be used"
                .to_string(),
        );
        return sel;
    };
    if !g.uncertain.is_empty() {
        sel.limits.push(format!(
            "modules imported only by a name computed at run time are not seen and stay source ({})",
            g.uncertain.join("; ")
        ));
    }
    let next_code: BTreeSet<&PathBuf> = g.next_code_files.iter().collect();
    let mut reached: Vec<&(Place, String)> = g.reached.keys().collect();
    reached.sort();
    for key in reached {
        let (place, lower) = key;
        let Some(unit) = a.drive.unit(*place, lower) else {
            continue;
        };
        if let Some(py_files) = sources_of(inv, unit, *place, a.new_rule, bundles, &mut sel) {
            choose_files(inv, py_files, &next_code, &mut sel);
        }
    }
    sel
}

/// The `.py` files of a used module that may be compiled; `None` (with the reason recorded as
/// skipped) for a bundle's library, a compiled or ambiguous module, or what looks like a bundle
/// library when no bundle is given.
fn sources_of(
    inv: &Inventory,
    unit: &Unit,
    place: Place,
    new_rule: Option<bool>,
    bundles: &[Bundle],
    sel: &mut Selection,
) -> Option<Vec<PathBuf>> {
    let top = unit.items().next().cloned().unwrap_or_default();
    if let Some(b) = bundles.iter().find(|b| b.module(&unit.name).is_some()) {
        if place == Place::Root {
            sel.skipped.push(Skipped {
                path: top,
                bytes: 0,
                why: format!(
                    "{} is a library of bundle {}: not compiled (the bundle's .mpy is preferred; move it to lib/)",
                    unit.name, b.name
                ),
            });
        }
        return None;
    }
    let files: Vec<PathBuf> = match unit.winner(new_rule) {
        Winner::Py => unit.pys.clone(),
        Winner::Dir => unit.dir_files.clone(),
        Winner::Mpy => return None,
        Winner::Ambiguous => {
            sel.skipped.push(Skipped {
                path: top,
                bytes: 0,
                why: format!(
                    "{}: a folder and a module share the name and the CircuitPython version decides which loads; not compiled",
                    unit.name
                ),
            });
            return None;
        }
    };
    let py_files: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| f.extension().is_some_and(|x| x.eq_ignore_ascii_case("py")))
        .collect();
    if bundles.is_empty() && place == Place::Lib {
        if let Some(repo) = looks_like_bundle_library(inv, &py_files) {
            let bytes = py_files
                .iter()
                .filter_map(|f| inv.get(f))
                .map(|e| e.size)
                .sum();
            sel.skipped.push(Skipped {
                path: top,
                bytes,
                why: format!(
                    "{} looks like a bundle library ({repo}): not compiled; give --bundle so the mpy stage uses the bundle's .mpy",
                    unit.name
                ),
            });
            return None;
        }
    }
    Some(py_files)
}

/// Each file to compile, but never one the firmware runs by name, nor an empty one.
fn choose_files<'a>(
    inv: &'a Inventory,
    py_files: Vec<PathBuf>,
    next_code: &BTreeSet<&PathBuf>,
    sel: &mut Selection<'a>,
) {
    for f in py_files {
        let Some(e) = inv.get(&f).filter(|e| e.is_file()) else {
            continue;
        };
        if runs_as_source(&f) || next_code.contains(&f) {
            sel.skipped.push(Skipped {
                path: f.clone(),
                bytes: e.size,
                why: "the firmware runs this file by name as source; never compiled".to_string(),
            });
            continue;
        }
        // The bundle copies empty files as they are (an empty `__init__.py`).
        if e.size == 0 {
            continue;
        }
        let Some(name) = source_name(&f) else {
            continue;
        };
        sel.compile.push(Candidate {
            py: e,
            name,
            mpy_rel: f.with_extension("mpy"),
        });
    }
}

/// Without running the import graph (the cheap form, for the estimate on every audit): the `.py`
/// files of modules at the root, and in `lib/` those no bundle has. Without a bundle `lib/` is
/// left out: the mpy stage already estimates it as bundle libraries.
pub fn user_sources<'a>(inv: &'a Inventory, bundles: &[Bundle]) -> Vec<&'a Entry> {
    let drive = deadweight::Drive::build(inv);
    let in_bundle = |name: &str| bundles.iter().any(|b| b.module(name).is_some());
    let root = drive.root.values().map(|u| (Place::Root, u));
    let lib = drive.lib.values().map(|u| (Place::Lib, u));
    root.chain(lib)
        .filter(|(place, u)| !in_bundle(&u.name) && (*place == Place::Root || !bundles.is_empty()))
        .flat_map(|(_, u)| u.pys.iter().chain(&u.dir_files))
        .filter(|f| {
            f.extension().is_some_and(|x| x.eq_ignore_ascii_case("py")) && !runs_as_source(f)
        })
        .filter_map(|f| inv.get(f))
        .filter(|e| e.is_file() && e.size > 0 && e.category != crate::scan::Category::Junk)
        .collect()
}
