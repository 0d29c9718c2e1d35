//! Linux, the BSDs and what macOS shares with them.

use std::ffi::CString;
use std::fs::{self, File};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

#[cfg(not(target_os = "macos"))]
use super::VolumeInfo;

pub(super) fn c_path(path: &Path) -> Option<CString> {
    CString::new(path.as_os_str().as_bytes()).ok()
}

// The statvfs field types differ between platforms, so the casts are not redundant everywhere.
#[allow(clippy::unnecessary_cast)]
#[cfg(not(target_os = "macos"))]
pub(super) fn volume_info(path: &Path) -> Option<VolumeInfo> {
    let c = c_path(path)?;
    let mut s = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c` is a valid NUL-terminated string and `s` is a properly sized out-parameter.
    let rc = unsafe { libc::statvfs(c.as_ptr(), s.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled the struct.
    let s = unsafe { s.assume_init() };
    // On vfat and msdos the fragment size is the FAT cluster.
    let cluster = if s.f_frsize > 0 {
        s.f_frsize as u64
    } else {
        s.f_bsize as u64
    };
    Some(VolumeInfo {
        cluster,
        available: (s.f_bavail as u64).saturating_mul(cluster),
        read_only: (s.f_flag as u64) & (libc::ST_RDONLY as u64) != 0,
    })
}

/// The root of a mount has another device than its parent (or is `/`).
pub(super) fn is_mount_point(path: &Path) -> bool {
    let Ok(canon) = path.canonicalize() else {
        return false;
    };
    let Some(parent) = canon.parent() else {
        return true;
    };
    match (fs::metadata(&canon), fs::metadata(parent)) {
        (Ok(a), Ok(b)) => a.dev() != b.dev() || a.ino() == b.ino(),
        _ => false,
    }
}

/// `O_NOFOLLOW` makes the open fail on a symlink; `O_NONBLOCK` keeps a FIFO from hanging it.
pub(super) fn open_nofollow(path: &Path) -> io::Result<File> {
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

/// A folder's entries are made durable by fsync on the folder (not every filesystem allows it).
pub(super) fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

pub(super) fn sync_all_volumes() {
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
}
