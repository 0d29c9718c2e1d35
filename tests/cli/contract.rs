//! The command-line contract: exit codes, JSON schema, detection, --out, --budget, --dry-run.

use std::path::Path;

use crate::junk::audit_json;
use crate::util::*;

fn demo_copy() -> tempfile::TempDir {
    temp_copy(&asset("demo-drive"))
}

#[test]
fn clap_definition_is_consistent() {
    use clap::CommandFactory;
    cpslim::cli::Cli::command().debug_assert();
}

#[test]
fn audit_writes_nothing() {
    let t = demo_copy();
    let before = snapshot(t.path());
    let o = run(cpslim().arg("audit").arg(t.path()).arg("--empty-trash"));
    assert_code(&o, 0);
    assert!(stdout(&o).contains("Found CIRCUITPY at"), "{}", stdout(&o));
    assert!(stdout(&o).contains("CircuitPython 10.2.1 on adafruit_feather_esp32s3_tft"));
    assert_same_tree(&snapshot(t.path()), &before, "tree");
    // --dry-run is audit
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .args(["--dry-run", "--json"]));
    assert_code(&o, 0);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["command"], "audit");
    assert_same_tree(&snapshot(t.path()), &before, "tree");
}

#[test]
fn json_has_the_fixed_keys_and_nothing_else_on_stdout() {
    let t = demo_copy();
    let json = audit_json(t.path(), &["--only", "junk", "--cluster-size", "1024"]);
    for key in [
        "schema",
        "command",
        "path",
        "board",
        "cluster_size",
        "cluster_source",
        "saved",
        "budget",
        "before",
        "after",
        "free_before",
        "free_after",
        "stages",
        "errors",
        "backup",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert_eq!(json["schema"], 2);
    assert_eq!(json["command"], "audit");
    assert_eq!(json["board"]["version"], "10.2.1");
    assert_eq!(json["board"]["board_id"], "adafruit_feather_esp32s3_tft");
    assert_eq!(json["cluster_size"], 1024);
    assert!(json["backup"].is_null());
    for k in ["files", "bytes", "allocated"] {
        assert!(
            json["before"][k].as_u64().unwrap() >= json["after"][k].as_u64().unwrap(),
            "{k}"
        );
    }
    let junk = &json["stages"][0];
    assert_eq!(junk["name"], "junk");
    let mut saved = 0i64;
    let mut saved_alloc = 0i64;
    for a in junk["actions"].as_array().unwrap() {
        for k in ["action", "path", "bytes_before", "bytes_after", "note"] {
            assert!(a.get(k).is_some(), "action misses {k}: {a}");
        }
        if a["action"] != "report" {
            saved += a["bytes_before"].as_i64().unwrap() - a["bytes_after"].as_i64().unwrap();
            // allocated at 1 KiB clusters: a 4,096-byte AppleDouble file is 4 clusters
            let before = a["bytes_before"].as_i64().unwrap();
            saved_alloc += before;
        }
    }
    assert_eq!(junk["saved_bytes"].as_i64().unwrap(), saved);
    assert!(junk["saved_allocated"].as_i64().unwrap() >= saved_alloc);
    assert_eq!(
        json["before"]["bytes"].as_i64().unwrap() - json["after"]["bytes"].as_i64().unwrap(),
        saved
    );
}

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
fn usage_errors_exit_2_and_change_nothing() {
    let t = demo_copy();
    let before = snapshot(t.path());
    for args in [
        vec!["audit", "--only", "nonsense"],
        vec!["audit", "--cluster-size", "1000"],
        vec!["optimize", "--yes", "--budget", "lots"],
    ] {
        let o = run(cpslim().args(&args[..1]).arg(t.path()).args(&args[1..]));
        assert_code(&o, 2);
        assert!(
            stderr(&o).starts_with("cpslim: error:"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // A PATH that is a file, or missing.
    let o = run(cpslim().arg("audit").arg(t.path().join("code.py")));
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("code.py") && stderr(&o).contains("not a folder"),
        "{}",
        stderr(&o)
    );
    let o = run(cpslim().arg("audit").arg(t.path().join("nope")));
    assert_code(&o, 2);
    assert_same_tree(&snapshot(t.path()), &before, "tree");
}

#[test]
fn finds_the_board_among_mounts() {
    let board = demo_copy();
    let other = tempfile::tempdir().unwrap();
    let mounts = std::env::join_paths([other.path(), board.path()]).unwrap();
    let o = run(cpslim().arg("audit").env("CPSLIM_MOUNTS", &mounts));
    assert_code(&o, 0);
    assert!(
        stdout(&o).contains(&format!("Found CIRCUITPY at {}", board.path().display())),
        "{}",
        stdout(&o)
    );

    let o = run(cpslim().arg("audit").env("CPSLIM_MOUNTS", other.path()));
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("no CircuitPython board found") && stderr(&o).contains("PATH"),
        "{}",
        stderr(&o)
    );

    let second = demo_copy();
    let mounts = std::env::join_paths([board.path(), second.path()]).unwrap();
    let o = run(cpslim().arg("audit").env("CPSLIM_MOUNTS", &mounts));
    assert_code(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains(&board.path().display().to_string())
            && err.contains(&second.path().display().to_string()),
        "{err}"
    );
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

#[test]
fn human_report_has_table_totals_and_advice() {
    let t = demo_copy();
    let o =
        run(cpslim()
            .arg("audit")
            .arg(t.path())
            .args(["--only", "junk", "--cluster-size", "512"]));
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(
        out.contains("stage") && out.contains("junk") && out.contains("total"),
        "{out}"
    );
    assert!(
        out.contains("Would free") && out.contains(" bytes)"),
        "{out}"
    );
    assert!(out.contains("Largest remaining files"), "{out}");
    // With --only junk, advice names the stages the run left out, with their saving.
    assert!(
        out.contains("fonts/LeagueSpartan-Bold-16.bdf\n              → the fonts stage (left out by --only/--skip) with `--charset auto`"),
        "{out}"
    );
    assert!(
        out.contains("images/background.bmp\n              → the bitmaps stage (left out by --only/--skip): shrinks it, saving 17.0 KiB on the board"),
        "{out}"
    );
    assert!(!out.contains('\x1b'), "colour without a terminal");
    let o = run(cpslim().arg("audit").arg(t.path()).arg("-q"));
    assert_code(&o, 0);
    assert!(stdout(&o).is_empty());
}

#[test]
fn uses_circups_cached_bundle_when_no_bundle_is_given() {
    let t = demo_copy();
    let data = tempfile::tempdir().unwrap();
    let dest = data
        .path()
        .join("circup/adafruit/adafruit-circuitpython-bundle-10mpy/adafruit-circuitpython-bundle-10.x-mpy-20261120");
    let zip_path = asset("adafruit-circuitpython-bundle-10.x-mpy-20261120.zip");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).unwrap();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.enclosed_name().unwrap();
        let rel = name.components().skip(1).collect::<std::path::PathBuf>();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut bytes).unwrap();
        write(&dest, rel.to_str().unwrap(), &bytes);
    }
    let o = run(cpslim()
        .arg("audit")
        .arg(t.path())
        .args(["--only", "mpy"])
        .env("XDG_DATA_HOME", data.path()));
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(
        out.contains("adafruit-circuitpython-bundle-10.x-mpy-20261120"),
        "{out}"
    );
    assert!(
        out.contains("lib/neopixel.mpy"),
        "the cached bundle's .mpy is planned: {out}"
    );
    // Without the cache the same audit only estimates.
    let o = run(cpslim().arg("audit").arg(t.path()).args(["--only", "mpy"]));
    assert!(!stdout(&o).contains("lib/neopixel.mpy"), "{}", stdout(&o));
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

#[test]
fn version_flag_keeps_the_board_id_from_boot_out() {
    let t = demo_copy();
    let json = audit_json(t.path(), &["--only", "junk", "--cp-version", "9.2.1"]);
    assert_eq!(json["board"]["version"], "9.2.1");
    assert_eq!(json["board"]["board_id"], "adafruit_feather_esp32s3_tft");
    let json = audit_json(
        t.path(),
        &["--only", "junk", "--board", "pimoroni_badger2040"],
    );
    assert_eq!(json["board"]["version"], "10.2.1");
    assert_eq!(json["board"]["board_id"], "pimoroni_badger2040");
    let folder = tempfile::tempdir().unwrap();
    write(folder.path(), "code.py", b"print(1)\n");
    let json = audit_json(folder.path(), &["--only", "junk"]);
    assert!(json["board"].is_null());
    let json = audit_json(
        folder.path(),
        &["--only", "junk", "--cp-version", "10.1.0", "--board", "x"],
    );
    assert_eq!(json["board"]["board_id"], "x");
}
