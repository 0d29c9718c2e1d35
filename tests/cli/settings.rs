//! `[tool.cpslim]` in pyproject.toml gives the same build as the same flags; flags win; bad
//! keys stop the run; a board's own files never configure cpslim.

use std::fs;
use std::path::{Path, PathBuf};

use crate::util::*;

const BUNDLE: &str = "adafruit-circuitpython-bundle-10.x-mpy-20261120.zip";

/// The flags that say what tests/fixtures/settings-project/pyproject.toml says.
fn same_as_the_file(project: &Path) -> Vec<String> {
    let bundle = project.join("bundles").join(BUNDLE);
    [
        "--skip=deadweight",
        "--charset=ascii",
        "--colors=16",
        "--dither",
        "--prune",
        "--cluster-size=1024",
        "--budget=1900KB",
        "--board=adafruit_feather_esp32s3_tft",
        "--cp-version=10.2.1",
    ]
    .into_iter()
    .map(String::from)
    .chain([format!("--bundle={}", bundle.display())])
    .collect()
}

/// A project repository: `.git`, the fixture's pyproject.toml, the bundle it names, and the demo
/// drive's files (without boot_out.txt: a project folder, not a board) in `src/`.
fn project_repo() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let project = t.path().join("feather-weather");
    fs::create_dir_all(project.join(".git")).unwrap();
    fs::create_dir_all(project.join("bundles")).unwrap();
    fs::copy(
        fixture("settings-project/pyproject.toml"),
        project.join("pyproject.toml"),
    )
    .unwrap();
    fs::copy(asset(BUNDLE), project.join("bundles").join(BUNDLE)).unwrap();
    copy_tree(&asset("demo-drive"), &project.join("src"));
    fs::remove_file(project.join("src/boot_out.txt")).unwrap();
    (t, project)
}

fn build(src: &Path, out: &Path, flags: &[String]) -> std::process::Output {
    run(cpslim()
        .args(["optimize", "--yes"])
        .arg(src)
        .arg("--out")
        .arg(out)
        .args(flags))
}

#[test]
fn pyproject_settings_build_the_same_as_the_flags() {
    let (t, project) = project_repo();
    let (from_file, from_flags) = (t.path().join("build-file"), t.path().join("build-flags"));
    let a = build(&project.join("src"), &from_file, &[]);
    assert_code(&a, 0);
    assert!(
        stderr(&a).contains(&format!(
            "settings from {} ([tool.cpslim])",
            project
                .canonicalize()
                .unwrap()
                .join("pyproject.toml")
                .display()
        )),
        "{}",
        stderr(&a)
    );
    // Without the file the flags alone must do the same.
    fs::remove_file(project.join("pyproject.toml")).unwrap();
    let b = build(
        &project.join("src"),
        &from_flags,
        &same_as_the_file(&project),
    );
    assert_code(&b, 0);
    assert!(!stderr(&b).contains("settings from"), "{}", stderr(&b));
    let built = snapshot(&from_file);
    assert_same_tree(&built, &snapshot(&from_flags), "file vs flags");
    let stdout_a = stdout(&a).replace(&from_file.display().to_string(), "OUT");
    let stdout_b = stdout(&b).replace(&from_flags.display().to_string(), "OUT");
    assert_eq!(stdout_a, stdout_b);
    // The settings did something: fonts became PCF, libraries became .mpy, files shrank.
    let names: Vec<String> = built.keys().map(|p| p.display().to_string()).collect();
    assert!(names.iter().any(|n| n.ends_with(".pcf")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with(".mpy")), "{names:?}");
    assert!(snapshot(&project.join("src")).len() > built.len());
}

#[test]
fn flags_win_over_the_file() {
    let (t, project) = project_repo();
    // The file's 1900KB budget fits; the flag's 10KB does not.
    let o = build(
        &project.join("src"),
        &t.path().join("build"),
        &["--budget=10KB".to_string()],
    );
    assert_code(&o, 3);
    // --only on the command line replaces the file's skip list: only junk runs.
    let o = run(cpslim()
        .args(["audit", "--json", "--only", "junk"])
        .arg(project.join("src")));
    assert_code(&o, 0);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let stages: Vec<&str> = doc["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["junk"]);
    assert_eq!(
        doc["cluster_size"], 1024,
        "the file's cluster-size still applies"
    );
}

#[test]
fn a_bad_key_is_a_usage_error_naming_key_and_file() {
    let (t, project) = project_repo();
    let pyproject = project.join("pyproject.toml");
    let text = fs::read_to_string(&pyproject).unwrap();
    for (from, to, key) in [
        ("colors = 16", "colours = 16", "tool.cpslim.colours"),
        ("colors = 16", "colors = 1000", "tool.cpslim.colors"),
        (
            "cluster-size = \"1KiB\"",
            "cluster-size = 1000",
            "tool.cpslim.cluster-size",
        ),
    ] {
        fs::write(&pyproject, text.replace(from, to)).unwrap();
        let out = t.path().join("build");
        let o = build(&project.join("src"), &out, &[]);
        assert_code(&o, 2);
        let err = stderr(&o);
        assert!(err.contains("pyproject.toml") && err.contains(key), "{err}");
        assert!(!out.exists(), "nothing is built after a settings error");
    }
}

#[test]
fn a_board_never_configures_cpslim() {
    let t = temp_copy(&asset("demo-drive"));
    fs::create_dir_all(t.path().join(".git")).unwrap();
    // On a board this file is the user's data: an unknown key in it must not matter.
    fs::write(
        t.path().join("cpslim.toml"),
        "colors = \"not even a number\"\n",
    )
    .unwrap();
    let o = run(cpslim().args(["audit", "--only", "bitmaps"]).arg(t.path()));
    assert_code(&o, 0);
    assert!(!stderr(&o).contains("settings"), "{}", stderr(&o));
    let o = run(cpslim()
        .args(["audit", "--only", "bitmaps"])
        .env("CPSLIM_MOUNTS", t.path()));
    assert_code(&o, 0);
    assert!(!stderr(&o).contains("settings"), "{}", stderr(&o));
}

#[test]
fn a_format_flag_equal_to_its_default_wins_over_the_file() {
    let t = tempfile::tempdir().unwrap();
    let project = t.path().join("clock");
    fs::create_dir_all(project.join(".git")).unwrap();
    fs::create_dir_all(project.join("src/fonts")).unwrap();
    fs::write(
        project.join("pyproject.toml"),
        "[tool.cpslim]\nfont-format = \"lvfontbin\"\ncp-version = \"10.2.1\"\n",
    )
    .unwrap();
    fs::copy(
        fixture("fonts/6x13.bdf"),
        project.join("src/fonts/clock.bdf"),
    )
    .unwrap();
    fs::write(
        project.join("src/code.py"),
        "from adafruit_bitmap_font import bitmap_font\nfont = bitmap_font.load_font('/fonts/clock.bdf')\n",
    )
    .unwrap();
    let created = |flags: &[&str]| -> Vec<String> {
        let o = run(cpslim()
            .args(["audit", "--json", "--only", "fonts"])
            .arg(project.join("src"))
            .args(flags));
        assert_code(&o, 0);
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        doc["stages"][0]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["action"] == "create")
            .map(|a| a["path"].as_str().unwrap().to_string())
            .collect()
    };
    // The file asks for LVGL; the flag asks for the default, PCF, and must win.
    assert_eq!(created(&[]), ["fonts/clock.lvfontbin"]);
    assert_eq!(created(&["--font-format", "pcf"]), ["fonts/clock.pcf"]);
}
