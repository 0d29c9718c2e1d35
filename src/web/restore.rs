//! `restore --host`: put a run's backup back on the board through the same safe upload.

use std::fs;
use std::path::{Path, PathBuf};

use super::api::Api;
use super::remote::safe_upload;
use super::{WebError, WebResult};
use crate::backup::{self, decode_path, Change, Manifest, MANIFEST};
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
    let mut out = RestoreOutcome::default();
    let mut todo = Vec::new();
    for e in &m.entries {
        let rel = decode_path(&e.path)
            .ok_or_else(|| bad(backup, format!("bad path in manifest: {}", e.path)))?;
        if e.dir {
            todo.push((e, rel));
            continue;
        }
        let cur = current(api, &rel)?;
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
            todo.push((e, rel));
        } else if !out.conflicts.contains(&rel) {
            out.unchanged += 1;
        }
    }
    if !out.conflicts.is_empty() && !force {
        return Ok(out);
    }
    for (_, rel) in todo
        .iter()
        .filter(|(e, _)| !e.dir && e.change == Change::Create)
    {
        api.delete(rel, false)?;
        out.removed.push(rel.clone());
    }
    let depth = |p: &Path| p.components().count();
    let mut dirs: Vec<_> = todo
        .iter()
        .filter(|(e, _)| e.dir && e.change == Change::Delete)
        .collect();
    dirs.sort_by_key(|(_, r)| depth(r));
    for (_, rel) in &dirs {
        api.mkdir(rel)?;
    }
    for (e, rel) in todo
        .iter()
        .filter(|(e, _)| !e.dir && e.change != Change::Create)
    {
        let copy = e
            .copy
            .as_deref()
            .ok_or_else(|| bad(backup, format!("no copy recorded for {}", e.path)))?;
        let bytes = fs::read(backup.join(copy)).map_err(|err| WebError::Local {
            path: backup.join(copy),
            source: err,
        })?;
        let ms = e.mtime.map(|(s, n)| s * 1000 + u64::from(n) / 1_000_000);
        safe_upload(api, rel, &bytes, None, ms)?;
        out.restored.push(rel.clone());
    }
    let mut made: Vec<PathBuf> = m
        .entries
        .iter()
        .filter(|e| e.change == Change::Mkdir)
        .filter_map(|e| decode_path(&e.path))
        .collect();
    made.sort_by_key(|p| std::cmp::Reverse(depth(p)));
    for rel in made {
        if api.list(&rel).is_ok_and(|l| l.files.is_empty()) && api.delete(&rel, true).is_ok() {
            out.removed.push(rel);
        }
    }
    Ok(out)
}
