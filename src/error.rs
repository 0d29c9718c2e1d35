//! The library's error type. Every variant that touches the disk names the path, so a message
//! printed at the edge always tells the user which file is involved.

use std::io;
use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("{} is not a folder", path.display())]
    NotADirectory { path: PathBuf },
    #[error("{} does not exist", path.display())]
    NotFound { path: PathBuf },
    #[error("not enough free space for {}: need {need} bytes, {free} free", path.display())]
    InsufficientSpace { path: PathBuf, need: u64, free: u64 },
    #[error("{} changed since it was planned; run cpslim again", path.display())]
    ChangedSincePlan { path: PathBuf },
    #[error("{} refuses to be written: {reason}", path.display())]
    Refused { path: PathBuf, reason: String },
    #[error("verification of {} failed: the written file does not match", path.display())]
    VerifyFailed { path: PathBuf },
    #[error("{}: {reason}", path.display())]
    BadInput { path: PathBuf, reason: String },
    #[error("backup {}: {reason}", path.display())]
    Backup { path: PathBuf, reason: String },
    /// A backup that restore cannot trust as a whole: refused before anything changes.
    #[error("backup {}: {reason}", path.display())]
    BadManifest { path: PathBuf, reason: String },
    #[error("{} is mounted read-only: nothing on it can be changed from this computer\nhint: on CircuitPython this usually means the board's boot.py called storage.remount(\"/\", readonly=False) so that code on the board can write, which makes the drive read-only over USB; undo that (rename boot.py from the board's REPL, or use the pin your boot.py checks) and reset the board. Otherwise the computer mounted it read-only (safe mode, a damaged filesystem: repair it with fsck.vfat, Disk Utility or chkdsk and plug it in again). `cpslim audit` works on it as it is", path.display())]
    ReadOnlyDrive { path: PathBuf },
    #[error("{0}")]
    Usage(String),
    /// A key of a settings file (`[tool.cpslim]` in pyproject.toml, or cpslim.toml).
    #[error("{}: `{key}`: {reason}\nhint: fix it in the file, or give the flag on the command line (flags win over the file)", path.display())]
    Settings {
        path: PathBuf,
        key: String,
        reason: String,
    },
    #[error("{}: not a readable settings file: {reason}", path.display())]
    SettingsSyntax { path: PathBuf, reason: String },
    #[error("interrupted")]
    Interrupted,
}

impl Error {
    pub fn read(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Read {
            path: path.into(),
            source,
        }
    }
    pub fn write(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Write {
            path: path.into(),
            source,
        }
    }
    pub fn bad_input(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::BadInput {
            path: path.into(),
            reason: reason.into(),
        }
    }
    /// The filesystem is full: planned as too little room, or refused by the filesystem.
    pub fn is_no_space(&self) -> bool {
        match self {
            Error::InsufficientSpace { .. } => true,
            Error::Write { source, .. } => matches!(
                source.kind(),
                io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
            ),
            _ => false,
        }
    }
    /// Configuration and usage errors stop the run before anything is written (exit 2).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Error::Usage(_)
                | Error::NotADirectory { .. }
                | Error::NotFound { .. }
                | Error::ReadOnlyDrive { .. }
                | Error::BadManifest { .. }
                | Error::Settings { .. }
                | Error::SettingsSyntax { .. }
        )
    }
}
