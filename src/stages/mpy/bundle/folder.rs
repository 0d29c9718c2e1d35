//! An extracted bundle folder: its `lib/` (or the one `lib/` one folder down) walked without
//! following links.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{usage, Bundle, Store, MAX_FILE};
use crate::error::{Error, Result};
use crate::scan::open_nofollow;

/// Folders nested deeper than this inside an extracted `lib/` are not walked.
const MAX_DEPTH: usize = 32;

/// Index the `lib/` of a bundle folder (or of the one folder in it that holds a `lib/`).
pub(super) fn open(path: &Path) -> Result<Bundle> {
    let root = if path.join("lib").is_dir() {
        path.to_path_buf()
    } else {
        let tops: Vec<PathBuf> = fs::read_dir(path)
            .map_err(|e| usage(path, format!("cannot list it: {e}")))?
            .filter_map(|d| d.ok().map(|d| d.path()))
            .filter(|p| p.join("lib").is_dir())
            .collect();
        match tops.as_slice() {
            [one] => one.clone(),
            _ => {
                return Err(usage(
                    path,
                    "not a CircuitPython library bundle: no lib/ folder in it",
                ))
            }
        }
    };
    let lib = root.join("lib");
    let mut names = Vec::new();
    walk_dir(&lib, "", 0, &mut names);
    names.sort();
    let name = root
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Bundle::build(path, name, None, &names, Store::Dir { lib })
}

/// The bytes of `lib/<lib_rel>` from the folder, never through a link.
pub(super) fn read(lib: &Path, src: &Path, lib_rel: &str) -> Result<Vec<u8>> {
    let abs = lib.join(lib_rel);
    let file = open_nofollow(&abs).map_err(|e| Error::read(&abs, e))?;
    let mut buf = Vec::new();
    file.take(MAX_FILE + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::read(&abs, e))?;
    if buf.len() as u64 > MAX_FILE {
        return Err(usage(src, format!("lib/{lib_rel} is implausibly large")));
    }
    Ok(buf)
}

fn walk_dir(dir: &Path, rel: &str, depth: usize, out: &mut Vec<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(read) = fs::read_dir(dir) else {
        return;
    };
    for item in read.flatten() {
        let Some(name) = item.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let child = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        // Links inside a bundle are never followed.
        match item.file_type() {
            Ok(ft) if ft.is_dir() => walk_dir(&item.path(), &child, depth + 1, out),
            Ok(ft) if ft.is_file() => out.push(child),
            _ => {}
        }
    }
}
