//! Host-side backups and `restore`. Before a run touches the drive, every file it will change or
//! delete is copied here with a manifest; restore puts the tree back byte for byte.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsops;
use crate::plan::Action;

mod entries;
mod names;

use entries::{entries_for, Copier};
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
    refuse_backup_inside(root, &canon_root, backup_root)?;
    let now = SystemTime::now();
    let dir = new_run_dir(root, backup_root, now)?;
    let mut entries = Vec::new();
    let mut failed = Vec::new();
    let mut copier = Copier::new(&dir);
    for (i, a) in actions.iter().enumerate() {
        match entries_for(root, a, &mut copier) {
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
    write_manifest(&dir, &manifest)?;
    let originals = originals_of(&dir, &manifest);
    Ok(Backup {
        dir,
        originals,
        failed,
    })
}

/// Backups live on this computer: a backup folder on the drive would fill it and be lost with it.
fn refuse_backup_inside(root: &Path, canon_root: &Path, backup_root: &Path) -> Result<()> {
    if let Ok(b) = backup_root.canonicalize() {
        if b.starts_with(canon_root) {
            return Err(Error::Usage(format!(
                "the backup folder {} is inside {}: backups must live on this computer, not on the drive (use --backup-dir)",
                backup_root.display(),
                root.display()
            )));
        }
    }
    Ok(())
}

/// A new folder for this run, `<label>-<time>` (with `-2`, `-3`… if that exists), with `files/`.
fn new_run_dir(root: &Path, backup_root: &Path, now: SystemTime) -> Result<PathBuf> {
    let base = format!("{}-{}", label_of(root), timestamp(now));
    let mut dir = backup_root.join(&base);
    let mut n = 1;
    while dir.exists() {
        n += 1;
        dir = backup_root.join(format!("{base}-{n}"));
    }
    fsops::create_dir_all(&dir.join("files"))?;
    Ok(dir)
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<()> {
    let json = serde_json::to_vec_pretty(manifest).map_err(|e| Error::Backup {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    fsops::write_small_atomic(&dir.join(MANIFEST), &json)
}

/// Every copied original by its path in the tree.
fn originals_of(dir: &Path, manifest: &Manifest) -> std::collections::HashMap<PathBuf, Original> {
    manifest
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
        .collect()
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
