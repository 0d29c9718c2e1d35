//! mpy stage: swap lib/ .py libraries for the bundle's .mpy, end to end through the binary.
//! Fixtures: tests/fixtures/mpy (built by make_fixtures.py from make_bundle_fixture, real mpy-cross).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

pub(crate) use cpslim_testkit::bundle::lib_entries;

use crate::util::*;

pub(crate) const TAG: &str = "20261120";

pub(crate) fn bundle(name: &str) -> PathBuf {
    fixture(&format!("mpy/bundles/{name}"))
}

pub(crate) fn b10() -> PathBuf {
    bundle(&format!("adafruit-circuitpython-bundle-10.x-mpy-{TAG}.zip"))
}

/// lib-relative path → bytes, for every file under `lib/` of a bundle zip.
/// The make_bundle_fixture drive: the committed skeleton plus the .py libraries, which are
/// byte-identical to the py bundle's.
pub(crate) fn mpy_drive() -> tempfile::TempDir {
    let t = temp_copy(&fixture("mpy/drive"));
    let wanted = fs::read_to_string(fixture("mpy/drive-from-py.txt")).expect("list");
    let wanted: Vec<&str> = wanted.lines().collect();
    for (rel, bytes) in lib_entries(&bundle(&format!(
        "adafruit-circuitpython-bundle-py-{TAG}.zip"
    ))) {
        let top = rel.split('/').next().unwrap_or_default();
        if wanted.contains(&top) {
            write(t.path(), &format!("lib/{rel}"), &bytes);
        }
    }
    t
}

pub(crate) fn lib_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(&root.join("lib"))
        .into_iter()
        .filter_map(|(p, b)| Some((p.to_string_lossy().replace('\\', "/"), b?)))
        .collect()
}

/// The module a lib-relative path belongs to (`neopixel.mpy` → `neopixel`).
pub(crate) fn module_of(rel: &str) -> String {
    match rel.split_once('/') {
        Some((top, _)) => top.to_string(),
        None => rel.rsplit_once('.').map_or(rel, |(s, _)| s).to_string(),
    }
}

pub(crate) fn optimize(root: &Path, args: &[&str]) -> (std::process::Output, tempfile::TempDir) {
    let backups = tempfile::tempdir().expect("backups");
    let mut c = cpslim();
    c.arg("optimize")
        .arg(root)
        .args(["--only", "mpy", "--yes", "--backup-dir"])
        .arg(backups.path())
        .args(args);
    (run(&mut c), backups)
}

pub(crate) fn audit_json(root: &Path, args: &[&str]) -> (std::process::Output, serde_json::Value) {
    let mut c = cpslim();
    c.arg("audit")
        .arg(root)
        .args(["--only", "mpy", "--json"])
        .args(args);
    let o = run(&mut c);
    let v = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
    (o, v)
}

pub(crate) fn audit_human(root: &Path, args: &[&str]) -> std::process::Output {
    let mut c = cpslim();
    c.arg("audit").arg(root).args(["--only", "mpy"]).args(args);
    run(&mut c)
}

/// Plan lines the human report tags as warnings.
pub(crate) fn warnings(o: &std::process::Output) -> Vec<String> {
    stdout(o)
        .lines()
        .filter(|l| l.split_whitespace().nth(1) == Some("warning"))
        .map(str::to_string)
        .collect()
}

pub(crate) fn actions(v: &serde_json::Value) -> Vec<serde_json::Value> {
    v["stages"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["actions"].as_array().cloned().unwrap_or_default())
        .collect()
}

pub(crate) fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn optimize_swaps_every_library_for_the_bundle_bytes_and_restore_undoes_it() {
    let drive = mpy_drive();
    let root = drive.path();
    let before = snapshot(root);
    let before_lib = lib_files(root);
    let (o, backups) = optimize(root, &["--bundle", s(&b10())]);
    assert_code(&o, 0);

    let bundle = lib_entries(&b10());
    let after = lib_files(root);
    let swapped: Vec<String> = before_lib
        .keys()
        .map(|k| module_of(k))
        .filter(|m| m != "my_sensors")
        .collect();
    for m in &swapped {
        // Exactly the bundle's files for the module, byte for byte (empty __init__.py stays .py).
        let want: BTreeMap<&String, &Vec<u8>> =
            bundle.iter().filter(|(k, _)| module_of(k) == *m).collect();
        let got: BTreeMap<&String, &Vec<u8>> =
            after.iter().filter(|(k, _)| module_of(k) == *m).collect();
        assert_eq!(got, want, "module {m} is not the bundle's");
    }
    // The user's module and the code files are untouched.
    for rel in [
        "lib/my_sensors.py",
        "code.py",
        "boot.py",
        "settings.toml",
        "boot_out.txt",
    ] {
        assert_eq!(
            fs::read(root.join(rel)).ok(),
            before[Path::new(rel)].clone(),
            "{rel} changed"
        );
    }
    // lib/ shrinks as measured in docs/domain/bundles-and-mpy.md: 300,407 B → 74,900 B.
    let size = |m: &BTreeMap<String, Vec<u8>>| m.values().map(|b| b.len()).sum::<usize>();
    assert_eq!(size(&before_lib), 300_407);
    assert_eq!(size(&after), 74_900);

    let o = restore_only_backup(root, backups.path(), &["--yes"]);
    assert_code(&o, 0);
    assert_eq!(snapshot(root), before, "restore did not undo the swap");
}

