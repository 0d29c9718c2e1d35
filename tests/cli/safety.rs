//! Users' data is sacred: faults, hostile trees, kills in the middle of a run.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

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

#[test]
fn a_folder_that_cannot_be_listed_is_an_error_not_an_empty_report() {
    let t = tempfile::tempdir().unwrap();
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let drive = t.path().join("drive");
    write(&drive, "code.py", b"print('hi')\n");
    std::fs::set_permissions(&drive, std::fs::Permissions::from_mode(0o000)).unwrap();
    let mut cmd = unprivileged(Command::new(bin()));
    cmd.env("NO_COLOR", "1").arg("audit").arg(&drive);
    let o = run(&mut cmd);
    std::fs::set_permissions(&drive, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_code(&o, 2);
    assert_eq!(
        stderr(&o),
        format!(
            "cpslim: error: cannot list {}: Permission denied (os error 13)\n\
             hint: run cpslim as a user who may read that folder, or give it read permission\n",
            drive.display()
        )
    );
    assert!(o.stdout.is_empty(), "no report");
}
