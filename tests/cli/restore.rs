//! `restore` finishes and trusts nothing: runs are found from the --backup-dir folder, a bad
//! manifest changes nothing, a damaged copy fails alone, missing folders come back.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::*;

fn bundle() -> PathBuf {
    asset("adafruit-circuitpython-bundle-10.x-mpy-20261120.zip")
}

fn optimize(root: &Path, backups: &Path, extra: &[&str]) {
    let o = run(cpslim()
        .arg("optimize")
        .arg(root)
        .args(["--yes", "--backup-dir"])
        .arg(backups)
        .args(extra));
    assert_code(&o, 0);
}

fn restore(args: &[&std::ffi::OsStr]) -> std::process::Output {
    run(cpslim().arg("restore").args(args))
}

fn os(p: &Path) -> &std::ffi::OsStr {
    p.as_os_str()
}

#[test]
fn from_takes_the_backup_dir_list_shows_runs_and_an_older_run_is_named() {
    let t = temp_copy(&asset("demo-drive"));
    let original = snapshot(t.path());
    let backups = tempfile::tempdir().unwrap();
    optimize(t.path(), backups.path(), &["--only", "junk"]);
    let after_first = snapshot(t.path());
    let first = only_child(backups.path());
    // A second run in the same second gets its own folder.
    optimize(
        t.path(),
        backups.path(),
        &["--only", "mpy", "--bundle", bundle().to_str().unwrap()],
    );
    let second = std::fs::read_dir(backups.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| *p != first)
        .unwrap();

    let o = restore(&[
        os(t.path()),
        "--list".as_ref(),
        "--from".as_ref(),
        os(backups.path()),
    ]);
    assert_code(&o, 0);
    let out = stdout(&o);
    let line_of = |p: &Path| out.find(&format!("{}  (for", p.display()));
    let (a, b) = (line_of(&second), line_of(&first));
    assert!(a.is_some() && b.is_some() && a < b, "newest first:\n{out}");

    // --from the folder given to --backup-dir: its newest run for PATH.
    let o = restore(&[os(t.path()), "--from".as_ref(), os(backups.path())]);
    assert_code(&o, 0);
    assert_same_tree(
        &snapshot(t.path()),
        &after_first,
        "the newest run is undone",
    );
    assert!(
        stderr(&o).contains("Eject"),
        "a board was changed: eject before unplugging\n{}",
        stderr(&o)
    );
    let out = stdout(&o);
    assert!(
        out.contains("older run") && out.contains(&*first.to_string_lossy()),
        "says how to undo the older run:\n{out}"
    );
    let o = restore(&[os(t.path()), "--from".as_ref(), os(&first)]);
    assert_code(&o, 0);
    assert_same_tree(&snapshot(t.path()), &original, "both runs undone");
}

#[test]
fn from_without_path_restores_the_folder_the_run_recorded() {
    let t = temp_copy(&asset("demo-drive"));
    let original = snapshot(t.path());
    let backups = tempfile::tempdir().unwrap();
    optimize(t.path(), backups.path(), &["--only", "junk"]);
    let o = run(cpslim()
        .arg("restore")
        .arg("--from")
        .arg(only_child(backups.path()))
        .env("CPSLIM_MOUNTS", ""));
    assert_code(&o, 0);
    assert_same_tree(&snapshot(t.path()), &original, "restored in place");
}

#[test]
fn a_backup_of_another_folder_needs_yes() {
    let a = temp_copy(&asset("demo-drive"));
    let original = snapshot(a.path());
    let backups = tempfile::tempdir().unwrap();
    optimize(a.path(), backups.path(), &["--only", "junk"]);
    let b = temp_copy(a.path());
    let b_before = snapshot(b.path());
    let run_dir = only_child(backups.path());
    let o = restore(&[os(b.path()), "--from".as_ref(), os(&run_dir)]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("was made for"), "{}", stderr(&o));
    assert_same_tree(&snapshot(b.path()), &b_before, "refused: nothing changed");
    let o = restore(&[
        os(b.path()),
        "--from".as_ref(),
        os(&run_dir),
        "--yes".as_ref(),
    ]);
    assert_code(&o, 0);
    assert_same_tree(&snapshot(b.path()), &original, "restored with --yes");
}

