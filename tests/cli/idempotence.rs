//! Idempotence as a property of the whole tool: for every fixture drive and the demo drive, and
//! every flag combination the README shows, `optimize` followed by `audit` with the same flags
//! plans no change, and a second `optimize` changes nothing and exits 0.

use std::path::{Path, PathBuf};

use crate::util::*;

/// The flag combinations: each stage's opt-ins (README "What it does"), `--only`/`--skip`
/// subsets, and everything at once.
const FLAG_SETS: &[&[&str]] = &[
    &[],
    &["--prune"],
    &["--prune", "--charset", "auto"],
    &["--empty-trash"],
    &["--charset", "ascii"],
    &["--charset", "latin1", "--keep-names"],
    &["--only", "fonts", "--charset", "digits"],
    &["--colors", "16", "--dither"],
    &["--remap-palette", "--2bpp"],
    &["--decompress-rle"],
    &["--only", "junk,mpy"],
    &["--only", "deadweight", "--prune"],
    &["--skip", "fonts"],
    &["--font-format", "lvfontbin"],
    &["--font-format", "lvfontbin", "--charset", "auto"],
    &["--image-format", "rle"],
    &["--image-format", "png", "--font-format", "lvfontbin"],
    &[
        "--prune",
        "--charset",
        "auto",
        "--empty-trash",
        "--colors",
        "4",
        "--remap-palette",
    ],
];

/// Actions that would write, as `kind path (note)` lines.
pub(crate) fn planned_changes(json: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for stage in json["stages"].as_array().into_iter().flatten() {
        for a in stage["actions"].as_array().into_iter().flatten() {
            let kind = a["action"].as_str().unwrap_or("?");
            if kind != "report" {
                out.push(format!(
                    "{} {kind} {} ({})",
                    stage["name"].as_str().unwrap_or("?"),
                    a["path"].as_str().unwrap_or("?"),
                    a["note"].as_str().unwrap_or("")
                ));
            }
        }
    }
    out
}

pub(crate) fn json_of(o: &std::process::Output, what: &str) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: not JSON ({e})\n--- stdout\n{}\n--- stderr\n{}",
            stdout(o),
            stderr(o)
        )
    })
}

/// Run the property on a copy of `drive` for every flag set; `extra` goes with every command.
pub(crate) fn property(drive: &Path, extra: &[&str]) {
    let sets: Vec<Vec<String>> = FLAG_SETS
        .iter()
        .map(|f| f.iter().map(|s| s.to_string()).collect())
        .collect();
    property_with(drive, &sets, extra);
}

/// The property for the given flag sets.
pub(crate) fn property_with(drive: &Path, sets: &[Vec<String>], extra: &[&str]) {
    let mut failures = Vec::new();
    for flags in sets {
        let t = temp_copy(drive);
        let backups = tempfile::tempdir().expect("backups");
        let all: Vec<&str> = flags
            .iter()
            .map(String::as_str)
            .chain(extra.iter().copied())
            .collect();
        let optimize = || {
            run(cpslim()
                .arg("optimize")
                .arg(t.path())
                .args(&all)
                .args(["--yes", "--json", "--backup-dir"])
                .arg(backups.path()))
        };
        let first = optimize();
        if first.status.code() != Some(0) {
            failures.push(format!(
                "{flags:?}: first optimize exited {:?}\n{}{}",
                first.status.code(),
                stdout(&first),
                stderr(&first)
            ));
            continue;
        }
        let audit = run(cpslim().arg("audit").arg(t.path()).args(&all).arg("--json"));
        assert_code(&audit, 0);
        let left = planned_changes(&json_of(&audit, "audit"));
        if !left.is_empty() {
            failures.push(format!(
                "{flags:?}: audit after optimize plans:\n  {}",
                left.join("\n  ")
            ));
        }
        let before = snapshot(t.path());
        let second = optimize();
        if second.status.code() != Some(0) {
            failures.push(format!(
                "{flags:?}: second optimize exited {:?}\n{}",
                second.status.code(),
                stderr(&second)
            ));
            continue;
        }
        let changed = planned_changes(&json_of(&second, "second optimize"));
        let freed: i64 = json_of(&second, "second optimize")["stages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["saved_bytes"].as_i64())
            .sum();
        if !changed.is_empty() || freed != 0 || snapshot(t.path()) != before {
            failures.push(format!(
                "{flags:?}: second optimize freed {freed} bytes and changed:\n  {}",
                changed.join("\n  ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}: not idempotent\n{}",
        drive.display(),
        failures.join("\n")
    );
}

fn bundle() -> PathBuf {
    asset("adafruit-circuitpython-bundle-10.x-mpy-20261120.zip")
}

#[test]
fn idempotent_on_the_demo_drive() {
    property(&asset("demo-drive"), &[]);
}

#[test]
fn idempotent_on_the_demo_drive_with_its_bundle() {
    let b = bundle();
    property(
        &asset("demo-drive"),
        &["--bundle", b.to_str().expect("utf-8")],
    );
}

#[test]
fn idempotent_on_the_magtag_drive() {
    property(&fixture("drives/magtag"), &[]);
}

/// The deadweight stage's drive: every fixture library, cycles, a deep package, an
/// import-by-name loader, a broken module (tests/cli/deadweight.rs).
#[test]
fn idempotent_on_the_deadweight_drive() {
    let d = crate::deadweight::drive(Some(crate::deadweight::TFT));
    property(d.path(), &[]);
}

#[test]
fn idempotent_on_the_mpy_fixture_drive() {
    let b = fixture("mpy/bundles/adafruit-circuitpython-bundle-10.x-mpy-20261120.zip");
    property(&fixture("mpy/drive"), &[]);
    property(
        &fixture("mpy/drive"),
        &["--bundle", b.to_str().expect("utf-8")],
    );
}

#[test]
fn idempotent_on_font_and_bitmap_folders() {
    let board = [
        "--cp-version",
        "10.2.1",
        "--board",
        "adafruit_feather_esp32s3_tft",
    ];
    property(&fixture("fonts"), &board);
    property(&fixture("bitmaps/corpus"), &board);
}

/// The README's build step: `optimize src --out build …`, then the build audits clean.
#[test]
fn idempotent_build_output() {
    let b = bundle();
    let build_flags = [
        "--cluster-size",
        "1024",
        "--cp-version",
        "10.2.1",
        "--board",
        "adafruit_feather_esp32s3_tft",
        "--bundle",
        b.to_str().expect("utf-8"),
    ];
    for flags in FLAG_SETS {
        let out = tempfile::tempdir().expect("out");
        let build = out.path().join("build");
        let o = run(cpslim()
            .arg("optimize")
            .arg(asset("demo-drive"))
            .arg("--out")
            .arg(&build)
            .args(*flags)
            .args(build_flags));
        assert_code(&o, 0);
        let audit = run(cpslim()
            .arg("audit")
            .arg(&build)
            .args(*flags)
            .args(build_flags)
            .arg("--json"));
        assert_code(&audit, 0);
        let left = planned_changes(&json_of(&audit, "audit of the build"));
        assert!(
            left.is_empty(),
            "{flags:?}: the build is not final:\n  {}",
            left.join("\n  ")
        );
    }
}
