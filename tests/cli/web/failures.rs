//! `--host` when things go wrong: a read-only board, a wrong password, no answer, an old
//! firmware, a cut-off upload, hostile listings.

use std::fs;
use std::path::Path;

use super::standin::{Options, StandIn};
use super::{assert_no_dot_segments, board, host_cmd};
use crate::util::*;

/// `optimize --yes` over Wi-Fi against a stand-in serving `served` with `opts`, backing up into
/// a fresh folder (returned so it lives as long as the test needs it).
fn optimize_yes(
    served: &Path,
    opts: Options,
) -> (StandIn, std::process::Output, tempfile::TempDir) {
    let s = StandIn::start(served, opts);
    let backups = tempfile::tempdir().unwrap();
    let o = host_cmd(
        "optimize",
        &s,
        &["--yes", "--backup-dir", backups.path().to_str().unwrap()],
    );
    (s, o, backups)
}

#[test]
fn read_only_board_stops_with_what_to_do() {
    let served = board();
    let before = snapshot(served.path());
    let (_s, o, _backups) = optimize_yes(
        served.path(),
        Options {
            writable: false,
            ..Options::default()
        },
    );
    assert_code(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains("USB drive") && err.contains("boot.py"),
        "{err}"
    );
    assert_same_tree(&snapshot(served.path()), &before, "read-only board");
}

#[test]
fn wrong_password_names_the_password() {
    let served = board();
    let s = StandIn::start(served.path(), Options::default());
    let o = run(cpslim()
        .args(["audit", "--host", &s.host(), "--password", "nope"])
        .env_remove("CIRCUITPY_WEB_API_PASSWORD"));
    assert_code(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains("401") && err.contains("CIRCUITPY_WEB_API_PASSWORD"),
        "{err}"
    );
}

#[test]
fn unreachable_board_names_the_host() {
    // A port nothing listens on: bind one, then close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = run(cpslim().args(["audit", "--host", "127.0.0.1", "--port", &port.to_string()]));
    assert_code(&o, 2);
    let err = stderr(&o);
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
}

#[test]
fn old_web_api_is_refused() {
    let served = board();
    let s = StandIn::start(
        served.path(),
        Options {
            web_api_version: 3,
            ..Options::default()
        },
    );
    let o = host_cmd("audit", &s, &[]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("version 3"), "{}", stderr(&o));
}

#[test]
fn dropped_upload_fails_that_file_only() {
    let served = board();
    let before = snapshot(served.path());
    let (s, o, _backups) = optimize_yes(
        served.path(),
        Options {
            drop_upload_containing: Some("logo.bmp".into()),
            ..Options::default()
        },
    );
    assert_code(&o, 1);
    let after = snapshot(served.path());
    let logo = Path::new("images/logo.bmp");
    assert_eq!(after.get(logo), before.get(logo), "original damaged");
    assert!(
        !after.contains_key(Path::new(".DS_Store")),
        "the rest did not go on"
    );
    assert!(
        after
            .keys()
            .all(|p| !p.to_string_lossy().contains(".cpslim-")),
        "temp file left: {:?}",
        after.keys().collect::<Vec<_>>()
    );
    assert_no_dot_segments(&s);
}

#[test]
fn hostile_names_in_a_listing_are_never_followed() {
    let served = board();
    let s = StandIn::start(
        served.path(),
        Options {
            inject_root: vec![
                serde_json::json!({"name": "..", "directory": true, "file_size": 0}),
                serde_json::json!({"name": ".", "directory": true, "file_size": 0}),
                serde_json::json!({"name": "a/../../etc", "directory": false, "file_size": 3}),
                // FAT: a second CODE.PY next to code.py is not a file.
                serde_json::json!({"name": "CODE.PY", "directory": false, "file_size": 3}),
            ],
            ..Options::default()
        },
    );
    let o = host_cmd("audit", &s, &["--json"]);
    assert_code(&o, 0);
    assert!(stderr(&o).contains("will not use"), "{}", stderr(&o));
    assert_no_dot_segments(&s);
}

