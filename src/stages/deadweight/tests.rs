use std::fs;
use std::path::{Path, PathBuf};

use super::*;
use crate::scan::{scan, ScanOptions};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/deadweight")
}

#[test]
fn mpy_opcode_walk_equals_cpython_ast() {
    let text = fs::read_to_string(fixtures().join("expected_imports.json")).expect("fixture");
    type Stmt = (Option<String>, usize, Vec<String>);
    let expected: std::collections::BTreeMap<String, Vec<Stmt>> =
        serde_json::from_str(&text).expect("json");
    assert!(expected.len() >= 60);
    for (rel, want) in expected {
        let bytes = fs::read(fixtures().join(&rel)).expect("mpy fixture");
        let info = read_mpy(&bytes).expect("reads");
        assert!(info.exact, "{rel}: opcode walk failed");
        let mut got: Vec<Stmt> = info
            .imports
            .into_iter()
            .map(|i| (i.module, i.level, i.names))
            .collect();
        got.sort_by_key(|g| serde_json::to_string(g).unwrap_or_default());
        assert_eq!(got, want, "{rel}");
    }
}

fn copy_tree(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).expect("mkdir");
    for e in fs::read_dir(src).expect("read_dir") {
        let e = e.expect("entry");
        let to = dst.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_tree(&e.path(), &to);
        } else {
            fs::copy(e.path(), &to).expect("copy");
        }
    }
}

const TFT: &str = "Adafruit CircuitPython 10.2.1 on 2026-05-12; Adafruit Feather ESP32-S3 TFT with ESP32S3\nBoard ID:adafruit_feather_esp32s3_tft\n";

const CODE: &str = "\
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
fn bundle_drive(extra: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixtures().join("bundle10/lib"), &dir.path().join("lib"));
    let base: [(&str, &[u8]); 3] = [
        ("code.py", CODE.as_bytes()),
        ("lib/my_sensors.py", MY_SENSORS.as_bytes()),
        ("boot_out.txt", TFT.as_bytes()),
    ];
    for (p, c) in base.iter().chain(extra) {
        let path = dir.path().join(p);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(path, c).expect("write");
    }
    dir
}

fn analyze_dir(dir: &Path, version: Option<&str>, board: Option<&str>, cfg: &Config) -> Analysis {
    let inv = scan(
        dir,
        &ScanOptions {
            cluster_size: Some(512),
            cp_version: version.map(str::to_string),
            board_id: board.map(str::to_string),
        },
    )
    .expect("scan");
    analyze(&inv, cfg)
}

fn found(a: &Analysis) -> Vec<(Kind, String, bool)> {
    a.findings
        .iter()
        .map(|f| (f.kind, f.path.display().to_string(), f.delete))
        .collect()
}

fn has(a: &Analysis, kind: Kind, path: &str, delete: bool) -> bool {
    found(a).contains(&(kind, path.to_string(), delete))
}

