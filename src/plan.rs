//! The plan: what every stage wants to change, with predicted sizes. `audit` prints it;
//! `optimize` hands it to [`crate::apply`], the only code that writes.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;

use crate::config::StageName;
use crate::pysrc::paths::LiteralEdit;
use crate::scan::{Entry, Inventory};
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
    /// Rewrite a code file (only path-literal changes: a font or image renamed this run).
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
    /// Actions of other stages, as (position in [`Plan::stages`], index), that must succeed
    /// first: set by [`Plan::add`] when it combines edits, and by a stage that builds on what an
    /// earlier stage planned for the same file.
    pub after: Vec<(usize, usize)>,
    /// For an Edit that only rewrites path literals: what it does, so that [`Plan::add`] can
    /// combine it with another stage's literal rewrites of the same file; with the drive's
    /// cluster size, to predict the combined edit's allocation.
    pub literal_edit: Option<(LiteralEdit, u64)>,
    /// This write supersedes an earlier stage's standalone delete of the same file (a stale
    /// `.mpy` that the compile stage replaces): the delete becomes a report instead.
    pub takes_over: bool,
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
            after: Vec::new(),
            literal_edit: None,
            takes_over: false,
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

    /// Rewrite path literals in a code file; see [`Action::literal_edit`].
    pub fn literal(
        inv: &Inventory,
        e: &Entry,
        edit: LiteralEdit,
        note: impl Into<String>,
    ) -> Action {
        Action {
            literal_edit: Some((edit.clone(), inv.cluster_size)),
            ..Action::edit(inv, e, edit.text().into_bytes(), note)
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

    /// Everything that must succeed first, as (stage position, index), for the action at
    /// stage position `stage`.
    pub fn deps(&self, stage: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.requires
            .iter()
            .map(move |&r| (stage, r))
            .chain(self.after.iter().copied())
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
    /// Combine stage plans in stage order (see [`Plan::add`]).
    pub fn merge(parts: Vec<(StageName, StagePlan)>) -> Plan {
        let mut plan = Plan { stages: Vec::new() };
        for (name, part) in parts {
            plan.add(name, part);
        }
        plan
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

#[path = "plan_merge.rs"]
mod merge;

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
