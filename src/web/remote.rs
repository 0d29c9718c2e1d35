//! Carry out a plan on the board. The firmware writes a PUT straight into its target, so a cut-off
//! upload would damage the file: every write goes to a temporary name, is checked, and only then
//! replaces the original (DELETE, then MOVE: the board refuses to MOVE over an existing file).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::api::{Api, Listing};
use super::{WebError, WebResult};
use crate::apply::{Outcome, Status};
use crate::fsops;
use crate::layout::{self, is_protected};
use crate::plan::{Action, ActionKind, Effect, Plan, Stamp};

/// Uploads up to this size are read back in full; larger ones are checked by their listed size.
const READ_BACK_LIMIT: usize = 64 << 10;

/// The temporary name next to `rel` (recognised by [`crate::layout::is_temp_name`]).
fn temp_of(rel: &Path) -> PathBuf {
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = format!("{}{}{}", layout::TEMP_PREFIX, name, layout::TEMP_SUFFIX);
    rel.with_file_name(tmp)
}

/// Put `content` at `rel` without ever leaving a damaged file there.
/// With `expect_size`, the file on the board must still have that size (it was planned on).
pub fn safe_upload(
    api: &Api,
    rel: &Path,
    content: &[u8],
    expect_size: Option<u64>,
    mtime_ms: Option<u64>,
) -> WebResult<()> {
    let current = api.size_of(rel)?;
    if expect_size.is_some_and(|want| current != Some(want)) {
        return Err(WebError::Path {
            path: rel.to_path_buf(),
            reason: "changed on the board since it was planned; run cpslim again".into(),
        });
    }
    let tmp = temp_of(rel);
    let checked = upload_checked(api, &tmp, content, mtime_ms);
    if let Err(e) = checked {
        // A cut-off upload leaves a damaged temp file; the original was never touched.
        let _ = api.delete(&tmp, false);
        return Err(e);
    }
    if current.is_some() {
        api.delete(rel, false)?;
    }
    api.mv(&tmp, rel).map_err(|e| WebError::Path {
        path: rel.to_path_buf(),
        reason: format!(
            "the new content is on the board as {} but could not be moved into place ({}); the original is in the backup",
            tmp.display(),
            e.text_with_hint()
        ),
    })
}

fn upload_checked(api: &Api, tmp: &Path, content: &[u8], mtime_ms: Option<u64>) -> WebResult<()> {
    let status = api.put(tmp, content, mtime_ms)?;
    let mismatch = || WebError::Path {
        path: tmp.to_path_buf(),
        reason: "the upload did not arrive intact; the original is unchanged".into(),
    };
    if api.size_of(tmp)? != Some(content.len() as u64) {
        return Err(mismatch());
    }
    if (content.len() <= READ_BACK_LIMIT || !matches!(status, 201 | 204))
        && api.get(tmp)? != content
    {
        return Err(mismatch());
    }
    Ok(())
}

/// As [`crate::apply`] orders a drive: deletions first, then the largest saving first; an
/// action that requires others runs once they have succeeded.
fn next_ready(plan: &Plan, status: &[Vec<Option<Status>>]) -> Option<(usize, usize)> {
    let mut best: Option<((u8, i64), (usize, usize))> = None;
    for (s, (_, part)) in plan.stages.iter().enumerate() {
        for (i, a) in part.actions.iter().enumerate() {
            if status[s][i].is_some() || !a.writes() {
                continue;
            }
            let req = a
                .requires
                .iter()
                .map(|&r| status[s].get(r).copied().flatten());
            let mut blocked = false;
            for r in req {
                match r {
                    Some(Status::Done) => {}
                    None => blocked = true,
                    Some(_) => return Some((s, i)), // reported as skipped by the caller
                }
            }
            if blocked {
                continue;
            }
            let key = (u8::from(a.kind() != ActionKind::Delete), -a.saved_alloc());
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                best = Some((key, (s, i)));
            }
        }
    }
    best.map(|(_, at)| at)
}

