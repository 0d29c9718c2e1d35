use std::fs;
use std::path::{Path, PathBuf};

use cpslim_testkit::{copy_tree, write};

use super::*;
use crate::scan::scan_test_folder;

pub(super) fn fixtures() -> PathBuf {
    cpslim_testkit::fixture("deadweight")
}

const TFT: &str = "Adafruit CircuitPython 10.2.1 on 2026-05-12; Adafruit Feather ESP32-S3 TFT with ESP32S3\nBoard ID:adafruit_feather_esp32s3_tft\n";

pub(super) const CODE: &str = "\
import time
import board
import neopixel
from adafruit_debouncer import Debouncer
from adafruit_display_text import label
import my_sensors
try:
    import adafruit_requests
except ImportError:
    adafruit_requests = None
";

const MY_SENSORS: &str = "from adafruit_bme280 import basic as adafruit_bme280\n";

/// A drive with the whole fixture bundle in lib/, code.py and a user module in lib/.
pub(super) fn bundle_drive(extra: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixtures().join("bundle10/lib"), &dir.path().join("lib"));
    let base: [(&str, &[u8]); 3] = [
        ("code.py", CODE.as_bytes()),
        ("lib/my_sensors.py", MY_SENSORS.as_bytes()),
        ("boot_out.txt", TFT.as_bytes()),
    ];
    for (p, c) in base.iter().chain(extra) {
        write(dir.path(), p, c);
    }
    dir
}

pub(super) fn analyze_dir(
    dir: &Path,
    version: Option<&str>,
    board: Option<&str>,
    cfg: &Config,
) -> Analysis {
    let inv = scan_test_folder(dir, version, board);
    analyze(&inv, cfg)
}

pub(super) fn found(a: &Analysis) -> Vec<(Kind, String, bool)> {
    a.findings
        .iter()
        .map(|f| (f.kind, f.path.display().to_string(), f.delete))
        .collect()
}

pub(super) fn has(a: &Analysis, kind: Kind, path: &str, delete: bool) -> bool {
    found(a).contains(&(kind, path.to_string(), delete))
}

pub(super) fn cfg() -> Config {
    Config {
        stages: vec![StageName::Deadweight],
        ..Config::default()
    }
}

#[test]
fn feather_tft_bundle_drive() {
    let d = bundle_drive(&[]);
    let a = analyze_dir(d.path(), None, None, &cfg());
    assert!(a.firmware.is_ok());
    assert!(!a.unsure, "{:?}", a.graph.as_ref().map(|g| &g.uncertain));
    // Kind 1: both built into the ESP32-S3 firmware.
    assert!(has(&a, Kind::Firmware, "lib/adafruit_bus_device", true));
    assert!(has(&a, Kind::Firmware, "lib/adafruit_pixelbuf.mpy", true));
    // Kind 3: never imported (reported only without --prune).
    for p in [
        "lib/adafruit_bitmap_font",
        "lib/adafruit_imageload",
        "lib/adafruit_register",
    ] {
        assert!(has(&a, Kind::Unused, p, false), "{p}: {:?}", found(&a));
    }
    // Used: directly, through the user's own module, through other libraries, in try/except.
    let g = a.graph.as_ref().expect("graph");
    for used in [
        "neopixel",
        "adafruit_debouncer",
        "adafruit_ticks",
        "adafruit_display_text",
        "my_sensors",
        "adafruit_bme280",
        "adafruit_requests",
        "adafruit_connection_manager",
    ] {
        assert!(
            g.reached.contains_key(&(Place::Lib, used.to_string())),
            "{used}"
        );
        assert!(
            !found(&a).iter().any(|f| f.1.contains(used)),
            "{used} reported"
        );
    }
    assert!(g.builtin_hits.contains_key("adafruit_bus_device"));
    assert_eq!(found(&a).len(), 5, "{:?}", found(&a));
    // --prune turns kind 3 into deletions.
    let mut c = cfg();
    c.deadweight.prune = true;
    let a = analyze_dir(d.path(), None, None, &c);
    assert!(has(&a, Kind::Unused, "lib/adafruit_imageload", true));
}

