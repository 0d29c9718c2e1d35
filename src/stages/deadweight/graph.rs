//! The import graph: from every entry point through every module on the drive it reaches,
//! resolved the way the firmware does (dead-weight.md §1.2 and §2.3).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::drive::{components, is_identifier, is_lib_dir, Drive, Place};
use super::firmware::Firmware;
use super::frozen_imports;
use super::mpy_imports::{self, MpyError};
use crate::pysrc;
use crate::scan::Inventory;

/// How a unit was first reached: `file` (line `line`) says `import …`, or the firmware's frozen
/// module `frozen` imports it (then `file` is the file that imported the frozen module).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub import: String,
    pub frozen: Option<String>,
}

/// A file's problem worth telling the user (the analysis still goes on).
#[derive(Debug, Clone)]
pub struct Problem {
    pub path: PathBuf,
    pub message: String,
    /// A `.mpy` that cannot load at all (bad header): the mpy stage reports those too.
    pub bad_mpy_header: bool,
}

#[derive(Debug, Default)]
pub struct Graph {
    pub reached: HashMap<(Place, String), Via>,
    /// Frozen modules whose imports the shipped firmware data gave, and how each was reached.
    pub frozen_followed: BTreeMap<String, Via>,
    /// Frozen modules the data does not know: they might import any library.
    pub frozen_unknown: Vec<String>,
    pub builtin_hits: BTreeMap<String, Via>,
    pub frozen_hits: BTreeMap<String, Via>,
    /// Why the analysis cannot be sure nothing else is imported.
    pub uncertain: Vec<String>,
    pub problems: Vec<Problem>,
    /// String literals (and `.mpy` strings) of every file read: for unreferenced assets.
    pub literals: Vec<String>,
    pub files_read: usize,
    /// Every code file read (entry points, `set_next_code_file` targets, modules), in order.
    pub files: Vec<PathBuf>,
}

enum Hit {
    Builtin,
    Root(String),
    Frozen,
    Lib(String),
    Missing,
}

struct Walker<'a> {
    inv: &'a Inventory,
    drive: &'a Drive,
    fw: Option<&'a Firmware>,
    new_rule: Option<bool>,
    g: Graph,
    queue: Vec<PathBuf>,
    seen_files: HashSet<PathBuf>,
    frozen_lookup: Option<FrozenLookup>,
}

/// One import edge out of a file: the top-level name, and whether it is only a guess (a name
/// that merely appears in the file: resolved only to modules on the drive).
struct Edge {
    top: String,
    line: Option<usize>,
    import: String,
    guess: bool,
    frozen: Option<String>,
}

/// Where a frozen module's imports come from (tests replace the shipped data).
pub type FrozenLookup = fn(&str, &str) -> Option<&'static frozen_imports::ModuleData>;

pub fn walk(
    inv: &Inventory,
    drive: &Drive,
    fw: Option<&Firmware>,
    new_rule: Option<bool>,
    entry_points: &[PathBuf],
) -> Graph {
    walk_with(inv, drive, fw, new_rule, entry_points, None)
}

pub fn walk_with(
    inv: &Inventory,
    drive: &Drive,
    fw: Option<&Firmware>,
    new_rule: Option<bool>,
    entry_points: &[PathBuf],
    frozen_lookup: Option<FrozenLookup>,
) -> Graph {
    let mut w = Walker {
        inv,
        drive,
        fw,
        new_rule,
        g: Graph::default(),
        queue: entry_points.to_vec(),
        seen_files: entry_points.iter().cloned().collect(),
        frozen_lookup,
    };
    while let Some(file) = w.queue.pop() {
        let edges = w.file_edges(&file);
        for e in edges {
            w.follow(&file, e);
        }
    }
    w.g
}

/// The package a module file belongs to (`lib/a/b.py` and `lib/a/__init__.py` → `[a]`).
fn package_of(rel: &Path) -> Vec<String> {
    let Some(comps) = components(rel) else {
        return Vec::new();
    };
    let inner = match comps.split_first() {
        Some((first, rest)) if is_lib_dir(first) => rest,
        _ => &comps[..],
    };
    match inner.split_last() {
        Some((_, pkg)) => pkg.iter().map(|s| s.to_string()).collect(),
        None => Vec::new(),
    }
}

/// The top-level name an import statement loads first, or `None` when it cannot resolve
/// (a relative import beyond the top-level package, or from a non-package file).
fn top_of(package: &[String], module: Option<&str>, level: usize) -> Option<String> {
    if level == 0 {
        return module?.split('.').next().map(str::to_string);
    }
    let keep = package.len().checked_sub(level - 1)?;
    package.get(..keep)?.first().cloned()
}

fn dotted_text(module: Option<&str>, level: usize, names: &[String]) -> String {
    let dots = ".".repeat(level);
    let m = module.unwrap_or("");
    if names.is_empty() {
        format!("import {dots}{m}")
    } else {
        format!("from {dots}{m} import {}", names.join(", "))
    }
}