/// Apply `plan` to the board, keeping `mirror` in step so the result can be measured. The
/// second value is the error that stopped the run early (a read-only board, a refused password).
pub fn apply(
    api: &Api,
    plan: &Plan,
    mirror: &Path,
    backup: Option<PathBuf>,
    interrupt: &AtomicBool,
    progress: &dyn Fn(usize, usize, &Path),
) -> (Outcome, Option<WebError>) {
    let mut status: Vec<Vec<Option<Status>>> = plan
        .stages
        .iter()
        .map(|(_, p)| vec![None; p.actions.len()])
        .collect();
    let total = plan.actions().filter(|a| a.writes()).count();
    let mut errors = Vec::new();
    let mut interrupted = false;
    let mut stop = None;
    let mut listed = HashMap::new();
    let mut done = 0;
    while let Some((s, i)) = next_ready(plan, &status) {
        let a = &plan.stages[s].1.actions[i];
        let blocked = a
            .requires
            .iter()
            .any(|&r| !matches!(status[s].get(r), Some(Some(Status::Done))));
        if blocked || stop.is_some() {
            status[s][i] = Some(Status::Skipped);
            continue;
        }
        if interrupt.load(Ordering::SeqCst) {
            interrupted = true;
            break;
        }
        // Announce the file first: over Wi-Fi one upload can take many seconds.
        progress(done, total, &a.path);
        match apply_one(api, a, mirror, &mut listed) {
            Ok(()) => status[s][i] = Some(Status::Done),
            Err(e) => {
                // A read-only board or a refused password fails every later write too.
                status[s][i] = Some(Status::Failed);
                errors.push((a.path.clone(), e.text_with_hint()));
                if matches!(e, WebError::ReadOnly { .. } | WebError::Unauthorized { .. }) {
                    stop = Some(e);
                }
            }
        }
        done += 1;
        progress(done, total, &a.path);
    }
    let outcome = Outcome {
        // A board over Wi-Fi never takes the full-drive path: each upload goes to a temp name.
        made_room: Vec::new(),
        status: crate::apply::never_run_skipped(status),
        errors,
        backup,
        interrupted,
    };
    (outcome, stop)
}

fn refused(a: &Action, reason: &str) -> WebError {
    WebError::Path {
        path: a.path.clone(),
        reason: reason.into(),
    }
}

/// Refuse to delete a file whose size on the board is not the planned one (it changed while the
/// user read the plan). Each folder is listed once per run.
fn check_unchanged(
    api: &Api,
    a: &Action,
    want: &Stamp,
    listed: &mut HashMap<PathBuf, Option<Listing>>,
) -> WebResult<()> {
    let parent = a.path.parent().unwrap_or(Path::new("")).to_path_buf();
    if !listed.contains_key(&parent) {
        listed.insert(parent.clone(), api.try_list(&parent)?);
    }
    let name = a.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let size = listed
        .get(&parent)
        .and_then(Option::as_ref)
        .and_then(|l| {
            l.files
                .iter()
                .find(|f| !f.directory && f.name.eq_ignore_ascii_case(name))
        })
        .map(|f| f.file_size);
    if size != Some(want.size) {
        return Err(refused(
            a,
            "changed on the board since it was planned; run cpslim again",
        ));
    }
    Ok(())
}

fn apply_one(
    api: &Api,
    a: &Action,
    mirror: &Path,
    listed: &mut HashMap<PathBuf, Option<Listing>>,
) -> WebResult<()> {
    if is_protected(&a.path) && a.kind() != ActionKind::Edit {
        return Err(refused(
            a,
            "CircuitPython runs or reads this file; cpslim never changes it",
        ));
    }
    let local = mirror.join(&a.path);
    match &a.effect {
        Effect::Note { .. } => Ok(()),
        Effect::DeleteFile { expect } => {
            check_unchanged(api, a, expect, listed)?;
            api.delete(&a.path, false)?;
            let _ = fsops::remove(&local);
            Ok(())
        }
        Effect::DeleteDir { expect } => {
            if !super::folder_check::unchanged(api, &a.path, expect)? {
                return Err(refused(
                    a,
                    "its content changed on the board since it was planned; run cpslim again",
                ));
            }
            api.delete(&a.path, true)?;
            let _ = fsops::remove(&local);
            Ok(())
        }
        Effect::Write(w) => {
            if a.kind() == ActionKind::Edit && a.path.extension().is_none_or(|e| e != "py") {
                return Err(refused(a, "only .py code files are ever edited"));
            }
            if w.refused_as_larger(a.bytes_before) {
                return Err(refused(a, "the result is not smaller; left as it is"));
            }
            if a.kind() == ActionKind::Create {
                if let Some(parent) = a.path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    api.mkdir(parent)?;
                    let _ = fsops::create_dirs(mirror, parent);
                }
            }
            let expect = w.expect().map(|st| st.size);
            safe_upload(api, &a.path, &w.bytes, expect, None)?;
            let _ = fsops::write_atomic(&local, &w.bytes);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_are_recognised() {
        let t = temp_of(Path::new("lib/a.mpy"));
        assert_eq!(t, Path::new("lib/.cpslim-a.mpy.tmp"));
        assert!(crate::layout::is_temp_name(
            &t.file_name().unwrap().to_string_lossy()
        ));
    }
}
