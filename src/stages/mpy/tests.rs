//! Stage-level tests on small trees (the binary-level ones are in tests/cli/mpy.rs).

use std::fs;
use std::path::{Path, PathBuf};

use cpslim_testkit::write;

use super::*;
use crate::plan::{ActionKind, Level};
use crate::scan::scan_test_folder;

const BOOT_OUT: &str = "Adafruit CircuitPython 10.2.1 on 2026-05-12; Adafruit Feather ESP32-S3 TFT with ESP32S3\r\nBoard ID:adafruit_feather_esp32s3_tft\r\n";

fn fixture(rel: &str) -> PathBuf {
    cpslim_testkit::fixture("mpy").join(rel)
}

fn extracted() -> PathBuf {
    fixture("bundles/extracted/adafruit-circuitpython-bundle-10.x-mpy-20261120")
}

fn plan_for(root: &Path, cfg: &Config) -> Result<StagePlan> {
    let inv = scan_test_folder(root, cfg.cp_version.as_deref(), None);
    plan(&inv, cfg)
}

fn with_bundles(bundles: Vec<PathBuf>) -> Config {
    Config {
        mpy: crate::config::MpyOptions {
            bundles,
            circup_cache: None,
        },
        ..Config::default()
    }
}

#[test]
fn uses_circups_cache_when_no_bundle_is_given_and_says_so() {
    let cache = tempfile::tempdir().expect("tmp");
    let dst = cache.path().join(
        "adafruit/adafruit-circuitpython-bundle-10mpy/adafruit-circuitpython-bundle-10.x-mpy-20261120",
    );
    for f in ["lib/neopixel.mpy", "lib/adafruit_ticks.mpy"] {
        write(&dst, f, &fs::read(extracted().join(f)).expect("read"));
    }
    let drive = tempfile::tempdir().expect("tmp");
    write(drive.path(), "boot_out.txt", BOOT_OUT.as_bytes());
    // Longer than the bundle's .mpy: a swap never makes a library bigger.
    let source = format!("__version__ = \"6.4.2\"\n{}", "# long source\n".repeat(400));
    write(drive.path(), "lib/neopixel.py", source.as_bytes());
    let mut cfg = with_bundles(vec![]);
    cfg.mpy.circup_cache = Some(cache.path().to_path_buf());
    let p = plan_for(drive.path(), &cfg).expect("plan");
    assert!(p.actions.iter().any(|a| a.kind() == ActionKind::Report
        && a.note.contains("from circup's cache")
        && a.note
            .contains("adafruit-circuitpython-bundle-10.x-mpy-20261120")));
    let create = p
        .actions
        .iter()
        .position(|a| a.kind() == ActionKind::Create && a.path == Path::new("lib/neopixel.mpy"))
        .expect("create");
    let delete = p
        .actions
        .iter()
        .find(|a| a.kind() == ActionKind::Delete && a.path == Path::new("lib/neopixel.py"))
        .expect("delete");
    assert_eq!(delete.requires, vec![create]);
}

#[test]
fn root_modules_are_only_reported_and_kind_mismatch_is_left_alone() {
    let drive = tempfile::tempdir().expect("tmp");
    let r = drive.path();
    write(r, "boot_out.txt", BOOT_OUT.as_bytes());
    write(r, "neopixel.py", b"# a copy at the root\n");
    // The bundle has adafruit_ticks as one file; the drive has a folder.
    write(r, "lib/adafruit_ticks/__init__.py", b"x = 1\n");
    let p = plan_for(r, &with_bundles(vec![extracted()])).expect("plan");
    assert!(
        p.actions.iter().all(|a| a.kind() == ActionKind::Report),
        "{:#?}",
        p.actions
    );
    assert!(p
        .actions
        .iter()
        .any(|a| a.path == Path::new("neopixel.py") && a.note.contains("drive root")));
    assert!(p
        .actions
        .iter()
        .any(|a| a.path == Path::new("lib/adafruit_ticks") && a.note.contains("single file")));
}

