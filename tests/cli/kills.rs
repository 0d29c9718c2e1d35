//! A run killed (SIGKILL at any moment) or interrupted (Ctrl-C) in the middle: the originals or
//! the complete results stay, and restore brings the drive back.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::util::*;

const JUNK: usize = 120;
const PKGS: usize = 8;

/// A tree that takes a while to optimize: the demo drive plus a few hundred junk files.
fn big_dirty_drive() -> tempfile::TempDir {
    let t = temp_copy(&asset("demo-drive"));
    for i in 0..JUNK {
        write(
            t.path(),
            &format!("lib/pkg{}/._mod{i}.py", i % PKGS),
            &vec![b'A'; 4096],
        );
        write(
            t.path(),
            &format!("lib/pkg{}/mod{i}.py", i % PKGS),
            format!("X = {i}\n").as_bytes(),
        );
    }
    for i in 0..10 {
        write(
            t.path(),
            &format!(".Trashes/501/deleted{i}.bmp"),
            &vec![b'B'; 8000],
        );
    }
    t
}

fn optimize_cmd(root: &Path, backups: &Path) -> Command {
    let mut c = cpslim();
    c.arg("optimize")
        .arg(root)
        .args(["--yes", "--empty-trash", "--backup-dir"])
        .arg(backups);
    c.args(["--bundle"])
        .arg(asset("adafruit-circuitpython-bundle-10.x-mpy-20261120.zip"));
    c.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    c
}

/// Where to stop a run: after the backup holds `n` copies, or after `n` junk files are gone.
#[derive(Debug, Clone, Copy)]
enum KillPoint {
    Immediately,
    BackupCopies(usize),
    Deleted(usize),
    AfterChanges,
}

fn deleted_count(root: &Path) -> usize {
    let gone_trash = usize::from(!root.join(".Trashes").is_dir());
    let remaining: usize = (0..PKGS)
        .map(|p| {
            std::fs::read_dir(root.join(format!("lib/pkg{p}")))
                .map(|d| {
                    d.filter(|e| {
                        e.as_ref()
                            .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("._"))
                    })
                    .count()
                })
                .unwrap_or(0)
        })
        .sum();
    gone_trash + (JUNK - remaining)
}

fn backup_copies(backups: &Path) -> usize {
    std::fs::read_dir(backups)
        .into_iter()
        .flatten()
        .flatten()
        .map(|b| {
            std::fs::read_dir(b.path().join("files"))
                .map(|d| d.count())
                .unwrap_or(0)
        })
        .sum()
}

/// Run optimize on `root` and SIGKILL it at `point` (watching the trees, not the clock).
fn run_and_kill(root: &Path, backups: &Path, point: KillPoint) {
    let mut child = optimize_cmd(root, backups).spawn().unwrap();
    let start = Instant::now();
    loop {
        let now = match point {
            KillPoint::Immediately => true,
            KillPoint::BackupCopies(n) => backup_copies(backups) >= n,
            KillPoint::Deleted(n) => deleted_count(root) >= n,
            KillPoint::AfterChanges => deleted_count(root) > JUNK,
        };
        if now || child.try_wait().unwrap().is_some() || start.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn sigkill_at_any_moment_leaves_originals_or_complete_results_and_restore_works() {
    let template = big_dirty_drive();
    let original = snapshot(template.path());
    // The finished result, to compare partial runs with.
    let done = tempfile::tempdir().unwrap();
    copy_tree(template.path(), done.path());
    let backups = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let status = optimize_cmd(done.path(), backups.path()).status().unwrap();
    let full = start.elapsed();
    assert!(status.success());
    let finished = snapshot(done.path());

    let mut points = vec![
        KillPoint::Immediately,
        KillPoint::BackupCopies(1),
        KillPoint::BackupCopies(60),
        KillPoint::BackupCopies(140),
    ];
    points.extend((0..18).map(|k| KillPoint::Deleted(1 + k * JUNK / 18)));
    points.extend([KillPoint::AfterChanges, KillPoint::AfterChanges]);
    let mut partial = 0;
    for (k, point) in points.iter().enumerate() {
        let t = tempfile::tempdir().unwrap();
        copy_tree(template.path(), t.path());
        let backups = tempfile::tempdir().unwrap();
        run_and_kill(t.path(), backups.path(), *point);
        let delay = point;
        let now = snapshot(t.path());
        if now != original && now != finished {
            partial += 1;
        }
        for (path, bytes) in &now {
            // A temp file being written, or a folder moved aside while it is removed.
            if path
                .components()
                .any(|c| cpslim::layout::is_temp_name(&c.as_os_str().to_string_lossy()))
            {
                continue;
            }
            let ok = original.get(path) == Some(bytes) || finished.get(path) == Some(bytes);
            assert!(
                ok,
                "kill point {k} ({delay:?}): {} is neither original nor final",
                path.display()
            );
        }
        // Killed before the manifest was complete: the drive must not have been touched.
        if let Some(b) = std::fs::read_dir(backups.path()).unwrap().next() {
            let b = b.unwrap().path();
            if b.join("manifest.json").exists() {
                let o = run(cpslim().arg("restore").arg(t.path()).arg("--from").arg(&b));
                assert_code(&o, 0);
            }
        }
        assert_same_tree(
            &snapshot(t.path()),
            &original,
            &format!("kill point {k} ({delay:?}): restore is not byte-identical"),
        );
    }
    eprintln!(
        "{partial} of {} kill points interrupted the changes halfway (full run {full:?})",
        points.len()
    );
    assert!(
        partial >= 5,
        "only {partial} kill points landed inside the run; the test proves little"
    );
}

#[test]
fn ctrl_c_finishes_the_current_file_and_exits_130() {
    let template = big_dirty_drive();
    let original = snapshot(template.path());
    let t = tempfile::tempdir().unwrap();
    copy_tree(template.path(), t.path());
    let backups = tempfile::tempdir().unwrap();
    let mut child = optimize_cmd(t.path(), backups.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while deleted_count(t.path()) < 5
        && child.try_wait().unwrap().is_none()
        && start.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_micros(500));
    }
    // SAFETY: plain kill(2) on our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Interrupted"));
    let now = snapshot(t.path());
    assert_ne!(now, original, "the run had started");
    assert!(
        deleted_count(t.path()) < JUNK + 1,
        "the run stopped before the end"
    );
    assert!(!now.keys().any(|p| p
        .components()
        .any(|c| cpslim::layout::is_temp_name(&c.as_os_str().to_string_lossy()))));
    let o = restore_only_backup(t.path(), backups.path(), &[]);
    assert_code(&o, 0);
    assert_same_tree(&snapshot(t.path()), &original, "restore after Ctrl-C");
}
