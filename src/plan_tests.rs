//! How [`Plan::add`] settles two stages writing the same path.

use std::path::Path;

use super::*;
use crate::pysrc::paths::LiteralEdit;

const UNKNOWN: Stamp = Stamp {
    size: 0,
    mtime: None,
};

/// An action of `kind` on `path` with nothing else to it (an edit rewrites no literal).
fn act(kind: ActionKind, path: &str) -> Action {
    let write = |mode| {
        Effect::Write(Write {
            bytes: Vec::new(),
            mode,
            cluster_size: 512,
        })
    };
    let effect = match kind {
        ActionKind::Delete => Effect::DeleteFile { expect: UNKNOWN },
        ActionKind::Report => Effect::Note { estimate: None },
        ActionKind::Create => write(WriteMode::Create),
        ActionKind::Replace => write(WriteMode::Replace {
            expect: UNKNOWN,
            force: false,
            takes_over: false,
        }),
        ActionKind::Edit => write(WriteMode::Edit {
            expect: UNKNOWN,
            force: false,
            literal: LiteralEdit::new(String::new(), Vec::new()).expect("edit"),
        }),
    };
    Action {
        effect,
        ..Action::report(Path::new(path), 0, "")
    }
}

fn literal(src: &str, from: &str, to: &str) -> Action {
    let start = src.find(from).expect("literal in source");
    let edit = LiteralEdit::new(
        src.to_string(),
        vec![(start..start + from.len(), to.into())],
    )
    .expect("edit");
    let write = Write {
        bytes: edit.text().into_bytes(),
        mode: WriteMode::Edit {
            expect: UNKNOWN,
            force: false,
            literal: edit,
        },
        cluster_size: 512,
    };
    Action {
        effect: Effect::Write(write),
        bytes_before: src.len() as u64,
        note: format!("{from} → {to}"),
        ..act(ActionKind::Edit, "code.py")
    }
}

fn kinds(p: &StagePlan) -> Vec<ActionKind> {
    p.actions.iter().map(Action::kind).collect()
}

const SRC: &str = "f = load_font('/f.bdf')\ni = load('/i.bmp')\n";

#[test]
fn literal_edits_of_one_file_become_one_edit_that_waits_for_both_stages() {
    let mut plan = Plan::merge(vec![(
        StageName::Bitmaps,
        StagePlan {
            actions: vec![
                act(ActionKind::Create, "i.png"),
                literal(SRC, "'/i.bmp'", "'/i.png'").requiring([0]),
                act(ActionKind::Delete, "i.bmp").requiring([0, 1]),
            ],
        },
    )]);
    plan.add(
        StageName::Fonts,
        StagePlan {
            actions: vec![
                act(ActionKind::Create, "f.pcf"),
                literal(SRC, "'/f.bdf'", "'/f.lvfontbin'")
                    .requiring([0])
                    .forced(),
                act(ActionKind::Delete, "f.bdf").requiring([0, 1]),
            ],
        },
    );
    let fonts = &plan.stages[1].1;
    assert_eq!(kinds(fonts), vec![ActionKind::Create, ActionKind::Delete]);
    // The BDF goes only after the combined edit in the bitmaps stage.
    assert_eq!(fonts.actions[1].requires, vec![0]);
    assert_eq!(fonts.actions[1].after, vec![(0, 1)]);
    let edit = &plan.stages[0].1.actions[1];
    assert_eq!(
        edit.content(),
        Some(&b"f = load_font('/f.lvfontbin')\ni = load('/i.png')\n"[..])
    );
    // ... which itself waits for the PCF.
    assert_eq!(edit.requires, vec![0]);
    assert_eq!(edit.after, vec![(1, 0)]);
    assert_eq!(edit.alloc_after(), 512);
    assert!(edit.note.contains("'/i.png'") && edit.note.contains("'/f.lvfontbin'"));
    // The longer font name grows the code a little: allowed because the fonts stage allowed it.
    assert!(matches!(
        edit.effect,
        Effect::Write(Write {
            mode: WriteMode::Edit { force: true, .. },
            ..
        })
    ));
}

#[test]
fn any_other_clash_drops_the_later_write_and_what_is_linked_to_it() {
    let mut plan = Plan::merge(vec![(
        StageName::Bitmaps,
        StagePlan {
            actions: vec![act(ActionKind::Edit, "code.py")],
        },
    )]);
    plan.add(
        StageName::Fonts,
        StagePlan {
            actions: vec![
                act(ActionKind::Create, "f.pcf"),
                literal(SRC, "'/f.bdf'", "'/f.pcf'").requiring([0]),
                act(ActionKind::Delete, "f.bdf").requiring([0, 1]),
            ],
        },
    );
    assert!(plan.stages[1].1.actions.is_empty());
}

#[test]
fn a_write_after_the_claim_and_a_take_over_of_a_lone_delete_are_kept() {
    let mut plan = Plan::merge(vec![
        (
            StageName::Mpy,
            StagePlan {
                actions: vec![act(ActionKind::Delete, "m.mpy")],
            },
        ),
        (
            StageName::Fonts,
            StagePlan {
                actions: vec![act(ActionKind::Edit, "m.py")],
            },
        ),
    ]);
    let write = act(ActionKind::Replace, "m.mpy").taking_over();
    let mut delete = act(ActionKind::Delete, "m.py").requiring([0]);
    delete.after = vec![(1, 0)];
    plan.add(
        StageName::Compile,
        StagePlan {
            actions: vec![write, delete],
        },
    );
    assert_eq!(kinds(&plan.stages[0].1), vec![ActionKind::Report]);
    assert_eq!(
        kinds(&plan.stages[2].1),
        vec![ActionKind::Replace, ActionKind::Delete]
    );
    assert_eq!(plan.stages[2].1.actions[1].after, vec![(1, 0)]);
}

#[test]
fn a_delete_something_waits_for_is_not_taken_over() {
    let mut plan = Plan::merge(vec![(
        StageName::Mpy,
        StagePlan {
            actions: vec![
                act(ActionKind::Delete, "m.mpy"),
                act(ActionKind::Create, "x").requiring([0]),
            ],
        },
    )]);
    let write = act(ActionKind::Replace, "m.mpy").taking_over();
    plan.add(
        StageName::Compile,
        StagePlan {
            actions: vec![write],
        },
    );
    assert_eq!(plan.stages[0].1.actions[0].kind(), ActionKind::Delete);
    assert!(plan.stages[1].1.actions.is_empty());
}
