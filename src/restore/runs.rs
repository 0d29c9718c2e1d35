//! The runs in a backup folder: which one `restore` means, and `restore --list`.

use std::fs;
use std::path::{Path, PathBuf};

use crate::backup::{read_manifest, Manifest, MANIFEST};
use crate::error::{Error, Result};

/// One run's backup folder and what its manifest says.
#[derive(Debug, Clone)]
pub struct Run {
    pub dir: PathBuf,
    /// The folder the run changed (canonical, as recorded).
    pub root: String,
    /// `20261124-160429` (UTC).
    pub created: String,
    pub files: usize,
}

impl Run {
    fn of(dir: PathBuf, m: &Manifest) -> Run {
        Run {
            dir,
            root: m.root.clone(),
            created: m.created.clone(),
            files: m.entries.iter().filter(|e| !e.dir).count(),
        }
    }
}

pub fn is_run(dir: &Path) -> bool {
    dir.join(MANIFEST).is_file()
}

/// The runs directly inside `backup_root`, newest first. Unreadable folders are skipped.
pub fn list(backup_root: &Path) -> Vec<Run> {
    let mut runs: Vec<Run> = fs::read_dir(backup_root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let dir = e.path();
            let m = read_manifest(&dir).ok()?;
            Some(Run::of(dir, &m))
        })
        .collect();
    // Newest first; the folder name breaks ties (`-2` for a second run in the same second).
    runs.sort_by(|a, b| {
        (b.created.as_str(), b.dir.as_os_str().len(), &b.dir).cmp(&(
            a.created.as_str(),
            a.dir.as_os_str().len(),
            &a.dir,
        ))
    });
    runs
}

/// Canonical form of a drive folder, as manifests record it.
pub fn canonical_root(root: &Path) -> Option<String> {
    root.canonicalize()
        .ok()
        .map(|p| p.to_string_lossy().into_owned())
}

/// The runs of `backup_root` recorded for `root`, newest first.
pub fn list_for(backup_root: &Path, root: &Path) -> Vec<Run> {
    let Some(canon) = canonical_root(root) else {
        return Vec::new();
    };
    list(backup_root)
        .into_iter()
        .filter(|r| r.root == canon)
        .collect()
}

/// What `--from` names: a run folder, or the folder given to `--backup-dir` (its newest run for
/// `root`; without `root`, its newest run when all its runs are of one folder).
pub fn pick(from: &Path, root: Option<&Path>) -> Result<Run> {
    if is_run(from) {
        let m = read_manifest(from)?;
        return Ok(Run::of(from.to_path_buf(), &m));
    }
    if !from.is_dir() {
        return Err(
            Error::Usage(format!("--from {}: no such folder", from.display())).with_hint(
                "pass the folder given to --backup-dir, or one run inside it (`cpslim restore --list --from DIR` shows them)",
            ),
        );
    }
    let runs = match root {
        Some(r) => list_for(from, r),
        None => list(from),
    };
    let Some(newest) = runs.first() else {
        let what = match root {
            Some(r) => format!("no run of {} in it", r.display()),
            None => "no cpslim runs in it".to_string(),
        };
        return Err(
            Error::Usage(format!("--from {}: {what}", from.display())).with_hint(format!(
                "`cpslim restore --list --from {}` shows the runs it holds",
                from.display()
            )),
        );
    };
    if root.is_none() && runs.iter().any(|r| r.root != newest.root) {
        return Err(Error::Usage(format!(
            "--from {} holds runs of several folders",
            from.display()
        ))
        .with_hint(format!(
            "name the folder to restore as PATH, or pass one run folder (`cpslim restore --list --from {}`)",
            from.display()
        )));
    }
    Ok(newest.clone())
}
