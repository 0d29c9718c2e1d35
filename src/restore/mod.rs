//! `restore`: put a run's originals back from its host-side backup, byte for byte. The manifest
//! is checked whole before anything changes; each copy's hash is checked before it is written;
//! one file that cannot be restored never stops the others.

mod runs;
mod validate;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use crate::backup::{decode_path, read_manifest, Change, Manifest};
use crate::error::{Error, Result};
use crate::fsops;

pub use runs::{canonical_root, is_run, list, list_for, pick, Run};
pub use validate::{check, Checked};

#[derive(Debug, Default)]
pub struct RestoreOutcome {
    pub restored: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
    pub unchanged: usize,
    /// Files changed after the run (restore refuses unless forced).
    pub conflicts: Vec<PathBuf>,
    /// Files that could not be restored, with the reason; the others were.
    pub failures: Vec<(PathBuf, String)>,
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

/// A checked entry with its place in the tree (links on the way were refused).
struct Todo<'a> {
    c: Checked<'a>,
    abs: PathBuf,
}

/// Put every file of the run back. Without `force`, refuses (changing nothing) when a file
/// was changed after the run, and lists those files. A bad manifest is an error before anything
/// changes; a bad copy or an unwritable file is a failure of that file only.
pub fn restore(root: &Path, backup: &Path, force: bool) -> Result<RestoreOutcome> {
    let m = read_manifest(backup)?;
    let checked = validate::check(backup, &m)?;
    let mut out = RestoreOutcome::default();
    let todo = what_to_put_back(root, checked, force, &mut out);
    if !out.conflicts.is_empty() && !force {
        return Ok(out);
    }
    sweep_temps(root, &m);
    put_all_back(root, &m, &todo, &mut out);
    Ok(out)
}

/// Every entry that needs restoring; files as the run left them count as unchanged, files
/// changed since are conflicts (restored only with `force`).
fn what_to_put_back<'a>(
    root: &Path,
    checked: Vec<Checked<'a>>,
    force: bool,
    out: &mut RestoreOutcome,
) -> Vec<Todo<'a>> {
    let mut todo = Vec::new();
    // A marker file the run created where it removed a folder: once that folder is back (an
    // earlier restore of this run), the marker's place holds the original folder, not a conflict.
    let deleted_dirs: Vec<PathBuf> = checked
        .iter()
        .filter(|c| c.entry.dir && c.entry.change == Change::Delete)
        .map(|c| c.rel.clone())
        .collect();
    for c in checked {
        let abs = match fsops::resolve(root, &c.rel) {
            Ok(a) => a,
            Err(e) => {
                out.failures.push((c.rel.clone(), e.to_string()));
                continue;
            }
        };
        let e = c.entry;
        if e.dir {
            todo.push(Todo { c, abs });
            continue;
        }
        let cur = state(&abs);
        let ours = |h: &String| e.new_sha256.as_ref() == Some(h);
        let original = |h: &String| e.sha256.as_ref() == Some(h);
        let needs = match (&e.change, &cur) {
            (Change::Create, State::Missing) => false,
            (Change::Create, State::NotFile) if abs.is_dir() && deleted_dirs.contains(&c.rel) => {
                false
            }
            (Change::Create, State::Hash(h)) if ours(h) => true,
            (_, State::Hash(h)) if original(h) => false,
            (Change::Delete, State::Missing) => true,
            (Change::Replace, State::Missing) => true,
            (Change::Replace, State::Hash(h)) if ours(h) => true,
            _ => {
                out.conflicts.push(c.rel.clone());
                force
            }
        };
        if needs {
            todo.push(Todo { c, abs });
        } else if out.conflicts.last() != Some(&c.rel) {
            out.unchanged += 1;
        }
    }
    todo
}

