//! Which FAT cluster size a run counts in, and why. Space on a FAT drive is taken in whole
//! clusters, so every "frees" figure depends on it; the report always names the source.

use std::path::Path;

use serde::Serialize;

use crate::fsinfo;

/// The cluster size assumed for a folder that is not the mounted drive and has no
/// `--cluster-size`: 1 KiB is what CircuitPython's FAT format gives the common 2 MB-flash
/// boards (a 2 MiB − 4 KiB volume; see docs/report.md for the whole table).
pub const ASSUMED_CLUSTER: u64 = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClusterSource {
    /// Read from the mounted filesystem (statvfs on the drive's root).
    Measured,
    /// `--cluster-size`.
    Flag,
    /// Reported by a board reached over Wi-Fi (its directory listing's `block_size`).
    Board,
    /// Neither: a plain folder, counted in [`ASSUMED_CLUSTER`]-byte clusters.
    #[default]
    Assumed,
}

impl ClusterSource {
    /// Why this size, in words for the report.
    pub fn explain(self) -> &'static str {
        match self {
            ClusterSource::Measured => "measured on the mounted drive",
            ClusterSource::Flag => "from --cluster-size",
            ClusterSource::Board => "reported by the board (its web workflow listing's block_size)",
            ClusterSource::Assumed => {
                "assumed for a folder (its host filesystem's blocks say nothing about the \
                 board's); pass --cluster-size: 512 for a 1 MiB CIRCUITPY, 1024 for 2 MiB, 2048 \
                 for 4 MiB (docs/report.md)"
            }
        }
    }
}

/// The cluster size for `root`: the flag wins; a mount point is measured; anything else is assumed.
pub fn choose(root: &Path, flag: Option<u64>) -> (u64, ClusterSource) {
    if let Some(c) = flag {
        return (c, ClusterSource::Flag);
    }
    if fsinfo::is_mount_point(root) {
        if let Some(s) = fsinfo::stats(root).filter(|s| s.fragment > 0) {
            return (s.fragment, ClusterSource::Measured);
        }
    }
    (ASSUMED_CLUSTER, ClusterSource::Assumed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_wins_and_a_plain_folder_is_assumed_not_taken_from_the_host() {
        let t = tempfile::tempdir().unwrap();
        assert_eq!(choose(t.path(), Some(2048)), (2048, ClusterSource::Flag));
        // A temp folder lives on the host filesystem (often 4 KiB blocks): not the board's.
        assert_eq!(
            choose(t.path(), None),
            (ASSUMED_CLUSTER, ClusterSource::Assumed)
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_mount_point_is_measured() {
        let (size, source) = choose(Path::new("/"), None);
        assert_eq!(source, ClusterSource::Measured);
        assert!(size > 0);
    }
}
