//! Read-only facts about the filesystem a path lives on.

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FsStats {
    /// Allocation unit (statvfs `f_frsize`); on vfat and msdos this is the FAT cluster.
    pub fragment: u64,
    /// Bytes available to an unprivileged writer.
    pub available: u64,
}

#[cfg(unix)]
// The statvfs field types differ between platforms, so the casts are not redundant everywhere.
#[allow(clippy::unnecessary_cast)]
pub fn stats(path: &Path) -> Option<FsStats> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut s = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c` is a valid NUL-terminated string and `s` is a properly sized out-parameter.
    let rc = unsafe { libc::statvfs(c.as_ptr(), s.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled the struct.
    let s = unsafe { s.assume_init() };
    let fragment = if s.f_frsize > 0 {
        s.f_frsize as u64
    } else {
        s.f_bsize as u64
    };
    Some(FsStats {
        fragment,
        available: (s.f_bavail as u64).saturating_mul(fragment),
    })
}

#[cfg(not(unix))]
pub fn stats(path: &Path) -> Option<FsStats> {
    let _ = path;
    None
}

/// True when `path` is the root of a mounted filesystem (its device differs from its parent's).
#[cfg(unix)]
pub fn is_mount_point(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(canon) = path.canonicalize() else {
        return false;
    };
    let Some(parent) = canon.parent() else {
        return true;
    };
    match (std::fs::metadata(&canon), std::fs::metadata(parent)) {
        (Ok(a), Ok(b)) => a.dev() != b.dev() || a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
pub fn is_mount_point(path: &Path) -> bool {
    path.parent().is_none()
}

/// Flush every filesystem so that free-space figures read afterwards are real.
pub fn sync_all() {
    #[cfg(unix)]
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe {
        libc::sync()
    };
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