#[test]
fn a_bundle_named_10x_holding_c5_files_is_refused() {
    // A bundle folder claiming 10.x whose file is C5 is refused at open, naming the conflict.
    let b = tempfile::tempdir().expect("tmp");
    let top = b
        .path()
        .join("adafruit-circuitpython-bundle-10.x-mpy-20261120");
    write(
        &top,
        "lib/adafruit_ticks.mpy",
        &fs::read(fixture("badmpy/adafruit_ticks.c5.mpy")).expect("c5"),
    );
    let err = Bundle::open(b.path()).err().expect("refused");
    assert!(err.to_string().contains("named 10.x"), "{err}");
}

#[test]
fn shadowed_user_mpy_is_deleted_and_bad_user_mpy_reported() {
    let drive = tempfile::tempdir().expect("tmp");
    let r = drive.path();
    write(r, "boot_out.txt", BOOT_OUT.as_bytes());
    write(r, "lib/mine.py", b"def f():\n    return 1\n");
    write(
        r,
        "lib/mine.mpy",
        &fs::read(fixture("badmpy/mp_helper.mpy")).expect("m"),
    );
    write(
        r,
        "lib/old.mpy",
        &fs::read(fixture("badmpy/adafruit_ticks.c5.mpy")).expect("c5"),
    );
    write(r, "lib/text.mpy", b"print('not compiled')\n");
    let p = plan_for(r, &with_bundles(vec![extracted()])).expect("plan");
    let del: Vec<&Path> = p
        .actions
        .iter()
        .filter(|a| a.writes())
        .map(|a| a.path.as_path())
        .collect();
    assert_eq!(del, vec![Path::new("lib/mine.mpy")]);
    for bad in ["lib/old.mpy", "lib/text.mpy"] {
        let a = p
            .actions
            .iter()
            .find(|a| a.path == Path::new(bad) && a.level == Level::Warning)
            .unwrap_or_else(|| panic!("{bad} not warned: {:#?}", p.actions));
        assert!(a.note.contains("incompatible .mpy file"), "{}", a.note);
    }
}

#[test]
fn newer_py_on_the_drive_and_working_mpy_are_not_downgraded() {
    let drive = tempfile::tempdir().expect("tmp");
    let r = drive.path();
    write(r, "boot_out.txt", BOOT_OUT.as_bytes());
    write(r, "lib/neopixel.py", b"__version__ = \"6.5.0\"\n");
    write(
        r,
        "lib/adafruit_ticks.mpy",
        b"C\x06\x00\x1f\x02other build 1.0.0\x00",
    );
    let p = plan_for(r, &with_bundles(vec![extracted()])).expect("plan");
    assert!(!p.actions.iter().any(|a| a.writes()), "{:#?}", p.actions);
    assert!(p
        .actions
        .iter()
        .any(|a| a.path == Path::new("lib/neopixel.py")
            && a.level == Level::Warning
            && a.note.contains("newer")));
    assert!(p
        .actions
        .iter()
        .any(|a| a.path == Path::new("lib/adafruit_ticks.mpy") && a.note.contains("kept")));
}

#[test]
fn a_library_taken_by_an_earlier_stage_drops_the_whole_swap_and_its_summary() {
    use crate::config::StageName;
    use crate::plan::Plan;
    let drive = tempfile::tempdir().expect("tmp");
    let r = drive.path();
    write(r, "boot_out.txt", BOOT_OUT.as_bytes());
    write(r, "lib/neopixel.py", b"__version__ = \"6.4.2\"\n# source\n");
    write(
        r,
        "lib/adafruit_ticks.py",
        b"__version__ = \"1.1.7\"\n# source\n",
    );
    let inv = scan_test_folder(r, None, None);
    let mpy_plan = plan(&inv, &with_bundles(vec![extracted()])).expect("plan");
    let mut earlier = StagePlan::default();
    let e = inv.get(Path::new("lib/neopixel.py")).expect("entry");
    earlier.push(Action::delete(&inv, e, "firmware has it"));
    let merged = Plan::merge(vec![
        (StageName::Deadweight, earlier),
        (StageName::Mpy, mpy_plan),
    ]);
    let mpy: Vec<_> = merged
        .stages
        .iter()
        .filter(|(n, _)| *n == StageName::Mpy)
        .flat_map(|(_, p)| p.actions.iter())
        .collect();
    assert!(
        mpy.iter().all(|a| !a.path.starts_with("lib/neopixel")),
        "{mpy:#?}"
    );
    assert!(mpy
        .iter()
        .any(|a| a.path == Path::new("lib/adafruit_ticks.py") && a.note.contains("swapped")));
}
