//! The import graph: from every entry point through every module on the drive it reaches,
//! resolved the way the firmware does (`docs/domain/dead-weight.md` §1.2 and §2.3).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::drive::{Drive, Place};
use super::edges::Edge;
use super::firmware::Firmware;
use super::frozen_imports;
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
    /// Files named by `supervisor.set_next_code_file()`: run as source, so never compiled.
    pub next_code_files: Vec<PathBuf>,
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

pub(super) struct Walker<'a> {
    pub(super) inv: &'a Inventory,
    pub(super) drive: &'a Drive,
    pub(super) fw: Option<&'a Firmware>,
    pub(super) new_rule: Option<bool>,
    pub(super) g: Graph,
    pub(super) queue: Vec<PathBuf>,
    pub(super) seen_files: HashSet<PathBuf>,
    pub(super) frozen_lookup: Option<FrozenLookup>,
}

/// Where a frozen module's imports come from (tests replace the shipped data).
pub type FrozenLookup = fn(&str, &str) -> Option<&'static frozen_imports::ModuleData>;

pub fn walk(
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

    pub(super) fn enqueue(&mut self, files: Vec<PathBuf>) {
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

    pub(super) fn problem(&mut self, path: &Path, message: String, bad_mpy_header: bool) {
        self.g.problems.push(Problem {
            path: path.to_path_buf(),
            message,
            bad_mpy_header,
        });
    }
}