#[test]
fn a_deleted_folder_comes_back_and_a_damaged_copy_fails_alone() {
    let t = temp_copy(&asset("demo-drive"));
    let original = snapshot(t.path());
    let backups = tempfile::tempdir().unwrap();
    optimize(t.path(), backups.path(), &["--only", "junk"]);
    let run_dir = only_child(backups.path());
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(run_dir.join("manifest.json")).unwrap()).unwrap();
    let copy_of = |path: &str| -> PathBuf {
        let e = manifest["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["path"] == path)
            .unwrap_or_else(|| panic!("{path} in the manifest"));
        run_dir.join(e["copy"].as_str().unwrap())
    };
    // One flipped byte in the backup of the root .DS_Store.
    let copy = copy_of(".DS_Store");
    let mut bytes = std::fs::read(&copy).unwrap();
    bytes[10] ^= 0x01;
    std::fs::write(&copy, bytes).unwrap();
    // The user deleted lib/ (which held .DS_Store and ._neopixel.py the run removed).
    std::fs::remove_dir_all(t.path().join("lib")).unwrap();

    let o = restore(&[os(t.path()), "--from".as_ref(), os(&run_dir)]);
    assert_code(&o, 1);
    let err = stderr(&o);
    assert_eq!(
        err.matches("damaged").count(),
        1,
        "one error, said once:\n{err}"
    );
    assert!(err.contains(".DS_Store"), "{err}");
    assert!(
        !t.path().join(".DS_Store").exists(),
        "wrong bytes are never restored"
    );
    // Everything else of the run is back, lib/ recreated for it.
    let now = snapshot(t.path());
    for (p, v) in &original {
        if p == Path::new(".DS_Store") || (p.starts_with("lib") && !manifest_has(&manifest, p)) {
            continue;
        }
        assert_eq!(now.get(p), Some(v), "{} not restored", p.display());
    }
    assert_eq!(
        std::fs::read(t.path().join("lib/.DS_Store")).unwrap(),
        original[Path::new("lib/.DS_Store")].clone().unwrap()
    );
}

fn manifest_has(m: &Value, p: &Path) -> bool {
    m["entries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["path"] == *p.to_string_lossy())
}

/// Each way a manifest can lie: exit 2, not one file changed, nothing read from outside.
#[test]
fn every_manifest_attack_is_refused_before_anything_changes() {
    let t = temp_copy(&asset("demo-drive"));
    let backups = tempfile::tempdir().unwrap();
    optimize(t.path(), backups.path(), &["--only", "junk"]);
    let run_dir = only_child(backups.path());
    let good = std::fs::read(run_dir.join("manifest.json")).unwrap();
    let manifest: Value = serde_json::from_slice(&good).unwrap();
    // The last file with a copy: the attack comes after entries the old restore would have
    // written already.
    let last = manifest["entries"]
        .as_array()
        .unwrap()
        .iter()
        .rposition(|e| e["copy"].is_string())
        .unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), b"not yours").unwrap();
    let secret = outside.path().join("secret");
    let link = run_dir.join("files/link-out");
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    std::fs::create_dir(run_dir.join("files/a-folder")).unwrap();
    let attacks: Vec<(&str, &str, Value)> = vec![
        ("empty path", "path", Value::from("")),
        ("empty hex path", "path", Value::from("hex:")),
        ("dot-dot path", "path", Value::from("../escaped")),
        ("absolute path", "path", Value::from("/tmp/escaped")),
        ("NUL in path", "path", Value::from("lib/a\u{0}b")),
        ("NUL in hex path", "path", Value::from("hex:6c69622f610062")),
        ("copy /dev/zero", "copy", Value::from("/dev/zero")),
        (
            "absolute copy",
            "copy",
            Value::from(secret.to_str().unwrap()),
        ),
        ("dot-dot copy", "copy", Value::from("files/../../../secret")),
        ("copy is a link out", "copy", Value::from("files/link-out")),
        ("copy is a folder", "copy", Value::from("files/a-folder")),
        ("mtime 2^64-1", "mtime", serde_json::json!([u64::MAX, 0])),
        (
            "nanoseconds",
            "mtime",
            serde_json::json!([1, 2_000_000_000u32]),
        ),
        ("size 2^64-1", "size", Value::from(u64::MAX)),
        ("bad hash", "sha256", Value::from("abc")),
    ];
    let before = snapshot(t.path());
    for (what, field, value) in attacks {
        let mut m = manifest.clone();
        m["entries"][last][field] = value;
        std::fs::write(
            run_dir.join("manifest.json"),
            serde_json::to_vec(&m).unwrap(),
        )
        .unwrap();
        let o = restore(&[
            os(t.path()),
            "--from".as_ref(),
            os(&run_dir),
            "--yes".as_ref(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{what}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("manifest.json"),
            "{what}: {}",
            stderr(&o)
        );
        assert_same_tree(&snapshot(t.path()), &before, what);
        assert!(!t.path().parent().unwrap().join("escaped").exists());
    }
    assert_eq!(std::fs::read(&secret).unwrap(), b"not yours");
    // The real manifest still restores.
    std::fs::write(run_dir.join("manifest.json"), good).unwrap();
    let o = restore(&[os(t.path()), "--from".as_ref(), os(&run_dir)]);
    assert_code(&o, 0);
}
