//! Libraries the firmware already has (built in or frozen): what the board's version and board
//! ID make dead, what stays because the list is unknown, and what is only reported.

use super::tests::{analyze_dir, bundle_drive, cfg, found, has};
use super::*;
use crate::scan::scan_test_folder;

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
    let inv = scan_test_folder(d.path(), Some("8.2.0"), Some("pyportal"));
    let p = plan(&inv, &cfg()).expect("plan");
    assert!(p
        .actions
        .iter()
        .any(|a| a.note.contains("check skipped") && a.note.contains("8.x")));
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
    let inv = scan_test_folder(d.path(), Some("10.2.1"), Some("pyportal"));
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
