//! `--host`: the web workflow, against the stand-in server in `standin.rs` (loopback only).

mod failures;
mod restore_trust;
pub(crate) mod standin;

use std::fs;
use std::process::Output;

use standin::{Options, StandIn};

use crate::util::*;

pub(super) const PASSWORD: &str = "passw0rd";

/// A board's files: the mpy fixture drive plus a BDF font, a shrinkable BMP, junk, and a name
/// that needs percent-encoding.
pub(super) fn board() -> tempfile::TempDir {
    let t = temp_copy(&fixture("mpy/drive"));
    let r = t.path();
    write(
        r,
        "fonts/6x13.bdf",
        &fs::read(fixture("fonts/6x13.bdf")).unwrap(),
    );
    write(
        r,
        "images/logo.bmp",
        &fs::read(fixture("bitmaps/corpus/os2core_pal8_should_be_pal4.bmp")).unwrap(),
    );
    write(r, "._code.py", &[0u8; 4096]);
    write(r, ".DS_Store", &[1u8; 6148]);
    write(r, "lib/__pycache__/x.cpython-311.pyc", b"junk");
    write(r, "my notes 100%.txt", b"keep me");
    write(r, "données/été #1.txt", b"keep me too");
    write(r, "données/._été #1.txt", &[0u8; 4096]);
    t
}

pub(super) fn host_cmd(cmd: &str, s: &StandIn, args: &[&str]) -> Output {
    run(cpslim()
        .arg(cmd)
        .arg("--host")
        .arg(s.host())
        .env("CIRCUITPY_WEB_API_PASSWORD", PASSWORD)
        .args(args))
}

/// The plan of a `--json` report, without what differs by nature (where, and free space).
pub(super) fn plan_of(o: &Output) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(&stdout(o)).expect("json report");
    // Where the cluster size came from differs by design: the board reports it, the folder is told.
    for k in [
        "path",
        "free_before",
        "free_after",
        "backup",
        "cluster_source",
    ] {
        v.as_object_mut().unwrap().remove(k);
    }
    v
}

pub(super) fn local_flags() -> Vec<&'static str> {
    // The served board's boot_out.txt agrees with its version.json: only the cluster size
    // comes from the board.
    vec!["--cluster-size", "512"]
}

#[track_caller]
pub(super) fn assert_no_dot_segments(s: &StandIn) {
    let bad = s.dot_segments();
    assert!(bad.is_empty(), "requests with dot segments: {bad:?}");
}

#[test]
fn audit_host_plans_what_a_folder_plans() {
    let served = board();
    let local = board();
    let s = StandIn::start(served.path(), Options::default());
    let remote = host_cmd("audit", &s, &["--json"]);
    assert_code(&remote, 0);
    let here = run(cpslim()
        .arg("audit")
        .arg(local.path())
        .arg("--json")
        .args(local_flags()));
    assert_code(&here, 0);
    let (a, b) = (plan_of(&remote), plan_of(&here));
    assert!(a["stages"].as_array().is_some_and(|s| !s.is_empty()), "{a}");
    assert_eq!(a, b);
    let report: serde_json::Value = serde_json::from_str(&stdout(&remote)).unwrap();
    assert_eq!(report["path"], format!("http://{}/", s.host()));
    assert_eq!(report["cluster_size"], 512);
    assert!(report["free_before"]
        .as_u64()
        .is_some_and(|f| f % 512 == 0 && f > 0));
    // One listing per folder; only files a stage reads are fetched (not the junk).
    let log = s.requests.lock().unwrap().clone();
    assert!(log.iter().all(|l| !l.contains(".DS_Store")), "{log:?}");
    assert_eq!(
        log.iter()
            .filter(|l| l.starts_with("GET /fs/lib/ "))
            .count(),
        1
    );
    assert_no_dot_segments(&s);
}

