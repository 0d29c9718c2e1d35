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
