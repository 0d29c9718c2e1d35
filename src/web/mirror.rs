//! A local copy of the board that the ordinary scan and stages read. One listing per folder;
//! only the files a stage reads are downloaded (over Wi-Fi every GET costs seconds). Every other
//! file becomes a sparse placeholder of its listed size: the junk rules, the sizes and the
//! cluster arithmetic need only names and sizes, and a placeholder costs no disk space.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use super::api::{Api, Listing, Version};
use super::paths::segment_ok;
use super::{WebError, WebResult};

/// Folders deeper than this are not walked (as for a drive).
const MAX_DEPTH: usize = 64;

/// Extensions some stage reads (code, libraries, bitmaps, fonts, settings and boot_out.txt).
const READ_EXTS: &[&str] = &["py", "mpy", "bmp", "bdf", "pcf", "toml", "txt"];

pub struct Mirror {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    pub version: Version,
    pub block_size: u64,
    pub free_bytes: u64,
    pub writable: bool,
    /// Files whose real content is in the mirror (the rest are placeholders).
    pub fetched: HashSet<PathBuf>,
    /// Names the board listed that cpslim will not use as paths.
    pub skipped: Vec<String>,
}

pub fn needs_content(rel: &Path) -> bool {
    rel.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| READ_EXTS.contains(&e.to_ascii_lowercase().as_str()))
}

fn local(path: &Path, source: std::io::Error) -> WebError {
    WebError::Local {
        path: path.to_path_buf(),
        source,
    }
}

/// Mirror the whole board. `progress` is told each folder as it is listed.
pub fn mirror(api: &Api, progress: &dyn Fn(&Path)) -> WebResult<Mirror> {
    let version = api.version()?;
    let dir = tempfile::Builder::new()
        .prefix("cpslim-web-")
        .tempdir()
        .map_err(|e| local(&std::env::temp_dir(), e))?;
    let root = dir.path().join("board");
    fs::create_dir(&root).map_err(|e| local(&root, e))?;
    progress(Path::new("/"));
    let top = api.list(Path::new(""))?;
    let mut m = Mirror {
        root,
        version,
        block_size: top.block_size,
        free_bytes: top.free.saturating_mul(top.block_size),
        writable: top.writable,
        fetched: HashSet::new(),
        skipped: Vec::new(),
        _dir: dir,
    };
    if !(512..=65_536).contains(&m.block_size) || !m.block_size.is_power_of_two() {
        return Err(WebError::Bad {
            url: format!("{}/fs/", api.client.base_url()),
            reason: format!("block_size {} is not a FAT cluster size", m.block_size),
        });
    }
    fill(api, &mut m, Path::new(""), top, 0, progress)?;
    Ok(m)
}

fn fill(
    api: &Api,
    m: &mut Mirror,
    rel_dir: &Path,
    listing: Listing,
    depth: usize,
    progress: &dyn Fn(&Path),
) -> WebResult<()> {
    let drive_bytes = listing.total.saturating_mul(m.block_size);
    let mut seen = HashSet::new();
    for f in listing.files {
        // FAT names compare case-insensitively: a second `A.txt` next to `a.txt` is not a file.
        if !segment_ok(&f.name) || !seen.insert(f.name.to_lowercase()) {
            m.skipped.push(format!("{}/{}", rel_dir.display(), f.name));
            continue;
        }
        if drive_bytes > 0 && f.file_size > drive_bytes {
            return Err(WebError::Bad {
                url: format!("{}/fs/{}", api.client.base_url(), rel_dir.display()),
                reason: format!(
                    "lists {} at {} bytes, more than the whole drive ({drive_bytes} bytes)",
                    f.name, f.file_size
                ),
            });
        }
        let rel = rel_dir.join(&f.name);
        let abs = m.root.join(&rel);
        if f.directory {
            fs::create_dir(&abs).map_err(|e| local(&abs, e))?;
            if depth + 1 < MAX_DEPTH {
                progress(&rel);
                let sub = api.list(&rel)?;
                fill(api, m, &rel, sub, depth + 1, progress)?;
            }
        } else {
            if needs_content(&rel) {
                let bytes = api.get(&rel)?;
                fs::write(&abs, bytes).map_err(|e| local(&abs, e))?;
                m.fetched.insert(rel.clone());
            } else {
                let file = fs::File::create(&abs).map_err(|e| local(&abs, e))?;
                file.set_len(f.file_size).map_err(|e| local(&abs, e))?;
            }
            if let Some(ns) = f.modified_ns {
                let _ = fs::File::options()
                    .write(true)
                    .open(&abs)
                    .and_then(|h| h.set_modified(UNIX_EPOCH + Duration::from_nanos(ns)));
            }
        }
    }
    Ok(())
}

impl Mirror {
    /// Download the real content of every placeholder at or under `rel` (before a backup).
    pub fn fetch_under(&mut self, api: &Api, rel: &Path) -> WebResult<()> {
        let abs = self.root.join(rel);
        let meta = fs::symlink_metadata(&abs).map_err(|e| local(&abs, e))?;
        if meta.is_dir() {
            let mut names: Vec<PathBuf> = fs::read_dir(&abs)
                .map_err(|e| local(&abs, e))?
                .flatten()
                .map(|d| rel.join(d.file_name()))
                .collect();
            names.sort();
            for n in names {
                self.fetch_under(api, &n)?;
            }
        } else if meta.is_file() && !self.fetched.contains(rel) {
            let bytes = api.get(rel)?;
            let mtime = meta.modified().ok();
            fs::write(&abs, bytes).map_err(|e| local(&abs, e))?;
            if let Some(t) = mtime {
                let _ = fs::File::options()
                    .write(true)
                    .open(&abs)
                    .and_then(|h| h.set_modified(t));
            }
            self.fetched.insert(rel.to_path_buf());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_a_stage_reads_are_downloaded() {
        for name in [
            "code.py",
            "lib/a.MPY",
            "f/x.bdf",
            "f/y.pcf",
            "i.bmp",
            "boot_out.txt",
        ] {
            assert!(needs_content(Path::new(name)), "{name}");
        }
        for name in [
            ".DS_Store",
            "._code.py.x",
            "sounds/a.wav",
            "Thumbs.db",
            "README",
        ] {
            assert!(!needs_content(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn listings_tolerate_missing_fields_and_reject_garbage() {
        let l: Listing = serde_json::from_str(r#"{"files":[{"name":"a"}]}"#).unwrap();
        assert!(l.writable && !l.files[0].directory && l.files[0].file_size == 0);
        assert!(serde_json::from_str::<Listing>(r#"{"files":"nope"}"#).is_err());
        assert!(serde_json::from_str::<Listing>("<html>").is_err());
    }
}
