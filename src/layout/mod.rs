//! Layout rules: what the names on a CircuitPython drive mean, before anything is read. Which
//! files are junk or CircuitPython's markers ([`junk`]), which files the firmware runs or reads by
//! name ([`firmware`]), and which names are cpslim's own temp files. These rules sit below the
//! scan, the stages and the writer, so that all of them judge a name the same way; they depend
//! only on the standard library and [`crate::fatname`].

pub mod firmware;
pub mod junk;

use serde::Serialize;

pub use firmware::{is_protected, ENTRY_NAMES, PROTECTED};

/// What a directory entry is, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    Other,
}

impl EntryKind {
    /// What a no-follow stat says an entry is (a link is a link, never its target).
    pub fn of(ft: &std::fs::FileType) -> EntryKind {
        if ft.is_symlink() {
            EntryKind::Symlink
        } else if ft.is_dir() {
            EntryKind::Dir
        } else if ft.is_file() {
            EntryKind::File
        } else {
            EntryKind::Other
        }
    }
}

/// Prefix of cpslim's temp files; a leftover one (after a kill) is recognised and removed.
pub const TEMP_PREFIX: &str = ".cpslim-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// A temp file cpslim writes next to the file it replaces (see [`crate::fsops`]).
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}
