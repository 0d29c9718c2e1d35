//! What is junk: files operating systems, editors and tools leave on the drive, and the markers
//! CircuitPython writes itself. The rules and their keep/delete/report decisions follow
//! `docs/domain/junk-files-and-fat.md`. The scan uses them to categorise every entry and the junk
//! stage to plan deletions, so both always agree.

use std::path::{Component, Path};

use super::EntryKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Safe to delete: regenerated or meaningless on a board.
    Delete,
    /// Holds files the user deleted; emptied only with `--empty-trash`.
    Trash,
    /// User data or the user's choice: listed, never deleted.
    Report,
    /// CircuitPython's own marker: kept, and recreated on a board when missing.
    Marker,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub verdict: Verdict,
    pub what: &'static str,
}

impl Rule {
    pub fn is_marker(&self) -> bool {
        self.verdict == Verdict::Marker
    }
}

const fn rule(verdict: Verdict, what: &'static str) -> Option<Rule> {
    Some(Rule { verdict, what })
}

/// The markers CircuitPython writes when it formats the drive, as (path, is inside `.fseventsd`).
pub const MARKERS: [&str; 4] = [
    ".fseventsd/no_log",
    ".metadata_never_index",
    ".Trashes",
    ".Trash-1000",
];

/// Decide what `rel` is. `None`: not junk (or a folder whose contents are judged one by one).
pub fn classify(rel: &Path, kind: EntryKind) -> Option<Rule> {
    use Verdict::*;
    // Names that are not UTF-8 are matched on their lossy form: `._caf\xe9` is still AppleDouble.
    let owned: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    let comps: Vec<&str> = owned.iter().map(String::as_str).collect();
    let name = *comps.last()?;
    let lower = name.to_ascii_lowercase();
    let at_root = comps.len() == 1;
    let is_dir = kind == EntryKind::Dir;
    let is_file = kind == EntryKind::File;

    // FAT compares names without case: `.DS_STORE` is `.DS_Store`, so every rule matches `lower`.
    if comps.len() == 2 && comps[0].eq_ignore_ascii_case(".fseventsd") {
        return if lower == "no_log" && is_file {
            rule(Marker, "CircuitPython marker: stops macOS fsevents logging")
        } else {
            rule(Delete, "macOS fsevents log")
        };
    }
    if at_root {
        if let Some(r) = at_root_rule(&lower, is_dir, is_file) {
            return Some(r);
        }
    }
    if super::is_temp_name(name) {
        return rule(Delete, "leftover of an interrupted cpslim write");
    }
    anywhere_rule(name, &lower, is_dir, is_file)
}

/// Names that mean something only at the drive's root (volume metadata, trash, markers).
fn at_root_rule(lower: &str, is_dir: bool, is_file: bool) -> Option<Rule> {
    use Verdict::*;
    match lower {
        ".metadata_never_index" if is_file => {
            return rule(Marker, "CircuitPython marker: no Spotlight indexing")
        }
        ".trashes" | ".trash-1000" if is_file => {
            return rule(Marker, "CircuitPython marker: no trash folder")
        }
        ".trashes" if is_dir => return rule(Trash, "macOS trash folder"),
        "$recycle.bin" | "recycler" | "recycled" if is_dir => {
            return rule(Trash, "Windows recycle bin")
        }
        ".spotlight-v100" => return rule(Delete, "macOS Spotlight index"),
        ".temporaryitems" => return rule(Delete, "macOS temporary items"),
        ".documentrevisions-v100" => return rule(Delete, "macOS document versions store"),
        ".apdisk" | ".localized" => return rule(Delete, "macOS volume metadata"),
        ".com.apple.timemachine.donotpresent" => return rule(Delete, "macOS Time Machine marker"),
        ".volumeicon.icns" | "icon\r" => {
            return rule(Report, "custom volume icon (your choice: kept)")
        }
        "system volume information" => {
            return rule(
                Delete,
                "Windows indexer data (Windows recreates it on each mount)",
            )
        }
        ".xdg-volume-info" => return rule(Delete, "Linux desktop volume info"),
        ".hidden" => return rule(Report, "Linux file-manager hide list (your choice: kept)"),
        _ => {}
    }
    if is_dir
        && lower.starts_with(".trash-")
        && lower[7..].bytes().all(|b| b.is_ascii_digit())
        && lower.len() > 7
    {
        return rule(Trash, "Linux desktop trash folder");
    }
    if is_dir
        && lower.len() == 9
        && lower.starts_with("found.")
        && lower[6..].bytes().all(|b| b.is_ascii_digit())
    {
        return rule(
            Report,
            "chkdsk recovered fragments: a sign of past corruption",
        );
    }
    None
}

/// Names that are junk in any folder (editor, desktop and OS leftovers).
fn anywhere_rule(name: &str, lower: &str, is_dir: bool, is_file: bool) -> Option<Rule> {
    use Verdict::*;
    if name.starts_with("._") && is_file {
        return rule(Delete, "macOS AppleDouble metadata");
    }
    match lower {
        ".ds_store" => return rule(Delete, "macOS Finder view settings"),
        "__pycache__" | ".pytest_cache" | ".mypy_cache" if is_dir => {
            return rule(
                Delete,
                "desktop Python cache (CircuitPython never reads it)",
            )
        }
        ".git" | ".vscode" | ".idea" => return rule(Report, "project/editor data (yours: kept)"),
        ".directory" => return rule(Delete, "KDE Dolphin folder settings"),
        "4913" if is_file => return rule(Delete, "Vim write-test file"),
        _ => {}
    }
    if !is_file {
        return None;
    }
    match lower {
        "thumbs.db" => return rule(Delete, "Windows thumbnail cache"),
        "desktop.ini" => return rule(Delete, "Windows folder view settings"),
        _ => {}
    }
    if lower.starts_with("ehthumbs") && lower.ends_with(".db") {
        return rule(Delete, "Windows thumbnail cache");
    }
    if lower.starts_with(".goutputstream-") {
        return rule(Delete, "interrupted GNOME save");
    }
    if lower.starts_with(".fuse_hidden") {
        return rule(Delete, "FUSE leftover of a deleted file");
    }
    if lower.ends_with(".pyc") {
        return rule(
            Delete,
            "desktop Python bytecode (CircuitPython never reads it)",
        );
    }
    if lower.ends_with(".kate-swp") {
        return rule(Delete, "Kate swap file");
    }
    if lower.ends_with(".save") {
        return rule(Delete, "nano backup file");
    }
    let vim_swap =
        [".swp", ".swo", ".swn"].iter().any(|s| lower.ends_with(s)) && name.starts_with('.');
    if vim_swap {
        return rule(Delete, "Vim swap file");
    }
    if name.ends_with('~') && name.len() > 1 {
        return rule(Delete, "editor backup file");
    }
    if name.len() > 2 && name.starts_with('#') && name.ends_with('#') {
        return rule(Delete, "Emacs autosave file");
    }
    if name.starts_with(".#") {
        return rule(Delete, "Emacs lock file");
    }
    None
}

/// True when some ancestor folder of `rel` is itself junk, trash or reported user data: its
/// contents are handled (or protected) as a whole.
pub fn inside_junk_dir(rel: &Path) -> bool {
    let mut ancestor = rel.parent();
    while let Some(a) = ancestor {
        if a.as_os_str().is_empty() {
            break;
        }
        if classify(a, EntryKind::Dir).is_some_and(|r| r.verdict != Verdict::Marker) {
            return true;
        }
        ancestor = a.parent();
    }
    false
}
