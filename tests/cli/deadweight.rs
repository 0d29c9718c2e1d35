//! deadweight stage through the binary: audit groups and reasons, `optimize --prune`
//! checked by an independent import walk (tests/interop/deadweight_walk.py), restore (`--why`:
//! deadweight_why.rs).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::util::{
    assert_code, copy_tree, cpslim, fixture, python, restore_only_backup, run, snapshot, stdout,
    write,
};

pub(crate) const TFT: &str = "Adafruit CircuitPython 10.2.1 on 2026-05-12; Adafruit Feather ESP32-S3 TFT with ESP32S3\r\nBoard ID:adafruit_feather_esp32s3_tft\r\nUID:7CDFA1E2F3A4\r\n";

const CODE: &str = "\
import time
import board
import neopixel
from adafruit_debouncer import Debouncer
from adafruit_display_text import label
import my_sensors
from helpers import net
import cycle_a
import lazy_loader
from deep.a.b.c.d import leaf

try:
    import adafruit_lis3dh  # not on the drive: fine
except ImportError:
    adafruit_lis3dh = None

FONT = \"/fonts/used.bdf\"
";

/// A whole-bundle-style drive: every fixture library as `.mpy` (real mpy-cross output), the
/// user's own modules (one hides an import, one package is used only via `from pkg import sub`),
/// cycles, a deep package, an import-by-name loader, fonts and images.
fn make_drive(root: &Path, boot_out: Option<&str>) {
    let dw = fixture("deadweight");
    copy_tree(&dw.join("bundle10/lib"), &root.join("lib"));
    copy_tree(&dw.join("custom-mpy/deep"), &root.join("lib/deep"));
    for m in ["cycle_a", "cycle_b", "lazy_loader"] {
        fs::copy(
            dw.join(format!("custom-mpy/{m}.mpy")),
            root.join(format!("lib/{m}.mpy")),
        )
        .expect("copy");
    }
    write(root, "code.py", CODE.as_bytes());
    write(
        root,
        "boot.py",
        b"import usb_cdc\nusb_cdc.enable(console=True)\n",
    );
    write(
        root,
        "lib/my_sensors.py",
        b"from adafruit_bme280 import basic as adafruit_bme280\n",
    );
    write(root, "lib/helpers/__init__.py", b"");
    write(
        root,
        "lib/helpers/net.py",
        b"try:\n    import adafruit_requests\nexcept ImportError:\n    adafruit_requests = None\n",
    );
    write(root, "lib/old_project.py", b"import adafruit_imageload\n");
    write(root, "lib/broken_unused.py", b"def f(:\n");
    write(
        root,
        "lib/adafruit_ticks.py",
        b"import time\n\ndef ticks_ms():\n    return int(time.monotonic() * 1000)\n",
    );
    write(root, "fonts/used.bdf", b"STARTFONT 2.1\nENDFONT\n");
    write(root, "images/unused.bmp", b"BM\x00\x00");
    if let Some(b) = boot_out {
        write(root, "boot_out.txt", b.as_bytes());
    }
}

pub(crate) fn drive(boot_out: Option<&str>) -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    make_drive(t.path(), boot_out);
    t
}

pub(crate) fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// sha256 of each fixture `.mpy` → its imports per CPython's ast on the source.
pub(crate) fn mpy_table(dir: &Path) -> PathBuf {
    let dw = fixture("deadweight");
    let text = fs::read_to_string(dw.join("expected_imports.json")).expect("expected");
    let expected: BTreeMap<String, serde_json::Value> = serde_json::from_str(&text).expect("json");
    let table: BTreeMap<String, serde_json::Value> = expected
        .into_iter()
        .map(|(rel, imports)| {
            let bytes = fs::read(dw.join(&rel)).expect("mpy");
            let hash: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            (hash, imports)
        })
        .collect();
    let path = dir.join("mpy-table.json");
    fs::write(&path, serde_json::to_string(&table).expect("json")).expect("write");
    path
}

pub(crate) fn audit(root: &Path, args: &[&str]) -> std::process::Output {
    run(cpslim()
        .arg("audit")
        .arg(root)
        .args(["--only", "deadweight"])
        .args(args))
}

#[test]
fn audit_reports_every_kind_with_reasons() {
    let d = drive(Some(TFT));
    let o = audit(d.path(), &[]);
    assert_code(&o, 0);
    let out = stdout(&o);
    for (path, reason) in [
        ("lib/adafruit_bus_device ", "shadowed by firmware"),
        ("lib/adafruit_pixelbuf.mpy ", "shadowed by firmware"),
        ("lib/adafruit_ticks.mpy ", "shadowed on the drive"),
        ("lib/adafruit_imageload ", "unused library"),
        ("lib/adafruit_bitmap_font ", "unused library"),
        ("lib/old_project.py ", "unused library"),
        ("images/unused.bmp ", "unreferenced asset"),
    ] {
        let line = out
            .lines()
            .find(|l| l.contains(path))
            .unwrap_or_else(|| panic!("{path} missing:\n{out}"));
        assert!(line.contains(reason), "{line}");
    }
    for used in [
        "lib/adafruit_bme280",
        "lib/helpers",
        "lib/adafruit_requests",
        "lib/adafruit_connection_manager",
        "lib/cycle_b",
        "lib/deep",
        "lib/adafruit_debouncer",
        "fonts/used.bdf",
    ] {
        assert!(
            !out.contains(&format!("{used} ")),
            "{used} reported:\n{out}"
        );
    }
    // Nothing changed.
    assert!(d.path().join("lib/adafruit_imageload").is_dir());
    // -v adds the import graph's summary.
    let out = stdout(&audit(d.path(), &["-v"]));
    let line = out
        .lines()
        .find(|l| l.contains("import graph from code.py, boot.py"))
        .unwrap_or_else(|| panic!("no summary:\n{out}"));
    assert!(
        line.contains("lib/ entries used: adafruit_bme280, adafruit_connection_manager"),
        "{line}"
    );
    assert!(
        line.contains("built-in modules: adafruit_bus_device"),
        "{line}"
    );
}

