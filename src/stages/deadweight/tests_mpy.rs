//! The `.mpy` import reader and the Python source scanner: exact against CPython's own parse,
//! unharmed by corrupt or noisy input, and a truncated or native `.mpy` keeps what it may need.

use std::fs;
use std::path::Path;

use super::tests::{analyze_dir, bundle_drive, cfg, fixtures, found, has};
use super::*;
use crate::scan::scan_test_folder;
use cpslim_testkit::Lcg;

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
    let inv = scan_test_folder(d.path(), None, None);
    let p = plan(&inv, &cfg()).expect("plan");
    assert!(p
        .actions
        .iter()
        .any(|a| a.path == Path::new("lib/adafruit_debouncer.mpy")
            && a.level == crate::plan::Level::Warning));
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
            for _ in 0..(rng.next_u64() % 8 + 1) {
                let i = (rng.next_u64() as usize) % b.len();
                if let Some(x) = b.get_mut(i) {
                    *x = rng.next_u64() as u8;
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
        let len = (rng.next_u64() % 80) as usize;
        let s: String = (0..len)
            .map(|_| alphabet[(rng.next_u64() as usize) % alphabet.len()])
            .collect();
        let _ = crate::pysrc::string_literals(&s);
        let _ = crate::pysrc::imports(&s);
        let _ = crate::pysrc::possible_names(&s);
    }
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
