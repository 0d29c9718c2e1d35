//! `restore --host` trusts its backup no more than a drive's restore does: the manifest is
//! checked before the board changes, and a damaged copy fails only its own file.

use super::standin::{Options, StandIn};
use super::{board, host_cmd};
use crate::util::*;

/// Optimize the served board into a fresh backup folder; the run folder it made.
fn optimized(s: &StandIn, backups: &std::path::Path) -> std::path::PathBuf {
    let o = host_cmd(
        "optimize",
        s,
        &["--yes", "--backup-dir", backups.to_str().unwrap()],
    );
    assert_code(&o, 0);
    let runs: Vec<_> = std::fs::read_dir(backups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    runs.into_iter().next().unwrap()
}

fn manifest(run: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(run.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn a_copy_outside_the_backup_is_refused_before_the_board_changes() {
    let served = board();
    let s = StandIn::start(served.path(), Options::default());
    let backups = tempfile::tempdir().unwrap();
    let run = optimized(&s, backups.path());
    let after = snapshot(served.path());
    let mut m = manifest(&run);
    let entry = m["entries"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e["copy"].is_string())
        .expect("an entry with a copy");
    entry["copy"] = "../../../../etc/hostname".into();
    std::fs::write(run.join("manifest.json"), m.to_string()).unwrap();
    let o = host_cmd("restore", &s, &["--from", run.to_str().unwrap(), "--yes"]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("manifest"), "{}", stderr(&o));
    assert_same_tree(
        &snapshot(served.path()),
        &after,
        "board after a refused restore",
    );
}

#[test]
fn a_damaged_copy_fails_its_file_and_the_rest_is_restored() {
    let served = board();
    let before = snapshot(served.path());
    let s = StandIn::start(served.path(), Options::default());
    let backups = tempfile::tempdir().unwrap();
    let run = optimized(&s, backups.path());
    let m = manifest(&run);
    let damaged = m["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["copy"].is_string() && e["size"].as_u64().is_some_and(|n| n > 0))
        .expect("a non-empty copy");
    let copy = run.join(damaged["copy"].as_str().unwrap());
    let mut bytes = std::fs::read(&copy).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(&copy, bytes).unwrap();
    let o = host_cmd("restore", &s, &["--from", run.to_str().unwrap()]);
    assert_code(&o, 1);
    let path = damaged["path"].as_str().unwrap();
    assert!(stderr(&o).contains(path), "{}", stderr(&o));
    // Every other file is back as it was; the damaged one is not written with wrong bytes.
    let now = snapshot(served.path());
    let mut want = before.clone();
    want.retain(|k, _| !k.to_string_lossy().eq_ignore_ascii_case(path));
    let mut got = now.clone();
    got.retain(|k, _| !k.to_string_lossy().eq_ignore_ascii_case(path));
    assert_same_tree(&got, &want, "board apart from the damaged file");
    assert_ne!(
        now.iter()
            .find(|(k, _)| k.to_string_lossy() == path)
            .map(|(_, v)| v),
        before
            .iter()
            .find(|(k, _)| k.to_string_lossy() == path)
            .map(|(_, v)| v),
        "the damaged copy must not be restored as if it were the original"
    );
}
