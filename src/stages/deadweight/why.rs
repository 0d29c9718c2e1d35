//! `cpslim audit --why TARGET`: what the plan does to a path and why, and the chain of imports
//! that keeps a library (or why it can never run). TARGET is a path on the drive
//! (`lib/adafruit_bus_device`, `lib/neopixel.mpy`) or a module name (`adafruit_debouncer`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::drive::{components, is_identifier, is_lib_dir, module_stem, Place, Unit, Winner};
use super::graph::{Graph, Via};
use super::{analyze, Analysis};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::plan::{ActionKind, Plan};
use crate::scan::Inventory;

/// Lines of the answer, each printed once.
#[derive(Default)]
struct Lines(Vec<String>);

impl Lines {
    /// Add a line unless an earlier one already says it (a plan note quotes the same reason).
    fn add(&mut self, line: String) {
        let said = line.trim();
        if !self.0.iter().any(|l| l.contains(said)) {
            self.0.push(line);
        }
    }
    fn text(&self) -> String {
        self.0.iter().map(|l| format!("{l}\n")).collect()
    }
}

/// Explain `target` against `plan` (the plan `audit` with the same flags prints).
pub fn why(inv: &Inventory, cfg: &Config, target: &Path, plan: &Plan) -> Result<String> {
    let a = analyze(inv, cfg);
    let mut out = Lines::default();
    let asked = target.to_string_lossy().to_string();
    let paths = match find_paths(inv, &a, target) {
        Some(p) => p,
        None => {
            // `lib/x.mpy` that is not there (the drive has `lib/x.py`): explain module `x`.
            let module = module_of_file(&asked);
            if let Some(p) = module
                .as_deref()
                .and_then(|m| find_paths(inv, &a, Path::new(m)))
            {
                out.add(format!(
                    "{asked} is not on the drive; explaining module '{}' instead:",
                    module.as_deref().unwrap_or_default()
                ));
                p
            } else {
                let name = module.unwrap_or_else(|| asked.clone());
                if !is_module_name(&name) {
                    return Err(Error::Usage(format!(
                        "--why {asked}: no such file or folder on the drive, and not a module name"
                    )));
                }
                module_not_on_drive(&a, &name, &mut out);
                return Ok(out.text());
            }
        }
    };
    for rel in &paths {
        plan_lines(plan, rel, &mut out);
        imports(inv, &a, rel, &mut out);
    }
    Ok(out.text())
}

/// `lib/x.mpy`, `lib/x.py`, `x.py` → `x`.
fn module_of_file(s: &str) -> Option<String> {
    let s = s.trim_start_matches("./").trim_start_matches('/');
    let s = match s.split_once('/') {
        Some((lib, rest)) if is_lib_dir(lib) => rest,
        Some(_) => return None,
        None => s,
    };
    let (stem, _) = module_stem(s)?;
    Some(stem.to_string())
}

fn is_module_name(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(is_identifier)
}

/// The drive paths TARGET means: the path itself (FAT ignores case), or every top-level item of
/// the module it names (root copies first: that is the one that runs).
fn find_paths(inv: &Inventory, a: &Analysis, target: &Path) -> Option<Vec<PathBuf>> {
    let s = target.to_string_lossy();
    let s = s.trim_start_matches("./").trim_start_matches('/');
    let s = s.trim_end_matches('/');
    if let Some(e) = inv
        .entries
        .iter()
        .find(|e| e.rel.to_string_lossy().eq_ignore_ascii_case(s))
    {
        return Some(vec![e.rel.clone()]);
    }
    if !is_module_name(s) {
        return None;
    }
    let key = s.split('.').next()?.to_ascii_lowercase();
    let items: Vec<PathBuf> = [Place::Root, Place::Lib]
        .into_iter()
        .filter_map(|p| a.drive.unit(p, &key))
        .flat_map(|u| u.items().cloned())
        .collect();
    (!items.is_empty()).then_some(items)
}

/// Every planned action on `rel`, on something inside it, or on a folder holding it.
fn plan_lines(plan: &Plan, rel: &Path, out: &mut Lines) {
    let mut shown = 0;
    let mut more = 0;
    for (stage, part) in &plan.stages {
        for act in &part.actions {
            let touches = if act.writes() {
                act.path.starts_with(rel) || rel.starts_with(&act.path)
            } else {
                act.path == rel || (act.path.starts_with(rel) && act.path != Path::new(""))
            };
            if !touches || act.path.as_os_str().is_empty() {
                continue;
            }
            if shown >= 12 {
                more += 1;
                continue;
            }
            shown += 1;
            let what = match act.kind() {
                ActionKind::Delete => "deletes",
                ActionKind::Replace => "replaces",
                ActionKind::Create => "creates",
                ActionKind::Edit => "edits",
                ActionKind::Report => "reports",
            };
            out.add(format!(
                "{}: the {stage} stage {what} it — {}",
                act.path.display(),
                act.note
            ));
        }
    }
    if more > 0 {
        out.add(format!("… and {more} more planned action(s) inside it"));
    }
}

