//! Carry out a plan: back up, then delete (frees space), then write, largest saving first.
//! Every byte goes through [`crate::fsops`]; this module decides order and safety checks.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

mod room;

use std::collections::HashMap;

use crate::backup::{self, Original};
use crate::error::{Error, Result};
use crate::fsinfo;
use crate::fsops;
use crate::layout::is_protected;
use crate::layout::EntryKind;
use crate::plan::{Action, ActionKind, Effect, FolderStamp, Plan, Stamp, Write, WriteMode};
use crate::units::allocated;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Done,
    Failed,
    /// Not attempted: a required action failed, or the run was interrupted.
    Skipped,
}

#[derive(Debug)]
pub struct Outcome {
    /// Per stage, per action, in plan order.
    pub status: Vec<Vec<Status>>,
    pub errors: Vec<(PathBuf, String)>,
    pub backup: Option<PathBuf>,
    pub interrupted: bool,
    /// Originals removed before their replacement was written because the drive was full
    /// (each verified in the backup first).
    pub made_room: Vec<PathBuf>,
}

/// Per stage, per action: what happened, an action that never ran counted as skipped.
pub fn never_run_skipped(status: Vec<Vec<Option<Status>>>) -> Vec<Vec<Status>> {
    status
        .into_iter()
        .map(|v| {
            v.into_iter()
                .map(|s| s.unwrap_or(Status::Skipped))
                .collect()
        })
        .collect()
}

pub struct ApplyOptions<'a> {
    pub root: &'a Path,
    pub cluster_size: u64,
    /// `None`: no backup (the `--out` copy, whose originals stay untouched in PATH).
    pub backup_root: Option<&'a Path>,
    pub interrupt: &'a AtomicBool,
    /// Called after each action with (done, total).
    pub progress: &'a dyn Fn(usize, usize, &Path),
}

/// The order writes are tried in: standalone deletions first; then the writes that free the
/// most first, counting the deletions they unlock (a swap: the `.py` minus the `.mpy`), so that on
/// a full drive each step makes room for the next. Ties keep plan order. An action that requires
/// others runs as soon as they have succeeded (a `.py` is deleted right after its `.mpy`).
fn apply_order(plan: &Plan) -> Vec<(usize, usize)> {
    let mut order = Vec::new();
    for (s, (_, part)) in plan.stages.iter().enumerate() {
        let mut group: Vec<(i64, i64)> = part
            .actions
            .iter()
            .map(|a| (a.saved_alloc(), a.saved_bytes()))
            .collect();
        for d in part
            .actions
            .iter()
            .filter(|d| d.kind() == ActionKind::Delete)
        {
            for &r in &d.requires {
                if let Some(g) = group.get_mut(r) {
                    g.0 += d.saved_alloc();
                    g.1 += d.saved_bytes();
                }
            }
        }
        for (i, a) in part.actions.iter().enumerate() {
            if a.writes() {
                let class = u8::from(a.kind() != ActionKind::Delete);
                order.push(((class, -group[i].0, -group[i].1), (s, i)));
            }
        }
    }
    order.sort_by_key(|(key, _)| *key);
    order.into_iter().map(|(_, at)| at).collect()
}

/// The first action of `order` that has not run and whose requirements are done. `from` skips
/// the settled prefix, so a long run of deletions costs linear time, not quadratic.
fn next_ready(
    plan: &Plan,
    order: &[(usize, usize)],
    from: &mut usize,
    status: &[Vec<Option<Status>>],
) -> Option<(usize, usize)> {
    while order
        .get(*from)
        .is_some_and(|&(s, i)| status[s][i].is_some())
    {
        *from += 1;
    }
    order.get(*from..)?.iter().copied().find(|&(s, i)| {
        status[s][i].is_none()
            && plan.stages[s].1.actions[i]
                .deps(s)
                .all(|(t, r)| status.get(t).and_then(|v| v.get(r)) == Some(&Some(Status::Done)))
    })
}