#[test]
fn folder_without_boot_out_uses_board_flags() {
    let d = drive(None);
    let out = stdout(&audit(d.path(), &[]));
    assert!(out.contains("check skipped"), "{out}");
    assert!(!out.contains("lib/adafruit_bus_device "), "{out}");
    let out = stdout(&audit(
        d.path(),
        &[
            "--board",
            "adafruit_feather_esp32s3_tft",
            "--cp-version",
            "10.2.1",
        ],
    ));
    assert!(out.contains("lib/adafruit_bus_device "), "{out}");
    // trinket_m0 has no built-in bus device: the copy is needed (bme280 imports it).
    let out = stdout(&audit(
        d.path(),
        &["--board", "trinket_m0", "--cp-version", "10.2.1"],
    ));
    assert!(!out.contains("lib/adafruit_bus_device "), "{out}");
    // pyportal freezes display_text, neopixel, requests, connection_manager.
    let out = stdout(&audit(
        d.path(),
        &["--board", "pyportal", "--cp-version", "9.2.9"],
    ));
    for frozen in [
        "lib/adafruit_display_text ",
        "lib/neopixel.mpy ",
        "lib/adafruit_requests.mpy ",
    ] {
        let line = out.lines().find(|l| l.contains(frozen)).unwrap_or_default();
        assert!(line.contains("frozen"), "{frozen}:\n{out}");
    }
}

#[test]
fn computed_import_blocks_unused_reports_unless_assumed_static() {
    let d = drive(Some(TFT));
    let code = format!("{CODE}mod = __import__(\"adafruit_\" + \"x\")\n");
    write(d.path(), "code.py", code.as_bytes());
    let out = stdout(&audit(d.path(), &[]));
    assert!(out.contains("cannot be sure"), "{out}");
    assert!(!out.contains("lib/adafruit_imageload "), "{out}");
    let out = stdout(&audit(d.path(), &["--assume-static-imports"]));
    assert!(out.contains("lib/adafruit_imageload "), "{out}");
}

#[test]
fn optimize_prune_keeps_every_reachable_module_per_an_independent_walk() {
    let d = drive(Some(TFT));
    let pristine = drive(Some(TFT));
    let before = snapshot(d.path());
    let backups = tempfile::tempdir().expect("backups");
    let o = run(cpslim()
        .arg("optimize")
        .arg(d.path())
        .args(["--only", "deadweight", "--prune", "--yes", "--backup-dir"])
        .arg(backups.path()));
    assert_code(&o, 0);
    for gone in [
        "lib/adafruit_bus_device",
        "lib/adafruit_pixelbuf.mpy",
        "lib/adafruit_ticks.mpy",
        "lib/adafruit_imageload",
        "lib/adafruit_bitmap_font",
        "lib/adafruit_register",
        "lib/old_project.py",
        "lib/broken_unused.py",
    ] {
        assert!(!d.path().join(gone).exists(), "{gone} still there");
    }
    assert!(
        d.path().join("images/unused.bmp").exists(),
        "assets are never deleted"
    );

    let work = tempfile::tempdir().expect("work");
    let table = mpy_table(work.path());
    let walk = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/deadweight_walk.py");
    let out = std::process::Command::new(python())
        .arg(&walk)
        .arg(pristine.path())
        .arg(d.path())
        .arg(&table)
        .arg("adafruit_bus_device,adafruit_pixelbuf")
        .arg("")
        .output()
        .expect("run python");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "independent walk failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in [
        "adafruit_bme280",
        "adafruit_requests",
        "adafruit_connection_manager",
        "helpers",
        "cycle_b",
        "deep",
        "neopixel",
    ] {
        assert!(text.contains(name), "walk did not reach {name}: {text}");
    }

    // Restore brings back every deleted library byte for byte.
    let o = restore_only_backup(d.path(), backups.path(), &["--yes"]);
    assert_code(&o, 0);
    assert_eq!(snapshot(d.path()), before, "restore did not undo the prune");
}

#[test]
fn optimize_without_prune_deletes_only_what_never_runs() {
    let d = drive(Some(TFT));
    let backups = tempfile::tempdir().expect("backups");
    let o = run(cpslim()
        .arg("optimize")
        .arg(d.path())
        .args(["--only", "deadweight", "--yes", "--backup-dir"])
        .arg(backups.path()));
    assert_code(&o, 0);
    assert!(!d.path().join("lib/adafruit_bus_device").exists());
    assert!(!d.path().join("lib/adafruit_ticks.mpy").exists());
    assert!(d.path().join("lib/adafruit_ticks.py").exists());
    assert!(d.path().join("lib/adafruit_imageload").is_dir());
    assert!(d.path().join("lib/old_project.py").exists());
    let _ = s(d.path());
}
