//! `restore`: put a run's originals back from its host-side backup, byte for byte.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use crate::backup::{decode_path, read_manifest, Change, Manifest, MANIFEST};
use crate::error::{Error, Result};
use crate::fsops;

#[derive(Debug, Default)]
pub struct RestoreOutcome {
    pub restored: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
    pub unchanged: usize,
    /// Files changed after the run (restore refuses unless forced).
    pub conflicts: Vec<PathBuf>,
}

enum State {
    Missing,
    Hash(String),
    NotFile,
}

fn state(abs: &Path) -> State {
    match fs::symlink_metadata(abs) {
        Err(_) => State::Missing,
        Ok(m) if m.is_file() => fsops::sha256_file(abs)
            .map(State::Hash)
            .unwrap_or(State::NotFile),
        Ok(_) => State::NotFile,
    }
}

/// Put every file of the run back. Without `force`, refuses (changing nothing) when a file
/// was changed after the run, and lists those files.
pub fn restore(root: &Path, backup: &Path, force: bool) -> Result<RestoreOutcome> {
    let m = read_manifest(backup)?;
    let mut out = RestoreOutcome::default();
    let mut todo = Vec::new();
    for e in &m.entries {
        let rel = decode_path(&e.path).ok_or_else(|| Error::Backup {
            path: backup.join(MANIFEST),
            reason: format!("bad path in manifest: {}", e.path),
        })?;
        let abs = fsops::resolve(root, &rel)?;
        if e.dir {
            todo.push((e, rel, abs));
            continue;
        }
        let cur = state(&abs);
        let ours = |h: &String| e.new_sha256.as_ref() == Some(h);
        let original = |h: &String| e.sha256.as_ref() == Some(h);
        let needs = match (&e.change, &cur) {
            (Change::Create, State::Missing) => false,
            (Change::Create, State::Hash(h)) if ours(h) => true,
            (_, State::Hash(h)) if original(h) => false,
            (Change::Delete, State::Missing) => true,
            (Change::Replace, State::Missing) => true,
            (Change::Replace, State::Hash(h)) if ours(h) => true,
            _ => {
                out.conflicts.push(rel.clone());
                force
            }
        };
        if needs {
            todo.push((e, rel, abs));
        } else if !out.conflicts.contains(&rel) {
            out.unchanged += 1;
        }
    }
    if !out.conflicts.is_empty() && !force {
        return Ok(out);
    }
    sweep_temps(root, &m);
    // Folders first (shallowest first), then files, then what the run created, deepest first.
    let depth = |p: &Path| p.components().count();
    // Files the run created go first: a marker file may stand where a folder is restored.
    for (_, rel, abs) in todo
        .iter()
        .filter(|(e, _, _)| !e.dir && e.change == Change::Create)
    {
        fsops::remove(abs)?;
        out.removed.push(rel.clone());
    }
    let mut dirs: Vec<_> = todo
        .iter()
        .filter(|(e, _, _)| e.dir && e.change == Change::Delete)
        .collect();
    dirs.sort_by_key(|(_, r, _)| depth(r));
    for (_, _, abs) in &dirs {
        fsops::create_dir_all(abs)?;
    }
    for (e, rel, abs) in todo.iter().filter(|(e, _, _)| !e.dir) {
        match e.change {
            Change::Create => {}
            _ => {
                let copy = e.copy.as_deref().ok_or_else(|| Error::Backup {
                    path: backup.join(MANIFEST),
                    reason: format!("no copy recorded for {}", e.path),
                })?;
                let bytes = fs::read(backup.join(copy))
                    .map_err(|err| Error::read(backup.join(copy), err))?;
                if matches!(fs::symlink_metadata(abs), Ok(m) if m.is_dir()) {
                    fsops::remove(abs)?;
                }
                fsops::write_atomic(abs, &bytes)?;
                if let Some((s, n)) = e.mtime {
                    fsops::set_mtime(abs, UNIX_EPOCH + Duration::new(s, n));
                }
                out.restored.push(rel.clone());
            }
        }
    }
    let mut made: Vec<_> = m
        .entries
        .iter()
        .filter(|e| e.change == Change::Mkdir)
        .filter_map(|e| decode_path(&e.path))
        .collect();
    made.sort_by_key(|p| std::cmp::Reverse(depth(p)));
    for rel in made {
        if fsops::remove_empty_dir(&root.join(&rel)) {
            out.removed.push(rel);
        }
    }
    for (e, _, abs) in dirs {
        if let Some((s, n)) = e.mtime {
            let _ =
                fs::File::open(abs).and_then(|f| f.set_modified(UNIX_EPOCH + Duration::new(s, n)));
        }
    }
    Ok(out)
}

/// Remove temp files a killed run may have left next to the files it was writing.
fn sweep_temps(root: &Path, m: &Manifest) {
    let mut dirs: Vec<PathBuf> = vec![root.to_path_buf()];
    for e in &m.entries {
        if let Some(rel) = decode_path(&e.path) {
            let p = root.join(&rel);
            dirs.push(if e.dir {
                p
            } else {
                p.parent().map(Path::to_path_buf).unwrap_or_default()
            });
        }
    }
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        let Ok(read) = fs::read_dir(&d) else { continue };
        for item in read.flatten() {
            let name = item.file_name();
            if name.to_str().is_some_and(fsops::is_temp_name) {
                let _ = fsops::remove(&item.path());
            }
        }
    }
}
