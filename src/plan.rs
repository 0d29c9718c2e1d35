//! The plan: what every stage wants to change, with predicted sizes. `audit` prints it;
//! `optimize` hands it to [`crate::apply`], the only code that writes.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;

use crate::fatname;
use crate::scan::{Entry, Inventory};
use crate::stages::StageName;
use crate::units::allocated;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionKind {
    /// Remove a file, or a folder with everything in it.
    Delete,
    /// Write new content over an existing file.
    Replace,
    /// Write a file that does not exist yet (parents are created inside the tree).
    Create,
    /// Rewrite a protected code file (only the fonts stage's path-literal change).
    Edit,
    /// Nothing is written; the note tells the user something about the path.
    Report,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
}

/// What a file looked like when it was planned; apply refuses to touch it if it changed since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    pub mtime: Option<SystemTime>,
}

impl Stamp {
    pub fn of(e: &Entry) -> Stamp {
        Stamp {
            size: e.size,
            mtime: e.mtime,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Action {
    pub kind: ActionKind,
    /// Relative to the inventory root.
    pub path: PathBuf,
    pub bytes_before: u64,
    pub bytes_after: u64,
    pub alloc_before: u64,
    pub alloc_after: u64,
    pub note: String,
    pub level: Level,
    /// New content for Replace, Create and Edit.
    pub content: Option<Vec<u8>>,
    /// For Replace, Edit and Delete of a file: the original as planned.
    pub expect: Option<Stamp>,
    /// Indices, in the same stage's action list, of actions that must succeed first
    /// (e.g. delete `foo.py` only after `foo.mpy` is written).
    pub requires: Vec<usize>,
    /// The path is a folder (Delete removes it with everything inside).
    pub dir: bool,
    /// Write even when the result is not smaller (an explicit user request, e.g. `--decompress-rle`).
    pub force: bool,
}

impl Action {
    fn base(kind: ActionKind, path: &Path) -> Action {
        Action {
            kind,
            path: path.to_path_buf(),
            bytes_before: 0,
            bytes_after: 0,
            alloc_before: 0,
            alloc_after: 0,
            note: String::new(),
            level: Level::Info,
            content: None,
            expect: None,
            requires: Vec::new(),
            dir: false,
            force: false,
        }
    }

    /// Delete a file or a whole folder.
    pub fn delete(inv: &Inventory, e: &Entry, note: impl Into<String>) -> Action {
        let (bytes, alloc) = inv.tree_size(&e.rel);
        Action {
            bytes_before: bytes,
            alloc_before: alloc,
            note: note.into(),
            expect: e.is_file().then(|| Stamp::of(e)),
            dir: e.is_dir(),
            ..Action::base(ActionKind::Delete, &e.rel)
        }
    }

    /// Replace a file's content in place.
    pub fn replace(
        inv: &Inventory,
        e: &Entry,
        content: Vec<u8>,
        note: impl Into<String>,
    ) -> Action {
        Action {
            bytes_before: e.size,
            alloc_before: e.allocated,
            bytes_after: content.len() as u64,
            alloc_after: allocated(content.len() as u64, inv.cluster_size),
            note: note.into(),
            expect: Some(Stamp::of(e)),
            content: Some(content),
            ..Action::base(ActionKind::Replace, &e.rel)
        }
    }

    /// Create a new file at `rel`.
    pub fn create(
        inv: &Inventory,
        rel: &Path,
        content: Vec<u8>,
        note: impl Into<String>,
    ) -> Action {
        Action {
            bytes_after: content.len() as u64,
            alloc_after: allocated(content.len() as u64, inv.cluster_size),
            note: note.into(),
            content: Some(content),
            ..Action::base(ActionKind::Create, rel)
        }
    }

    /// Rewrite a protected code file (planned and shown; restore undoes it).
    pub fn edit(inv: &Inventory, e: &Entry, content: Vec<u8>, note: impl Into<String>) -> Action {
        Action {
            kind: ActionKind::Edit,
            ..Action::replace(inv, e, content, note)
        }
    }

    /// Tell the user something about `path` without changing it.
    pub fn report(path: &Path, bytes: u64, note: impl Into<String>) -> Action {
        Action {
            bytes_before: bytes,
            bytes_after: bytes,
            note: note.into(),
            ..Action::base(ActionKind::Report, path)
        }
    }

    pub fn warning(mut self) -> Action {
        self.level = Level::Warning;
        self
    }

    pub fn requiring(mut self, indices: impl IntoIterator<Item = usize>) -> Action {
        self.requires.extend(indices);
        self
    }

    pub fn forced(mut self) -> Action {
        self.force = true;
        self
    }

    pub fn writes(&self) -> bool {
        self.kind != ActionKind::Report
    }

    pub fn saved_bytes(&self) -> i64 {
        self.bytes_before as i64 - self.bytes_after as i64
    }

    pub fn saved_alloc(&self) -> i64 {
        self.alloc_before as i64 - self.alloc_after as i64
    }
}

/// One stage's contribution.
#[derive(Debug, Clone, Default)]
pub struct StagePlan {
    pub actions: Vec<Action>,
}

impl StagePlan {
    /// Push and return the index, for `requiring`.
    pub fn push(&mut self, a: Action) -> usize {
        self.actions.push(a);
        self.actions.len() - 1
    }
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub stages: Vec<(StageName, StagePlan)>,
}

impl Plan {
    /// Combine stage plans in stage order. A path already claimed by an earlier stage (or lying
    /// inside a folder an earlier stage deletes) is dropped from later stages, together with
    /// everything that required it, so no file is written twice in one run.
    pub fn merge(parts: Vec<(StageName, StagePlan)>) -> Plan {
        // Keyed as FAT compares names (`LIB/X.PY` is `lib/x.py`), in sets: a plan can hold
        // tens of thousands of actions.
        let mut claimed: HashSet<String> = HashSet::new();
        let mut deleted_dirs: HashSet<String> = HashSet::new();
        let mut deleted_files: HashSet<String> = HashSet::new();
        let mut stages = Vec::new();
        for (name, part) in parts {
            let n = part.actions.len();
            let mut keep = vec![true; n];
            for (i, a) in part.actions.iter().enumerate() {
                if !a.writes() {
                    // A note about something an earlier stage deletes (an estimate for a
                    // library deadweight removes, say) would contradict the plan.
                    let gone = a
                        .path
                        .ancestors()
                        .filter(|d| !d.as_os_str().is_empty())
                        .any(|d| deleted_dirs.contains(&fatname::path_key(d)));
                    keep[i] = !gone && !deleted_files.contains(&fatname::path_key(&a.path));
                    continue;
                }
                let key = fatname::path_key(&a.path);
                let in_deleted_dir = a
                    .path
                    .ancestors()
                    .skip(1)
                    .filter(|d| !d.as_os_str().is_empty())
                    .any(|d| deleted_dirs.contains(&fatname::path_key(d)));
                let clash = claimed.contains(&key) || in_deleted_dir;
                if clash {
                    keep[i] = false;
                }
            }
            // Linked actions (a swap's write and its delete) are all-or-nothing: when one is
            // dropped, so is everything linked to it.
            loop {
                let mut changed = false;
                for (i, a) in part.actions.iter().enumerate() {
                    for &r in &a.requires {
                        if r >= n {
                            changed |= std::mem::replace(&mut keep[i], false);
                        } else if keep[i] != keep[r] {
                            keep[i] = false;
                            keep[r] = false;
                            changed = true;
                        }
                    }
                }
                if !changed {
                    break;
                }
            }
            let mut remap = vec![usize::MAX; n];
            let mut kept = Vec::new();
            for (i, a) in part.actions.into_iter().enumerate() {
                if keep[i] {
                    remap[i] = kept.len();
                    kept.push(a);
                }
            }
            for a in &mut kept {
                a.requires = a.requires.iter().map(|&r| remap[r]).collect();
                if a.writes() {
                    claimed.insert(fatname::path_key(&a.path));
                    match (a.kind, a.dir) {
                        (ActionKind::Delete, true) => {
                            deleted_dirs.insert(fatname::path_key(&a.path));
                        }
                        (ActionKind::Delete, false) => {
                            deleted_files.insert(fatname::path_key(&a.path));
                        }
                        _ => {}
                    }
                }
            }
            stages.push((name, StagePlan { actions: kept }));
        }
        Plan { stages }
    }

    pub fn actions(&self) -> impl Iterator<Item = &Action> {
        self.stages.iter().flat_map(|(_, p)| p.actions.iter())
    }

    /// Number of actions that would write.
    pub fn change_count(&self) -> usize {
        self.actions().filter(|a| a.writes()).count()
    }

    pub fn saved_bytes(&self) -> i64 {
        self.actions()
            .filter(|a| a.writes())
            .map(Action::saved_bytes)
            .sum()
    }

    pub fn saved_alloc(&self) -> i64 {
        self.actions()
            .filter(|a| a.writes())
            .map(Action::saved_alloc)
            .sum()
    }
}
