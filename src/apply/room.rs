//! A full drive: when a write does not fit next to the file it replaces, remove that original
//! first. Allowed only because the host backup holds it: before anything is removed, the drive's
//! bytes, the backup copy and the manifest's SHA-256 must all agree. If the write still fails,
//! the original is written back. Killed in between, `restore` puts the original back.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::Status;
use crate::backup::Original;
use crate::error::{Error, Result};
use crate::fsinfo;
use crate::fsops;
use crate::layout::is_protected;
use crate::plan::{ActionKind, Effect, Plan, Stamp};
use crate::units::allocated;

/// A file removed early, with what is needed to put it back.
struct Removed {
    /// Index of the delete action it belonged to (a swap's `.py`), or `None` for a replaced file.
    action: Option<usize>,
    abs: PathBuf,
    bytes: Vec<u8>,
    mtime: Option<SystemTime>,
}

/// A file removed early to make room: the index of the delete action it belongs to (`None` for
/// a replaced file's own original), its path, and what it looked like when planned.
type Sacrifice<'p> = (Option<usize>, &'p Path, &'p Stamp);

/// Files whose removal makes room for action `i`: a replaced file's own original, or the file
/// deletions that wait for a created file (a swap's `.py`, a converted font's BDF).
fn sacrifices<'p>(
    plan: &'p Plan,
    s: usize,
    i: usize,
    status: &[Vec<Option<Status>>],
) -> Vec<Sacrifice<'p>> {
    let part = &plan.stages[s].1;
    let a = &part.actions[i];
    let Effect::Write(w) = &a.effect else {
        return Vec::new();
    };
    match (a.kind(), w.expect()) {
        (ActionKind::Replace, Some(expect)) if !is_protected(&a.path) => {
            vec![(None, a.path.as_path(), expect)]
        }
        (ActionKind::Create, _) => part
            .actions
            .iter()
            .enumerate()
            .filter(|(j, d)| {
                d.requires.contains(&i) && status[s][*j].is_none() && !is_protected(&d.path)
            })
            .filter_map(|(j, d)| match &d.effect {
                Effect::DeleteFile { expect } => Some((Some(j), d.path.as_path(), expect)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Read an original on the drive and prove the backup holds exactly it.
fn verified_original(abs: &Path, expect: &Stamp, orig: Option<&Original>) -> Result<Vec<u8>> {
    let refuse = |why: &str| Error::Refused {
        path: abs.to_path_buf(),
        reason: format!(
            "not enough free space, and {why}, so the original cannot be removed first"
        ),
    };
    let orig = orig.ok_or_else(|| refuse("there is no backup of it"))?;
    let meta = fs::symlink_metadata(abs).map_err(|e| Error::read(abs, e))?;
    if !meta.is_file() || expect.size != meta.len() {
        return Err(Error::ChangedSincePlan {
            path: abs.to_path_buf(),
        });
    }
    let bytes = fs::read(abs).map_err(|e| Error::read(abs, e))?;
    let copy = fs::read(&orig.copy).map_err(|e| Error::read(&orig.copy, e))?;
    if fsops::sha256_bytes(&bytes) != orig.sha256 || fsops::sha256_bytes(&copy) != orig.sha256 {
        return Err(refuse("its backup copy does not match it"));
    }
    Ok(bytes)
}

/// Remove the originals `a` replaces, then write `a`. Returns the paths removed early.
pub(super) fn write_making_room(
    plan: &Plan,
    (s, i): (usize, usize),
    root: &Path,
    cluster: u64,
    originals: &HashMap<PathBuf, Original>,
    status: &mut [Vec<Option<Status>>],
    no_room: Error,
) -> Result<Vec<PathBuf>> {
    let a = &plan.stages[s].1.actions[i];
    let victims = sacrifices(plan, s, i, status);
    let Effect::Write(write) = &a.effect else {
        return Err(no_room);
    };
    if victims.is_empty() {
        return Err(no_room);
    }
    let target = fsops::resolve(root, &a.path)?;
    let checked = victims
        .iter()
        .map(|&(j, rel, expect)| checked_original(root, rel, expect, originals, j))
        .collect::<Result<Vec<Removed>>>()?;
    check_room(&target, &write.bytes, &checked, cluster)?;
    let mut removed: Vec<Removed> = Vec::new();
    let mut result = Ok(());
    for r in checked {
        if let Err(e) = fsops::remove(&r.abs) {
            result = Err(e);
            break;
        }
        removed.push(r);
    }
    if result.is_ok() {
        result = fsops::write_atomic(&target, &write.bytes);
    }
    match result {
        Ok(()) => {
            for r in &removed {
                if let Some(j) = r.action {
                    status[s][j] = Some(Status::Done);
                }
            }
            Ok(removed.into_iter().map(|r| rel_of(root, &r.abs)).collect())
        }
        Err(e) => Err(put_back(&removed, target, e)),
    }
}

/// The original at `rel`, read and proven to match its backup, ready to be removed.
fn checked_original(
    root: &Path,
    rel: &Path,
    expect: &Stamp,
    originals: &HashMap<PathBuf, Original>,
    action: Option<usize>,
) -> Result<Removed> {
    let abs = fsops::resolve(root, rel)?;
    let bytes = verified_original(&abs, expect, originals.get(rel))?;
    let mtime = fs::symlink_metadata(&abs)
        .ok()
        .and_then(|m| m.modified().ok());
    Ok(Removed {
        action,
        abs,
        bytes,
        mtime,
    })
}

/// Would `content` fit at `target` once the `checked` originals are gone?
fn check_room(target: &Path, content: &[u8], checked: &[Removed], cluster: u64) -> Result<()> {
    let freed: u64 = checked
        .iter()
        .map(|r| allocated(r.bytes.len() as u64, cluster.max(1)))
        .sum();
    let need = allocated(content.len() as u64, cluster.max(1));
    let dir = target.parent().unwrap_or(target);
    let free = fsinfo::stats(dir).map_or(u64::MAX, |st| st.available);
    if free.saturating_add(freed) < need {
        return Err(Error::InsufficientSpace {
            path: target.to_path_buf(),
            need,
            free: free.saturating_add(freed),
        });
    }
    Ok(())
}

/// The write failed: put every original back where it was (the backup still holds them if
/// this fails too), and say what to do when some could not be.
fn put_back(removed: &[Removed], target: PathBuf, e: Error) -> Error {
    let mut lost = Vec::new();
    for r in removed {
        match fsops::write_atomic(&r.abs, &r.bytes) {
            Ok(()) => {
                if let Some(t) = r.mtime {
                    fsops::set_mtime(&r.abs, t);
                }
            }
            Err(_) => lost.push(r.abs.display().to_string()),
        }
    }
    if lost.is_empty() {
        e
    } else {
        Error::Refused {
            path: target,
            reason: format!(
                "{e}; the original(s) {} could not be put back: run `cpslim restore` to bring them back from the backup",
                lost.join(", ")
            ),
        }
    }
}

fn rel_of(root: &Path, abs: &Path) -> PathBuf {
    abs.strip_prefix(root).unwrap_or(abs).to_path_buf()
}