/// Remove what the run created, make the deleted folders again (shallowest first), put the files
/// back, remove folders the run made once empty, and give restored folders their times back.
fn put_all_back(root: &Path, m: &Manifest, todo: &[Todo], out: &mut RestoreOutcome) {
    let depth = |p: &Path| p.components().count();
    // Files the run created go first: a marker file may stand where a folder is restored.
    for t in todo
        .iter()
        .filter(|t| !t.c.entry.dir && t.c.entry.change == Change::Create)
    {
        match fsops::remove(&t.abs) {
            Ok(()) => out.removed.push(t.c.rel.clone()),
            Err(e) => out.failures.push((t.c.rel.clone(), e.to_string())),
        }
    }
    let mut dirs: Vec<&Todo> = todo
        .iter()
        .filter(|t| t.c.entry.dir && t.c.entry.change == Change::Delete)
        .collect();
    dirs.sort_by_key(|t| depth(&t.c.rel));
    for t in &dirs {
        if let Err(e) = fsops::create_dirs(root, &t.c.rel) {
            out.failures.push((t.c.rel.clone(), e.to_string()));
        }
    }
    for t in todo
        .iter()
        .filter(|t| !t.c.entry.dir && t.c.entry.change != Change::Create)
    {
        match put_back(root, t) {
            Ok(()) => out.restored.push(t.c.rel.clone()),
            Err(e) => out.failures.push((t.c.rel.clone(), e.to_string())),
        }
    }
    for rel in made_dirs(m) {
        if let Ok(abs) = fsops::resolve(root, &rel) {
            if fsops::remove_empty_dir(&abs) {
                out.removed.push(rel);
            }
        }
    }
    for t in dirs {
        if let Some((s, n)) = t.c.entry.mtime {
            let _ = fs::File::open(&t.abs)
                .and_then(|f| f.set_modified(UNIX_EPOCH + Duration::new(s, n)));
        }
    }
}

/// Folders the run created, deepest first: removed again when restore leaves them empty.
pub fn made_dirs(m: &Manifest) -> Vec<PathBuf> {
    let mut made: Vec<PathBuf> = m
        .entries
        .iter()
        .filter(|e| e.change == Change::Mkdir)
        .filter_map(|e| decode_path(&e.path))
        .collect();
    made.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    made
}

/// Read a backup copy, refusing it unless it is exactly the original the manifest describes.
pub fn read_copy(copy: &Path, size: u64, sha256: &str) -> Result<Vec<u8>> {
    let f = crate::scan::open_nofollow(copy).map_err(|e| Error::read(copy, e))?;
    let mut bytes = Vec::with_capacity(size as usize);
    f.take(size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::read(copy, e))?;
    if bytes.len() as u64 != size || fsops::sha256_bytes(&bytes) != sha256 {
        return Err(Error::Backup {
            path: copy.to_path_buf(),
            reason: "this backup copy is damaged (its size or SHA-256 differs from the manifest); the file was not restored".into(),
        });
    }
    Ok(bytes)
}

fn put_back(root: &Path, t: &Todo) -> Result<()> {
    let e = t.c.entry;
    let (Some(copy), Some(size), Some(sha)) = (&t.c.copy, e.size, &e.sha256) else {
        // validate::check guarantees these for deleted and replaced files.
        return Err(Error::Backup {
            path: t.abs.clone(),
            reason: "no copy recorded".into(),
        });
    };
    let bytes = read_copy(copy, size, sha)?;
    // The user may have deleted the folder after the run.
    if let Some(parent) = t.c.rel.parent() {
        fsops::create_dirs(root, parent)?;
    }
    if matches!(fs::symlink_metadata(&t.abs), Ok(m) if m.is_dir()) {
        fsops::remove(&t.abs)?;
    }
    match fsops::write_atomic(&t.abs, &bytes) {
        // A full drive: the file there now is the run's output (or, with --yes, content the
        // user chose to lose), and the original is verified in memory, so remove it first.
        Err(e) if e.is_no_space() && t.abs.is_file() => {
            fsops::remove(&t.abs)?;
            fsops::write_atomic(&t.abs, &bytes)?;
        }
        other => other?,
    }
    if let Some((s, n)) = e.mtime {
        fsops::set_mtime(&t.abs, UNIX_EPOCH + Duration::new(s, n));
    }
    Ok(())
}

/// Remove temp files a killed run may have left next to the files it was writing.
fn sweep_temps(root: &Path, m: &Manifest) {
    let mut dirs: Vec<PathBuf> = vec![root.to_path_buf()];
    for e in &m.entries {
        if let Some(p) = decode_path(&e.path).and_then(|rel| fsops::resolve(root, &rel).ok()) {
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
            if name.to_str().is_some_and(crate::layout::is_temp_name) {
                let _ = fsops::remove(&item.path());
            }
        }
    }
}
