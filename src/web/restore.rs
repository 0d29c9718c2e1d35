//! `restore --host`: put a run's backup back on the board through the same safe upload.

use std::fs;
use std::path::{Path, PathBuf};

use super::api::Api;
use super::remote::safe_upload;
use super::{WebError, WebResult};
use crate::backup::{self, Change, Manifest, MANIFEST};
use crate::fsops::sha256_bytes;
use crate::restore::RestoreOutcome;

/// The manifest's `root` for a board: its URL (a drive's is its mount path).
pub fn root_label(base_url: &str) -> String {
    format!("{base_url}/")
}

/// Record the board's URL as the backup's root, so `restore --host` finds it.
pub fn label_backup(dir: &Path, base_url: &str) -> crate::Result<()> {
    let mut m = backup::read_manifest(dir)?;
    m.root = root_label(base_url);
    let text = serde_json::to_vec_pretty(&m).map_err(|e| crate::Error::Backup {
        path: dir.join(MANIFEST),
        reason: e.to_string(),
    })?;
    crate::fsops::write_small_atomic(&dir.join(MANIFEST), &text)
}

/// The newest backup under `backup_root` made for the board at `base_url`.
pub fn find_latest(backup_root: &Path, base_url: &str) -> Option<PathBuf> {
    let want = root_label(base_url);
    let mut found: Vec<(String, PathBuf)> = fs::read_dir(backup_root)
        .ok()?
        .flatten()
        .filter_map(|e| {
            let m = backup::read_manifest(&e.path()).ok()?;
            (m.root == want).then(|| (m.created, e.path()))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, p)| p)
}

fn bad(backup: &Path, reason: String) -> WebError {
    WebError::Path {
        path: backup.join(MANIFEST),
        reason,
    }
}

/// The board's current hash of a file, `None` when it is missing.
fn current(api: &Api, rel: &Path) -> WebResult<Option<String>> {
    Ok(match api.size_of(rel)? {
        Some(_) => Some(sha256_bytes(&api.get(rel)?)),
        None => None,
    })
}

pub fn restore(api: &Api, backup: &Path, force: bool) -> WebResult<RestoreOutcome> {
    let m: Manifest = backup::read_manifest(backup).map_err(|e| bad(backup, e.to_string()))?;
    // The same checks as a drive's restore, before anything on the board changes: every path
    // relative and inside the tree, every copy a regular file inside the backup folder.
    let checked = crate::restore::check(backup, &m).map_err(|e| bad(backup, format!("{e:#}")))?;
    let mut out = RestoreOutcome::default();
    let mut todo = Vec::new();
    for c in &checked {
        let (e, rel) = (c.entry, &c.rel);
        if e.dir {
            todo.push(c);
            continue;
        }
        let cur = current(api, rel)?;
        let ours = e.new_sha256.is_some() && cur == e.new_sha256;
        let original = cur.is_some() && cur == e.sha256;
        let needs = match (e.change, cur.is_some()) {
            (Change::Create, false) => false,
            (Change::Create, true) if ours => true,
            _ if original => false,
            (Change::Delete | Change::Replace, false) => true,
            (Change::Replace, true) if ours => true,
            _ => {
                out.conflicts.push(rel.clone());
                force
            }
        };
        if needs {
            todo.push(c);
        } else if !out.conflicts.contains(rel) {
            out.unchanged += 1;
        }
    }
    if !out.conflicts.is_empty() && !force {
        return Ok(out);
    }
    for c in todo
        .iter()
        .filter(|c| !c.entry.dir && c.entry.change == Change::Create)
    {
        api.delete(&c.rel, false)?;
        out.removed.push(c.rel.clone());
    }
    let depth = |p: &Path| p.components().count();
    let mut dirs: Vec<_> = todo
        .iter()
        .filter(|c| c.entry.dir && c.entry.change == Change::Delete)
        .collect();
    dirs.sort_by_key(|c| depth(&c.rel));
    for c in &dirs {
        api.mkdir(&c.rel)?;
    }
    for c in todo
        .iter()
        .filter(|c| !c.entry.dir && c.entry.change != Change::Create)
    {
        let e = c.entry;
        // check() guarantees a copy, size and hash for deleted and replaced files; a copy
        // whose bytes differ from the manifest is a failure of that file only.
        let bytes = match (&c.copy, e.size, &e.sha256) {
            (Some(copy), Some(size), Some(sha)) => crate::restore::read_copy(copy, size, sha),
            _ => Err(crate::Error::Backup {
                path: backup.join(MANIFEST),
                reason: format!("no copy recorded for {}", e.path),
            }),
        };
        let bytes = match bytes {
            Ok(b) => b,
            Err(err) => {
                out.failures.push((c.rel.clone(), format!("{err:#}")));
                continue;
            }
        };
        let ms = e.mtime.map(|(s, n)| s * 1000 + u64::from(n) / 1_000_000);
        match safe_upload(api, &c.rel, &bytes, None, ms) {
            Ok(()) => out.restored.push(c.rel.clone()),
            Err(err) => out.failures.push((c.rel.clone(), err.text_with_hint())),
        }
    }
    for rel in crate::restore::made_dirs(&m) {
        if api.list(&rel).is_ok_and(|l| l.files.is_empty()) && api.delete(&rel, true).is_ok() {
            out.removed.push(rel);
        }
    }
    Ok(out)
}