#[test]
fn second_run_changes_nothing() {
    let drive = mpy_drive();
    let (o, _b) = optimize(drive.path(), &["--bundle", s(&b10())]);
    assert_code(&o, 0);
    let (o, v) = audit_json(drive.path(), &["--bundle", s(&b10())]);
    assert_code(&o, 0);
    let writes: Vec<_> = actions(&v)
        .into_iter()
        .filter(|a| a["action"] != "report")
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
}

#[test]
fn audit_plans_write_before_delete_and_reports_versions_and_user_modules() {
    let drive = mpy_drive();
    let before = snapshot(drive.path());
    let (o, v) = audit_json(drive.path(), &["--bundle", s(&b10())]);
    assert_code(&o, 0);
    assert_eq!(snapshot(drive.path()), before, "audit wrote something");
    let acts = actions(&v);
    let pos = |kind: &str, path: &str| {
        acts.iter()
            .position(|a| a["action"] == kind && a["path"] == path)
            .unwrap_or_else(|| panic!("no {kind} {path} in {acts:#?}"))
    };
    assert!(pos("create", "lib/neopixel.mpy") < pos("delete", "lib/neopixel.py"));
    let note = |path: &str| -> String {
        acts.iter()
            .filter(|a| a["path"] == path && a["action"] == "report")
            .map(|a| a["note"].as_str().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(note("lib/neopixel.py").contains("6.4.2 → 6.4.2"));
    assert!(note("lib/my_sensors.py").contains("not in the given bundle"));
    assert!(note("lib/adafruit_requests.mpy").contains("dead weight"));
    assert_eq!(v["stages"][0]["saved_bytes"], 225_507);
}

#[test]
fn stale_c5_and_micropython_files_are_replaced_or_reported() {
    let drive = mpy_drive();
    let root = drive.path();
    fs::remove_file(root.join("lib/adafruit_ticks.py")).expect("rm");
    fs::copy(
        fixture("mpy/badmpy/adafruit_ticks.c5.mpy"),
        root.join("lib/adafruit_ticks.mpy"),
    )
    .expect("c5");
    fs::remove_file(root.join("lib/neopixel.py")).expect("rm");
    fs::copy(
        fixture("mpy/badmpy/neopixel.m.mpy"),
        root.join("lib/neopixel.mpy"),
    )
    .expect("m");
    fs::copy(
        fixture("mpy/badmpy/mp_helper.mpy"),
        root.join("lib/mp_helper.mpy"),
    )
    .expect("user m");
    let (o, v) = audit_json(root, &["--bundle", s(&b10())]);
    assert_code(&o, 0);
    let acts = actions(&v);
    let note_of = |path: &str, kind: &str| -> String {
        acts.iter()
            .find(|a| a["path"] == path && a["action"] == kind)
            .and_then(|a| a["note"].as_str().map(str::to_string))
            .unwrap_or_else(|| panic!("no {kind} for {path}: {acts:#?}"))
    };
    assert!(note_of("lib/adafruit_ticks.mpy", "replace").contains("incompatible .mpy file"));
    assert!(note_of("lib/neopixel.mpy", "replace").contains("MicroPython .mpy file"));
    assert!(!acts
        .iter()
        .any(|a| a["path"] == "lib/mp_helper.mpy" && a["action"] != "report"));
    let o = audit_human(root, &["--bundle", s(&b10())]);
    assert!(
        warnings(&o)
            .iter()
            .any(|l| l.contains("lib/mp_helper.mpy") && l.contains("will fail with")),
        "{}",
        stdout(&o)
    );

    let (o, _b) = optimize(root, &["--bundle", s(&b10())]);
    assert_code(&o, 0);
    let b = lib_entries(&b10());
    for m in ["adafruit_ticks.mpy", "neopixel.mpy"] {
        assert_eq!(
            fs::read(root.join("lib").join(m)).ok().as_ref(),
            b.get(m),
            "{m}"
        );
    }
    assert_eq!(
        fs::read(root.join("lib/mp_helper.mpy")).ok(),
        fs::read(fixture("mpy/badmpy/mp_helper.mpy")).ok()
    );
}

#[test]
fn user_files_inside_a_bundle_package_are_kept() {
    let drive = mpy_drive();
    let root = drive.path();
    write(
        root,
        "lib/adafruit_bme280/my_calibration.py",
        b"OFFSET = 3\n",
    );
    let (o, _b) = optimize(root, &["--bundle", s(&b10())]);
    assert_code(&o, 0);
    assert_eq!(
        fs::read(root.join("lib/adafruit_bme280/my_calibration.py")).ok(),
        Some(b"OFFSET = 3\n".to_vec())
    );
    assert!(root.join("lib/adafruit_bme280/basic.mpy").exists());
}
