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

/// A size-limited tmpfs at `dst`.
pub fn small_tmpfs(dst: &Path, size: &str) -> Option<Mount> {
    if !is_root() {
        skip_or_fail("mounting a size-limited tmpfs needs root");
        return None;
    }
    let opt = format!("size={size}");
    if !sh(&["mount", "-t", "tmpfs", "-o", &opt, "tmpfs"], &[dst]) {
        skip_or_fail("mount -t tmpfs failed");
        return None;
    }
    Some(Mount(dst.to_path_buf()))
}

const FILLER: &str = "user-data.bin";

/// Fill the filesystem of `root` to 0 bytes free with one user file; returns its bytes.
fn fill_up(root: &Path) -> Vec<u8> {
    use std::io::Write;
    let path = root.join(FILLER);
    let mut f = std::fs::File::create(&path).unwrap();
    let mut written = Vec::new();
    let mut i = 0u32;
    loop {
        let chunk: Vec<u8> = (0..512u32).map(|k| (k ^ i) as u8).collect();
        match f.write(&chunk) {
            Ok(n) if n > 0 => written.extend_from_slice(&chunk[..n]),
            _ => break,
        }
        i += 1;
    }
    drop(f);
    written.truncate(std::fs::metadata(&path).unwrap().len() as usize);
    written
}

fn free_bytes(root: &Path) -> u64 {
    cpslim::fsinfo::stats(root).unwrap().available
}

fn full_run_args(c: &mut Command, root: &Path, backups: &Path) {
    c.arg("optimize")
        .arg(root)
        .args(["--only", "mpy,bitmaps,fonts", "--charset", "ascii", "--yes"])
        .arg("--bundle")
        .arg(asset("adafruit-circuitpython-bundle-10.x-mpy-20261120.zip"))
        .arg("--backup-dir")
        .arg(backups);
}

/// The demo drive's one deletion that needs no write first (a `.py` shadowing the bundle's own
/// `.mpy`) would free room by itself; without it every change must make its own room.
fn nothing_to_delete_first(root: &Path) {
    std::fs::remove_file(root.join("lib/adafruit_requests.py")).unwrap();
}

/// The demo drive on a tmpfs with 0 bytes free: returns the snapshot and the filler's bytes.
fn full_demo_drive(
    mnt: &Path,
) -> (
    std::collections::BTreeMap<PathBuf, Option<Vec<u8>>>,
    Vec<u8>,
) {
    for e in std::fs::read_dir(mnt).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            std::fs::remove_dir_all(&p).unwrap();
        } else {
            std::fs::remove_file(&p).unwrap();
        }
    }
    copy_tree(&asset("demo-drive"), mnt);
    nothing_to_delete_first(mnt);
    let filler = fill_up(mnt);
    assert_eq!(free_bytes(mnt), 0, "the drive is full");
    (snapshot(mnt), filler)
}

