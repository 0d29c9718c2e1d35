//! The platform interface on a real mount: a read-only volume is flagged as one.

use std::path::Path;
use std::process::Command;

use crate::util::*;

/// Mount a small tmpfs at `dir` with `opts`; false (after skip_or_fail) when that is not possible.
fn mount_tmpfs(dir: &Path, opts: &str) -> bool {
    if !is_root() {
        skip_or_fail("mounting a tmpfs needs root");
        return false;
    }
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", opts, "tmpfs"])
        .arg(dir)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        skip_or_fail("`mount -t tmpfs` failed (no mount tool or no permission)");
    }
    ok
}

fn umount(dir: &Path) {
    let _ = Command::new("umount").arg(dir).status();
}

#[test]
fn a_read_only_mount_is_flagged_and_its_root_is_a_mount_point() {
    let t = tempfile::tempdir().unwrap();
    let (ro, rw) = (t.path().join("ro"), t.path().join("rw"));
    std::fs::create_dir_all(&ro).unwrap();
    std::fs::create_dir_all(&rw).unwrap();
    if !mount_tmpfs(&ro, "ro,size=1m") {
        return;
    }
    if !mount_tmpfs(&rw, "rw,size=1m") {
        umount(&ro);
        return;
    }
    let (ro_stats, rw_stats) = (cpslim::fsinfo::stats(&ro), cpslim::fsinfo::stats(&rw));
    let mount_points = (
        cpslim::fsinfo::is_mount_point(&ro),
        cpslim::fsinfo::is_mount_point(&rw.join(".")),
        cpslim::fsinfo::is_mount_point(t.path()),
    );
    std::fs::write(rw.join("f"), vec![0u8; 100_000]).unwrap();
    let after = cpslim::fsinfo::stats(&rw);
    umount(&ro);
    umount(&rw);
    let (ro_stats, rw_stats, after) = (ro_stats.unwrap(), rw_stats.unwrap(), after.unwrap());
    assert!(ro_stats.read_only, "{ro_stats:?}");
    assert!(!rw_stats.read_only, "{rw_stats:?}");
    assert_eq!(rw_stats.available, 1 << 20, "{rw_stats:?}");
    assert_eq!(
        after.available,
        (1 << 20) - 100_000u64.div_ceil(rw_stats.fragment) * rw_stats.fragment
    );
    assert_eq!(mount_points, (true, true, false));
}
