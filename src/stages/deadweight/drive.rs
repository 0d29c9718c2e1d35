//! The importable names on a drive: top-level modules and packages at the root and in `/lib`,
//! and which of same-named items the firmware would load (docs/domain/dead-weight.md §1.2).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::layout::ENTRY_NAMES;
use crate::scan::{EntryKind, Inventory};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    Root,
    Lib,
}

/// A top-level importable name in one `sys.path` folder, with every item that answers to it
/// (FAT ignores case, so `Foo.py` and `foo.mpy` are the same name).
#[derive(Debug, Clone, Default)]
pub struct Unit {
    /// The name as first seen on disk (without extension).
    pub name: String,
    pub dirs: Vec<PathBuf>,
    pub pys: Vec<PathBuf>,
    pub mpys: Vec<PathBuf>,
    /// Some folder has `__init__.py`/`__init__.mpy` directly inside.
    pub init: bool,
    /// `.py`/`.mpy` files below the folders.
    pub dir_files: Vec<PathBuf>,
}

/// Which item of a unit the firmware loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Winner {
    Dir,
    Py,
    Mpy,
    /// A folder without `__init__` beside a module, and the version decides (unknown here).
    Ambiguous,
}

impl Unit {
    pub fn has_code(&self) -> bool {
        !self.pys.is_empty() || !self.mpys.is_empty() || !self.dir_files.is_empty()
    }

    /// `new_rule`: the 10.3.0-alpha.4+ order (package with `__init__`, module, bare folder);
    /// `Some(false)`: any folder first (≤ 10.2.x, 9.x); `None`: version unknown.
    pub fn winner(&self, new_rule: Option<bool>) -> Winner {
        let module = if !self.pys.is_empty() {
            Some(Winner::Py)
        } else if !self.mpys.is_empty() {
            Some(Winner::Mpy)
        } else {
            None
        };
        match (self.dirs.is_empty(), module) {
            (true, Some(m)) => m,
            (true, None) => Winner::Dir,
            (false, None) => Winner::Dir,
            (false, Some(_)) if self.init => Winner::Dir,
            (false, Some(m)) => match new_rule {
                Some(false) => Winner::Dir,
                Some(true) => m,
                None => Winner::Ambiguous,
            },
        }
    }

    /// The files that run when the name is imported (all candidates when ambiguous).
    pub fn live_files(&self, new_rule: Option<bool>) -> Vec<PathBuf> {
        match self.winner(new_rule) {
            Winner::Dir => self.dir_files.clone(),
            Winner::Py => self.pys.clone(),
            Winner::Mpy => self.mpys.clone(),
            Winner::Ambiguous => {
                let mut all = self.dir_files.clone();
                all.extend(self.pys.iter().cloned());
                all.extend(self.mpys.iter().cloned());
                all
            }
        }
    }

    /// Every top-level item (folders and module files).
    pub fn items(&self) -> impl Iterator<Item = &PathBuf> {
        self.dirs.iter().chain(&self.pys).chain(&self.mpys)
    }
}

#[derive(Debug, Default)]
pub struct Drive {
    /// Keyed by lower-case name.
    pub root: BTreeMap<String, Unit>,
    pub lib: BTreeMap<String, Unit>,
    /// Root-level entry points that exist, in CircuitPython's order.
    pub entry_points: Vec<PathBuf>,
}

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// `(stem, ext)` of a module file name: `("foo", "py")`; `None` for other files.
pub fn module_stem(name: &str) -> Option<(&str, &'static str)> {
    let (stem, ext) = name.rsplit_once('.')?;
    let ext = if ext.eq_ignore_ascii_case("py") {
        "py"
    } else if ext.eq_ignore_ascii_case("mpy") {
        "mpy"
    } else {
        return None;
    };
    is_identifier(stem).then_some((stem, ext))
}

pub fn is_lib_dir(comp: &str) -> bool {
    comp.eq_ignore_ascii_case("lib")
}