#[test]
fn computed_imports_make_the_analysis_unsure() {
    let code = format!("{CODE}name = 'adafruit_' + 'x'\nm = __import__(name)\n");
    let d = bundle_drive(&[("code.py", code.as_bytes())]);
    let a = analyze_dir(d.path(), None, None, &cfg());
    assert!(a.unsure);
    assert!(!found(&a).iter().any(|f| f.0 == Kind::Unused));
    assert!(has(&a, Kind::Firmware, "lib/adafruit_bus_device", true));
    let mut c = cfg();
    c.deadweight.assume_static_imports = true;
    let a = analyze_dir(d.path(), None, None, &c);
    assert!(has(&a, Kind::Unused, "lib/adafruit_imageload", false));
    // A literal name is just an import.
    let code = format!("{CODE}m = __import__('adafruit_imageload')\n");
    let d = bundle_drive(&[("code.py", code.as_bytes())]);
    let a = analyze_dir(d.path(), None, None, &cfg());
    assert!(!a.unsure);
    assert!(!found(&a).iter().any(|f| f.1 == "lib/adafruit_imageload"));
}

#[test]
fn syntax_errors_keep_every_name_they_mention() {
    let broken = b"from adafruit_bme280 import basic\nx = (adafruit_register\n";
    let d = bundle_drive(&[("lib/my_sensors.py", broken)]);
    let a = analyze_dir(d.path(), None, None, &cfg());
    let g = a.graph.as_ref().expect("graph");
    assert!(g
        .problems
        .iter()
        .any(|p| p.path == Path::new("lib/my_sensors.py") && p.message.contains("syntax error")));
    assert!(!found(&a).iter().any(|f| f.1 == "lib/adafruit_register"));
    assert!(!found(&a).iter().any(|f| f.1 == "lib/adafruit_bme280"));
}

#[test]
fn cycles_deep_packages_and_import_by_name() {
    let custom = fixtures().join("custom-mpy");
    let read = |p: &str| fs::read(custom.join(p)).expect("fixture");
    let (ca, cb, lazy) = (
        read("cycle_a.mpy"),
        read("cycle_b.mpy"),
        read("lazy_loader.mpy"),
    );
    let code = b"import cycle_a\nimport lazy_loader\nfrom deep.a.b.c.d import leaf\n";
    let d = bundle_drive(&[
        ("code.py", code),
        ("lib/cycle_a.mpy", &ca),
        ("lib/cycle_b.mpy", &cb),
        ("lib/lazy_loader.mpy", &lazy),
    ]);
    copy_tree(&custom.join("deep"), &d.path().join("lib/deep"));
    let a = analyze_dir(d.path(), None, Some("trinket_m0"), &cfg());
    // --board overrides boot_out.txt's id: trinket_m0 has no built-in bus_device.
    assert!(a
        .firmware
        .as_ref()
        .is_ok_and(|f| f.board_id == "trinket_m0"));
    let g = a.graph.as_ref().expect("graph");
    for used in [
        "cycle_a",
        "cycle_b",
        "adafruit_ticks",
        "lazy_loader",
        "adafruit_debouncer",
        "deep",
        "neopixel",
    ] {
        assert!(g.reached.contains_key(&(Place::Lib, used.into())), "{used}");
    }
    assert!(has(&a, Kind::Unused, "lib/adafruit_display_text", false));
    assert!(!a.unsure);
}

#[test]
fn shadowing_on_the_drive() {
    let ticks = b"def ticks_ms():\n    return 0\n";
    let d = bundle_drive(&[
        ("adafruit_ticks.py", ticks),
        ("lib/adafruit_debouncer.py", b"import adafruit_ticks\n"),
        ("lib/widget/helper.py", b"X = 1\n"),
        ("lib/widget.mpy", b"C\x06\x00\x1f"),
    ]);
    let code = format!("{CODE}import widget\n");
    fs::write(d.path().join("code.py"), code).expect("write");
    let a = analyze_dir(d.path(), None, None, &cfg());
    assert!(has(&a, Kind::Shadowed, "lib/adafruit_ticks.mpy", true));
    assert!(has(&a, Kind::Shadowed, "lib/adafruit_debouncer.mpy", true));
    // 10.2.1: any folder wins.
    assert!(has(&a, Kind::Shadowed, "lib/widget.mpy", true));
    let a = analyze_dir(
        d.path(),
        Some("10.3.0"),
        Some("adafruit_feather_esp32s3_tft"),
        &cfg(),
    );
    assert!(
        has(&a, Kind::Shadowed, "lib/widget", true),
        "{:?}",
        found(&a)
    );
    let a = analyze_dir(d.path(), Some("10.3.0-alpha.3-5-gabc"), None, &cfg());
    assert!(has(&a, Kind::Shadowed, "lib/widget", false));
    assert!(has(&a, Kind::Shadowed, "lib/widget.mpy", false));
    // The mpy stage owns .py/.mpy pairs when it runs.
    let mut c = cfg();
    c.stages.push(StageName::Mpy);
    let a = analyze_dir(d.path(), None, None, &c);
    assert!(!found(&a)
        .iter()
        .any(|f| f.1 == "lib/adafruit_debouncer.mpy"));
}

