//! Junk stage through the binary: every pattern, markers, trash folders, protected files.

use std::collections::BTreeMap;
use std::path::Path;

use crate::util::*;

const BOOT_OUT: &str = "Adafruit CircuitPython 10.2.1 on 2026-05-12; Adafruit Feather ESP32-S3 TFT with ESP32S3\r\nBoard ID:adafruit_feather_esp32s3_tft\r\nUID:7CDFA1E2F3A4\r\n";

/// (path, expected action: "delete", "report", or "" for left alone)
const PATTERNS: &[(&str, &str)] = &[
    ("._code.py", "delete"),
    ("lib/._neopixel.py", "delete"),
    (".DS_Store", "delete"),
    ("lib/.DS_Store", "delete"),
    (".Spotlight-V100/Store-V2/x.db", "delete"),
    (".fseventsd/fseventsd-uuid", "delete"),
    (".TemporaryItems/folders.501/a", "delete"),
    (".apdisk", "delete"),
    (".localized", "delete"),
    (".DocumentRevisions-V100/db", "delete"),
    (".com.apple.timemachine.donotpresent", "delete"),
    (".VolumeIcon.icns", "report"),
    ("Icon\r", "report"),
    ("System Volume Information/IndexerVolumeGuid", "delete"),
    ("Thumbs.db", "delete"),
    ("images/THUMBS.DB", "delete"),
    ("ehthumbs_vista.db", "delete"),
    ("desktop.ini", "delete"),
    ("FOUND.000/FILE0000.CHK", "report"),
    (".directory", "delete"),
    (".xdg-volume-info", "delete"),
    (".hidden", "report"),
    (".goutputstream-AB12CD", "delete"),
    (".fuse_hidden0000001a00000002", "delete"),
    (".code.py.swp", "delete"),
    ("lib/.my_sensors.py.swo", "delete"),
    ("4913", "delete"),
    ("code.py~", "delete"),
    ("#code.py#", "delete"),
    (".#code.py", "delete"),
    ("code.py.kate-swp", "delete"),
    ("settings.toml.save", "delete"),
    ("lib/__pycache__/x.cpython-311.pyc", "delete"),
    ("lib/old.pyc", "delete"),
    (".pytest_cache/v/cache", "delete"),
    (".mypy_cache/3.11/x.json", "delete"),
    (".vscode/settings.json", "report"),
    (".idea/workspace.xml", "report"),
    (".git/HEAD", "report"),
    (".cpslim-123-4.tmp", "delete"),
    // not junk
    ("lib/neopixel.mpy", ""),
    ("lib/adafruit_ticks.py", ""),
    ("sd/placeholder.txt", ""),
    ("fonts/font.bdf", ""),
    ("notes~txt", ""),
];

/// The folder or file an action for `rel` is expected on (junk folders are deleted whole).
fn action_target(rel: &str) -> &str {
    for dir in [
        ".Spotlight-V100",
        ".TemporaryItems",
        ".DocumentRevisions-V100",
        "System Volume Information",
        "FOUND.000",
        "lib/__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".vscode",
        ".idea",
        ".git",
    ] {
        if rel.starts_with(&format!("{dir}/")) {
            return dir;
        }
    }
    rel
}

fn board_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "boot_out.txt", BOOT_OUT.as_bytes());
    write(t.path(), "code.py", b"import neopixel\n");
    for (rel, _) in files {
        write(t.path(), rel, format!("content of {rel}").as_bytes());
    }
    t
}

