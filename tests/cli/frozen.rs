//! Frozen libraries import other libraries from `lib/`: a MagTag drive (the frozen
//! `adafruit_portalbase` needs `adafruit_bitmap_font`, `adafruit_imageload` and `adafruit_io`,
//! which are only in `lib/`) keeps all three under `--prune`, on the first run and on a second
//! one, checked by an independent import walk (tests/interop/deadweight_walk.py, which reads the
//! frozen imports from the JSON cpslim ships).

use std::path::Path;

use crate::deadweight::mpy_table;
use crate::util::*;

const MAGTAG_FROZEN: &str = "adafruit_connection_manager,adafruit_display_text,adafruit_fakerequests,adafruit_lis3dh,adafruit_portalbase,adafruit_requests,neopixel";
const NEEDED: [&str; 3] = ["adafruit_bitmap_font", "adafruit_imageload", "adafruit_io"];

fn prune(root: &Path, backups: &Path) {
    let o = run(cpslim()
        .arg("optimize")
        .arg(root)
        .args(["--only", "deadweight", "--prune", "--yes", "--backup-dir"])
        .arg(backups));
    assert_code(&o, 0);
}

/// The walk over BEFORE → AFTER must pass and reach every needed library.
fn independent_walk(before: &Path, after: &Path) {
    let work = tempfile::tempdir().expect("work");
    let table = mpy_table(work.path());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = std::process::Command::new(python())
        .arg(root.join("tests/interop/deadweight_walk.py"))
        .arg(before)
        .arg(after)
        .arg(&table)
        .arg("adafruit_bus_device,adafruit_pixelbuf")
        .arg(MAGTAG_FROZEN)
        .arg(root.join("assets/data/circuitpython-frozen-imports.json"))
        .arg("10.2.1")
        .output()
        .expect("run python");
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "independent walk failed:\n{text}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for name in NEEDED {
        assert!(text.contains(name), "walk did not reach {name}: {text}");
    }
}

fn twice(drive: &Path) {
    let backups = tempfile::tempdir().expect("backups");
    let before = temp_copy(drive);
    let d = temp_copy(drive);
    prune(d.path(), backups.path());
    for name in NEEDED {
        assert!(
            d.path().join("lib").join(name).is_dir(),
            "run 1 deleted {name}"
        );
    }
    assert!(!d.path().join("lib/adafruit_debouncer.mpy").exists());
    assert!(!d.path().join("lib/adafruit_portalbase").exists());
    independent_walk(before.path(), d.path());

    let between = temp_copy(d.path());
    prune(d.path(), backups.path());
    for name in NEEDED {
        assert!(
            d.path().join("lib").join(name).is_dir(),
            "run 2 deleted {name}"
        );
    }
    assert_eq!(
        snapshot(d.path()),
        snapshot(between.path()),
        "run 2 changed the drive"
    );
    independent_walk(between.path(), d.path());

    let o = run(cpslim()
        .arg("audit")
        .arg(d.path())
        .args(["--why", "lib/adafruit_bitmap_font"]));
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(
        out.contains("frozen 'adafruit_portalbase' imports adafruit_bitmap_font"),
        "{out}"
    );
    assert!(!out.contains("no file reachable"), "{out}");
}

#[test]
fn magtag_keeps_what_the_frozen_portalbase_imports_on_two_runs() {
    twice(&fixture("drives/magtag"));
}

/// The case users met: a `lib/` copy of the frozen library that the first run deletes.
#[test]
fn magtag_with_a_lib_copy_of_the_frozen_library() {
    let d = temp_copy(&fixture("drives/magtag"));
    write(
        d.path(),
        "lib/adafruit_portalbase/__init__.py",
        b"# a copy that never runs (the firmware's frozen one is found first)\nimport gc\n",
    );
    twice(d.path());
    let b = asset("adafruit-circuitpython-bundle-10.x-mpy-20261120.zip");
    crate::idempotence::property(d.path(), &["--bundle", b.to_str().expect("utf-8")]);
}
