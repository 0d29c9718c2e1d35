//! Exact-output (golden) tests of the human report. `CPSLIM_BLESS=1 cargo test golden`
//! rewrites tests/golden/*.txt from the current output; review the diff before committing.

use std::path::Path;

use crate::util::*;

const BLESS_VAR: &str = "CPSLIM_BLESS";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Compare `actual` with tests/golden/`name`.txt (or write it when blessing).
fn golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(format!("{name}.txt"));
    if std::env::var_os(BLESS_VAR).is_some_and(|v| !v.is_empty() && v != "0") {
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with {BLESS_VAR}=1 to create it)",
            path.display()
        )
    });
    if want != actual {
        let first = want
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(want.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the output at line {} (run with {BLESS_VAR}=1 to accept):\n--- want\n{}\n--- got\n{}",
            path.display(),
            first + 1,
            want.lines().nth(first).unwrap_or("<end>"),
            actual.lines().nth(first).unwrap_or("<end>")
        );
    }
}

fn in_repo(args: &[&str]) -> std::process::Output {
    run(cpslim().current_dir(root()).args(args))
}

#[test]
fn golden_audit_of_the_demo_drive_with_the_bundle() {
    let o = in_repo(&[
        "audit",
        "assets/demo-drive",
        "--bundle",
        "assets/adafruit-circuitpython-bundle-10.x-mpy-20261120.zip",
    ]);
    assert_code(&o, 0);
    golden("audit-demo-bundle", &stdout(&o));
}

#[test]
fn golden_verbose_junk_audit_with_a_cluster_size() {
    let o = in_repo(&[
        "audit",
        "assets/demo-drive",
        "--only",
        "junk",
        "-v",
        "--cluster-size",
        "512",
    ]);
    assert_code(&o, 0);
    golden("audit-demo-junk-verbose", &stdout(&o));
}

#[test]
fn golden_build_over_budget() {
    let t = temp_copy(&asset("demo-drive"));
    write(t.path(), ".git/HEAD", b"ref: refs/heads/main\n");
    write(t.path(), ".vscode/settings.json", b"{}\n");
    let parent = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .arg("--out")
        .arg(parent.path().join("build"))
        .args(["--only", "junk,bitmaps", "--budget", "300KB"]));
    assert_code(&o, 3);
    let text = stdout(&o)
        .replace(&parent.path().display().to_string(), "<OUT>")
        .replace(&t.path().display().to_string(), "<SRC>");
    golden("build-over-budget", &text);
}
