//! The few things cpslim needs from the operating system, behind one interface so that the rest
//! of the code has no `cfg`: what a volume offers (cluster size, free space, read-only flag),
//! whether a folder is a volume's root, how to open a file without following a link, how to make
//! a write durable, and whether the system's disk list carries volume labels.
//!
//! Linux and the BSDs use `statvfs` ([`unix`]); macOS uses `statfs` and `F_FULLFSYNC`
//! ([`macos`]); Windows asks the volume itself ([`windows`]). `.ci/run` runs clippy for the
//! Windows and macOS targets so that their code stays compiled and lint-clean.

use std::fs::File;
use std::io;
use std::path::Path;

#[cfg(target_os = "macos")]
mod macos;
#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

#[cfg(unix)]
use unix as imp;
#[cfg(windows)]
use windows as imp;

/// What the filesystem a path lives on offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VolumeInfo {
    /// Allocation unit in bytes: on FAT this is the cluster.
    pub cluster: u64,
    /// Bytes an unprivileged writer may still use.
    pub available: u64,
    /// Mounted (or flagged) read-only: nothing can be written there.
    pub read_only: bool,
}

/// Cluster size, free space and read-only flag of the volume holding `path`.
pub fn volume_info(path: &Path) -> Option<VolumeInfo> {
    #[cfg(target_os = "macos")]
    return macos::volume_info(path);
    #[cfg(all(unix, not(target_os = "macos")))]
    return unix::volume_info(path);
    #[cfg(windows)]
    return windows::volume_info(path);
    #[cfg(not(any(unix, windows)))]
    {
        let _ = path;
        None
    }
}

/// True when `path` is the root of a mounted volume (a drive letter on Windows).
pub fn is_mount_point(path: &Path) -> bool {
    #[cfg(any(unix, windows))]
    return imp::is_mount_point(path);
    #[cfg(not(any(unix, windows)))]
    path.parent().is_none()
}

/// Open for reading without following a final link: on Unix the open fails on a symlink; on
/// Windows it fails on a symbolic link or junction (name-surrogate reparse points).
pub fn open_nofollow(path: &Path) -> io::Result<File> {
    #[cfg(any(unix, windows))]
    return imp::open_nofollow(path);
    #[cfg(not(any(unix, windows)))]
    File::open(path)
}

/// Push a file's data and size to the device, not only to the drive's cache: `F_FULLFSYNC` on
/// macOS (plain `fsync` leaves the data in the USB device's cache there), `FlushFileBuffers`
/// on Windows, `fsync` elsewhere.
pub fn flush_durable(file: &File) -> io::Result<()> {
    #[cfg(target_os = "macos")]
    return macos::flush_durable(file);
    #[cfg(windows)]
    return windows::flush_durable(file);
    #[cfg(not(any(target_os = "macos", windows)))]
    file.sync_all()
}

/// Best effort: make a rename or deletion inside `dir` durable.
pub fn sync_dir(dir: &Path) {
    #[cfg(any(unix, windows))]
    imp::sync_dir(dir);
    #[cfg(not(any(unix, windows)))]
    let _ = dir;
}

/// Best effort: flush what the system still caches for every volume, so that free space read
/// afterwards is real.
pub fn sync_all_volumes() {
    #[cfg(any(unix, windows))]
    imp::sync_all_volumes();
}

/// Whether `sysinfo`'s disk name is the volume label (Windows: `GetVolumeInformationW`; macOS:
/// the volume name). On Linux it is the device (`/dev/sdb1`) and the mount folder carries the
/// label instead.
pub const DISK_NAME_IS_LABEL: bool = cfg!(any(windows, target_os = "macos"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temp_folder_has_a_writable_volume_with_a_cluster() {
        let dir = tempfile::tempdir().expect("tempdir");
        let info = volume_info(dir.path()).expect("volume info");
        assert!(
            info.cluster >= 512 && info.cluster.is_power_of_two(),
            "{info:?}"
        );
        assert!(!info.read_only, "{info:?}");
        assert!(!is_mount_point(dir.path()));
        assert!(is_mount_point(Path::new("/")));
    }

    #[cfg(unix)]
    #[test]
    fn open_nofollow_refuses_a_link_and_reads_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("a.txt");
        std::fs::write(&file, b"x").expect("write");
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&file, &link).expect("symlink");
        assert!(open_nofollow(&file).is_ok());
        assert!(open_nofollow(&link).is_err());
        let f = File::create(dir.path().join("b.txt")).expect("create");
        flush_durable(&f).expect("flush");
    }
}
