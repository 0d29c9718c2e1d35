//! The contract of the commands that write: optimize asks or needs --yes, reports its backup
//! and the measured result, --out and --budget; restore refuses files changed since the run
//! and finds the latest backup.

use std::path::Path;

use crate::contract::demo_copy;
use crate::junk::audit_json;
use crate::util::*;

#[test]
fn optimize_json_reports_the_backup_and_measured_after() {
    let t = demo_copy();
    let backups = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .args(["--only", "junk", "--json", "--yes", "--backup-dir"])
        .arg(backups.path()));
    assert_code(&o, 0);
    let json: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("stdout is one JSON document");
    assert_eq!(json["command"], "optimize");
    let backup = json["backup"].as_str().unwrap();
    assert!(Path::new(backup).join("manifest.json").is_file());
    // "after" is measured on the tree, so it matches a fresh audit's "before".
    let again = audit_json(t.path(), &["--only", "junk"]);
    assert_eq!(json["after"], again["before"]);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn optimize_without_terminal_needs_yes() {
    let t = demo_copy();
    let before = snapshot(t.path());
    let o = run(cpslim().arg("optimize").arg(t.path()));
    assert_code(&o, 2);
    assert!(stderr(&o).contains("--yes"), "{}", stderr(&o));
    assert_same_tree(&snapshot(t.path()), &before, "tree");
}

#[test]
fn out_mode_leaves_path_untouched() {
    let t = demo_copy();
    let before = snapshot(t.path());
    let out_parent = tempfile::tempdir().unwrap();
    let out = out_parent.path().join("build");
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .arg("--out")
        .arg(&out)
        .args(["--only", "junk", "--cluster-size", "1024"]));
    assert_code(&o, 0);
    assert_same_tree(&snapshot(t.path()), &before, "tree");
    assert!(out.join("code.py").is_file());
    assert!(!out.join("._code.py").exists());
    assert!(!out.join(".DS_Store").exists());
    assert_eq!(
        std::fs::read(out.join("code.py")).unwrap(),
        std::fs::read(t.path().join("code.py")).unwrap()
    );
    // A non-empty --out is refused.
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .arg("--out")
        .arg(&out));
    assert_code(&o, 2);
    assert!(stderr(&o).contains("not empty"), "{}", stderr(&o));
}

#[test]
fn budget_exceeded_exits_3_and_says_by_how_much() {
    let t = demo_copy();
    let out_parent = tempfile::tempdir().unwrap();
    let build = |out: &str, budget: &str, extra: &[&str]| {
        run(cpslim()
            .arg("optimize")
            .arg(t.path())
            .arg("--out")
            .arg(out_parent.path().join(out))
            .args([
                "--only",
                "junk",
                "--cluster-size",
                "1024",
                "--budget",
                budget,
            ])
            .args(extra))
    };
    let o = build("small", "100KB", &["--json"]);
    assert_code(&o, 3);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let used = json["after"]["allocated"].as_u64().unwrap();
    assert!(used > 100_000);
    let o = build("small2", "100KB", &[]);
    assert_code(&o, 3);
    assert!(
        stderr(&o).contains(&format!("{} bytes more than the budget", used - 100_000)),
        "{}",
        stderr(&o)
    );
    let o = build("big", "16MiB", &[]);
    assert_code(&o, 0);
    assert!(stdout(&o).contains("Within budget"), "{}", stdout(&o));
}

#[test]
fn restore_refuses_files_changed_after_the_run() {
    let t = demo_copy();
    let backups = tempfile::tempdir().unwrap();
    let before = snapshot(t.path());
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .args(["--empty-trash", "--yes", "--backup-dir"])
        .arg(backups.path()));
    assert_code(&o, 0);
    // The user saves a new .DS_Store-named file over where the old one was restored from.
    write(t.path(), ".DS_Store", b"new finder settings");
    let backup = only_child(backups.path());
    let o = run(cpslim()
        .arg("restore")
        .arg(t.path())
        .arg("--from")
        .arg(&backup));
    assert_code(&o, 1);
    assert!(stderr(&o).contains(".DS_Store"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(t.path().join(".DS_Store")).unwrap(),
        b"new finder settings"
    );
    let o = run(cpslim()
        .arg("restore")
        .arg(t.path())
        .arg("--from")
        .arg(&backup)
        .arg("--yes"));
    assert_code(&o, 0);
    assert_same_tree(&snapshot(t.path()), &before, "tree");
}

#[test]
fn restore_finds_the_latest_backup_in_the_state_dir() {
    let t = demo_copy();
    let state = tempfile::tempdir().unwrap();
    let before = snapshot(t.path());
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .arg("--yes")
        .env("XDG_STATE_HOME", state.path()));
    assert_code(&o, 0);
    assert!(state.path().join("cpslim/backups").is_dir());
    let o = run(cpslim()
        .arg("restore")
        .arg(t.path())
        .env("XDG_STATE_HOME", state.path()));
    assert_code(&o, 0);
    assert_same_tree(&snapshot(t.path()), &before, "tree");
    let empty = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("restore")
        .arg(t.path())
        .env("XDG_STATE_HOME", empty.path()));
    assert_code(&o, 2);
    assert!(stderr(&o).contains("--from"), "{}", stderr(&o));
}

/// On a terminal (a pty from util-linux `script`), optimize shows the plan and asks once.
#[test]
fn asks_for_confirmation_on_a_terminal() {
    let t = demo_copy();
    // A local run of Python leaves an (ignored, untracked) lib/__pycache__ in assets; a clean
    // checkout has none. Remove it so the change count is the same everywhere.
    let _ = std::fs::remove_dir_all(t.path().join("lib/__pycache__"));
    let backups = tempfile::tempdir().unwrap();
    let before = snapshot(t.path());
    let cmd = format!(
        "{} optimize {} --only junk --color never --backup-dir {}",
        bin(),
        t.path().display(),
        backups.path().display()
    );
    let answer = |a: &str| {
        let mut c = std::process::Command::new("script");
        c.args(["-qec", &cmd, "/dev/null"])
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::piped());
        c.stdout(std::process::Stdio::piped());
        let mut child = c.spawn().expect("script(1) from util-linux");
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), a.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let o = answer("n\n");
    assert_code(&o, 0);
    assert!(stdout(&o).contains("Apply 17 change(s)"), "{}", stdout(&o));
    assert_same_tree(&snapshot(t.path()), &before, "answered no");
    let o = answer("y\n");
    assert_code(&o, 0);
    assert!(!t.path().join("._code.py").exists());
}
