//! Where a converted font goes and how its source is read: the run's target format, output
//! names that never collide (existing files, other conversions, the firmware's terminal font),
//! and BDFs streamed from the drive.

use std::fs::File;
use std::path::PathBuf;

use super::slash_path;
use crate::error::{Error, Result};
use crate::layout::firmware::is_terminal_font;
use crate::scan::{Entry, Inventory};

/// What the run writes, decided once: LVGL only when asked and the drive can load it.
pub(super) struct Target {
    pub lv: bool,
    /// Said with every font when LVGL was asked but PCF is written, or when the drive has no
    /// library to check.
    pub note: Option<String>,
    pub terminal: Vec<String>,
    /// Output names already planned (lower case), so two sources never write one file.
    pub taken: Vec<String>,
}
/// A BDF is read line by line from the drive (whole-Unicode fonts are megabytes of text)
/// unless `--keep-names` copies its text into a subset; a PCF is read whole.
pub(super) enum Source {
    Bytes(Vec<u8>),
    /// The file and how many of its bytes are read.
    Stream(File, u64),
}

pub(super) fn open_stream(inv: &Inventory, e: &Entry) -> Result<(File, u64)> {
    let abs = inv.abs(&e.rel);
    let file = crate::scan::open_nofollow(&abs).map_err(|err| Error::read(&abs, err))?;
    let meta = file.metadata().map_err(|err| Error::read(&abs, err))?;
    if !meta.is_file() {
        return Err(Error::bad_input(&abs, "not a regular file"));
    }
    // The same cap as whole-file reads: 64 MiB.
    Ok((file, 64 << 20))
}
/// Why a converted font gets no file of its own name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum NameTaken {
    #[error("{0} is the name of the firmware's terminal font")]
    Terminal(String),
    #[error("{0} already exists (delete one of them)")]
    Exists(String),
    #[error("{0} is already written from another font of that name")]
    Planned(String),
}

/// Where the new file goes, or why nothing is written (an existing or already planned file of
/// that name, or the firmware's terminal font).
pub(super) fn out_name(
    inv: &Inventory,
    e: &Entry,
    ext: &str,
    target: &Target,
) -> std::result::Result<PathBuf, NameTaken> {
    let rel = e.rel.with_extension(ext);
    let key = slash_path(&rel).to_ascii_lowercase();
    if is_terminal_font(&target.terminal, &rel) {
        return Err(NameTaken::Terminal(slash_path(&rel)));
    }
    if let Some(other) = inv
        .entries
        .iter()
        .find(|o| slash_path(&o.rel).eq_ignore_ascii_case(&key))
    {
        return Err(NameTaken::Exists(other.rel.display().to_string()));
    }
    if target.taken.contains(&key) {
        return Err(NameTaken::Planned(slash_path(&rel)));
    }
    Ok(rel)
}
