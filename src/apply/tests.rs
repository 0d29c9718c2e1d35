//! The writer's own safety nets, on plans built by hand.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use super::*;
use crate::config::StageName;
use crate::plan::StagePlan;
use crate::scan::{scan, ScanOptions};

fn run(root: &Path, actions: Vec<Action>) -> Outcome {
    let plan = Plan {
        stages: vec![(StageName::Mpy, StagePlan { actions })],
    };
    let stop = AtomicBool::new(false);
    apply(
        &plan,
        &ApplyOptions {
            root,
            cluster_size: 512,
            backup_root: None,
            interrupt: &stop,
            progress: &|_, _, _| {},
        },
    )
    .expect("apply")
}

#[test]
fn a_create_beside_a_case_twin_is_refused_and_the_twin_kept() {
    let t = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(t.path().join("lib")).expect("mkdir");
    std::fs::write(t.path().join("lib/NEOPIXEL.MPY"), b"old").expect("write");
    let inv = scan(
        t.path(),
        &ScanOptions {
            cluster_size: Some(512),
            cp_version: None,
            board_id: None,
        },
    )
    .expect("scan");
    let create = Action::create(&inv, Path::new("lib/neopixel.mpy"), b"new".to_vec(), "x");
    let out = run(t.path(), vec![create]);
    assert_eq!(out.status, vec![vec![Status::Failed]]);
    assert!(
        out.errors[0].1.contains("NEOPIXEL.MPY is the same name"),
        "{:?}",
        out.errors
    );
    assert!(!t.path().join("lib/neopixel.mpy").exists());
    assert_eq!(
        std::fs::read(t.path().join("lib/NEOPIXEL.MPY")).expect("read"),
        b"old"
    );
}
