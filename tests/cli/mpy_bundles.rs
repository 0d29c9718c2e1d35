//! Which bundle the mpy stage swaps from: none (an estimate and the name to download), an older
//! or a too-old series, broken zips, an extracted folder beside the community bundle, and a
//! folder without boot_out.txt.

use std::fs;
use std::path::{Path, PathBuf};

use crate::mpy::*;
use crate::util::*;

#[test]
fn without_a_bundle_it_estimates_and_names_the_bundle_to_download() {
    let drive = mpy_drive();
    let before = snapshot(drive.path());
    let (o, v) = audit_json(drive.path(), &[]);
    assert_code(&o, 0);
    let acts = actions(&v);
    // Only the .mpy shadowed by its .py is deleted without a bundle; the rest are estimates.
    let writes: Vec<_> = acts.iter().filter(|a| a["action"] != "report").collect();
    assert_eq!(writes.len(), 1, "{writes:#?}");
    assert_eq!(writes[0]["path"], "lib/adafruit_requests.mpy");
    let neo = acts
        .iter()
        .find(|a| a["path"] == "lib/neopixel.py")
        .expect("estimate for neopixel");
    let note = neo["note"].as_str().unwrap_or_default();
    assert!(note.contains("estimate"), "{note}");
    assert!(
        note.contains("adafruit-circuitpython-bundle-10.x-mpy-YYYYMMDD.zip"),
        "{note}"
    );
    assert_eq!(neo["bytes_after"], 1254); // 5,014 × 0.25
    let o = audit_human(drive.path(), &[]);
    assert!(
        warnings(&o).iter().any(|l| l.contains("estimate")
            && l.contains("adafruit-circuitpython-bundle-10.x-mpy-YYYYMMDD.zip")),
        "{}",
        stdout(&o)
    );
    let (o, _b) = optimize(drive.path(), &[]);
    assert_code(&o, 0);
    let mut after = snapshot(drive.path());
    // The shadowed adafruit_requests.mpy is the one change made without a bundle.
    assert!(!drive.path().join("lib/adafruit_requests.mpy").exists());
    after.insert(
        PathBuf::from("lib/adafruit_requests.mpy"),
        before[Path::new("lib/adafruit_requests.mpy")].clone(),
    );
    assert_eq!(after, before);
}

#[test]
fn a_9x_bundle_on_a_10x_board_warns_and_still_swaps() {
    let drive = mpy_drive();
    let b9 = bundle(&format!("adafruit-circuitpython-bundle-9.x-mpy-{TAG}.zip"));
    let o = audit_human(drive.path(), &["--bundle", s(&b9)]);
    assert_code(&o, 0);
    assert!(
        warnings(&o)
            .iter()
            .any(|l| l.contains("built for CircuitPython 9.x") && l.contains("10.x-mpy")),
        "{}",
        stdout(&o)
    );
    let (o, _b) = optimize(drive.path(), &["--bundle", s(&b9)]);
    assert_code(&o, 0);
    let b = lib_entries(&b9);
    assert_eq!(
        fs::read(drive.path().join("lib/neopixel.mpy"))
            .ok()
            .as_ref(),
        b.get("neopixel.mpy")
    );
    assert!(!drive.path().join("lib/neopixel.py").exists());
}

#[test]
fn a_cp8_bundle_on_a_10x_board_is_a_usage_error() {
    let drive = mpy_drive();
    let before = snapshot(drive.path());
    let b8 = bundle(&format!("adafruit-circuitpython-bundle-8.x-mpy-{TAG}.zip"));
    let (o, _b) = optimize(drive.path(), &["--bundle", s(&b8)]);
    assert_code(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("8.x-mpy"), "{err}");
    assert!(err.contains("10.2.1"), "{err}");
    assert!(
        err.contains("adafruit-circuitpython-bundle-10.x-mpy-YYYYMMDD.zip"),
        "{err}"
    );
    assert_eq!(snapshot(drive.path()), before);
}

#[test]
fn bad_bundles_are_clear_errors_and_change_nothing() {
    let cases: [(PathBuf, &str); 5] = [
        (
            fixture(&format!(
                "mpy/badzips/adafruit-circuitpython-bundle-9.x-mpy-{TAG}.zip"
            )),
            "not a readable zip",
        ),
        (
            fixture(&format!(
                "mpy/badzips/crc-adafruit-circuitpython-bundle-9.x-mpy-{TAG}.zip"
            )),
            "corrupt",
        ),
        (
            fixture(&format!(
                "mpy/badzips/evil-adafruit-circuitpython-bundle-10.x-mpy-{TAG}.zip"
            )),
            "`..`",
        ),
        (
            fixture("mpy/badzips/holiday-photos.zip"),
            "not a CircuitPython library bundle",
        ),
        (
            bundle(&format!("adafruit-circuitpython-bundle-py-{TAG}.zip")),
            "py bundle",
        ),
    ];
    let drive = mpy_drive();
    let before = snapshot(drive.path());
    for (zip, want) in cases {
        let (o, _b) = optimize(drive.path(), &["--bundle", s(&zip)]);
        assert_code(&o, 2);
        let err = stderr(&o);
        assert!(err.contains(want), "{}: {err}", zip.display());
        assert_eq!(snapshot(drive.path()), before, "{}", zip.display());
    }
}

#[test]
fn extracted_bundle_folder_and_community_bundle_work_together() {
    let drive = mpy_drive();
    let root = drive.path();
    fs::copy(
        fixture("mpy/community_blinker.py"),
        root.join("lib/community_blinker.py"),
    )
    .expect("blinker");
    let community = bundle(&format!(
        "circuitpython-community-bundle-10.x-mpy-{TAG}.zip"
    ));
    let extracted = bundle("extracted");
    let (o, _b) = optimize(
        root,
        &["--bundle", s(&extracted), "--bundle", s(&community)],
    );
    assert_code(&o, 0);
    let ex = bundle(&format!(
        "extracted/adafruit-circuitpython-bundle-10.x-mpy-{TAG}/lib"
    ));
    for m in [
        "neopixel.mpy",
        "adafruit_ticks.mpy",
        "adafruit_bme280/basic.mpy",
        "adafruit_bme280/__init__.py",
    ] {
        assert_eq!(
            fs::read(root.join("lib").join(m)).ok(),
            fs::read(ex.join(m)).ok(),
            "{m}"
        );
    }
    assert!(!root.join("lib/adafruit_bme280/basic.py").exists());
    assert_eq!(
        fs::read(root.join("lib/community_blinker.mpy"))
            .ok()
            .as_ref(),
        lib_entries(&community).get("community_blinker.mpy")
    );
    assert!(!root.join("lib/community_blinker.py").exists());
    // Not in the partial extracted bundle: left as .py.
    assert!(root.join("lib/adafruit_display_text/label.py").exists());
}

#[test]
fn folder_without_boot_out_follows_the_bundle_or_cp_version() {
    let drive = mpy_drive();
    let root = drive.path();
    fs::remove_file(root.join("boot_out.txt")).expect("rm");
    let (o, v) = audit_json(root, &["--bundle", s(&b10())]);
    assert_code(&o, 0);
    assert!(actions(&v)
        .iter()
        .any(|a| a["action"] == "create" && a["path"] == "lib/neopixel.mpy"));
    let (o, _) = audit_json(root, &["--bundle", s(&b10()), "--cp-version", "8.2.10"]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("8.x-mpy"), "{}", stderr(&o));
}
