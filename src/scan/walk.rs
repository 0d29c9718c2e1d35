//! The walk under the root: one entry per file and folder, measured and categorised, links
//! never followed; what cannot be read becomes a [`ScanIssue`], not a failure.

use std::fs;
use std::path::Path;

use super::{Category, Entry, EntryKind, Inventory, ScanIssue};
use crate::layout::is_protected;
use crate::layout::junk;
use crate::units::allocated;

/// Folders deeper than this are reported, not walked (a pathological tree must not exhaust the stack).
const MAX_DEPTH: usize = 64;

pub(super) fn walk(abs: &Path, rel: &Path, depth: usize, inv: &mut Inventory) {
    if depth > MAX_DEPTH {
        inv.issues.push(ScanIssue {
            path: rel.to_path_buf(),
            message: format!("folders nested deeper than {MAX_DEPTH} levels are not inspected"),
        });
        return;
    }
    let read = match fs::read_dir(abs) {
        Ok(r) => r,
        Err(e) => {
            inv.issues.push(ScanIssue {
                path: rel.to_path_buf(),
                message: format!("cannot list folder: {e}"),
            });
            return;
        }
    };
    for item in read {
        let item = match item {
            Ok(i) => i,
            Err(e) => {
                inv.issues.push(ScanIssue {
                    path: rel.to_path_buf(),
                    message: format!("cannot list folder: {e}"),
                });
                continue;
            }
        };
        let child_rel = rel.join(item.file_name());
        let child_abs = item.path();
        let meta = match fs::symlink_metadata(&child_abs) {
            Ok(m) => m,
            Err(e) => {
                inv.issues.push(ScanIssue {
                    path: child_rel,
                    message: format!("cannot inspect: {e}"),
                });
                continue;
            }
        };
        let kind = EntryKind::of(&meta.file_type());
        let size = if kind == EntryKind::File {
            meta.len()
        } else {
            0
        };
        let category = categorize(&child_rel, kind);
        inv.entries.push(Entry {
            rel: child_rel.clone(),
            kind,
            size,
            allocated: if kind == EntryKind::Dir {
                inv.cluster_size
            } else {
                allocated(size, inv.cluster_size)
            },
            mtime: meta.modified().ok(),
            category,
        });
        if kind == EntryKind::Dir {
            walk(&child_abs, &child_rel, depth + 1, inv);
        }
    }
}

fn categorize(rel: &Path, kind: EntryKind) -> Category {
    if let Some(rule) = junk::classify(rel, kind) {
        return if rule.is_marker() {
            Category::Marker
        } else {
            Category::Junk
        };
    }
    if junk::inside_junk_dir(rel) {
        return Category::Junk;
    }
    if is_protected(rel) {
        return Category::Code;
    }
    let ext = rel
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "bdf" | "pcf" => return Category::Font,
        "bmp" => return Category::Bitmap,
        _ => {}
    }
    if crate::fatname::first_is(rel, "lib") {
        Category::Library
    } else if ext == "py" || ext == "mpy" {
        Category::Code
    } else {
        Category::Other
    }
}
