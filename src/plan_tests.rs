//! How [`Plan::add`] settles two stages writing the same path.

use super::*;

fn act(kind: ActionKind, path: &str) -> Action {
    Action::base(kind, Path::new(path))
}

fn literal(src: &str, from: &str, to: &str) -> Action {
    let start = src.find(from).expect("literal in source");
    let edit = LiteralEdit::new(
        src.to_string(),
        vec![(start..start + from.len(), to.into())],
    )
    .expect("edit");
    Action {
        content: Some(edit.text().into_bytes()),
        literal_edit: Some((edit, 512)),
        bytes_before: src.len() as u64,
        note: format!("{from} → {to}"),
        ..act(ActionKind::Edit, "code.py")
    }
}

fn kinds(p: &StagePlan) -> Vec<ActionKind> {
    p.actions.iter().map(|a| a.kind).collect()
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
        edit.content.as_deref(),
        Some(&b"f = load_font('/f.lvfontbin')\ni = load('/i.png')\n"[..])
    );
    // ... which itself waits for the PCF.
    assert_eq!(edit.requires, vec![0]);
    assert_eq!(edit.after, vec![(1, 0)]);
    assert_eq!(edit.alloc_after, 512);
    assert!(edit.note.contains("'/i.png'") && edit.note.contains("'/f.lvfontbin'"));
    // The longer font name grows the code a little: allowed because the fonts stage allowed it.
    assert!(edit.force);
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
    let mut write = act(ActionKind::Replace, "m.mpy");
    write.takes_over = true;
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
    let mut write = act(ActionKind::Replace, "m.mpy");
    write.takes_over = true;
    plan.add(
        StageName::Compile,
        StagePlan {
            actions: vec![write],
        },
    );
    assert_eq!(plan.stages[0].1.actions[0].kind, ActionKind::Delete);
    assert!(plan.stages[1].1.actions.is_empty());
}