#[test]
fn assets_named_by_no_string_are_reported_only() {
    let code = format!("{CODE}font = '/fonts/Used.bdf'\nimg = f'/images/{{n}}.bmp'\n");
    let d = bundle_drive(&[
        ("code.py", code.as_bytes()),
        ("fonts/used.bdf", b"STARTFONT"),
        ("fonts/unused.pcf", b"\x01fcp"),
        ("sounds/beep.wav", b"RIFF"),
    ]);
    let a = analyze_dir(d.path(), None, None, &cfg());
    assert!(has(&a, Kind::Asset, "fonts/unused.pcf", false));
    assert!(has(&a, Kind::Asset, "sounds/beep.wav", false));
    assert!(!found(&a).iter().any(|f| f.1 == "fonts/used.bdf"));
}

#[test]
fn unused_lvgl_fonts_are_reported_but_not_the_terminal_font() {
    let code = format!("{CODE}font = '/fonts/label.lvfontbin'\n");
    let d = bundle_drive(&[
        ("code.py", code.as_bytes()),
        (
            "settings.toml",
            b"CIRCUITPY_TERMINAL_FONT = \"/fonts/tiny.lvfontbin\"\n",
        ),
        ("fonts/label.lvfontbin", b"\x30\0\0\0head"),
        ("fonts/old.lvfontbin", b"\x30\0\0\0head"),
        ("fonts/terminal.lvfontbin", b"\x30\0\0\0head"),
        ("fonts/tiny.lvfontbin", b"\x30\0\0\0head"),
    ]);
    let a = analyze_dir(d.path(), None, None, &cfg());
    assert!(
        has(&a, Kind::Asset, "fonts/old.lvfontbin", false),
        "{:?}",
        found(&a)
    );
    for kept in [
        "fonts/label.lvfontbin",
        "fonts/terminal.lvfontbin",
        "fonts/tiny.lvfontbin",
    ] {
        assert!(
            !found(&a).iter().any(|f| f.1 == kept),
            "{kept}: {:?}",
            found(&a)
        );
    }
}

#[test]
fn no_entry_point_means_no_unused_report() {
    let d = bundle_drive(&[]);
    fs::remove_file(d.path().join("code.py")).expect("rm");
    let a = analyze_dir(d.path(), None, None, &cfg());
    assert!(a.graph.is_none());
    assert!(!found(&a).iter().any(|f| f.0 == Kind::Unused));
}

#[test]
fn very_deep_packages_and_relative_dynamic_imports() {
    let d = bundle_drive(&[]);
    let mut rel = String::from("lib/deep_pkg");
    for i in 0..50 {
        fs::create_dir_all(d.path().join(&rel)).expect("mkdir");
        fs::write(d.path().join(&rel).join("__init__.py"), "").expect("write");
        rel.push_str(&format!("/level{i}"));
    }
    fs::create_dir_all(d.path().join(&rel)).expect("mkdir");
    // asyncio-style lazy loader: a relative __import__ stays inside its package.
    fs::write(
        d.path().join(&rel).join("leaf.py"),
        "from .. import sibling\nimport adafruit_imageload\ndef get(n):\n    return __import__(n, None, None, True, 1)\n",
    )
    .expect("write");
    let dotted = rel.trim_start_matches("lib/").replace('/', ".");
    let code = format!("{CODE}from {dotted} import leaf\n");
    fs::write(d.path().join("code.py"), code).expect("write");
    let a = analyze_dir(d.path(), None, None, &cfg());
    assert!(!a.unsure, "{:?}", a.graph.as_ref().map(|g| &g.uncertain));
    let g = a.graph.as_ref().expect("graph");
    assert!(g.reached.contains_key(&(Place::Lib, "deep_pkg".into())));
    assert!(g
        .reached
        .contains_key(&(Place::Lib, "adafruit_imageload".into())));
    assert!(!found(&a).iter().any(|f| f.1.starts_with("lib/deep_pkg")));
}
