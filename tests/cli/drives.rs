//! Drives as users have them: read-only mounts and full filesystems (these need root for
//! `mount`; without it they skip, and CI turns the skip into a failure).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::*;

/// A mount that is undone when the test ends, however it ends.
pub struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn sh(args: &[&str], paths: &[&Path]) -> bool {
    Command::new(args[0])
        .args(&args[1..])
        .args(paths)
        .status()
        .is_ok_and(|s| s.success())
}

/// Bind-mount `src` read-only at `dst`; `None` (after skip_or_fail) when this machine cannot.
pub fn read_only_bind(src: &Path, dst: &Path) -> Option<Mount> {
    if !is_root() {
        skip_or_fail("a read-only bind mount needs root");
        return None;
    }
    if !sh(&["mount", "--bind"], &[src, dst]) {
        skip_or_fail("mount --bind failed");
        return None;
    }
    let m = Mount(dst.to_path_buf());
    if !sh(&["mount", "-o", "remount,ro,bind"], &[dst]) {
        skip_or_fail("remounting the bind mount read-only failed");
        return None;
    }
    Some(m)
}

#[test]
fn a_read_only_drive_is_refused_before_any_backup_and_audit_still_works() {
    let src = temp_copy(&asset("demo-drive"));
    let before = snapshot(src.path());
    let mnt = tempfile::tempdir().unwrap();
    let Some(_m) = read_only_bind(src.path(), mnt.path()) else {
        return;
    };
    let backups = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("optimize")
        .arg(mnt.path())
        .args(["--yes", "--backup-dir"])
        .arg(backups.path()));
    assert_code(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains("read-only") && err.contains("storage.remount") && err.contains("boot.py"),
        "{err}"
    );
    assert_eq!(
        err.matches("read-only:").count(),
        1,
        "said once, not per file: {err}"
    );
    assert_eq!(
        std::fs::read_dir(backups.path()).unwrap().count(),
        0,
        "no backup is made"
    );
    assert_same_tree(&snapshot(src.path()), &before, "nothing written");
    let o = run(cpslim().arg("audit").arg(mnt.path()));
    assert_code(&o, 0);
    assert!(stdout(&o).contains("Plan (nothing has been changed)"));
}
