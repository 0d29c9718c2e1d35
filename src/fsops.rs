//! The only code in cpslim that changes files. Everything goes through here so that the rules
//! hold everywhere: never follow a link, never leave the tree, write a complete temp file in the
//! same folder and rename it over the original, verify before the rename.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

use crate::layout::{TEMP_PREFIX, TEMP_SUFFIX};

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Resolve `rel` under `root`, refusing `..`, absolute parts and links on the way.
/// Components need not exist yet (restore rebuilds folders a run removed).
pub fn resolve(root: &Path, rel: &Path) -> Result<PathBuf> {
    let mut cur = root.to_path_buf();
    let comps: Vec<Component> = rel.components().collect();
    for c in &comps {
        let Component::Normal(part) = c else {
            return Err(Error::Refused {
                path: root.join(rel),
                reason: "path leaves the tree".into(),
            });
        };
        cur.push(part);
        match fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(Error::Refused {
                    path: cur,
                    reason: "is a symbolic link; cpslim never follows or changes links".into(),
                })
            }
            _ => {}
        }
    }
    Ok(cur)
}

pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = crate::scan::open_nofollow(path).map_err(|e| Error::read(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::read(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Create the missing folders of `dir` (inside the tree). Returns the ones created, outermost first.
pub fn create_dirs(root: &Path, rel_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut created = Vec::new();
    let mut rel = PathBuf::new();
    for c in rel_dir.components() {
        rel.push(c);
        let abs = resolve(root, &rel)?;
        match fs::symlink_metadata(&abs) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(Error::Refused {
                    path: abs,
                    reason: "exists and is not a folder".into(),
                })
            }
            Err(_) => {
                fs::create_dir(&abs).map_err(|e| Error::write(&abs, e))?;
                created.push(rel.clone());
            }
        }
    }
    Ok(created)
}

/// A fresh temp name in the same folder as `path`.
fn temp_sibling(path: &Path) -> Result<PathBuf> {
    let dir = path.parent().ok_or_else(|| Error::Refused {
        path: path.to_path_buf(),
        reason: "has no parent folder".into(),
    })?;
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    Ok(dir.join(format!(
        "{TEMP_PREFIX}{}-{n}{TEMP_SUFFIX}",
        std::process::id()
    )))
}

/// Write `content` to `target` atomically: temp file in the same folder, fsync, read back and
/// compare, rename over the target, fsync the folder. The original is never truncated.
pub fn write_atomic(target: &Path, content: &[u8]) -> Result<()> {
    let tmp = temp_sibling(target)?;
    let result = write_verify_rename(&tmp, target, content);
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn write_verify_rename(tmp: &Path, target: &Path, content: &[u8]) -> Result<()> {
    {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(tmp)
            .map_err(|e| Error::write(target, e))?;
        f.write_all(content).map_err(|e| Error::write(target, e))?;
        crate::platform::flush_durable(&f).map_err(|e| Error::write(target, e))?;
    }
    let mut back = Vec::with_capacity(content.len());
    File::open(tmp)
        .and_then(|mut f| f.read_to_end(&mut back))
        .map_err(|e| Error::read(tmp, e))?;
    if back != content {
        return Err(Error::VerifyFailed {
            path: target.to_path_buf(),
        });
    }
    fs::rename(tmp, target).map_err(|e| Error::write(target, e))?;
    sync_dir(target);
    Ok(())
}

/// Best effort: make the rename durable. Not every filesystem supports fsync on a folder.
pub fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent() {
        crate::platform::sync_dir(dir);
    }
}

/// Delete a file or a folder tree. Links inside a tree are removed as links, never followed.
pub fn remove(path: &Path) -> Result<()> {
    let meta = fs::symlink_metadata(path).map_err(|e| Error::write(path, e))?;
    if meta.is_dir() {
        // Move the folder aside first: if that is refused nothing has changed, and a kill
        // halfway through the removal leaves a recognisable temp folder, not a half-emptied one.
        let aside = temp_sibling(path)?;
        fs::rename(path, &aside).map_err(|e| Error::write(path, e))?;
        sync_dir(path);
        fs::remove_dir_all(&aside).map_err(|e| Error::write(path, e))?;
    } else {
        fs::remove_file(path).map_err(|e| Error::write(path, e))?;
    }
    sync_dir(path);
    Ok(())
}

/// Copy a file into the backup (a host folder, never on the drive), fsync it, return its hash.
pub fn copy_durable(src: &Path, dst: &Path) -> Result<String> {
    if let Some(p) = dst.parent() {
        fs::create_dir_all(p).map_err(|e| Error::write(p, e))?;
    }
    let mut input = crate::scan::open_nofollow(src).map_err(|e| Error::read(src, e))?;
    let mut out = File::create(dst).map_err(|e| Error::write(dst, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = input.read(&mut buf).map_err(|e| Error::read(src, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(|e| Error::write(dst, e))?;
    }
    crate::platform::flush_durable(&out).map_err(|e| Error::write(dst, e))?;
    Ok(hex(&h.finalize()))
}

/// Write a small file (manifest) atomically in a host folder.
pub fn write_small_atomic(path: &Path, content: &[u8]) -> Result<()> {
    if let Some(p) = path.parent() {
        fs::create_dir_all(p).map_err(|e| Error::write(p, e))?;
    }
    write_atomic(path, content)
}

/// Give a restored or copied file back its modification time (best effort: FAT keeps 2 s).
pub fn set_mtime(path: &Path, mtime: std::time::SystemTime) {
    if let Ok(f) = OpenOptions::new().write(true).open(path) {
        let _ = f.set_modified(mtime);
    }
}

pub fn create_dir_all(path: &Path) -> Result<()> {
    fs::create_dir_all(path).map_err(|e| Error::write(path, e))
}

pub fn remove_empty_dir(path: &Path) -> bool {
    fs::remove_dir(path).is_ok()
}

/// Copy a whole tree for `--out` (files and folders; links are skipped and returned).
pub fn copy_tree(src: &Path, dst: &Path, skipped: &mut Vec<PathBuf>) -> Result<()> {
    create_dir_all(dst)?;
    let read = fs::read_dir(src).map_err(|e| Error::read(src, e))?;
    for entry in read {
        let entry = entry.map_err(|e| Error::read(src, e))?;
        let from = entry.path();
        let to = dst.join(entry.file_name());
        let meta = fs::symlink_metadata(&from).map_err(|e| Error::read(&from, e))?;
        if meta.is_dir() {
            copy_tree(&from, &to, skipped)?;
        } else if meta.is_file() {
            copy_durable(&from, &to)?;
            if let Ok(m) = meta.modified() {
                set_mtime(&to, m);
            }
        } else {
            skipped.push(from);
        }
    }
    Ok(())
}
