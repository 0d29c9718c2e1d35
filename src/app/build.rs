//! `--out`: copy what goes on the board into the build folder. Version control, editor and IDE
//! folders, trash folders and junk stay behind, and the report lists them.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::fsops;
use crate::layout::junk::{self, Verdict};
use crate::report::{display_path, LeftOut};
use crate::scan::{EntryKind, Inventory};

/// Why `rel` does not belong in a build, or `None` when it does. Folders the junk rules only
/// list on a board (`.git/`, `.vscode/`, `.idea/`) are the project's, not the board's.
fn left_out_because(rel: &Path, kind: EntryKind) -> Option<&'static str> {
    let rule = junk::classify(rel, kind)?;
    match rule.verdict {
        Verdict::Delete | Verdict::Trash => Some(rule.what),
        Verdict::Report if kind == EntryKind::Dir => {
            Some("project or editor data (stays in the source)")
        }
        Verdict::Report | Verdict::Marker => None,
    }
}

/// What a build of `src` leaves out, outermost paths only.
pub fn left_out(src: &Inventory) -> Vec<LeftOut> {
    let mut out: Vec<(PathBuf, LeftOut)> = Vec::new();
    for e in &src.entries {
        if out.iter().any(|(p, _)| e.rel.starts_with(p)) {
            continue;
        }
        if let Some(reason) = left_out_because(&e.rel, e.kind) {
            let (bytes, _) = src.tree_size(&e.rel);
            let files = if e.is_dir() {
                src.file_count(&e.rel) as u64
            } else {
                1
            };
            out.push((
                e.rel.clone(),
                LeftOut {
                    path: display_path(&e.rel),
                    files,
                    bytes,
                    reason: reason.to_string(),
                },
            ));
        }
    }
    out.into_iter().map(|(_, l)| l).collect()
}

/// Copy `src` into `dst` except what [`left_out`] names. Links and special files are never
/// followed; they are returned so the caller can say they were not copied.
pub fn copy_build(src: &Inventory, dst: &Path, skip: &[LeftOut]) -> Result<Vec<PathBuf>> {
    let skip: Vec<PathBuf> = skip.iter().map(|l| PathBuf::from(&l.path)).collect();
    let mut not_copied = Vec::new();
    fsops::create_dir_all(dst)?;
    for e in &src.entries {
        if skip.iter().any(|s| e.rel.starts_with(s)) {
            continue;
        }
        let to = dst.join(&e.rel);
        match e.kind {
            EntryKind::Dir => fsops::create_dir_all(&to)?,
            EntryKind::File => {
                fsops::copy_durable(&src.abs(&e.rel), &to)?;
                if let Some(m) = e.mtime {
                    fsops::set_mtime(&to, m);
                }
            }
            EntryKind::Symlink | EntryKind::Other => not_copied.push(src.abs(&e.rel)),
        }
    }
    Ok(not_copied)
}
