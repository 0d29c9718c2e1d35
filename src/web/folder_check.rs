//! Before a folder is deleted over Wi-Fi: does it still hold what the plan saw? A file added
//! from the web editor or over USB while the user read the plan would otherwise go with the
//! folder, unsaved. The board's folder is listed again, all the way down, and compared with the
//! action's [`FolderStamp`]: the same names (as FAT compares them), folders where folders were,
//! and each file at its planned size.

use std::path::{Path, PathBuf};

use super::api::Api;
use super::WebResult;
use crate::layout::EntryKind;
use crate::plan::FolderStamp;

/// As deep as the mirror goes; anything deeper differs from the plan, and is kept.
const MAX_DEPTH: usize = 64;

/// True when the board's `rel` holds exactly what `expect` says.
pub(super) fn unchanged(api: &Api, rel: &Path, expect: &FolderStamp) -> WebResult<bool> {
    let mut found = Vec::new();
    if !board_tree(api, rel, Path::new(""), 0, &mut found)? {
        return Ok(false);
    }
    Ok(FolderStamp::from_entries(found) == *expect)
}

/// False when the folder is gone from the board.
fn board_tree(
    api: &Api,
    rel: &Path,
    inside: &Path,
    depth: usize,
    out: &mut Vec<(PathBuf, EntryKind, u64)>,
) -> WebResult<bool> {
    let Some(listing) = api.try_list(rel)? else {
        return Ok(false);
    };
    for f in listing.files {
        let kind = if f.directory {
            EntryKind::Dir
        } else {
            EntryKind::File
        };
        let at = inside.join(&f.name);
        out.push((at.clone(), kind, f.file_size));
        if f.directory
            && depth + 1 < MAX_DEPTH
            && !board_tree(api, &rel.join(&f.name), &at, depth + 1, out)?
        {
            return Ok(false);
        }
    }
    Ok(true)
}
