//! The library's error type. Every variant that touches the disk names the path, so a message
//! printed at the edge always tells the user which file is involved.
//!
//! An error's message (its `Display`) says what went wrong; what the user can do about it is a
//! separate [`Error::hint`], printed by the edge on a line of its own (`hint: …`). Some variants
//! always carry the same hint (a read-only drive, a bad settings key); any other error gets one
//! where it is made with [`Error::with_hint`], which wraps it in [`Error::Hinted`] without changing
//! its message or its kind ([`Error::is_usage`], [`Error::is_no_space`] and
//! [`Error::without_hint`] look through the wrapper). Where an error becomes data (a per-file
//! failure in a report), [`Error::text_with_hint`] keeps the hint with the message.

use std::borrow::Cow;
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
    #[error("{} is mounted read-only: nothing on it can be changed from this computer", path.display())]
    ReadOnlyDrive { path: PathBuf },
    /// The folder to work on cannot be listed at all (a sub-folder that cannot is a problem in
    /// the report instead).
    #[error("cannot list {}: {source}", path.display())]
    CannotList { path: PathBuf, source: io::Error },
    #[error("{0}")]
    Usage(String),
    /// A key of a settings file (`[tool.cpslim]` in pyproject.toml, or cpslim.toml).
    #[error("{}: `{key}`: {reason}", path.display())]
    Settings {
        path: PathBuf,
        key: String,
        reason: String,
    },
    #[error("{}: not a readable settings file: {reason}", path.display())]
    SettingsSyntax { path: PathBuf, reason: String },
    #[error("interrupted")]
    Interrupted,
    /// Any other error with a hint added where it was made ([`Error::with_hint`]).
    #[error("{error}")]
    Hinted {
        /// Also the error's `source()`, so a cause chain reaches what is under the hint.
        #[source]
        error: Box<Error>,
        hint: String,
    },
}

/// What the user can do about a read-only drive.
const READ_ONLY_DRIVE_HINT: &str = "on CircuitPython this usually means the board's boot.py called storage.remount(\"/\", readonly=False) so that code on the board can write, which makes the drive read-only over USB; undo that (rename boot.py from the board's REPL, or use the pin your boot.py checks) and reset the board. Otherwise the computer mounted it read-only (safe mode, a damaged filesystem: repair it with fsck.vfat, Disk Utility or chkdsk and plug it in again). `cpslim audit` works on it as it is";

/// What the user can do about a bad key in a settings file.
const SETTINGS_HINT: &str =
    "fix it in the file, or give the flag on the command line (flags win over the file)";

/// A message with its hint on a line of its own: the text a user saw before hints were typed.
pub fn text_with_hint(message: impl std::fmt::Display, hint: Option<Cow<'_, str>>) -> String {
    match hint {
        Some(h) => format!("{message}\nhint: {h}"),
        None => message.to_string(),
    }
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
    /// The same error, with what the user can do about it (replaces a hint it had).
    pub fn with_hint(self, hint: impl Into<String>) -> Self {
        Error::Hinted {
            error: Box::new(self.without_hint_owned()),
            hint: hint.into(),
        }
    }
    fn without_hint_owned(self) -> Self {
        match self {
            Error::Hinted { error, .. } => error.without_hint_owned(),
            other => other,
        }
    }
    /// The error under its hint: what [`Error::with_hint`] was given.
    pub fn without_hint(&self) -> &Error {
        match self {
            Error::Hinted { error, .. } => error.without_hint(),
            other => other,
        }
    }
    /// What the user can do about it, printed by the edge after the message.
    pub fn hint(&self) -> Option<Cow<'_, str>> {
        match self {
            Error::Hinted { hint, .. } => Some(Cow::Borrowed(hint)),
            Error::ReadOnlyDrive { .. } => Some(Cow::Borrowed(READ_ONLY_DRIVE_HINT)),
            Error::CannotList { .. } => Some(Cow::Borrowed(
                "run cpslim as a user who may read that folder, or give it read permission",
            )),
            Error::Settings { .. } => Some(Cow::Borrowed(SETTINGS_HINT)),
            _ => None,
        }
    }
    /// The message, then `\nhint: …` when there is a hint.
    pub fn text_with_hint(&self) -> String {
        text_with_hint(self, self.hint())
    }
    /// The filesystem is full: planned as too little room, or refused by the filesystem.
    pub fn is_no_space(&self) -> bool {
        match self.without_hint() {
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
            self.without_hint(),
            Error::Usage(_)
                | Error::NotADirectory { .. }
                | Error::NotFound { .. }
                | Error::ReadOnlyDrive { .. }
                | Error::CannotList { .. }
                | Error::BadManifest { .. }
                | Error::Settings { .. }
                | Error::SettingsSyntax { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_is_kept_apart_from_the_message() {
        let e = Error::Usage("no board".into()).with_hint("plug it in");
        assert_eq!(e.to_string(), "no board");
        assert_eq!(e.hint().as_deref(), Some("plug it in"));
        assert_eq!(e.text_with_hint(), "no board\nhint: plug it in");
        assert!(matches!(e.without_hint(), Error::Usage(m) if m == "no board"));
    }

    #[test]
    fn a_hinted_error_keeps_its_cause_chain() {
        use std::error::Error as _;
        let io = io::Error::new(io::ErrorKind::PermissionDenied, "denied");
        let e = Error::read(std::path::Path::new("x"), io).with_hint("h");
        let under = e.source().expect("the error under the hint");
        assert_eq!(under.to_string(), e.to_string());
        assert_eq!(
            under.source().map(|c| c.to_string()).as_deref(),
            Some("denied")
        );
    }

    #[test]
    fn a_hinted_error_keeps_its_kind() {
        let usage = Error::NotFound { path: "x".into() }.with_hint("a");
        assert!(usage.is_usage());
        let full = Error::InsufficientSpace {
            path: "x".into(),
            need: 2,
            free: 1,
        }
        .with_hint("b");
        assert!(full.is_no_space() && !full.is_usage());
        // A second hint replaces the first rather than nesting.
        let twice = Error::Usage("m".into()).with_hint("a").with_hint("b");
        assert_eq!(twice.text_with_hint(), "m\nhint: b");
        assert!(matches!(twice.without_hint(), Error::Usage(_)));
    }

    #[test]
    fn some_errors_always_say_what_to_do() {
        let ro = Error::ReadOnlyDrive {
            path: "/media/CIRCUITPY".into(),
        };
        assert_eq!(
            ro.to_string(),
            "/media/CIRCUITPY is mounted read-only: nothing on it can be changed from this computer"
        );
        assert!(ro.hint().is_some_and(|h| h.contains("storage.remount")));
        let key = Error::Settings {
            path: "pyproject.toml".into(),
            key: "colors".into(),
            reason: "not a number".into(),
        };
        assert_eq!(key.to_string(), "pyproject.toml: `colors`: not a number");
        assert!(key.hint().is_some_and(|h| h.contains("flags win")));
        assert_eq!(Error::Interrupted.hint(), None);
        assert_eq!(Error::Interrupted.text_with_hint(), "interrupted");
    }
}
