//! `cpslim audit --why PATH`: the import chain that keeps a file, or the reason it goes.

use std::path::Path;

use super::tests::{bundle_drive, cfg, CODE};
use super::*;
use crate::scan::scan_test_folder;

/// `why` against the plan `audit --only deadweight` makes.
fn why_of(inv: &crate::scan::Inventory, target: &Path) -> crate::error::Result<String> {
    let part = plan(inv, &cfg())?;
    let p = crate::plan::Plan::merge(vec![(StageName::Deadweight, part)]);
    why(inv, &cfg(), target, &p)
}

#[test]
fn why_prints_the_chain_or_the_reason() {
    let d = bundle_drive(&[]);
    let inv = scan_test_folder(d.path(), None, None);
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

#[test]
fn why_on_assets_and_other_files() {
    let code = format!("{CODE}x = 'a.bmp'\n");
    let d = bundle_drive(&[
        ("code.py", code.as_bytes()),
        ("images/b.bmp", b"BM"),
        ("images/a.bmp", b"BM"),
    ]);
    let inv = scan_test_folder(d.path(), None, None);
    let text = why_of(&inv, Path::new("images/b.bmp")).expect("why");
    assert!(text.contains("unreferenced asset"), "{text}");
    assert!(!text.contains("imports 'images'"), "{text}");
    let text = why_of(&inv, Path::new("images/a.bmp")).expect("why");
    assert!(text.contains("not a Python module"), "{text}");
    let text = why_of(&inv, Path::new("code.py")).expect("why");
    assert!(text.contains("entry point"), "{text}");
}
