//! One planned [`Action`]: the path, the sizes before, the note, and its [`Effect`], which
//! carries exactly what that kind of change needs (see src/plan.rs for the plan around it).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;

use crate::pysrc::paths::LiteralEdit;
use crate::scan::{Entry, EntryKind, Inventory};
use crate::units::allocated;

/// What kind of change an action is, by the name the reports use (`"action"` in the JSON).
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

/// What a folder held when it was planned: every entry under it, as its path inside the folder
/// (`/`-separated, lower-cased as FAT compares names), what it is, and a file's size. A file
/// added, removed or resized since would otherwise go with the folder unplanned and unsaved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderStamp(pub Vec<(String, EntryKind, u64)>);

impl FolderStamp {
    pub fn of(inv: &Inventory, dir: &Entry) -> FolderStamp {
        FolderStamp::from_entries(inv.descendants(&dir.rel).filter_map(|e| {
            let inside = e.rel.strip_prefix(&dir.rel).ok()?;
            (!inside.as_os_str().is_empty()).then(|| (inside.to_path_buf(), e.kind, e.size))
        }))
    }

    /// From (path inside the folder, kind, size) in any order; a size counts for files only.
    pub fn from_entries(entries: impl IntoIterator<Item = (PathBuf, EntryKind, u64)>) -> Self {
        let mut v: Vec<(String, EntryKind, u64)> = entries
            .into_iter()
            .map(|(rel, kind, size)| {
                let key = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().to_lowercase())
                    .collect::<Vec<_>>()
                    .join("/");
                (key, kind, if kind == EntryKind::File { size } else { 0 })
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        FolderStamp(v)
    }
}

/// What an action does to its path.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Remove a file (anything that is not a folder), if it still is as planned.
    DeleteFile { expect: Stamp },
    /// Remove a folder with everything in it, if it still holds what was planned.
    DeleteDir { expect: FolderStamp },
    /// Write new bytes.
    Write(Write),
    /// Nothing is written. `estimate`: what the path would take after a change this run does
    /// not make (compiling to `.mpy` without a bundle or compiler), shown as the size after.
    Note { estimate: Option<u64> },
}

/// New bytes for a path, and how they may land.
#[derive(Debug, Clone)]
pub struct Write {
    pub bytes: Vec<u8>,
    pub mode: WriteMode,
    /// The drive's cluster size, to predict what the bytes take on the board.
    pub cluster_size: u64,
}

#[derive(Debug, Clone)]
pub enum WriteMode {
    /// Over an existing file, planned as `expect`.
    Replace {
        expect: Stamp,
        /// Write even when the result is not smaller (an explicit user request, e.g.
        /// `--decompress-rle`, or a repair).
        force: bool,
        /// This write supersedes an earlier stage's standalone delete of the same file (a
        /// stale `.mpy` that the compile stage replaces): the delete becomes a report instead.
        takes_over: bool,
    },
    /// A file that does not exist yet.
    Create,
    /// A code file planned as `expect`, with some path literals rewritten: `literal` says
    /// which, so that [`crate::plan::Plan::add`] can combine it with another stage's literal
    /// rewrites of the same file. The bytes are `literal.text()`.
    Edit {
        expect: Stamp,
        /// Allow the code to grow (a longer extension such as `.lvfontbin`).
        force: bool,
        literal: LiteralEdit,
    },
}

impl Write {
    /// True when the write would not shrink the file and nobody asked for that: a replacement
    /// must be smaller, an edit no larger; a new file has nothing to compare with.
    pub fn refused_as_larger(&self, bytes_before: u64) -> bool {
        let len = self.bytes.len() as u64;
        match self.mode {
            WriteMode::Replace { force, .. } => !force && len >= bytes_before,
            WriteMode::Edit { force, .. } => !force && len > bytes_before,
            WriteMode::Create => false,
        }
    }

