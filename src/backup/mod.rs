//! Host-side backups and `restore`. Before a run touches the drive, every file it will change or
//! delete is copied here with a manifest; restore puts the tree back byte for byte.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsops;
use crate::plan::{Action, ActionKind};

mod names;

use names::label_of;
pub use names::{decode_path, encode_path, timestamp};

pub const MANIFEST: &str = "manifest.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// The run deleted this file or folder.
    Delete,
    /// The run rewrote this file (replace or edit).
    Replace,
    /// The run created this file.
    Create,
    /// The run created this folder (to hold a created file).
    Mkdir,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Relative path; non-UTF-8 names are stored as `hex:` + the raw bytes.
    pub path: String,
    pub change: Change,
    pub dir: bool,
    pub size: Option<u64>,
    /// Hash of the original (before the run).
    pub sha256: Option<String>,
    /// Hash of what the run writes.
    pub new_sha256: Option<String>,
    /// Original modification time, seconds and nanoseconds since the epoch.
    pub mtime: Option<(u64, u32)>,
    /// Copy of the original inside the backup folder.
    pub copy: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub schema: u32,
    pub root: String,
    pub created: String,
    pub entries: Vec<ManifestEntry>,
}

fn mtime_pair(t: SystemTime) -> Option<(u64, u32)> {
    t.duration_since(UNIX_EPOCH)
        .ok()
        .map(|d| (d.as_secs(), d.subsec_nanos()))
}

/// Where backups go by default: the user's state folder.
pub fn default_root() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Application Support"))
    } else if cfg!(windows) {
        env("LOCALAPPDATA")
    } else {
        env("XDG_STATE_HOME").or_else(|| env("HOME").map(|h| h.join(".local/state")))
    };
    base.map(|b| b.join("cpslim").join("backups"))
}

/// Where the backup keeps one original, and its SHA-256 as recorded in the manifest.
#[derive(Debug, Clone)]
pub struct Original {
    pub copy: PathBuf,
    pub sha256: String,
}

/// A prepared backup: originals copied and the manifest written, before any change.
pub struct Backup {
    pub dir: PathBuf,
    /// Every backed-up file by its path in the tree.
    pub originals: std::collections::HashMap<PathBuf, Original>,
    /// Indices (in the order given to `prepare`) whose originals could not be backed up;
    /// those actions must not run.
    pub failed: Vec<(usize, Error)>,
}

/// Copy every original the actions will change into a new folder under `backup_root`.
pub fn prepare(root: &Path, backup_root: &Path, actions: &[&Action]) -> Result<Backup> {
    let canon_root = root.canonicalize().map_err(|e| Error::read(root, e))?;
    if let Ok(b) = backup_root.canonicalize() {
        if b.starts_with(&canon_root) {
            return Err(Error::Usage(format!(
                "the backup folder {} is inside {}: backups must live on this computer, not on the drive (use --backup-dir)",
                backup_root.display(),
                root.display()
            )));
        }
    }
    let now = SystemTime::now();
    let base = format!("{}-{}", label_of(root), timestamp(now));
    let mut dir = backup_root.join(&base);
    let mut n = 1;
    while dir.exists() {
        n += 1;
        dir = backup_root.join(format!("{base}-{n}"));
    }
    fsops::create_dir_all(&dir.join("files"))?;

    let mut entries = Vec::new();
    let mut failed = Vec::new();
    let mut counter = 0usize;
    for (i, a) in actions.iter().enumerate() {
        let mut add = |abs: &Path,
                       rel: &Path,
                       change: Change,
                       new: Option<String>|
         -> Result<ManifestEntry> {
            let meta = fs::symlink_metadata(abs).map_err(|e| Error::read(abs, e))?;
            if meta.file_type().is_symlink() {
                return Err(Error::Refused {
                    path: abs.to_path_buf(),
                    reason: "is a symbolic link".into(),
                });
            }
            counter += 1;
            let copy = format!("files/{counter:06}");
            let sha = fsops::copy_durable(abs, &dir.join(&copy))?;
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
        };
        let new_sha = a.content.as_deref().map(fsops::sha256_bytes);
        let result: Result<Vec<ManifestEntry>> = (|| {
            let abs = fsops::resolve(root, &a.path)?;
            match a.kind {
                ActionKind::Report => Ok(Vec::new()),
                ActionKind::Replace | ActionKind::Edit => {
                    Ok(vec![add(&abs, &a.path, Change::Replace, new_sha.clone())?])
                }
                ActionKind::Delete if !a.dir => Ok(vec![add(&abs, &a.path, Change::Delete, None)?]),
                ActionKind::Delete => {
                    let mut out = Vec::new();
                    let mut stack = vec![a.path.clone()];
                    while let Some(rel_dir) = stack.pop() {
                        let abs_dir = root.join(&rel_dir);
                        let meta =
                            fs::symlink_metadata(&abs_dir).map_err(|e| Error::read(&abs_dir, e))?;
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
                                out.push(add(&item.path(), &rel, Change::Delete, None)?);
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
                ActionKind::Create => {
                    let mut out = Vec::new();
                    let mut rel = PathBuf::new();
                    if let Some(parent) = a.path.parent() {
                        for c in parent.components() {
                            rel.push(c);
                            if fs::symlink_metadata(root.join(&rel)).is_err() {
                                out.push(ManifestEntry {
                                    path: encode_path(&rel),
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
                    }
                    match fs::symlink_metadata(&abs) {
                        // Creating over an existing file is a replacement: keep the original.
                        Ok(m) if m.is_file() => {
                            out.push(add(&abs, &a.path, Change::Replace, new_sha.clone())?);
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
                        new_sha256: new_sha.clone(),
                        mtime: None,
                        copy: None,
                    });
                    Ok(out)
                }
            }
        })();
        match result {
            Ok(mut e) => entries.append(&mut e),
            Err(e) => failed.push((i, e)),
        }
    }
    let manifest = Manifest {
        schema: 1,
        root: canon_root.to_string_lossy().into_owned(),
        created: timestamp(now),
        entries,
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Backup {
        path: dir.clone(),
        reason: e.to_string(),
    })?;
    fsops::write_small_atomic(&dir.join(MANIFEST), &json)?;
    let originals = manifest
        .entries
        .iter()
        .filter(|e| !e.dir)
        .filter_map(|e| {
            Some((
                decode_path(&e.path)?,
                Original {
                    copy: dir.join(e.copy.as_deref()?),
                    sha256: e.sha256.clone()?,
                },
            ))
        })
        .collect();
    Ok(Backup {
        dir,
        originals,
        failed,
    })
}

pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST);
    let bytes = fs::read(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::BadManifest {
            path: dir.to_path_buf(),
            reason:
                "no manifest.json: not a cpslim backup, or the run stopped before changing anything"
                    .into(),
        },
        _ => Error::read(&path, e),
    })?;
    serde_json::from_slice(&bytes).map_err(|e| Error::BadManifest {
        path: path.clone(),
        reason: format!("unreadable manifest: {e}"),
    })
}
