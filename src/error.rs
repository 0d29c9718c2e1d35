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
    /// Configuration and usage errors stop the run before anything is written (exit 2).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Error::Usage(_)
                | Error::NotADirectory { .. }
                | Error::NotFound { .. }
                | Error::Settings { .. }
                | Error::SettingsSyntax { .. }
        )
    }
}