/// Dependents of a failed or skipped action can never run.
fn skip_blocked(plan: &Plan, status: &mut [Vec<Option<Status>>]) {
    loop {
        let mut changed = false;
        for (s, (_, part)) in plan.stages.iter().enumerate() {
            for (i, a) in part.actions.iter().enumerate() {
                if status[s][i].is_none()
                    && a.deps(s).any(|(t, r)| {
                        matches!(
                            status.get(t).and_then(|v| v.get(r)),
                            Some(Some(Status::Failed | Status::Skipped)) | None
                        )
                    })
                {
                    status[s][i] = Some(Status::Skipped);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
}

/// Per stage, per action: `None` until the action has run or been ruled out.
type Progress = Vec<Vec<Option<Status>>>;

pub fn apply(plan: &Plan, opts: &ApplyOptions) -> Result<Outcome> {
    let mut status: Progress = plan
        .stages
        .iter()
        .map(|(_, p)| vec![None; p.actions.len()])
        .collect();
    let mut errors = Vec::new();
    let total = plan.change_count();
    let (backup_dir, originals) = back_up(plan, opts, &mut status, &mut errors)?;
    let mut made_room = Vec::new();
    let mut done = 0;
    let mut interrupted = false;
    let order = apply_order(plan);
    let mut from = 0;
    let mut settle = true;
    loop {
        // Only a failure can block other actions.
        if std::mem::take(&mut settle) {
            skip_blocked(plan, &mut status);
        }
        let Some((s, i)) = next_ready(plan, &order, &mut from, &status) else {
            break;
        };
        if opts.interrupt.load(Ordering::SeqCst) {
            interrupted = true;
            break;
        }
        let a = &plan.stages[s].1.actions[i];
        let result = match apply_one(a, opts) {
            Err(no_room) if no_room.is_no_space() => room::write_making_room(
                plan,
                (s, i),
                opts.root,
                opts.cluster_size,
                &originals,
                &mut status,
                no_room,
            )
            .map(|removed| made_room.extend(removed)),
            other => other,
        };
        match result {
            Ok(()) => status[s][i] = Some(Status::Done),
            Err(e) => {
                status[s][i] = Some(Status::Failed);
                settle = true;
                errors.push((a.path.clone(), e.to_string()));
            }
        }
        done += 1;
        (opts.progress)(done, total, &a.path);
    }
    fsinfo::sync_all();
    Ok(Outcome {
        status: never_run_skipped(status),
        errors,
        backup: backup_dir,
        interrupted,
        made_room,
    })
}

/// Copy every original the plan changes into a new backup, when the run makes one: the backup
/// folder and where it holds each original. An action whose original could not be copied
/// fails here and never runs.
fn back_up(
    plan: &Plan,
    opts: &ApplyOptions,
    status: &mut Progress,
    errors: &mut Vec<(PathBuf, String)>,
) -> Result<(Option<PathBuf>, HashMap<PathBuf, Original>)> {
    let writes: Vec<(usize, usize, &Action)> = plan
        .stages
        .iter()
        .enumerate()
        .flat_map(|(s, (_, p))| p.actions.iter().enumerate().map(move |(i, a)| (s, i, a)))
        .filter(|(_, _, a)| a.writes())
        .collect();
    let Some(root) = opts.backup_root.filter(|_| !writes.is_empty()) else {
        return Ok((None, HashMap::new()));
    };
    let actions: Vec<&Action> = writes.iter().map(|(_, _, a)| *a).collect();
    let b = backup::prepare(opts.root, root, &actions)?;
    for (k, e) in b.failed {
        let (s, i, a) = writes[k];
        status[s][i] = Some(Status::Failed);
        errors.push((a.path.clone(), format!("not changed: backup failed: {e}")));
    }
    Ok((Some(b.dir), b.originals))
}

fn check_unchanged(abs: &Path, expect: &Stamp) -> Result<()> {
    let meta = fs::symlink_metadata(abs).map_err(|e| Error::read(abs, e))?;
    if !meta.is_file()
        || meta.len() != expect.size
        || (expect.mtime.is_some() && meta.modified().ok() != expect.mtime)
    {
        return Err(Error::ChangedSincePlan {
            path: abs.to_path_buf(),
        });
    }
    Ok(())
}

/// Refuse to delete a folder that no longer holds what was planned (and backed up): a file
/// added since would go with it unsaved.
fn check_folder_unchanged(abs: &Path, expect: &FolderStamp) -> Result<()> {
    fn walk(
        dir: &Path,
        inside: &Path,
        depth: usize,
        out: &mut Vec<(PathBuf, EntryKind, u64)>,
    ) -> Result<()> {
        for item in fs::read_dir(dir).map_err(|e| Error::read(dir, e))? {
            let item = item.map_err(|e| Error::read(dir, e))?;
            let path = item.path();
            let meta = fs::symlink_metadata(&path).map_err(|e| Error::read(&path, e))?;
            let kind = EntryKind::of(&meta.file_type());
            let rel = inside.join(item.file_name());
            out.push((rel.clone(), kind, meta.len()));
            // As deep as the scan goes; anything deeper differs from the plan, and is kept.
            if kind == EntryKind::Dir && depth < 64 {
                walk(&path, &rel, depth + 1, out)?;
            }
        }
        Ok(())
    }
    let mut found = Vec::new();
    walk(abs, Path::new(""), 0, &mut found)?;
    if FolderStamp::from_entries(found) != *expect {
        return Err(Error::ChangedSincePlan {
            path: abs.to_path_buf(),
        });
    }
    Ok(())
}

fn check_space(abs: &Path, need: u64, cluster: u64) -> Result<()> {
    let dir = abs.parent().unwrap_or(abs);
    if let Some(st) = fsinfo::stats(dir) {
        // The temp file and the original coexist until the rename.
        let need = allocated(need, cluster.max(1)) + cluster;
        if st.available < need {
            return Err(Error::InsufficientSpace {
                path: abs.to_path_buf(),
                need,
                free: st.available,
            });
        }
    }
    Ok(())
}

fn apply_one(a: &Action, opts: &ApplyOptions) -> Result<()> {
    let abs = fsops::resolve(opts.root, &a.path)?;
    if is_protected(&a.path) && a.kind() != ActionKind::Edit {
        return Err(Error::Refused {
            path: abs,
            reason: "CircuitPython runs or reads this file; cpslim never changes it".into(),
        });
    }
    match &a.effect {
        Effect::Note { .. } => Ok(()),
        Effect::DeleteDir { expect } => {
            check_folder_unchanged(&abs, expect)?;
            fsops::remove(&abs)
        }
        Effect::DeleteFile { expect } => {
            check_unchanged(&abs, expect)?;
            fsops::remove(&abs)
        }
        Effect::Write(w) => match &w.mode {
            WriteMode::Replace { expect, .. } | WriteMode::Edit { expect, .. } => {
                check_unchanged(&abs, expect)?;
                rewrite(a, w, abs, opts)
            }
            WriteMode::Create => create(a, w, abs, opts),
        },
    }
}

/// Write over a file checked unchanged: only `.py` files are edited, and only smaller
/// results land unless the plan forces them.
fn rewrite(a: &Action, w: &Write, abs: PathBuf, opts: &ApplyOptions) -> Result<()> {
    if a.kind() == ActionKind::Edit && a.path.extension().is_none_or(|e| e != "py") {
        return Err(Error::Refused {
            path: abs,
            reason: "only .py code files are ever edited".into(),
        });
    }
    if w.refused_as_larger(a.bytes_before) {
        return Err(Error::Refused {
            path: abs,
            reason: "the result is not smaller; left as it is".into(),
        });
    }
    check_space(&abs, w.bytes.len() as u64, opts.cluster_size)?;
    fsops::write_atomic(&abs, &w.bytes)
}

/// Write a new file, its folders first; never over a folder, a link or a FAT case twin.
fn create(a: &Action, w: &Write, abs: PathBuf, opts: &ApplyOptions) -> Result<()> {
    if let Some(parent) = a.path.parent() {
        fsops::create_dirs(opts.root, parent)?;
    }
    if fs::symlink_metadata(&abs).is_ok_and(|m| !m.is_file()) {
        return Err(Error::Refused {
            path: abs,
            reason: "exists and is not a file".into(),
        });
    }
    refuse_case_twin(&abs)?;
    check_space(&abs, w.bytes.len() as u64, opts.cluster_size)?;
    fsops::write_atomic(&abs, &w.bytes)
}

/// On FAT, creating `neopixel.mpy` beside `NEOPIXEL.MPY` overwrites it: a plan replaces such a
/// file under its own name, so a create that meets one is refused rather than guessed at.
fn refuse_case_twin(abs: &Path) -> Result<()> {
    let (Some(dir), Some(name)) = (abs.parent(), abs.file_name()) else {
        return Ok(());
    };
    let Ok(read) = fs::read_dir(dir) else {
        return Ok(());
    };
    for item in read.flatten() {
        let other = item.file_name();
        if other != name && crate::fatname::eq(&other, name) {
            return Err(Error::Refused {
                path: abs.to_path_buf(),
                reason: format!(
                    "{} is the same name on the board's FAT drive; run cpslim again to plan it as a replacement",
                    other.to_string_lossy()
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
