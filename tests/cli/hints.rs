//! An error says what went wrong on one line and what to do on the next: `cpslim: error: …` then
//! `hint: …`, for a hint a library error carries, one the command line adds, and one a kind of
//! error always has.

use std::fs;

use crate::util::*;

#[test]
fn a_library_error_prints_its_hint_on_a_line_of_its_own() {
    let t = tempfile::tempdir().unwrap();
    let missing = t.path().join("no-backups-here");
    let o = run(cpslim().args(["restore", "--from"]).arg(&missing));
    assert_code(&o, 2);
    assert_eq!(
        stderr(&o),
        format!(
            "cpslim: error: --from {}: no such folder\n\
             hint: pass the folder given to --backup-dir, or one run inside it \
             (`cpslim restore --list --from DIR` shows them)\n",
            missing.display()
        )
    );
}

#[test]
fn a_command_line_error_prints_its_hint_on_a_line_of_its_own() {
    let t = tempfile::tempdir().unwrap();
    let (src, out) = (t.path().join("src"), t.path().join("out"));
    write(&src, "code.py", b"print('hi')\n");
    write(&out, "keep.txt", b"mine\n");
    let o = run(cpslim().arg("optimize").arg(&src).arg("--out").arg(&out));
    assert_code(&o, 2);
    assert_eq!(
        stderr(&o),
        format!(
            "cpslim: error: --out {}: the folder exists and is not empty\nhint: pass a new folder\n",
            out.display()
        )
    );
}

#[test]
fn a_bad_settings_key_always_says_flags_win() {
    let t = tempfile::tempdir().unwrap();
    let project = t.path().join("project");
    fs::create_dir_all(project.join(".git")).unwrap();
    write(
        &project,
        "pyproject.toml",
        b"[tool.cpslim]\ncolors = \"many\"\n",
    );
    write(&project, "src/code.py", b"print('hi')\n");
    let o = run(cpslim().arg("audit").arg(project.join("src")));
    assert_code(&o, 2);
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with("cpslim: error: ") && lines[0].contains("`tool.cpslim.colors`"),
        "{err}"
    );
    assert_eq!(
        lines[1],
        "hint: fix it in the file, or give the flag on the command line (flags win over the file)"
    );
}

#[test]
fn a_hint_under_added_context_still_comes_last() {
    // The compile stage's error reaches the edge wrapped in "compile stage: …".
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "code.py", b"print('hi')\n");
    let o = run(cpslim().arg("audit").arg(t.path()).arg("--compile"));
    assert_code(&o, 2);
    assert_eq!(
        stderr(&o),
        "cpslim: error: compile stage: --compile needs the board's CircuitPython version, and \
         there is no boot_out.txt\nhint: give --cp-version (e.g. --cp-version 10.2.1)\n"
    );
}

#[test]
fn an_io_cause_is_said_once() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    write(&src, "code.py", b"print('hi')\n");
    let file = t.path().join("a-file");
    fs::write(&file, b"not a folder").unwrap();
    let out = file.join("out");
    let o = run(cpslim()
        .arg("optimize")
        .arg(&src)
        .arg("--out")
        .arg(&out)
        .arg("--yes"));
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        format!(
            "cpslim: error: cannot write {}: Not a directory (os error 20)\n",
            out.display()
        )
    );
}
