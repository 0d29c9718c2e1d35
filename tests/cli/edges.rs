//! Edges of the command line a user hits: closed pipes, budgets with --json, what a build
//! leaves out, flag mistakes, -vv, terminal width, circup's bundle, a font's licence file.

use std::io::Read;
use std::process::Stdio;

use crate::junk::audit_json;
use crate::report::{bundle, demo_copy, json_of};
use crate::util::*;

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    for args in [&["--json"][..], &[][..]] {
        let o = closed_pipe(args);
        assert_code(&o, 0);
        assert!(stderr(&o).is_empty(), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn budget_exceeded_with_json_exits_3_says_so_on_stderr_and_in_the_document() {
    let t = demo_copy();
    let out = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .arg("--out")
        .arg(out.path().join("build"))
        .args(["--json", "--budget", "100KB", "--only", "junk"]));
    assert_code(&o, 3);
    let json = json_of(&o);
    let used = json["after"]["allocated"].as_u64().unwrap();
    assert_eq!(json["budget"]["limit"], 100_000);
    assert_eq!(json["budget"]["used"], used);
    assert_eq!(json["budget"]["fits"], false);
    assert!(
        stderr(&o).contains(&format!("{} bytes more than the budget", used - 100_000)),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_build_leaves_out_what_does_not_go_on_the_board_and_says_so() {
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "code.py", b"print('hi')\n");
    write(src.path(), "lib/helper.py", b"x = 1\n");
    write(src.path(), ".git/objects/ab/cdef", &vec![7u8; 50_000]);
    write(src.path(), ".git/HEAD", b"ref: refs/heads/main\n");
    write(src.path(), ".vscode/settings.json", b"{}\n");
    write(src.path(), ".idea/workspace.xml", b"<x/>\n");
    write(src.path(), ".Trash-1000/files/old.py", b"old\n");
    write(src.path(), ".Trashes/501/gone.py", b"gone\n");
    write(src.path(), ".DS_Store", &[0u8; 6148]);
    let parent = tempfile::tempdir().unwrap();
    let build = parent.path().join("build");
    let o = run(cpslim()
        .arg("optimize")
        .arg(src.path())
        .arg("--out")
        .arg(&build)
        .args(["--only", "mpy", "--json", "--budget", "8KiB"]));
    assert_code(&o, 0);
    for gone in [
        ".git",
        ".vscode",
        ".idea",
        ".Trash-1000",
        ".Trashes",
        ".DS_Store",
    ] {
        assert!(
            !build.join(gone).exists(),
            "{gone} was copied into the build"
        );
    }
    assert!(build.join("code.py").is_file() && build.join("lib/helper.py").is_file());
    let json = json_of(&o);
    let left: Vec<&str> = json["left_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    for p in [
        ".git",
        ".vscode",
        ".idea",
        ".Trash-1000",
        ".Trashes",
        ".DS_Store",
    ] {
        assert!(left.contains(&p), "{p} not listed: {left:?}");
    }
    // The budget counts the build as written: two small files, not .git's 50 KB.
    assert!(json["budget"]["used"].as_u64().unwrap() <= 4096, "{json:#}");
    let largest = json["largest"].to_string();
    assert!(!largest.contains(".git"), "{largest}");
    let human = run(cpslim()
        .arg("optimize")
        .arg(src.path())
        .arg("--out")
        .arg(parent.path().join("build2"))
        .args(["--only", "mpy"]));
    assert!(
        stdout(&human).contains("Left out of the build"),
        "{}",
        stdout(&human)
    );
}

#[test]
fn flag_mistakes_are_usage_errors() {
    let t = demo_copy();
    let before = snapshot(t.path());
    for args in [
        vec!["audit", "-q", "-v"],
        vec!["audit", "--only", ""],
        vec!["audit", "--skip", ""],
        vec!["optimize", "--yes", "--budget", "0"],
        vec!["optimize", "--yes", "--budget", "1900Kb"],
        vec!["audit", "--cluster-size", "1kb"],
    ] {
        let o = run(cpslim().args(&args[..1]).arg(t.path()).args(&args[1..]));
        assert_code(&o, 2);
        assert!(stderr(&o).contains("error"), "{args:?}: {}", stderr(&o));
    }
    assert_same_tree(&snapshot(t.path()), &before, "tree");
    let o = run(cpslim()
        .arg("restore")
        .arg(t.path())
        .args(["--from", "/nonexistent/cpslim-backup"]));
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("/nonexistent/cpslim-backup"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn twice_verbose_does_more_than_verbose() {
    let t = demo_copy();
    let v = run(cpslim().arg("audit").arg(t.path()).arg("-v"));
    let vv = run(cpslim().arg("audit").arg(t.path()).arg("-vv"));
    assert_code(&vv, 0);
    assert!(!stderr(&v).contains("planned"), "{}", stderr(&v));
    assert!(stderr(&vv).contains("mpy stage planned"), "{}", stderr(&vv));
    assert_eq!(stdout(&v), stdout(&vv));
}

#[test]
fn on_a_terminal_lines_fit_its_width() {
    let t = demo_copy();
    let cmd = format!(
        "stty cols 80; {} audit {} --color never",
        bin(),
        t.path().display()
    );
    let mut c = std::process::Command::new("script");
    c.args(["-qec", &cmd, "/dev/null"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    let Ok(o) = c.output() else {
        return skip_or_fail("script(1) from util-linux is needed for a terminal");
    };
    let out = stdout(&o);
    assert!(out.contains("Largest remaining files"), "{out}");
    for line in out.lines() {
        let line = line.trim_end_matches('\r');
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    // Piped, nothing is cut: the long font note is one line.
    let piped = stdout(&run(cpslim().arg("audit").arg(t.path())));
    assert!(piped.lines().any(|l| l.chars().count() > 200));
}

#[test]
fn the_bundle_from_circups_cache_is_named() {
    let t = demo_copy();
    let data = tempfile::tempdir().unwrap();
    let dest = data.path().join(
        "circup/adafruit/adafruit-circuitpython-bundle-10mpy/adafruit-circuitpython-bundle-10.x-mpy-20261120",
    );
    extract_without_top(&bundle(), &dest);
    let o = run(cpslim()
        .arg("audit")
        .arg(t.path())
        .args(["--only", "mpy"])
        .env("XDG_DATA_HOME", data.path()));
    assert_code(&o, 0);
    let out = stdout(&o);
    let first_lines: Vec<&str> = out.lines().take(3).collect();
    assert!(
        first_lines
            .iter()
            .any(|l| l.starts_with("Bundle from circup's cache: ")
                && l.contains(&dest.display().to_string())),
        "{first_lines:?}"
    );
}

#[test]
fn a_fonts_licence_file_follows_it_to_pcf() {
    let t = demo_copy();
    let licence = std::fs::read(t.path().join("fonts/LeagueSpartan-Bold-16.bdf.license")).unwrap();
    let backups = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .args([
            "--only",
            "fonts",
            "--charset",
            "auto",
            "--yes",
            "--backup-dir",
        ])
        .arg(backups.path()));
    assert_code(&o, 0);
    assert!(
        t.path().join("fonts/LeagueSpartan-Bold-16.pcf").is_file(),
        "{}",
        stdout(&o)
    );
    assert!(!t
        .path()
        .join("fonts/LeagueSpartan-Bold-16.bdf.license")
        .exists());
    assert_eq!(
        std::fs::read(t.path().join("fonts/LeagueSpartan-Bold-16.pcf.license")).unwrap(),
        licence
    );
    // Idempotent: nothing left to do.
    let json = audit_json(t.path(), &["--only", "fonts", "--charset", "auto"]);
    let writes = json["stages"][0]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] != "report")
        .count();
    assert_eq!(writes, 0, "{json:#}");
    // restore brings the old names back.
    let o = restore_only_backup(t.path(), backups.path(), &[]);
    assert_code(&o, 0);
    assert!(t
        .path()
        .join("fonts/LeagueSpartan-Bold-16.bdf.license")
        .is_file());
    assert!(!t
        .path()
        .join("fonts/LeagueSpartan-Bold-16.pcf.license")
        .exists());
}

/// The reader closes the pipe before cpslim writes (`cpslim audit --json | head -c 50`).
fn closed_pipe(args: &[&str]) -> std::process::Output {
    let t = demo_copy();
    let mut child = cpslim()
        .arg("audit")
        .arg(t.path())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    std::process::Output {
        status,
        stdout: Vec::new(),
        stderr: err.into_bytes(),
    }
}

#[test]
fn stage_name_mistakes_list_every_stage() {
    let demo = asset("demo-drive");
    for flags in [["--only", "bogus"], ["--skip", ","]] {
        let o = run(cpslim().arg("audit").arg(&demo).args(flags));
        assert_code(&o, 2);
        assert!(
            stderr(&o).contains("junk, deadweight, mpy, bitmaps, fonts, compile, ram"),
            "{flags:?}: {}",
            stderr(&o)
        );
    }
}
