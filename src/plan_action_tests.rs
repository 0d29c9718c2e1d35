//! Sizes after an action follow from what it does; the size rule each write obeys.

use super::*;

const PLANNED: Stamp = Stamp {
    size: 3000,
    mtime: None,
};

fn action(effect: Effect) -> Action {
    Action {
        effect,
        bytes_before: 3000,
        alloc_before: 4096,
        ..Action::report(Path::new("a"), 0, "")
    }
}

fn write(len: usize, mode: WriteMode) -> Write {
    Write {
        bytes: vec![0; len],
        mode,
        cluster_size: 512,
    }
}

fn replace(force: bool) -> WriteMode {
    WriteMode::Replace {
        expect: PLANNED,
        force,
        takes_over: false,
    }
}

fn edit(force: bool) -> WriteMode {
    WriteMode::Edit {
        expect: PLANNED,
        force,
        literal: LiteralEdit::new(String::new(), Vec::new()).expect("edit"),
    }
}

#[test]
fn sizes_after_follow_from_the_effect() {
    let w = action(Effect::Write(write(1000, WriteMode::Create)));
    assert_eq!((w.bytes_after(), w.alloc_after()), (1000, 1024));
    assert_eq!((w.saved_bytes(), w.saved_alloc()), (2000, 3072));
    for gone in [
        Effect::DeleteDir {
            expect: FolderStamp::default(),
        },
        Effect::DeleteFile { expect: PLANNED },
    ] {
        let d = action(gone);
        assert_eq!((d.bytes_after(), d.alloc_after()), (0, 0));
    }
    let n = action(Effect::Note { estimate: None });
    assert_eq!(
        (n.bytes_after(), n.alloc_after(), n.saved_alloc()),
        (3000, 4096, 0)
    );
    let e = action(Effect::Note {
        estimate: Some(750),
    });
    assert_eq!((e.bytes_after(), e.alloc_after()), (750, 4096));
    assert!(!n.writes() && !e.writes() && w.writes());
}

#[test]
fn a_replacement_must_shrink_an_edit_must_not_grow_unless_forced() {
    assert!(write(3000, replace(false)).refused_as_larger(3000));
    assert!(!write(2999, replace(false)).refused_as_larger(3000));
    assert!(!write(3000, edit(false)).refused_as_larger(3000));
    assert!(write(3001, edit(false)).refused_as_larger(3000));
    assert!(!write(3001, edit(true)).refused_as_larger(3000));
    assert!(!write(5000, replace(true)).refused_as_larger(3000));
    assert!(!write(5000, WriteMode::Create).refused_as_larger(0));
}

#[test]
fn kinds_are_named_as_the_reports_name_them() {
    let kind = |e| action(e).kind();
    assert_eq!(
        kind(Effect::DeleteDir {
            expect: FolderStamp::default()
        }),
        ActionKind::Delete
    );
    assert_eq!(
        kind(Effect::DeleteFile { expect: PLANNED }),
        ActionKind::Delete
    );
    assert_eq!(
        kind(Effect::Write(write(1, replace(false)))),
        ActionKind::Replace
    );
    assert_eq!(kind(Effect::Write(write(1, edit(false)))), ActionKind::Edit);
    assert_eq!(
        kind(Effect::Write(write(1, WriteMode::Create))),
        ActionKind::Create
    );
    assert_eq!(kind(Effect::Note { estimate: None }), ActionKind::Report);
    let forced = action(Effect::Write(write(1, replace(false)))).forced();
    assert!(matches!(
        forced.effect,
        Effect::Write(Write {
            mode: WriteMode::Replace { force: true, .. },
            ..
        })
    ));
}