pub fn components(rel: &Path) -> Option<Vec<&str>> {
    rel.components()
        .map(|c| match c {
            std::path::Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect()
}

impl Drive {
    pub fn build(inv: &Inventory) -> Drive {
        let mut d = Drive::default();
        for e in &inv.entries {
            let Some(comps) = components(&e.rel) else {
                continue;
            };
            let (map, rest) = match comps.as_slice() {
                [] => continue,
                [name] if e.kind == EntryKind::File => {
                    let lower = name.to_ascii_lowercase();
                    if ENTRY_NAMES.contains(&lower.as_str()) {
                        d.entry_points.push(e.rel.clone());
                    }
                    (&mut d.root, &comps[..])
                }
                [first, rest @ ..] if is_lib_dir(first) && !rest.is_empty() => (&mut d.lib, rest),
                [first, ..] if is_lib_dir(first) => continue,
                _ => (&mut d.root, &comps[..]),
            };
            add_item(map, rest, e.kind, &e.rel);
        }
        let order = |p: &PathBuf| {
            let lower = p.to_string_lossy().to_ascii_lowercase();
            ENTRY_NAMES
                .iter()
                .position(|n| *n == lower)
                .unwrap_or(usize::MAX)
        };
        d.entry_points.sort_by_key(order);
        d
    }

    pub fn unit(&self, place: Place, key: &str) -> Option<&Unit> {
        match place {
            Place::Root => self.root.get(key),
            Place::Lib => self.lib.get(key),
        }
    }

    /// The unit a drive path belongs to (`lib/x/y.py` → `(Lib, "x")`).
    pub fn unit_of(&self, rel: &Path) -> Option<(Place, String)> {
        let comps = components(rel)?;
        let (place, top) = match comps.as_slice() {
            [first, top, ..] if is_lib_dir(first) => (Place::Lib, *top),
            [top, ..] => (Place::Root, *top),
            [] => return None,
        };
        let stem = module_stem(top).map(|(s, _)| s).unwrap_or(top);
        let key = stem.to_ascii_lowercase();
        self.unit(place, &key).map(|_| (place, key))
    }
}

fn add_item(map: &mut BTreeMap<String, Unit>, comps: &[&str], kind: EntryKind, rel: &Path) {
    let Some((top, below)) = comps.split_first() else {
        return;
    };
    if below.is_empty() {
        let (stem, ext) = match kind {
            EntryKind::Dir if is_identifier(top) => (*top, ""),
            EntryKind::File => match module_stem(top) {
                Some(s) => s,
                None => return,
            },
            _ => return,
        };
        let u = map.entry(stem.to_ascii_lowercase()).or_default();
        if u.name.is_empty() {
            u.name = stem.to_string();
        }
        match ext {
            "py" => u.pys.push(rel.to_path_buf()),
            "mpy" => u.mpys.push(rel.to_path_buf()),
            _ => u.dirs.push(rel.to_path_buf()),
        }
        return;
    }
    if kind != EntryKind::File || !is_identifier(top) {
        return;
    }
    let Some(last) = below.last() else { return };
    let Some((stem, _)) = module_stem(last) else {
        return;
    };
    // Parents come before children in the inventory, so the folder's unit exists.
    if let Some(u) = map.get_mut(&top.to_ascii_lowercase()) {
        if below.len() == 1 && stem == "__init__" {
            u.init = true;
        }
        u.dir_files.push(rel.to_path_buf());
    }
}

/// Does this CircuitPython version use the 10.3.0-alpha.4+ package order? `None` when unknown
/// (including dev builds between alpha.3 and alpha.4).
pub fn new_package_rule(version: Option<&str>) -> Option<bool> {
    let v = version?;
    let (release, pre) = match v.split_once('-') {
        Some((r, p)) => (r, Some(p)),
        None => (v, None),
    };
    let mut nums = release.split('.').map(|n| n.parse::<u32>().ok());
    let major = nums.next().flatten()?;
    let minor = nums.next().flatten().unwrap_or(0);
    let patch = nums.next().flatten().unwrap_or(0);
    if major != 10 {
        return Some(major > 10);
    }
    if minor != 3 {
        return Some(minor > 3);
    }
    if patch > 0 {
        return Some(true);
    }
    let Some(pre) = pre else { return Some(true) };
    let mut parts = pre.split(['.', '-']);
    match parts.next() {
        Some("alpha") => {
            let n: u32 = parts.next()?.parse().ok()?;
            match n {
                0..=2 => Some(false),
                3 if parts.next().is_none() => Some(false),
                3 => None,
                _ => Some(true),
            }
        }
        Some("beta") | Some("rc") => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_rule_by_version() {
        assert_eq!(new_package_rule(Some("9.2.9")), Some(false));
        assert_eq!(new_package_rule(Some("10.2.1")), Some(false));
        assert_eq!(new_package_rule(Some("10.3.0-alpha.3")), Some(false));
        assert_eq!(new_package_rule(Some("10.3.0-alpha.3-12-gabc")), None);
        assert_eq!(new_package_rule(Some("10.3.0-alpha.4")), Some(true));
        assert_eq!(new_package_rule(Some("10.3.0-beta.1")), Some(true));
        assert_eq!(new_package_rule(Some("10.3.0")), Some(true));
        assert_eq!(new_package_rule(Some("11.0.0")), Some(true));
        assert_eq!(new_package_rule(None), None);
        assert_eq!(new_package_rule(Some("x")), None);
    }

    #[test]
    fn winners() {
        let mut u = Unit {
            dirs: vec!["lib/x".into()],
            mpys: vec!["lib/x.mpy".into()],
            ..Unit::default()
        };
        assert_eq!(u.winner(Some(false)), Winner::Dir);
        assert_eq!(u.winner(Some(true)), Winner::Mpy);
        assert_eq!(u.winner(None), Winner::Ambiguous);
        u.init = true;
        assert_eq!(u.winner(None), Winner::Dir);
        let u = Unit {
            pys: vec!["lib/x.py".into()],
            mpys: vec!["lib/x.mpy".into()],
            ..Unit::default()
        };
        assert_eq!(u.winner(None), Winner::Py);
    }

    #[test]
    fn names() {
        assert_eq!(module_stem("foo.PY"), Some(("foo", "py")));
        assert_eq!(module_stem("._foo.mpy"), None);
        assert_eq!(module_stem("foo.bar.py"), None);
        assert!(is_identifier("adafruit_bus_device") && !is_identifier("1x"));
    }
}