#[test]
fn out_needs_a_folder_not_a_board() {
    let served = board();
    let before = snapshot(served.path());
    let s = StandIn::start(served.path(), Options::default());
    let out = tempfile::tempdir().unwrap();
    let o = host_cmd(
        "optimize",
        &s,
        &["--yes", "--out", out.path().join("b").to_str().unwrap()],
    );
    assert_code(&o, 2);
    assert_same_tree(&snapshot(served.path()), &before, "board");
}

#[test]
fn a_listing_larger_than_the_drive_is_refused() {
    let served = board();
    let s = StandIn::start(
        served.path(),
        Options {
            inject_root: vec![serde_json::json!({
                "name": "huge.bin", "directory": false, "file_size": u64::MAX
            })],
            ..Options::default()
        },
    );
    let o = host_cmd("audit", &s, &[]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("huge.bin"), "{}", stderr(&o));
}

#[test]
fn restore_host_refuses_files_changed_after_the_run() {
    let served = board();
    let s = StandIn::start(served.path(), Options::default());
    let backups = tempfile::tempdir().unwrap();
    let backup_dir = backups.path().to_str().unwrap();
    assert_code(
        &host_cmd("optimize", &s, &["--yes", "--backup-dir", backup_dir]),
        0,
    );
    fs::write(
        served.path().join("images/logo.bmp"),
        b"edited on the board",
    )
    .unwrap();
    let changed = snapshot(served.path());
    let from = only_child(backups.path());
    let o = host_cmd("restore", &s, &["--from", from.to_str().unwrap()]);
    assert_code(&o, 1);
    assert!(stderr(&o).contains("images/logo.bmp"), "{}", stderr(&o));
    assert_same_tree(&snapshot(served.path()), &changed, "refused restore");
}

#[test]
fn usb_drive_mounted_after_the_listing_stops_at_the_first_write() {
    let served = board();
    let before = snapshot(served.path());
    let (s, o, _backups) = optimize_yes(
        served.path(),
        Options {
            usb_active_on_write: true,
            ..Options::default()
        },
    );
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("storage.disable_usb_drive()"),
        "{}",
        stderr(&o)
    );
    assert_same_tree(&snapshot(served.path()), &before, "board");
    // One refused write, then no more attempts.
    let writes = s
        .requests
        .lock()
        .unwrap()
        .iter()
        .filter(|l| !l.starts_with("GET "))
        .count();
    assert_eq!(writes, 1);
}

#[test]
fn a_file_changed_after_the_plan_is_left_alone() {
    let served = board();
    let (_s, o, _backups) = optimize_yes(
        served.path(),
        Options {
            touch_on_relist: Some(".DS_Store".into()),
            ..Options::default()
        },
    );
    assert_code(&o, 1);
    let after = snapshot(served.path());
    let mut edited = vec![1u8; 6148];
    edited.push(b'!');
    assert_eq!(after.get(Path::new(".DS_Store")), Some(&Some(edited)));
    assert!(
        !after.contains_key(Path::new("._code.py")),
        "the rest did not go on"
    );
}

#[test]
fn a_folder_whose_content_changed_after_the_plan_is_not_deleted() {
    let served = board();
    let (_s, o, _backups) = optimize_yes(
        served.path(),
        Options {
            add_on_relist: Some("lib/__pycache__".into()),
            ..Options::default()
        },
    );
    assert_code(&o, 1);
    let cache = served.path().join("lib/__pycache__");
    assert!(
        cache.join("added-later.py").is_file(),
        "the new file is kept"
    );
    assert!(
        cache.join("x.cpython-311.pyc").is_file(),
        "the folder is kept"
    );
    assert!(
        stdout(&o).contains("changed on the board since it was planned"),
        "{}",
        stdout(&o)
    );
}