#[test]
fn optimize_host_leaves_the_board_as_a_local_run_leaves_a_copy_and_restore_undoes_it() {
    let served = board();
    let local = board();
    let before = snapshot(served.path());
    let s = StandIn::start(served.path(), Options::default());
    // The default backup folder (the tests' scratch state dir): restore then finds the newest
    // run made for this board's URL without --from.
    let remote = host_cmd("optimize", &s, &["--yes", "--json"]);
    assert_code(&remote, 0);
    let local_backups = tempfile::tempdir().unwrap();
    let here = run(cpslim()
        .arg("optimize")
        .arg(local.path())
        .args(["--yes", "--backup-dir"])
        .arg(local_backups.path())
        .args(local_flags()));
    assert_code(&here, 0);
    assert_same_tree(
        &snapshot(served.path()),
        &snapshot(local.path()),
        "board vs copy",
    );
    assert_ne!(snapshot(served.path()), before, "optimize changed nothing");
    // Idempotent: a second audit plans nothing.
    let again = host_cmd("audit", &s, &["--json"]);
    assert_code(&again, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&again)).unwrap();
    let planned: usize = v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|st| {
            st["actions"]
                .as_array()
                .map_or(0, |a| a.iter().filter(|x| x["action"] != "report").count())
        })
        .sum();
    assert_eq!(planned, 0, "{v}");
    let restored = host_cmd("restore", &s, &[]);
    assert_code(&restored, 0);
    assert_same_tree(&snapshot(served.path()), &before, "restored board");
    assert_no_dot_segments(&s);
}

#[test]
fn redirect_keeps_the_password() {
    let served = board();
    let board_server = StandIn::start(served.path(), Options::default());
    let front = StandIn::start(
        served.path(),
        Options {
            redirect_to: Some(format!("http://{}", board_server.host())),
            ..Options::default()
        },
    );
    let o = host_cmd("audit", &front, &["--json"]);
    assert_code(&o, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["path"], format!("http://{}/", board_server.host()));
}

#[test]
fn human_report_names_the_board() {
    let served = board();
    let s = StandIn::start(served.path(), Options::default());
    let o = host_cmd("audit", &s, &[]);
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(
        out.starts_with(&format!(
            "Found a board at http://{}/: CircuitPython 10.2.1 on adafruit_feather_esp32s3_tft",
            s.host()
        )),
        "{out}"
    );
    assert!(
        !out.contains("cpslim-web-"),
        "the mirror folder leaked: {out}"
    );
}

#[test]
fn human_report_of_optimize_host_says_what_was_done() {
    let served = board();
    let s = StandIn::start(served.path(), Options::default());
    let backups = tempfile::tempdir().unwrap();
    let dir = backups.path().to_str().unwrap();
    let o = host_cmd("optimize", &s, &["--yes", "--backup-dir", dir]);
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(out.lines().any(|l| l == "Changes"), "{out}");
    assert!(
        out.contains("\nFreed ") && !out.contains("Would free"),
        "{out}"
    );
    assert!(!out.contains("nothing has been changed"), "{out}");
}

#[test]
fn audit_host_matches_with_a_bundle_lossy_flags_and_larger_clusters() {
    let served = board();
    let local = board();
    let s = StandIn::start(
        served.path(),
        Options {
            block_size: 4096,
            total_clusters: 1024,
            ..Options::default()
        },
    );
    let bundle = fixture("mpy/bundles/adafruit-circuitpython-bundle-10.x-mpy-20261120.zip");
    let bundle = bundle.to_str().unwrap();
    let flags = [
        "--bundle",
        bundle,
        "--prune",
        "--charset",
        "ascii",
        "--json",
    ];
    let remote = host_cmd("audit", &s, &flags);
    assert_code(&remote, 0);
    let mut local_args = local_flags();
    local_args[1] = "4096";
    let here = run(cpslim()
        .arg("audit")
        .arg(local.path())
        .args(flags)
        .args(local_args));
    assert_code(&here, 0);
    let (a, b) = (plan_of(&remote), plan_of(&here));
    assert_eq!(a["cluster_size"], 4096);
    assert_eq!(a, b);
}

#[test]
fn a_board_without_boot_out_is_described_by_version_json() {
    let served = board();
    let local = board();
    for t in [&served, &local] {
        fs::remove_file(t.path().join("boot_out.txt")).unwrap();
    }
    let s = StandIn::start(served.path(), Options::default());
    let remote = host_cmd("audit", &s, &["--json"]);
    assert_code(&remote, 0);
    let here = run(cpslim().arg("audit").arg(local.path()).arg("--json").args([
        "--cluster-size",
        "512",
        "--cp-version",
        "10.2.1",
        "--board",
        "adafruit_feather_esp32s3_tft",
    ]));
    assert_code(&here, 0);
    let (a, b) = (plan_of(&remote), plan_of(&here));
    assert_eq!(a["board"]["version"], "10.2.1");
    assert_eq!(a["board"]["board_id"], "adafruit_feather_esp32s3_tft");
    assert_eq!(a, b);
}