#[test]
fn a_full_drive_is_cleaned_by_removing_backed_up_originals_first_and_restore_survives_kills() {
    // What the run does with room to spare.
    let reference = temp_copy(&asset("demo-drive"));
    nothing_to_delete_first(reference.path());
    let ref_backups = tempfile::tempdir().unwrap();
    let mut c = cpslim();
    full_run_args(&mut c, reference.path(), ref_backups.path());
    assert_code(&run(&mut c), 0);
    let wanted = snapshot(reference.path());

    let mnt = tempfile::tempdir().unwrap();
    let Some(_m) = small_tmpfs(mnt.path(), "1536k") else {
        return;
    };
    let (original, filler) = full_demo_drive(mnt.path());
    let backups = tempfile::tempdir().unwrap();
    let mut c = cpslim();
    full_run_args(&mut c, mnt.path(), backups.path());
    let o = run(&mut c);
    assert_code(&o, 0);
    let out = stdout(&o);
    // The font frees the most, so it goes first: its BDF is removed before the PCF is written,
    // and that room lets every other write go the ordinary way.
    let made_room = out
        .split_once("The drive was full")
        .map(|(_, list)| list)
        .unwrap_or_else(|| panic!("says which files took the full-drive path:\n{out}"));
    assert!(
        made_room.contains("  fonts/LeagueSpartan-Bold-16.bdf"),
        "{out}"
    );
    assert!(stderr(&o).contains("Eject"), "{}", stderr(&o));
    let mut got = snapshot(mnt.path());
    assert_eq!(
        got.remove(Path::new(FILLER)),
        Some(Some(filler.clone())),
        "the user's file is untouched"
    );
    assert_same_tree(&got, &wanted, "every swap, bitmap and font completed");
    let o = restore_only_backup(mnt.path(), backups.path(), &[]);
    assert_code(&o, 0);
    assert_same_tree(&snapshot(mnt.path()), &original, "restore on a full drive");

    // Killed at points spread over the run, restore still makes the tree whole.
    let lib_py = |root: &Path| {
        walk_files(&root.join("lib"))
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "py"))
            .count()
    };
    let py_before = lib_py(mnt.path());
    let mut partial = 0;
    for gone in [0usize, 1, 3, 6, 10, 15, 20, 25, 30, 36] {
        let (original, _) = full_demo_drive(mnt.path());
        let backups = tempfile::tempdir().unwrap();
        let mut c = cpslim();
        full_run_args(&mut c, mnt.path(), backups.path());
        let mut child = c
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let start = std::time::Instant::now();
        while lib_py(mnt.path()) + gone > py_before.max(gone)
            && child.try_wait().unwrap().is_none()
            && start.elapsed() < std::time::Duration::from_secs(60)
        {
            std::thread::sleep(std::time::Duration::from_micros(300));
        }
        let _ = child.kill();
        let _ = child.wait();
        if snapshot(mnt.path()) != original {
            partial += 1;
        }
        if let Some(run_dir) = std::fs::read_dir(backups.path()).unwrap().next() {
            let run_dir = run_dir.unwrap().path();
            if run_dir.join("manifest.json").exists() {
                let o = run(cpslim()
                    .arg("restore")
                    .arg(mnt.path())
                    .arg("--from")
                    .arg(&run_dir)
                    .arg("--yes"));
                assert_code(&o, 0);
            }
        }
        assert_same_tree(
            &snapshot(mnt.path()),
            &original,
            &format!("killed after {gone} .py removed: restore is not byte-identical"),
        );
    }
    assert!(partial >= 3, "only {partial} kills landed inside the run");
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk_files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_swap_and_a_bitmap_each_make_their_own_room_on_a_full_drive() {
    let mnt = tempfile::tempdir().unwrap();
    let Some(_m) = small_tmpfs(mnt.path(), "1536k") else {
        return;
    };
    // (stage, the original removed first: the swap that frees the most, the bigger bitmap)
    for (stage, first) in [
        ("mpy", "lib/adafruit_display_text/bitmap_label.py"),
        ("bitmaps", "images/background.bmp"),
    ] {
        let (original, filler) = full_demo_drive(mnt.path());
        let backups = tempfile::tempdir().unwrap();
        let o = run(cpslim()
            .arg("optimize")
            .arg(mnt.path())
            .args(["--only", stage, "--yes", "--backup-dir"])
            .arg(backups.path())
            .arg("--bundle")
            .arg(asset("adafruit-circuitpython-bundle-10.x-mpy-20261120.zip")));
        assert_code(&o, 0);
        let out = stdout(&o);
        let list = out
            .split_once("The drive was full")
            .map(|(_, l)| l)
            .unwrap_or_else(|| panic!("{stage}: no full-drive path taken:\n{out}"));
        assert!(list.contains(&format!("  {first}")), "{stage}:\n{out}");
        assert_eq!(
            std::fs::read(mnt.path().join(FILLER)).unwrap(),
            filler,
            "{stage}: the user's file is untouched"
        );
        let o = restore_only_backup(mnt.path(), backups.path(), &[]);
        assert_code(&o, 0);
        assert_same_tree(&snapshot(mnt.path()), &original, stage);
    }
}
