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

#[test]
fn a_folder_is_deleted_only_while_it_holds_what_was_planned() {
    let opts = ScanOptions {
        cluster_size: Some(512),
        cp_version: None,
        board_id: None,
    };
    // What happens between plan and apply, and whether the folder is deleted then.
    type Case = (&'static str, fn(&Path), bool);
    let cases: [Case; 4] = [
        ("nothing", |_| {}, true),
        (
            "a file added",
            |d| std::fs::write(d.join("sub/mine.py"), b"print(1)").expect("write"),
            false,
        ),
        (
            "a file grown",
            |d| std::fs::write(d.join("a.pyc"), b"longer now").expect("write"),
            false,
        ),
        (
            "a file removed",
            |d| std::fs::remove_file(d.join("sub/b.pyc")).expect("rm"),
            false,
        ),
    ];
    for (what, change, deleted) in cases {
        let t = tempfile::tempdir().expect("tmp");
        let dir = t.path().join("__pycache__");
        std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
        std::fs::write(dir.join("a.pyc"), b"junk").expect("write");
        std::fs::write(dir.join("sub/b.pyc"), b"junk").expect("write");
        let inv = scan(t.path(), &opts).expect("scan");
        let e = inv.get(Path::new("__pycache__")).expect("entry");
        let delete = Action::delete(&inv, e, "cache");
        change(&dir);
        let out = run(t.path(), vec![delete]);
        let want = if deleted {
            Status::Done
        } else {
            Status::Failed
        };
        assert_eq!(out.status, vec![vec![want]], "{what}");
        assert_eq!(!dir.exists(), deleted, "{what}");
        if !deleted {
            assert!(
                out.errors[0].1.contains("changed since it was planned"),
                "{what}: {:?}",
                out.errors
            );
        }
    }
}
