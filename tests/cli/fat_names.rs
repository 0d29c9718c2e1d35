//! Names compare as FAT compares them: an upper-case drive (8.3 tools, Windows) is the same
//! board, and a case twin is one file.

use std::path::Path;

use serde_json::Value;

use crate::util::*;

fn bundle() -> std::path::PathBuf {
    asset("adafruit-circuitpython-bundle-10.x-mpy-20261120.zip")
}

fn mv(root: &Path, from: &str, to: &str) {
    std::fs::rename(root.join(from), root.join(to)).unwrap();
}

/// The demo drive as an 8.3 tool leaves it: `LIB/`, `CODE.PY`, `BOOT_OUT.TXT`, mixed case.
fn upper_case_drive() -> tempfile::TempDir {
    let t = temp_copy(&asset("demo-drive"));
    let r = t.path();
    mv(r, "lib", "LIB");
    mv(r, "code.py", "CODE.PY");
    mv(r, "boot_out.txt", "BOOT_OUT.TXT");
    mv(r, "LIB/adafruit_ticks.py", "LIB/Adafruit_Ticks.PY");
    mv(r, "LIB/neopixel.py", "LIB/NEOPIXEL.PY");
    mv(r, ".DS_Store", ".DS_STORE");
    t
}

fn audit_json(root: &Path, extra: &[&str]) -> Value {
    let o = run(cpslim().arg("audit").arg(root).arg("--json").args(extra));
    assert_code(&o, 0);
    serde_json::from_slice(&o.stdout).unwrap()
}

/// (action, path, bytes_before) of every action that writes.
fn writes(v: &Value) -> Vec<(String, String, u64)> {
    v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["actions"].as_array().unwrap().iter())
        .filter(|a| a["action"] != "report")
        .map(|a| {
            (
                a["action"].as_str().unwrap().to_string(),
                a["path"].as_str().unwrap().to_string(),
                a["bytes_before"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn an_upper_case_drive_is_the_same_board_and_is_cleaned_the_same_way() {
    let t = upper_case_drive();
    let r = t.path();
    let original = snapshot(r);
    let b = bundle();
    let flags = ["--bundle", b.to_str().unwrap()];
    // Found through BOOT_OUT.TXT, also when detecting the board among mounted volumes.
    let o = run(cpslim().arg("audit").env("CPSLIM_MOUNTS", r).args(flags));
    assert_code(&o, 0);
    assert!(
        stdout(&o).contains("CircuitPython 10.2.1 on adafruit_feather_esp32s3_tft"),
        "{}",
        stdout(&o)
    );
    let plan = writes(&audit_json(r, &flags));
    let has = |kind: &str, path: &str| plan.iter().any(|(k, p, _)| k == kind && p == path);
    assert!(
        has("delete", ".DS_STORE"),
        "junk patterns ignore case: {plan:?}"
    );
    assert!(has("create", "LIB/adafruit_ticks.mpy"), "{plan:?}");
    assert!(has("delete", "LIB/Adafruit_Ticks.PY"), "{plan:?}");
    assert!(has("delete", "LIB/NEOPIXEL.PY"), "{plan:?}");
    assert!(
        !plan
            .iter()
            .any(|(_, p, _)| p == "CODE.PY" || p.starts_with("lib/")),
        "CODE.PY is protected and nothing goes to a second lib/: {plan:?}"
    );

    let backups = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("optimize")
        .arg(r)
        .args(["--yes", "--backup-dir"])
        .arg(backups.path())
        .args(flags));
    assert_code(&o, 0);
    assert!(!r.join("lib").exists(), "no lower-case lib/ beside LIB/");
    assert!(r.join("LIB/adafruit_ticks.mpy").is_file());
    assert!(!r.join("LIB/Adafruit_Ticks.PY").exists());
    assert_eq!(
        std::fs::read(r.join("CODE.PY")).unwrap(),
        original[Path::new("CODE.PY")].clone().unwrap()
    );
    assert!(
        writes(&audit_json(r, &flags)).is_empty(),
        "a second run finds nothing to do"
    );
    let o = restore_only_backup(r, backups.path(), &[]);
    assert_code(&o, 0);
    assert_same_tree(&snapshot(r), &original, "restore keeps every name's case");
}

#[test]
fn a_case_twin_is_replaced_under_its_own_name_not_created_beside_it() {
    let t = temp_copy(&asset("demo-drive"));
    let r = t.path();
    // An old compiled neopixel under its 8.3 name: on FAT it is lib/neopixel.mpy.
    let old_mpy = std::fs::read(r.join("lib/adafruit_connection_manager.mpy")).unwrap();
    write(r, "lib/NEOPIXEL.MPY", &old_mpy);
    let original = snapshot(r);
    let b = bundle();
    let flags = ["--only", "mpy", "--bundle", b.to_str().unwrap()];
    let plan = writes(&audit_json(r, &flags));
    assert!(
        plan.contains(&(
            "replace".into(),
            "lib/NEOPIXEL.MPY".into(),
            old_mpy.len() as u64
        )),
        "a replacement of the existing file, counted with its size: {plan:?}"
    );
    assert!(
        !plan.iter().any(|(_, p, _)| p == "lib/neopixel.mpy"),
        "never a create of a name that exists in another case: {plan:?}"
    );
    let backups = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("optimize")
        .arg(r)
        .args(["--yes", "--backup-dir"])
        .arg(backups.path())
        .args(flags));
    assert_code(&o, 0);
    let names: Vec<String> = std::fs::read_dir(r.join("lib"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.to_lowercase().starts_with("neopixel"))
        .collect();
    assert_eq!(names, vec!["NEOPIXEL.MPY".to_string()]);
    assert_ne!(std::fs::read(r.join("lib/NEOPIXEL.MPY")).unwrap(), old_mpy);
    let o = restore_only_backup(r, backups.path(), &[]);
    assert_code(&o, 0);
    assert_same_tree(&snapshot(r), &original, "restore");
}