    /// The original as planned, for a write over an existing file.
    pub fn expect(&self) -> Option<&Stamp> {
        match &self.mode {
            WriteMode::Replace { expect, .. } | WriteMode::Edit { expect, .. } => Some(expect),
            WriteMode::Create => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Action {
    /// Relative to the inventory root.
    pub path: PathBuf,
    pub effect: Effect,
    pub bytes_before: u64,
    pub alloc_before: u64,
    pub note: String,
    pub level: Level,
    /// Indices, in the same stage's action list, of actions that must succeed first
    /// (e.g. delete `foo.py` only after `foo.mpy` is written).
    pub requires: Vec<usize>,
    /// Actions of other stages, as (position in [`crate::plan::Plan::stages`], index), that
    /// must succeed first: set by [`crate::plan::Plan::add`] when it combines edits, and by a
    /// stage that builds on what an earlier stage planned for the same file.
    pub after: Vec<(usize, usize)>,
}

impl Action {
    fn new(path: &Path, effect: Effect, note: impl Into<String>) -> Action {
        Action {
            path: path.to_path_buf(),
            effect,
            bytes_before: 0,
            alloc_before: 0,
            note: note.into(),
            level: Level::Info,
            requires: Vec::new(),
            after: Vec::new(),
        }
    }

    fn write(inv: &Inventory, rel: &Path, bytes: Vec<u8>, mode: WriteMode, note: String) -> Self {
        let write = Write {
            bytes,
            mode,
            cluster_size: inv.cluster_size,
        };
        Action::new(rel, Effect::Write(write), note)
    }

    /// Delete a file or a whole folder.
    pub fn delete(inv: &Inventory, e: &Entry, note: impl Into<String>) -> Action {
        let (bytes, alloc) = inv.tree_size(&e.rel);
        let effect = if e.is_dir() {
            Effect::DeleteDir {
                expect: FolderStamp::of(inv, e),
            }
        } else {
            Effect::DeleteFile {
                expect: Stamp::of(e),
            }
        };
        Action {
            bytes_before: bytes,
            alloc_before: alloc,
            ..Action::new(&e.rel, effect, note)
        }
    }

    /// Replace a file's content in place.
    pub fn replace(inv: &Inventory, e: &Entry, bytes: Vec<u8>, note: impl Into<String>) -> Self {
        let mode = WriteMode::Replace {
            expect: Stamp::of(e),
            force: false,
            takes_over: false,
        };
        Action {
            bytes_before: e.size,
            alloc_before: e.allocated,
            ..Action::write(inv, &e.rel, bytes, mode, note.into())
        }
    }

    /// Create a new file at `rel`.
    pub fn create(inv: &Inventory, rel: &Path, bytes: Vec<u8>, note: impl Into<String>) -> Self {
        Action::write(inv, rel, bytes, WriteMode::Create, note.into())
    }

    /// Rewrite path literals in a protected code file (planned and shown; restore undoes it).
    pub fn literal(inv: &Inventory, e: &Entry, edit: LiteralEdit, note: impl Into<String>) -> Self {
        let bytes = edit.text().into_bytes();
        let mode = WriteMode::Edit {
            expect: Stamp::of(e),
            force: false,
            literal: edit,
        };
        Action {
            bytes_before: e.size,
            alloc_before: e.allocated,
            ..Action::write(inv, &e.rel, bytes, mode, note.into())
        }
    }

    /// Tell the user something about `path` without changing it.
    pub fn report(path: &Path, bytes: u64, note: impl Into<String>) -> Action {
        Action {
            bytes_before: bytes,
            ..Action::new(path, Effect::Note { estimate: None }, note)
        }
    }

    /// A note estimating that `path` would take `estimate` bytes after a change not made here.
    pub fn estimate(path: &Path, bytes: u64, estimate: u64, note: impl Into<String>) -> Action {
        let effect = Effect::Note {
            estimate: Some(estimate),
        };
        Action {
            bytes_before: bytes,
            ..Action::new(path, effect, note)
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

    /// Allow a replacement or an edit to leave the file larger. Nothing else compares sizes.
    pub fn forced(mut self) -> Action {
        debug_assert!(
            matches!(self.kind(), ActionKind::Replace | ActionKind::Edit),
            "only a replacement or an edit can be forced: {self:?}"
        );
        if let Effect::Write(Write {
            mode: WriteMode::Replace { force, .. } | WriteMode::Edit { force, .. },
            ..
        }) = &mut self.effect
        {
            *force = true;
        }
        self
    }

    /// Mark a replacement as superseding an earlier stage's lone delete of the same file.
    pub fn taking_over(mut self) -> Action {
        debug_assert_eq!(self.kind(), ActionKind::Replace, "{self:?}");
        if let Effect::Write(Write {
            mode: WriteMode::Replace { takes_over, .. },
            ..
        }) = &mut self.effect
        {
            *takes_over = true;
        }
        self
    }

    pub fn kind(&self) -> ActionKind {
        match &self.effect {
            Effect::DeleteFile { .. } | Effect::DeleteDir { .. } => ActionKind::Delete,
            Effect::Write(w) => match w.mode {
                WriteMode::Replace { .. } => ActionKind::Replace,
                WriteMode::Create => ActionKind::Create,
                WriteMode::Edit { .. } => ActionKind::Edit,
            },
            Effect::Note { .. } => ActionKind::Report,
        }
    }

    /// The new bytes of a write.
    pub fn content(&self) -> Option<&[u8]> {
        match &self.effect {
            Effect::Write(w) => Some(&w.bytes),
            _ => None,
        }
    }

    /// Is the path a folder this action deletes?
    pub fn deletes_dir(&self) -> bool {
        matches!(self.effect, Effect::DeleteDir { .. })
    }

    /// The path's apparent size afterwards: the new bytes, nothing once deleted, and for a
    /// note its estimate or the size it has.
    pub fn bytes_after(&self) -> u64 {
        match &self.effect {
            Effect::DeleteFile { .. } | Effect::DeleteDir { .. } => 0,
            Effect::Write(w) => w.bytes.len() as u64,
            Effect::Note { estimate } => estimate.unwrap_or(self.bytes_before),
        }
    }

    /// The path's whole clusters afterwards (a note changes nothing).
    pub fn alloc_after(&self) -> u64 {
        match &self.effect {
            Effect::DeleteFile { .. } | Effect::DeleteDir { .. } => 0,
            Effect::Write(w) => allocated(w.bytes.len() as u64, w.cluster_size),
            Effect::Note { .. } => self.alloc_before,
        }
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
        !matches!(self.effect, Effect::Note { .. })
    }

    pub fn saved_bytes(&self) -> i64 {
        self.bytes_before as i64 - self.bytes_after() as i64
    }

    pub fn saved_alloc(&self) -> i64 {
        self.alloc_before as i64 - self.alloc_after() as i64
    }
}

#[cfg(test)]
#[path = "plan_action_tests.rs"]
mod tests;