fn imports(inv: &Inventory, a: &Analysis, rel: &Path, out: &mut Lines) {
    let shown = rel.display();
    if a.drive.entry_points.iter().any(|e| e == rel) {
        out.add(format!(
            "{shown} is an entry point: CircuitPython runs it itself"
        ));
        return;
    }
    let Some((place, key)) = importable(inv, a, rel) else {
        if out.0.is_empty() {
            out.add(format!(
                "{shown} is not a Python module or package that can be imported, and nothing is planned for it"
            ));
        }
        return;
    };
    let Some(g) = &a.graph else {
        out.add("the drive has no code.py, main.py, boot.py or other entry point, so the import graph is empty".into());
        return;
    };
    let Some(unit) = a.drive.unit(place, &key) else {
        return;
    };
    let name = unit.name.clone();
    if firmware_answers(a, g, place, &name, rel, out) {
        return;
    }
    let Some(via) = g.reached.get(&(place, key.clone())) else {
        if a.unsure {
            out.add(format!(
                "no reachable file imports '{name}', but the analysis cannot be sure: {}",
                g.uncertain.join("; ")
            ));
        } else {
            out.add(format!(
                "no file reachable from {} imports '{name}'",
                super::findings::entry_list(&a.drive.entry_points)
            ));
        }
        return;
    };
    if shadowed(inv, a, g, unit, rel, via, out) {
        return;
    }
    out.add(format!("'{name}' is imported:"));
    chain(a, g, via, out);
}

/// The module `rel` is (a `.py`/`.mpy` file, or a folder holding code), if it can be imported.
fn importable(inv: &Inventory, a: &Analysis, rel: &Path) -> Option<(Place, String)> {
    let is_module = match inv.get(rel) {
        Some(e) if e.is_dir() => a
            .drive
            .unit_of(rel)
            .and_then(|(p, k)| a.drive.unit(p, &k))
            .is_some_and(|u| u.has_code()),
        Some(e) => matches!(e.ext().as_str(), "py" | "mpy"),
        None => false,
    };
    a.drive.unit_of(rel).filter(|_| is_module)
}

/// A module the firmware answers (built in, or frozen for `lib/`): the file never runs.
fn firmware_answers(
    a: &Analysis,
    g: &Graph,
    place: Place,
    name: &str,
    rel: &Path,
    out: &mut Lines,
) -> bool {
    let shown = rel.display();
    let exact = |m: &BTreeMap<String, Via>| {
        m.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    if let Some(via) = exact(&g.builtin_hits) {
        out.add(format!(
            "'{name}' is imported, but the firmware's built-in module answers it, so {shown} never runs:"
        ));
        chain(a, g, &via, out);
        return true;
    }
    if place == Place::Lib {
        if let Some(via) = exact(&g.frozen_hits).or_else(|| exact(&g.frozen_followed)) {
            out.add(format!(
                "'{name}' is imported, but the firmware's frozen copy answers it, so {shown} never runs (what the frozen copy imports comes from cpslim's firmware data):"
            ));
            chain(a, g, &via, out);
            return true;
        }
    }
    false
}

/// A top-level file another form of the same module wins over (`import` loads that first).
fn shadowed(
    inv: &Inventory,
    a: &Analysis,
    g: &Graph,
    unit: &Unit,
    rel: &Path,
    via: &Via,
    out: &mut Lines,
) -> bool {
    let live = unit.live_files(a.new_rule);
    let is_top_file =
        components(rel).is_some_and(|c| c.len() <= 2) && inv.get(rel).is_some_and(|e| e.is_file());
    if !is_top_file || live.iter().any(|f| f == rel) {
        return false;
    }
    let winner = match unit.winner(a.new_rule) {
        Winner::Dir => unit.dirs.first(),
        Winner::Py => unit.pys.first(),
        Winner::Mpy => unit.mpys.first(),
        Winner::Ambiguous => None,
    };
    let Some(w) = winner else {
        return false;
    };
    out.add(format!(
        "'{}' is imported, but `import {}` loads {} first, so {} never runs:",
        unit.name,
        unit.name,
        w.display(),
        rel.display()
    ));
    chain(a, g, via, out);
    true
}

/// A module name with no file on the drive: who answers it, if anyone.
fn module_not_on_drive(a: &Analysis, name: &str, out: &mut Lines) {
    let top = name.split('.').next().unwrap_or(name);
    let fw = a.firmware.as_ref().ok();
    let g = a.graph.as_ref();
    if fw.is_some_and(|f| f.is_builtin(top)) {
        out.add(format!(
            "'{top}' is not on the drive; the firmware's built-in module answers it"
        ));
    } else if let Some(f) = fw.filter(|f| f.is_frozen(top)) {
        out.add(format!(
            "'{top}' is not on the drive; it is frozen into the {} firmware (CircuitPython {})",
            f.board_id, f.tag
        ));
    } else {
        out.add(format!(
            "'{top}' is not on the drive (no lib/{top} and no /{top})"
        ));
    }
    if let Some((g, via)) = g.and_then(|g| {
        g.frozen_hits
            .get(top)
            .or_else(|| g.builtin_hits.get(top))
            .map(|v| (g, v.clone()))
    }) {
        out.add(format!("'{top}' is imported:"));
        chain(a, g, &via, out);
    }
}

/// The import chain from an entry point down to the unit `via` reached.
fn chain(a: &Analysis, g: &Graph, via: &Via, out: &mut Lines) {
    let mut steps: Vec<&Via> = vec![via];
    let mut cur = via;
    for _ in 0..256 {
        let next = if let Some(fz) = &cur.frozen {
            g.frozen_followed.get(fz)
        } else if a.drive.entry_points.iter().any(|e| e == &cur.file) {
            None
        } else {
            a.drive
                .unit_of(&cur.file)
                .and_then(|(place, key)| g.reached.get(&(place, key)))
        };
        match next {
            Some(v) if !steps.iter().any(|s| s == &v) => {
                steps.push(v);
                cur = v;
            }
            _ => break,
        }
    }
    for (depth, v) in steps.iter().rev().enumerate() {
        let indent = "  ".repeat(depth + 1);
        if v.frozen.is_some() {
            out.add(format!("{indent}{}", v.import));
        } else {
            let line = v.line.map(|l| format!(" line {l}")).unwrap_or_default();
            out.add(format!("{indent}{}{line}: {}", v.file.display(), v.import));
        }
    }
}