fn actions(json: &serde_json::Value, stage: &str) -> BTreeMap<String, (String, String)> {
    json["stages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["name"] == stage)
        .flat_map(|s| s["actions"].as_array().unwrap().iter())
        .map(|a| {
            (
                a["path"].as_str().unwrap().to_string(),
                (
                    a["action"].as_str().unwrap().to_string(),
                    a["note"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

pub fn audit_json(path: &Path, extra: &[&str]) -> serde_json::Value {
    let o = run(cpslim().arg("audit").arg(path).arg("--json").args(extra));
    assert_code(&o, 0);
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("bad json: {e}\n{}", stdout(&o)))
}

#[test]
fn every_junk_pattern_gets_its_rule() {
    let t = board_with(PATTERNS);
    let json = audit_json(t.path(), &["--only", "junk"]);
    let got = actions(&json, "junk");
    for (rel, want) in PATTERNS {
        let target = action_target(rel);
        let action = got.get(target).map(|(a, _)| a.as_str()).unwrap_or("");
        assert_eq!(action, *want, "{rel} (acted on as {target}): {got:?}");
    }
}

#[test]
fn optimize_deletes_junk_and_keeps_everything_else() {
    let t = board_with(PATTERNS);
    let backups = tempfile::tempdir().unwrap();
    let before = snapshot(t.path());
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .args(["--only", "junk", "--yes", "--backup-dir"])
        .arg(backups.path()));
    assert_code(&o, 0);
    for (rel, want) in PATTERNS {
        let exists = t.path().join(rel).exists();
        assert_eq!(exists, *want != "delete", "{rel}");
    }
    // A second run finds nothing to do.
    let json = audit_json(t.path(), &["--only", "junk"]);
    let left: Vec<_> = actions(&json, "junk")
        .into_iter()
        .filter(|(_, (a, _))| a != "report")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // restore brings every byte back
    let o = restore_only_backup(t.path(), backups.path(), &[]);
    assert_code(&o, 0);
    assert_same_tree(&snapshot(t.path()), &before, "tree");
}

#[test]
fn markers_are_kept_and_recreated_on_a_board_only() {
    let t = board_with(&[(".fseventsd/no_log", ""), (".fseventsd/0000001", "")]);
    std::fs::write(t.path().join(".fseventsd/no_log"), b"").unwrap();
    std::fs::write(t.path().join(".Trash-1000"), b"").unwrap();
    let backups = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .args(["--yes", "--backup-dir"])
        .arg(backups.path()));
    assert_code(&o, 0);
    for m in [
        ".fseventsd/no_log",
        ".metadata_never_index",
        ".Trashes",
        ".Trash-1000",
    ] {
        let meta =
            std::fs::symlink_metadata(t.path().join(m)).unwrap_or_else(|_| panic!("{m} missing"));
        assert!(meta.is_file() && meta.len() == 0, "{m}");
    }
    assert!(!t.path().join(".fseventsd/0000001").exists());

    // A project folder (no boot_out.txt) gets no markers.
    let f = tempfile::tempdir().unwrap();
    write(f.path(), "code.py", b"print(1)\n");
    write(f.path(), ".DS_Store", b"x");
    let o = run(cpslim()
        .arg("optimize")
        .arg(f.path())
        .args(["--yes", "--backup-dir"])
        .arg(backups.path()));
    assert_code(&o, 0);
    let names: Vec<_> = std::fs::read_dir(f.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("code.py")]);
}

#[test]
fn trash_folders_are_emptied_only_with_empty_trash() {
    let files = [
        (".Trashes/501/old_lib.py", ""),
        (".Trash-1000/files/photo.bmp", ""),
        ("$RECYCLE.BIN/S-1-5/$RABC.py", ""),
    ];
    let t = board_with(&files);
    let backups = tempfile::tempdir().unwrap();
    let json = audit_json(t.path(), &[]);
    let got = actions(&json, "junk");
    for dir in [".Trashes", ".Trash-1000", "$RECYCLE.BIN"] {
        let (action, note) = &got[dir];
        assert_eq!(action, "report", "{dir}");
        assert!(
            note.contains("1 deleted file") && note.contains("--empty-trash"),
            "{note}"
        );
    }
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .args(["--yes", "--backup-dir"])
        .arg(backups.path()));
    assert_code(&o, 0);
    for (rel, _) in files {
        assert!(
            t.path().join(rel).is_file(),
            "{rel} was deleted without --empty-trash"
        );
    }
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .args(["--yes", "--empty-trash", "--backup-dir"])
        .arg(backups.path()));
    assert_code(&o, 0);
    for (rel, _) in files {
        assert!(!t.path().join(rel).exists(), "{rel}");
    }
    // The macOS and XDG trash folders become CircuitPython's empty marker files.
    for m in [".Trashes", ".Trash-1000"] {
        let meta = std::fs::metadata(t.path().join(m)).unwrap();
        assert!(meta.is_file() && meta.len() == 0, "{m}");
    }
    assert!(!t.path().join("$RECYCLE.BIN").exists());
}

#[test]
fn protected_files_keep_bytes_and_mtime() {
    let t = tempfile::tempdir().unwrap();
    copy_tree(&asset("demo-drive"), t.path());
    let protected = ["code.py", "boot.py", "settings.toml", "boot_out.txt"];
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
    for p in protected {
        std::fs::File::options()
            .write(true)
            .open(t.path().join(p))
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    let before: Vec<_> = protected
        .iter()
        .map(|p| std::fs::read(t.path().join(p)).unwrap())
        .collect();
    let backups = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .args(["--only", "junk", "--empty-trash", "--yes", "--backup-dir"])
        .arg(backups.path()));
    assert_code(&o, 0);
    for (p, bytes) in protected.iter().zip(before) {
        assert_eq!(std::fs::read(t.path().join(p)).unwrap(), bytes, "{p}");
        assert_eq!(
            std::fs::metadata(t.path().join(p))
                .unwrap()
                .modified()
                .unwrap(),
            old,
            "{p} mtime"
        );
    }
    assert!(!t.path().join("._code.py").exists());
}
