//! The command-line contract: exit codes, JSON schema, detection, --dry-run (the commands that
//! write: contract_writes.rs).

use crate::junk::audit_json;
use crate::util::*;

pub(crate) fn demo_copy() -> tempfile::TempDir {
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
    extract_without_top(&zip_path, &dest);
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
