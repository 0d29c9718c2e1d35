//! What one action puts in the manifest: a copy of each original it changes or deletes (a
//! folder's files one by one), the folders it creates, and the files it creates.

use std::fs;
use std::path::{Path, PathBuf};

use super::{encode_path, mtime_pair, Change, ManifestEntry};
use crate::error::{Error, Result};
use crate::fsops;
use crate::plan::{Action, ActionKind};

/// Copies originals into the run's `files/`, numbered in the order they are copied.
pub(super) struct Copier<'a> {
    dir: &'a Path,
    counter: usize,
}

impl<'a> Copier<'a> {
    pub(super) fn new(dir: &'a Path) -> Self {
        Copier { dir, counter: 0 }
    }

    /// Copy the file at `abs` (never through a link) and describe it.
    fn original(
        &mut self,
        abs: &Path,
        rel: &Path,
        change: Change,
        new: Option<String>,
    ) -> Result<ManifestEntry> {
        let meta = fs::symlink_metadata(abs).map_err(|e| Error::read(abs, e))?;
        if meta.file_type().is_symlink() {
            return Err(Error::Refused {
                path: abs.to_path_buf(),
                reason: "is a symbolic link".into(),
            });
        }
        self.counter += 1;
        let copy = format!("files/{:06}", self.counter);
        let sha = fsops::copy_durable(abs, &self.dir.join(&copy))?;
        Ok(ManifestEntry {
            path: encode_path(rel),
            change,
            dir: false,
            size: Some(meta.len()),
            sha256: Some(sha),
            new_sha256: new,
            mtime: meta.modified().ok().and_then(mtime_pair),
            copy: Some(copy),
        })
    }
}

/// The manifest entries of one action; an error means its originals are not safe to change.
pub(super) fn entries_for(
    root: &Path,
    a: &Action,
    copier: &mut Copier,
) -> Result<Vec<ManifestEntry>> {
    let new_sha = a.content.as_deref().map(fsops::sha256_bytes);
    let abs = fsops::resolve(root, &a.path)?;
    match a.kind {
        ActionKind::Report => Ok(Vec::new()),
        ActionKind::Replace | ActionKind::Edit => Ok(vec![copier.original(
            &abs,
            &a.path,
            Change::Replace,
            new_sha,
        )?]),
        ActionKind::Delete if !a.dir => Ok(vec![copier.original(
            &abs,
            &a.path,
            Change::Delete,
            None,
        )?]),
        ActionKind::Delete => folder_entries(root, &a.path, copier),
        ActionKind::Create => create_entries(root, abs, a, new_sha, copier),
    }
}

/// A deleted folder: the folder and every folder under it, and a copy of every file in them.
/// A link or special file inside refuses the whole folder.
fn folder_entries(root: &Path, rel: &Path, copier: &mut Copier) -> Result<Vec<ManifestEntry>> {
    let mut out = Vec::new();
    let mut stack = vec![rel.to_path_buf()];
    while let Some(rel_dir) = stack.pop() {
        let abs_dir = root.join(&rel_dir);
        let meta = fs::symlink_metadata(&abs_dir).map_err(|e| Error::read(&abs_dir, e))?;
        out.push(ManifestEntry {
            path: encode_path(&rel_dir),
            change: Change::Delete,
            dir: true,
            size: None,
            sha256: None,
            new_sha256: None,
            mtime: meta.modified().ok().and_then(mtime_pair),
            copy: None,
        });
        for item in fs::read_dir(&abs_dir).map_err(|e| Error::read(&abs_dir, e))? {
            let item = item.map_err(|e| Error::read(&abs_dir, e))?;
            let rel = rel_dir.join(item.file_name());
            let ft = item.file_type().map_err(|e| Error::read(item.path(), e))?;
            if ft.is_dir() {
                stack.push(rel);
            } else if ft.is_file() {
                out.push(copier.original(&item.path(), &rel, Change::Delete, None)?);
            } else {
                return Err(Error::Refused {
                    path: item.path(),
                    reason: "holds a link or special file; cpslim leaves such folders alone".into(),
                });
            }
        }
    }
    Ok(out)
}

/// A created file: the folders made to hold it, then the file (a replacement, with a copy of the
/// original, when a file is already there).
fn create_entries(
    root: &Path,
    abs: PathBuf,
    a: &Action,
    new_sha: Option<String>,
    copier: &mut Copier,
) -> Result<Vec<ManifestEntry>> {
    let mut out = made_folders(root, &a.path);
    match fs::symlink_metadata(&abs) {
        // Creating over an existing file is a replacement: keep the original.
        Ok(m) if m.is_file() => {
            out.push(copier.original(&abs, &a.path, Change::Replace, new_sha)?);
            return Ok(out);
        }
        // A folder an earlier action of the run deletes (a trash folder that
        // becomes its marker file); that action backs up its contents.
        Ok(m) if m.is_dir() && !a.requires.is_empty() => {}
        Ok(_) => {
            return Err(Error::Refused {
                path: abs,
                reason: "exists and is not a file".into(),
            })
        }
        Err(_) => {}
    }
    out.push(ManifestEntry {
        path: encode_path(&a.path),
        change: Change::Create,
        dir: false,
        size: None,
        sha256: None,
        new_sha256: new_sha,
        mtime: None,
        copy: None,
    });
    Ok(out)
}

/// The missing folders above `rel`, outermost first: the run makes them, restore removes them.
fn made_folders(root: &Path, rel: &Path) -> Vec<ManifestEntry> {
    let mut out = Vec::new();
    let mut dir = PathBuf::new();
    for c in rel.parent().into_iter().flat_map(Path::components) {
        dir.push(c);
        if fs::symlink_metadata(root.join(&dir)).is_err() {
            out.push(ManifestEntry {
                path: encode_path(&dir),
                change: Change::Mkdir,
                dir: true,
                size: None,
                sha256: None,
                new_sha256: None,
                mtime: None,
                copy: None,
            });
        }
    }
    out
}
