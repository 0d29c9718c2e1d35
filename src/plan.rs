//! The plan: what every stage wants to change, with predicted sizes. `audit` prints it;
//! `optimize` hands it to [`crate::apply`], the only code that writes.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;

use crate::pysrc::paths::LiteralEdit;
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

    /// Append the next stage's plan. A path already claimed by an earlier stage (or lying inside
    /// a folder an earlier stage deletes) is dropped from this stage, together with everything
    /// linked to it, so no file is written twice in one run: except when the action runs
    /// `after` that claim, when both are path-literal rewrites of the same file (they become
    /// one edit), or when it `takes_over` a standalone delete.
    pub fn add(&mut self, name: StageName, part: StagePlan) {
        let k = self.stages.len();
        let n = part.actions.len();
        let mut keep = vec![true; n];
        let mut into: Vec<Option<(usize, usize)>> = vec![None; n];
        let mut over: Vec<Option<(usize, usize)>> = vec![None; n];
        for (i, a) in part.actions.iter().enumerate() {
            if !a.writes() {
                continue;
            }
            let claims = self.claims_on(&a.path);
            if claims.iter().any(|c| a.after.contains(c)) {
                continue;
            }
            let in_deleted_dir = self.actions().any(|d| {
                d.kind == ActionKind::Delete
                    && d.dir
                    && a.path.starts_with(&d.path)
                    && a.path != d.path
            });
            match claims.as_slice() {
                [] if !in_deleted_dir => {}
                [(s, j)] if !in_deleted_dir => {
                    let earlier = &self.stages[*s].1.actions[*j];
                    if combined(earlier, a).is_some() {
                        into[i] = Some((*s, *j));
                    } else if a.takes_over
                        && earlier.kind == ActionKind::Delete
                        && !earlier.dir
                        && !self.is_needed((*s, *j))
                    {
                        over[i] = Some((*s, *j));
                    } else {
                        keep[i] = false;
                    }
                }
                _ => keep[i] = false,
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
        let mut kept = 0;
        for i in 0..n {
            if keep[i] && into[i].is_none() {
                remap[i] = kept;
                kept += 1;
            }
        }
        // A reference to an edit folded into an earlier stage's edit now points at that one.
        let link = |r: usize, into: &[Option<(usize, usize)>]| match into[r] {
            Some(at) => Err(at),
            None => Ok(remap[r]),
        };
        let mut actions = Vec::with_capacity(kept);
        for (i, mut a) in part.actions.into_iter().enumerate() {
            if !keep[i] {
                continue;
            }
            let (mut local, mut after) = (Vec::new(), std::mem::take(&mut a.after));
            for &r in &a.requires {
                match link(r, &into) {
                    Ok(r) => local.push(r),
                    Err(at) => after.push(at),
                }
            }
            a.requires = local;
            a.after = after;
            if let Some((s, j)) = into[i] {
                let deps: Vec<(usize, usize)> = a
                    .requires
                    .iter()
                    .map(|&r| (k, r))
                    .chain(a.after.iter().copied())
                    .collect();
                let earlier = &mut self.stages[s].1.actions[j];
                if let Some(mut merged) = combined(earlier, &a) {
                    merged.after.extend(deps);
                    *earlier = merged;
                }
                continue;
            }
            if let Some((s, j)) = over[i] {
                let earlier = &mut self.stages[s].1.actions[j];
                let note = format!("{}; instead, the {name} stage replaces it", earlier.note);
                *earlier = Action::report(&earlier.path, earlier.bytes_before, note);
            }
            actions.push(a);
        }
        self.stages.push((name, StagePlan { actions }));
    }

    /// The planned writes to `path`, as (stage position, index).
    pub fn claims_on(&self, path: &Path) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (s, (_, part)) in self.stages.iter().enumerate() {
            for (j, a) in part.actions.iter().enumerate() {
                if a.writes() && a.path == path {
                    out.push((s, j));
                }
            }
        }
        out
    }

    /// Does any action wait for the one at `at`?
    fn is_needed(&self, at: (usize, usize)) -> bool {
        self.stages
            .iter()
            .enumerate()
            .any(|(s, (_, p))| p.actions.iter().any(|a| a.deps(s).any(|d| d == at)))
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

/// Two path-literal edits of the same file as one edit of the original (the earlier's place,
/// expectations and dependencies, both notes), or `None` when they cannot combine.
fn combined(earlier: &Action, later: &Action) -> Option<Action> {
    if earlier.kind != ActionKind::Edit || later.kind != ActionKind::Edit {
        return None;
    }
    let (first, cluster) = earlier.literal_edit.as_ref()?;
    let edit = first.combine(&later.literal_edit.as_ref()?.0)?;
    let content = edit.text().into_bytes();
    Some(Action {
        bytes_after: content.len() as u64,
        alloc_after: allocated(content.len() as u64, *cluster),
        note: format!("{}; {}", earlier.note, later.note),
        content: Some(content),
        literal_edit: Some((edit, *cluster)),
        ..earlier.clone()
    })
}
