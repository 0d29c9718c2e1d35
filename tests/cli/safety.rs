//! Users' data is sacred: faults, hostile trees, kills in the middle of a run.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::util::*;

/// Run as an unprivileged user when the tests run as root, so that permissions mean something.
fn unprivileged(mut cmd: Command) -> Command {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setgid(65534) != 0 || libc::setuid(65534) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    cmd
}

fn open_to_all(root: &Path) {
    for entry in walk(root) {
        let mode = if entry.is_dir() { 0o777 } else { 0o666 };
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o777)).unwrap();
}

fn walk(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root).unwrap() {
        let p = e.unwrap().path();
        if std::fs::symlink_metadata(&p).unwrap().is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

#[test]
fn a_read_only_folder_fails_its_action_and_the_rest_is_applied() {
    let t = temp_copy(&asset("demo-drive"));
    let backups = tempfile::tempdir().unwrap();
    open_to_all(t.path());
    open_to_all(backups.path());
    // lib/ cannot be written: its .DS_Store and ._neopixel.py cannot be deleted.
    std::fs::set_permissions(t.path().join("lib"), std::fs::Permissions::from_mode(0o555)).unwrap();
    let lib_before = snapshot(&t.path().join("lib"));
    let mut cmd = unprivileged(Command::new(bin()));
    cmd.env("NO_COLOR", "1")
        .arg("optimize")
        .arg(t.path())
        .args(["--only", "junk", "--yes", "--backup-dir"])
        .arg(backups.path());
    let o = run(&mut cmd);
    std::fs::set_permissions(t.path().join("lib"), std::fs::Permissions::from_mode(0o777)).unwrap();
    assert_code(&o, 1);
    let out = stdout(&o);
    assert!(
        out.lines()
            .any(|l| l.contains("lib/.DS_Store") && l.contains(" failed ")),
        "{out}"
    );
    assert_same_tree(
        &snapshot(&t.path().join("lib")),
        &lib_before,
        "nothing in lib/ may change",
    );
    assert!(
        !t.path().join("._code.py").exists(),
        "the other actions still run"
    );
    assert!(!t.path().join(".DS_Store").exists());
}

#[test]
fn unreadable_files_and_folders_are_reported_not_fatal() {
    let t = temp_copy(&asset("demo-drive"));
    open_to_all(t.path());
    std::fs::set_permissions(t.path().join("sd"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(
        t.path().join("boot_out.txt"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let before = snapshot(t.path());
    let mut cmd = unprivileged(Command::new(bin()));
    cmd.env("NO_COLOR", "1")
        .arg("audit")
        .arg(t.path())
        .arg("--json");
    let o = run(&mut cmd);
    std::fs::set_permissions(t.path().join("sd"), std::fs::Permissions::from_mode(0o777)).unwrap();
    assert_code(&o, 1);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let errors = json["errors"].as_array().unwrap();
    let paths: Vec<&str> = errors.iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert!(paths.iter().any(|p| p.ends_with("sd")), "{errors:?}");
    assert!(
        paths.iter().any(|p| p.ends_with("boot_out.txt")),
        "{errors:?}"
    );
    assert_same_tree(&snapshot(t.path()), &before, "tree");
}

#[test]
fn odd_names_links_and_loops_are_handled_without_following() {
    use std::os::unix::ffi::OsStrExt;
    let t = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    write(t.path(), "code.py", b"print(1)\n");
    write(outside.path(), "precious/.DS_Store", b"not yours");
    write(outside.path(), "target.txt", b"outside");
    let odd = std::ffi::OsStr::from_bytes(b"._caf\xe9.py");
    std::fs::write(t.path().join(odd), b"apple double").unwrap();
    std::fs::write(
        t.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9.py")),
        b"x = 1\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("..", t.path().join("loop")).unwrap();
    std::os::unix::fs::symlink("b", t.path().join("a")).unwrap();
    std::os::unix::fs::symlink("a", t.path().join("b")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("precious"), t.path().join("images")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("target.txt"),
        t.path().join(".DS_Store"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("target.txt"),
        t.path().join("Thumbs.db"),
    )
    .unwrap();
    let before = snapshot(t.path());
    let outside_before = snapshot(outside.path());
    let backups = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .args(["--yes", "--backup-dir"])
        .arg(backups.path()));
    assert_code(&o, 0);
    assert_same_tree(
        &snapshot(outside.path()),
        &outside_before,
        "nothing outside the tree changes",
    );
    assert!(
        !t.path().join(odd).exists(),
        "non-UTF-8 AppleDouble file is junk too"
    );
    for link in ["loop", "a", "b", "images", ".DS_Store", "Thumbs.db"] {
        assert!(
            std::fs::symlink_metadata(t.path().join(link))
                .unwrap()
                .file_type()
                .is_symlink(),
            "{link}"
        );
    }
    let o = restore_only_backup(t.path(), backups.path(), &[]);
    assert_code(&o, 0);
    assert_same_tree(&snapshot(t.path()), &before, "tree");
}

/// Write through the one writer with the file-size limit below the new content: the write
/// fails, the original is intact, and no temp file is left behind.
#[test]
fn writer_survives_no_space() {
    let t = tempfile::tempdir().unwrap();
    let target = t.path().join("font.pcf");
    std::fs::write(&target, b"original").unwrap();
    // SAFETY: the child only calls setrlimit/signal and the writer, then _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        unsafe {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit {
                rlim_cur: 4096,
                rlim_max: 4096,
            };
            libc::setrlimit(libc::RLIMIT_FSIZE, &lim);
            let code = match cpslim::fsops::write_atomic(&target, &vec![7u8; 64 * 1024]) {
                Ok(()) => 0,
                Err(_) => 42,
            };
            libc::_exit(code);
        }
    }
    let mut status = 0;
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert!(libc::WIFEXITED(status), "child crashed");
    assert_eq!(
        libc::WEXITSTATUS(status),
        42,
        "the write must fail under the limit"
    );
    assert_eq!(std::fs::read(&target).unwrap(), b"original");
    let names: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        vec![std::ffi::OsString::from("font.pcf")],
        "no temp file left"
    );
}

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
                .any(|c| cpslim::fsops::is_temp_name(&c.as_os_str().to_string_lossy()))
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
        .any(|c| cpslim::fsops::is_temp_name(&c.as_os_str().to_string_lossy()))));
    let o = restore_only_backup(t.path(), backups.path(), &[]);
    assert_code(&o, 0);
    assert_same_tree(&snapshot(t.path()), &original, "restore after Ctrl-C");
}
