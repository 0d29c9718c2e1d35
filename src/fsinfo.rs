//! Read-only facts about the filesystem a path lives on (the platform code is in `platform`).

use std::path::Path;

use crate::platform;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FsStats {
    /// Allocation unit; on FAT this is the cluster.
    pub fragment: u64,
    /// Bytes available to an unprivileged writer.
    pub available: u64,
    /// The volume is mounted or flagged read-only.
    pub read_only: bool,
}

pub fn stats(path: &Path) -> Option<FsStats> {
    platform::volume_info(path).map(|v| FsStats {
        fragment: v.cluster,
        available: v.available,
        read_only: v.read_only,
    })
}

/// True when `path` is the root of a mounted filesystem (a drive letter on Windows).
pub fn is_mount_point(path: &Path) -> bool {
    platform::is_mount_point(path)
}

/// Flush every filesystem so that free-space figures read afterwards are real.
pub fn sync_all() {
    platform::sync_all_volumes();
}

/// True when the filesystem holding `path` is mounted read-only (statvfs `ST_RDONLY`). A board
/// whose `boot.py` remounted its drive for itself looks like this to the computer.
#[cfg(unix)]
// The statvfs field types differ between platforms, so the casts are not redundant everywhere.
#[allow(clippy::unnecessary_cast)]
pub fn is_read_only(path: &Path) -> bool {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    let mut s = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c` is a valid NUL-terminated string and `s` is a properly sized out-parameter.
    if unsafe { libc::statvfs(c.as_ptr(), s.as_mut_ptr()) } != 0 {
        return false;
    }
    // SAFETY: statvfs returned 0, so it filled the struct.
    let s = unsafe { s.assume_init() };
    let flag = s.f_flag as u64;
    flag & (libc::ST_RDONLY as u64) != 0
}

#[cfg(not(unix))]
pub fn is_read_only(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly())
}
