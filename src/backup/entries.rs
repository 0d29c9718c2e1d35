//! What one planned action adds to a backup's manifest: a copy of each original it changes or
//! deletes, the folders it deletes or creates, and the hash of what it writes.

use std::fs;
use std::path::{Path, PathBuf};

use super::{encode_path, mtime_pair, Change, ManifestEntry};
use crate::error::{Error, Result};
use crate::fsops;
use crate::plan::{Action, Effect, WriteMode};

/// Copies originals into a backup folder's `files/`, numbering them in order.
pub(super) struct Copier<'a> {
    pub dir: &'a Path,
    pub counter: usize,
}

impl Copier<'_> {
    /// The manifest entries for `a` (nothing for a note), copying the originals it touches.
    pub fn entries_for(&mut self, root: &Path, a: &Action) -> Result<Vec<ManifestEntry>> {
        let abs = fsops::resolve(root, &a.path)?;
        match &a.effect {
            Effect::Note { .. } => Ok(Vec::new()),
            Effect::DeleteFile { .. } => {
                Ok(vec![self.copy(&abs, &a.path, Change::Delete, None)?])
            }
            Effect::DeleteDir { .. } => self.folder(root, &a.path),
            Effect::Write(w) => {
                let new_sha = Some(fsops::sha256_bytes(&w.bytes));
                match w.mode {
                    WriteMode::Replace { .. } | WriteMode::Edit { .. } => {
                        Ok(vec![self.copy(&abs, &a.path, Change::Replace, new_sha)?])
                    }
                    WriteMode::Create => self.create(root, a, abs, new_sha),
                }
            }
        }
    }

    /// Copy the file at `abs` (`rel` in the tree), recording it as `change`.
    fn copy(
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

    /// A deleted folder: every folder in it (to recreate) and a copy of every file.
    fn folder(&mut self, root: &Path, top: &Path) -> Result<Vec<ManifestEntry>> {
        let mut out = Vec::new();
        let mut stack = vec![top.to_path_buf()];
        while let Some(rel_dir) = stack.pop() {
            let abs_dir = root.join(&rel_dir);
            let meta = fs::symlink_metadata(&abs_dir).map_err(|e| Error::read(&abs_dir, e))?;
            out.push(ManifestEntry {
                mtime: meta.modified().ok().and_then(mtime_pair),
                ..folder_entry(&rel_dir, Change::Delete)
            });
            for item in fs::read_dir(&abs_dir).map_err(|e| Error::read(&abs_dir, e))? {
                let item = item.map_err(|e| Error::read(&abs_dir, e))?;
                let rel = rel_dir.join(item.file_name());
                let ft = item.file_type().map_err(|e| Error::read(item.path(), e))?;
                if ft.is_dir() {
                    stack.push(rel);
                } else if ft.is_file() {
                    out.push(self.copy(&item.path(), &rel, Change::Delete, None)?);
                } else {
                    return Err(Error::Refused {
                        path: item.path(),
                        reason: "holds a link or special file; cpslim leaves such folders alone"
                            .into(),
                    });
                }
            }
        }
        Ok(out)
    }

    /// A created file: the folders made for it, and the file (a replacement, with a copy of
    /// the original, when a file is already there).
    fn create(
        &mut self,
        root: &Path,
        a: &Action,
        abs: PathBuf,
        new_sha: Option<String>,
    ) -> Result<Vec<ManifestEntry>> {
        let mut out = Vec::new();
        let mut rel = PathBuf::new();
        if let Some(parent) = a.path.parent() {
            for c in parent.components() {
                rel.push(c);
                if fs::symlink_metadata(root.join(&rel)).is_err() {
                    out.push(folder_entry(&rel, Change::Mkdir));
                }
            }
        }
        match fs::symlink_metadata(&abs) {
            // Creating over an existing file is a replacement: keep the original.
            Ok(m) if m.is_file() => {
                out.push(self.copy(&abs, &a.path, Change::Replace, new_sha)?);
                return Ok(out);
            }
            // A folder an earlier action of the run deletes (a trash folder that becomes its
            // marker file); that action backs up its contents.
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
}

/// A folder the run deletes or creates; nothing is copied.
fn folder_entry(rel: &Path, change: Change) -> ManifestEntry {
    ManifestEntry {
        path: encode_path(rel),
        change,
        dir: true,
        size: None,
        sha256: None,
        new_sha256: None,
        mtime: None,
        copy: None,
    }
}