impl Walker<'_> {
    fn resolve(&self, top: &str) -> Hit {
        let lower = top.to_ascii_lowercase();
        if self.fw.is_some_and(|f| f.is_builtin(top)) {
            return Hit::Builtin;
        }
        if self.drive.root.contains_key(&lower) {
            return Hit::Root(lower);
        }
        if self.fw.is_some_and(|f| f.is_frozen(top)) {
            return Hit::Frozen;
        }
        if self.drive.lib.contains_key(&lower) {
            return Hit::Lib(lower);
        }
        Hit::Missing
    }

    fn enqueue(&mut self, files: Vec<PathBuf>) {
        for f in files {
            if self.seen_files.insert(f.clone()) {
                self.queue.push(f);
            }
        }
    }

    fn follow(&mut self, file: &Path, e: Edge) {
        let via = Via {
            file: file.to_path_buf(),
            line: e.line,
            import: e.import,
            frozen: e.frozen,
        };
        match self.resolve(&e.top) {
            Hit::Builtin if !e.guess => {
                self.g.builtin_hits.entry(e.top).or_insert(via);
            }
            Hit::Builtin | Hit::Missing => {}
            Hit::Root(key) | Hit::Lib(key) => {
                let place = if self.drive.root.contains_key(&key) {
                    Place::Root
                } else {
                    Place::Lib
                };
                if self.g.reached.contains_key(&(place, key.clone())) {
                    return;
                }
                let files = self
                    .drive
                    .unit(place, &key)
                    .map(|u| u.live_files(self.new_rule))
                    .unwrap_or_default();
                self.g.reached.insert((place, key), via);
                self.enqueue(files);
            }
            Hit::Frozen => {
                if !e.guess {
                    self.g
                        .frozen_hits
                        .entry(e.top.clone())
                        .or_insert(via.clone());
                }
                self.follow_frozen(&e.top, &via);
            }
        }
    }

    /// A frozen module's imports come from the shipped firmware data, never from a `lib/` copy
    /// (the first run deletes that copy: a second run would no longer see what it needs).
    fn follow_frozen(&mut self, name: &str, via: &Via) {
        let Some(fw) = self.fw else { return };
        if self.g.frozen_followed.contains_key(name)
            || self.g.frozen_unknown.iter().any(|n| n == name)
        {
            return;
        }
        let Some(data) = self.frozen_data(&fw.tag, name) else {
            self.g.frozen_unknown.push(name.to_string());
            self.g.uncertain.push(format!(
                "the firmware's frozen '{name}' is imported and cpslim has no data on what it imports in CircuitPython {}, so every library it might import is kept",
                fw.tag
            ));
            return;
        };
        self.g.frozen_followed.insert(name.to_string(), via.clone());
        for top in frozen_imports::top_level_imports(data) {
            let edge = Edge {
                top: top.to_string(),
                line: None,
                import: format!(
                    "frozen '{name}' imports {top} (CircuitPython {} firmware data)",
                    fw.tag
                ),
                guess: false,
                frozen: Some(name.to_string()),
            };
            self.follow(&via.file, edge);
        }
    }

    fn frozen_data(&self, tag: &str, name: &str) -> Option<&'static frozen_imports::ModuleData> {
        match self.frozen_lookup {
            Some(f) => f(tag, name),
            None => frozen_imports::lookup(tag, name),
        }
    }

    fn problem(&mut self, path: &Path, message: String, bad_mpy_header: bool) {
        self.g.problems.push(Problem {
            path: path.to_path_buf(),
            message,
            bad_mpy_header,
        });
    }

    fn file_edges(&mut self, file: &Path) -> Vec<Edge> {
        let bytes = match self.inv.read(file) {
            Ok(b) => b,
            Err(e) => {
                self.g
                    .uncertain
                    .push(format!("{} could not be read ({e})", file.display()));
                self.problem(file, format!("cannot read: {e}"), false);
                return Vec::new();
            }
        };
        self.g.files_read += 1;
        self.g.files.push(file.to_path_buf());
        let is_mpy = file
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("mpy"));
        let package = package_of(file);
        if is_mpy {
            self.mpy_edges(file, &bytes, &package)
        } else {
            self.py_edges(file, &String::from_utf8_lossy(&bytes), &package)
        }
    }

    fn guesses(strings: &[String], line: Option<usize>, why: &str) -> Vec<Edge> {
        strings
            .iter()
            .filter_map(|s| s.split('.').next())
            .filter(|t| is_identifier(t))
            .map(|t| Edge {
                top: t.to_string(),
                line,
                import: format!("names '{t}' ({why})"),
                guess: true,
                frozen: None,
            })
            .collect()
    }

    fn py_edges(&mut self, file: &Path, src: &str, package: &[String]) -> Vec<Edge> {
        let (parsed, lits) = pysrc::imports_and_literals(src);
        self.g.literals.extend(lits.iter().map(|l| l.value.clone()));
        let imports = match parsed {
            Ok(i) => i,
            Err(e) => {
                self.problem(
                    file,
                    format!(
                        "syntax error ({e}): every name in the file is treated as a possible import"
                    ),
                    false,
                );
                return Self::guesses(
                    &pysrc::possible_names(src),
                    Some(e.line),
                    "file does not parse",
                );
            }
        };
        let mut edges = Vec::new();
        for i in &imports.imports {
            if let Some(top) = top_of(package, i.module.as_deref(), i.level) {
                edges.push(Edge {
                    top,
                    line: Some(i.line),
                    import: dotted_text(i.module.as_deref(), i.level, &i.names),
                    guess: false,
                    frozen: None,
                });
            }
        }
        let mut string_rule = false;
        for d in &imports.dynamic {
            string_rule = true;
            if let Some(lit) = &d.literal {
                let level = d.level.unwrap_or(0);
                if let Some(top) = top_of(package, Some(lit), level) {
                    edges.push(Edge {
                        top,
                        line: Some(d.line),
                        import: format!("{}(\"{lit}\")", d.func),
                        guess: false,
                        frozen: None,
                    });
                }
                continue;
            }
            // A relative `__import__` inside a package stays in the package, which is kept whole.
            let contained =
                d.func == "__import__" && d.level.is_some_and(|l| l >= 1) && !package.is_empty();
            if !contained {
                self.g.uncertain.push(format!(
                    "{} line {}: {}(…) with a name computed at run time",
                    file.display(),
                    d.line,
                    d.func
                ));
            }
        }
        if string_rule {
            let values: Vec<String> = lits.into_iter().map(|l| l.value).collect();
            edges.extend(Self::guesses(
                &values,
                None,
                "string in a file that imports by name",
            ));
        }
        for target in &imports.next_code_files {
            self.next_code_file(file, target);
        }
        if imports.next_code_file_unknown {
            self.g.uncertain.push(format!(
                "{}: supervisor.set_next_code_file() with a computed path",
                file.display()
            ));
        }
        edges
    }

    fn next_code_file(&mut self, from: &Path, target: &str) {
        let rel = target.trim_start_matches('/');
        let found = self
            .inv
            .entries
            .iter()
            .find(|e| e.is_file() && e.rel.to_string_lossy().eq_ignore_ascii_case(rel));
        match found {
            Some(e) => {
                let p = e.rel.clone();
                self.enqueue(vec![p]);
            }
            None => self.g.uncertain.push(format!(
                "{}: supervisor.set_next_code_file(\"{target}\") names a file that is not on the drive",
                from.display()
            )),
        }
    }

    fn mpy_edges(&mut self, file: &Path, bytes: &[u8], package: &[String]) -> Vec<Edge> {
        let info = match mpy_imports::read(bytes) {
            Ok(i) => i,
            Err(MpyError::Header(m)) => {
                // It cannot load, so it imports nothing; the file itself needs replacing.
                self.problem(file, format!("{m}; it fails to import on the board"), true);
                return Vec::new();
            }
            Err(e @ MpyError::Truncated(_)) => {
                self.problem(file, format!("{e}; its imports are unknown"), false);
                self.g.uncertain.push(format!(
                    "{} is damaged, so what it imports is unknown",
                    file.display()
                ));
                return Vec::new();
            }
        };
        self.g.literals.extend(info.strings.iter().cloned());
        let mut edges: Vec<Edge> = info
            .imports
            .iter()
            .filter_map(|i| {
                Some(Edge {
                    top: top_of(package, i.module.as_deref(), i.level)?,
                    line: None,
                    import: dotted_text(i.module.as_deref(), i.level, &i.names),
                    guess: false,
                    frozen: None,
                })
            })
            .collect();
        if info.dynamic || !info.exact {
            let why = if info.dynamic {
                "string in an .mpy that imports by name"
            } else {
                "string in an .mpy whose code was not decoded"
            };
            edges.extend(Self::guesses(&info.strings, None, why));
        }
        edges
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_tops() {
        let pkg = package_of(Path::new("lib/a/b/c.py"));
        assert_eq!(pkg, vec!["a".to_string(), "b".to_string()]);
        assert_eq!(
            package_of(Path::new("lib/a/__init__.py")),
            vec!["a".to_string()]
        );
        assert!(package_of(Path::new("lib/x.py")).is_empty());
        assert!(package_of(Path::new("code.py")).is_empty());
        assert_eq!(top_of(&pkg, None, 1).as_deref(), Some("a"));
        assert_eq!(top_of(&pkg, Some("m"), 2).as_deref(), Some("a"));
        assert_eq!(top_of(&pkg, Some("m"), 3), None);
        assert_eq!(top_of(&[], Some("m"), 1), None);
        assert_eq!(top_of(&[], Some("x.y"), 0).as_deref(), Some("x"));
    }
}
