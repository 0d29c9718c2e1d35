//! macOS: `statfs` (its `statvfs` has 32-bit block counts) and `F_FULLFSYNC`.

use std::fs::File;
use std::io;
use std::os::unix::io::AsRawFd;
use std::path::Path;

use super::unix::c_path;
use super::VolumeInfo;

pub(super) fn volume_info(path: &Path) -> Option<VolumeInfo> {
    let c = c_path(path)?;
    let mut s = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: `c` is a valid NUL-terminated string and `s` is a properly sized out-parameter.
    let rc = unsafe { libc::statfs(c.as_ptr(), s.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: statfs returned 0, so it filled the struct.
    let s = unsafe { s.assume_init() };
    // f_bsize is the fundamental block size: the cluster on msdos volumes.
    let cluster = u64::from(s.f_bsize);
    Some(VolumeInfo {
        cluster,
        available: s.f_bavail.saturating_mul(cluster),
        read_only: s.f_flags & (libc::MNT_RDONLY as u32) != 0,
    })
}

/// `fsync` on macOS only reaches the drive's cache; `F_FULLFSYNC` asks the drive to write it.
/// Some filesystems and USB devices refuse `F_FULLFSYNC`: then `fsync` is the best there is.
pub(super) fn flush_durable(file: &File) -> io::Result<()> {
    // SAFETY: the descriptor is open for the lifetime of `file`; F_FULLFSYNC takes no argument.
    let rc = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_FULLFSYNC) };
    if rc == 0 {
        return Ok(());
    }
    // SAFETY: as above; fsync only reads the descriptor.
    if unsafe { libc::fsync(file.as_raw_fd()) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