fn cfg() -> Config {
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
fn board_without_builtin_bus_device_keeps_it() {
    let d = bundle_drive(&[]);
    // trinket_m0 has neither built in; feather_m0_express has only pixelbuf.
    let a = analyze_dir(d.path(), Some("10.2.1"), Some("trinket_m0"), &cfg());
    assert!(!found(&a).iter().any(|f| f.0 == Kind::Firmware));
    assert!(a.graph.as_ref().is_some_and(|g| g
        .reached
        .contains_key(&(Place::Lib, "adafruit_bus_device".into()))));
    let a = analyze_dir(d.path(), Some("9.2.9"), Some("feather_m0_express"), &cfg());
    assert!(has(&a, Kind::Firmware, "lib/adafruit_pixelbuf.mpy", true));
    assert!(!found(&a).iter().any(|f| f.1 == "lib/adafruit_bus_device"));
}

#[test]
fn frozen_libraries_are_dead_but_their_imports_count() {
    let d = bundle_drive(&[]);
    let a = analyze_dir(d.path(), Some("10.2.1"), Some("pyportal"), &cfg());
    for p in [
        "lib/neopixel.mpy",
        "lib/adafruit_display_text",
        "lib/adafruit_requests.mpy",
        "lib/adafruit_connection_manager.mpy",
        "lib/adafruit_bus_device",
        "lib/adafruit_pixelbuf.mpy",
    ] {
        assert!(has(&a, Kind::Firmware, p, true), "{p}: {:?}", found(&a));
    }
    // adafruit_ticks is imported by the debouncer; the frozen display_text's imports come from
    // the firmware data (never from its lib/ copy, which never runs).
    assert!(!found(&a).iter().any(|f| f.1.contains("adafruit_ticks")));
    let g = a.graph.as_ref().expect("graph");
    assert!(g.frozen_hits.contains_key("adafruit_display_text"));
    assert!(g.frozen_followed.contains_key("adafruit_display_text"));
    assert!(!g
        .files
        .iter()
        .any(|f| f.starts_with("lib/adafruit_display_text")));
}

#[test]
fn unknown_board_skips_kind_one() {
    let d = bundle_drive(&[]);
    let a = analyze_dir(d.path(), None, Some("my_homemade_board"), &cfg());
    assert!(matches!(a.firmware, Err(Unknown::UnknownBoard { .. })));
    assert!(!found(&a).iter().any(|f| f.0 == Kind::Firmware));
    // Without a firmware list, bus_device is a library like any other, and it is used.
    assert!(!found(&a).iter().any(|f| f.1 == "lib/adafruit_bus_device"));
    let inv = scan(
        d.path(),
        &ScanOptions {
            cluster_size: Some(512),
            cp_version: Some("8.2.0".into()),
            board_id: Some("pyportal".into()),
        },
    )
    .expect("scan");
    let p = plan(&inv, &cfg()).expect("plan");
    assert!(p
        .actions
        .iter()
        .any(|a| a.note.contains("check skipped") && a.note.contains("8.x")));
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
fn truncated_mpy_is_reported_and_keeps_everything() {
    let whole = fs::read(fixtures().join("bundle10/lib/adafruit_debouncer.mpy")).expect("read");
    for n in 0..whole.len() {
        let _ = read_mpy(&whole[..n]);
    }
    let cut = whole.get(..40).expect("long enough").to_vec();
    let d = bundle_drive(&[("lib/adafruit_debouncer.mpy", &cut)]);
    let a = analyze_dir(d.path(), None, None, &cfg());
    assert!(a.unsure);
    assert!(!found(&a).iter().any(|f| f.0 == Kind::Unused));
    let inv = scan(
        d.path(),
        &ScanOptions {
            cluster_size: Some(512),
            cp_version: None,
            board_id: None,
        },
    )
    .expect("scan");
    let p = plan(&inv, &cfg()).expect("plan");
    assert!(p
        .actions
        .iter()
        .any(|a| a.path == Path::new("lib/adafruit_debouncer.mpy")
            && a.level == crate::plan::Level::Warning));
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
fn no_entry_point_means_no_unused_report() {
    let d = bundle_drive(&[]);
    fs::remove_file(d.path().join("code.py")).expect("rm");
    let a = analyze_dir(d.path(), None, None, &cfg());
    assert!(a.graph.is_none());
    assert!(!found(&a).iter().any(|f| f.0 == Kind::Unused));
}

/// `why` against the plan `audit --only deadweight` makes.
fn why_of(inv: &crate::scan::Inventory, target: &Path) -> crate::error::Result<String> {
    let part = plan(inv, &cfg())?;
    let p = crate::plan::Plan::merge(vec![(StageName::Deadweight, part)]);
    why(inv, &cfg(), target, &p)
}

#[test]
fn why_prints_the_chain_or_the_reason() {
    let d = bundle_drive(&[]);
    let inv = scan(
        d.path(),
        &ScanOptions {
            cluster_size: Some(512),
            cp_version: None,
            board_id: None,
        },
    )
    .expect("scan");
    let text = why_of(&inv, Path::new("lib/adafruit_bme280/basic.mpy")).expect("why");
    assert!(text.contains("code.py line 6: import my_sensors"), "{text}");
    assert!(
        text.contains("lib/my_sensors.py line 1: from adafruit_bme280 import basic"),
        "{text}"
    );
    let text = why_of(&inv, Path::new("lib/adafruit_bus_device/")).expect("why");
    assert!(text.contains("built into"), "{text}");
    let text = why_of(&inv, Path::new("lib/adafruit_imageload")).expect("why");
    assert!(text.contains("no file reachable from code.py"), "{text}");
    let text = why_of(&inv, Path::new("lib/adafruit_ticks.mpy")).expect("why");
    assert!(text.contains(": import adafruit_ticks"), "{text}");
    assert!(why_of(&inv, Path::new("lib/nope")).is_err());
}

/// Deterministic byte noise (no rand dependency).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn mpy_reader_survives_corruption() {
    let mut rng = Lcg(7);
    let dir = fixtures().join("bundle10/lib");
    let mut files = vec![dir.join("adafruit_requests.mpy"), dir.join("neopixel.mpy")];
    files.push(dir.join("adafruit_display_text/label.mpy"));
    for f in files {
        let good = fs::read(&f).expect("fixture");
        for _ in 0..300 {
            let mut b = good.clone();
            for _ in 0..(rng.next() % 8 + 1) {
                let i = (rng.next() as usize) % b.len();
                if let Some(x) = b.get_mut(i) {
                    *x = rng.next() as u8;
                }
            }
            let _ = read_mpy(&b);
        }
    }
}

#[test]
fn pysrc_survives_noise() {
    let mut rng = Lcg(11);
    let alphabet: Vec<char> = "abfrFRB_ ()[]{}:;,.\\'\"#\n\t\r=!*0x9é{}".chars().collect();
    for _ in 0..2000 {
        let len = (rng.next() % 80) as usize;
        let s: String = (0..len)
            .map(|_| alphabet[(rng.next() as usize) % alphabet.len()])
            .collect();
        let _ = crate::pysrc::string_literals(&s);
        let _ = crate::pysrc::imports(&s);
        let _ = crate::pysrc::possible_names(&s);
    }
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

#[test]
fn why_on_assets_and_other_files() {
    let code = format!("{CODE}x = 'a.bmp'\n");
    let d = bundle_drive(&[
        ("code.py", code.as_bytes()),
        ("images/b.bmp", b"BM"),
        ("images/a.bmp", b"BM"),
    ]);
    let inv = scan(
        d.path(),
        &ScanOptions {
            cluster_size: Some(512),
            cp_version: None,
            board_id: None,
        },
    )
    .expect("scan");
    let text = why_of(&inv, Path::new("images/b.bmp")).expect("why");
    assert!(text.contains("unreferenced asset"), "{text}");
    assert!(!text.contains("imports 'images'"), "{text}");
    let text = why_of(&inv, Path::new("images/a.bmp")).expect("why");
    assert!(text.contains("not a Python module"), "{text}");
    let text = why_of(&inv, Path::new("code.py")).expect("why");
    assert!(text.contains("entry point"), "{text}");
}

#[test]
fn cp_version_flag_keeps_the_board_id_from_boot_out() {
    let d = bundle_drive(&[]);
    let a = analyze_dir(d.path(), Some("9.2.9"), None, &cfg());
    let fw = a.firmware.as_ref().expect("firmware known");
    assert_eq!(fw.board_id, "adafruit_feather_esp32s3_tft");
    assert_eq!(fw.tag, "9.2.9");
    assert!(has(&a, Kind::Firmware, "lib/adafruit_bus_device", true));
}

/// Differential check of the opcode walk on a corpus (run by hand):
/// `MPY_DUMP=list.txt cargo test dump_mpy_corpus -- --ignored` (lines: `source.py out.mpy`).
#[test]
#[ignore]
fn dump_mpy_corpus() {
    let Ok(list) = std::env::var("MPY_DUMP") else {
        return;
    };
    let mut out = String::new();
    for line in fs::read_to_string(&list).unwrap_or_default().lines() {
        let Some((src, mpy)) = line.split_once(' ') else {
            continue;
        };
        let dir = Path::new(&list).parent().unwrap_or(Path::new("."));
        let Ok(bytes) = fs::read(dir.join(mpy)) else {
            continue;
        };
        let v = match read_mpy(&bytes) {
            Ok(i) if i.exact => serde_json::json!(i
                .imports
                .iter()
                .map(|i| serde_json::json!([i.module, i.level, i.names]))
                .collect::<Vec<_>>()),
            Ok(_) => serde_json::json!("not exact"),
            Err(e) => serde_json::json!(e.to_string()),
        };
        out.push_str(&serde_json::json!({"src": src, "imports": v}).to_string());
        out.push('\n');
    }
    fs::write(Path::new(&list).with_extension("out.jsonl"), out).ok();
}

#[test]
fn native_mpy_imports_come_from_its_strings() {
    let bytes = fs::read(fixtures().join("custom-mpy/native_user.mpy")).expect("fixture");
    let info = read_mpy(&bytes).expect("reads");
    assert!(!info.exact, "native code is not decoded");
    assert!(info.strings.iter().any(|s| s == "adafruit_ticks"));
    let code = b"import native_user\n";
    let d = bundle_drive(&[("code.py", code), ("lib/native_user.mpy", &bytes)]);
    let a = analyze_dir(d.path(), None, None, &cfg());
    let g = a.graph.as_ref().expect("graph");
    assert!(g
        .reached
        .contains_key(&(Place::Lib, "adafruit_ticks".into())));
    assert!(has(&a, Kind::Unused, "lib/adafruit_debouncer.mpy", false));
}

#[test]
fn builtin_names_at_the_root_are_reported_not_deleted() {
    let d = bundle_drive(&[
        ("adafruit_pixelbuf.py", b"X = 1\n"),
        ("neopixel.py", b"import adafruit_pixelbuf\n"),
    ]);
    let a = analyze_dir(d.path(), None, None, &cfg());
    assert!(
        has(&a, Kind::Firmware, "adafruit_pixelbuf.py", false),
        "{:?}",
        found(&a)
    );
    // A root copy of a library beats /lib (and is itself live).
    assert!(has(&a, Kind::Shadowed, "lib/neopixel.mpy", true));
    assert!(!found(&a).iter().any(|f| f.1 == "neopixel.py"));
}

#[test]
fn a_frozen_module_without_data_keeps_every_library_and_says_why() {
    let d = bundle_drive(&[]);
    let inv = scan(
        d.path(),
        &ScanOptions {
            cluster_size: Some(512),
            cp_version: Some("10.2.1".into()),
            board_id: Some("pyportal".into()),
        },
    )
    .expect("scan");
    let prune = Config {
        deadweight: crate::config::DeadweightOptions {
            prune: true,
            ..Default::default()
        },
        ..cfg()
    };
    // With the shipped data the graph is sure and the unused libraries go.
    let a = analyze(&inv, &prune);
    assert!(!a.unsure, "{:?}", a.graph.as_ref().map(|g| &g.uncertain));
    assert!(has(&a, Kind::Unused, "lib/adafruit_imageload", true));
    // A firmware whose frozen modules cpslim knows nothing about: nothing is pruned.
    let a = analyze_with(&inv, &prune, Some(|_, _| None));
    assert!(a.unsure);
    assert!(
        !found(&a).iter().any(|f| f.0 == Kind::Unused),
        "{:?}",
        found(&a)
    );
    let g = a.graph.as_ref().expect("graph");
    assert!(g
        .frozen_unknown
        .contains(&"adafruit_display_text".to_string()));
    assert!(
        g.uncertain
            .iter()
            .any(|u| u.contains("frozen 'adafruit_display_text'") && u.contains("no data")),
        "{:?}",
        g.uncertain
    );
    let trusting = Config {
        deadweight: crate::config::DeadweightOptions {
            prune: true,
            assume_static_imports: true,
        },
        ..cfg()
    };
    assert!(analyze_with(&inv, &trusting, Some(|_, _| None)).unsure);
    // Frozen libraries are still dead weight (the firmware answers their names).
    assert!(has(&a, Kind::Firmware, "lib/adafruit_display_text", true));
}
