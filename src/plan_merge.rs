//! [`Plan::add`]: how a stage's plan joins the earlier stages' (see src/plan.rs).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{Action, Effect, Plan, StagePlan, Stamp, Write, WriteMode};
use crate::config::StageName;
use crate::fatname;
use crate::pysrc::paths::LiteralEdit;

/// Where an earlier stage's action sits: (position in [`Plan::stages`], index).
type At = (usize, usize);

/// What becomes of one action of the stage being added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Keep,
    Drop,
    /// Folded into the earlier path-literal edit of the same file.
    Into(At),
    /// Kept, and the earlier stage's lone delete of the same file becomes a note.
    Over(At),
}

/// The earlier stages' writes, keyed as FAT compares names (`LIB/X.PY` is `lib/x.py`), in
/// hashed sets: a plan can hold tens of thousands of actions.
struct Claims {
    by_path: HashMap<String, Vec<At>>,
    deleted_dirs: HashSet<String>,
    deleted_files: HashSet<String>,
}

impl Claims {
    fn of(plan: &Plan) -> Claims {
        let mut c = Claims {
            by_path: HashMap::new(),
            deleted_dirs: HashSet::new(),
            deleted_files: HashSet::new(),
        };
        for (s, (_, p)) in plan.stages.iter().enumerate() {
            for (j, d) in p.actions.iter().enumerate().filter(|(_, d)| d.writes()) {
                let key = fatname::path_key(&d.path);
                match d.effect {
                    Effect::DeleteDir { .. } => {
                        c.deleted_dirs.insert(key.clone());
                    }
                    Effect::DeleteFile { .. } => {
                        c.deleted_files.insert(key.clone());
                    }
                    _ => {}
                }
                c.by_path.entry(key).or_default().push((s, j));
            }
        }
        c
    }

    /// Is `p` (or, skipping `skip` levels, a folder above it) a folder an earlier stage deletes?
    fn under_deleted_dir(&self, p: &Path, skip: usize) -> bool {
        p.ancestors()
            .skip(skip)
            .filter(|d| !d.as_os_str().is_empty())
            .any(|d| self.deleted_dirs.contains(&fatname::path_key(d)))
    }
}

impl Plan {
    /// Append the next stage's plan. A path already claimed by an earlier stage (or lying inside
    /// a folder an earlier stage deletes) is dropped from this stage, together with everything
    /// linked to it, so no file is written twice in one run: except when the action runs
    /// `after` that claim, when both are path-literal rewrites of the same file (they become
    /// one edit), or when it `takes_over` a standalone delete.
    pub fn add(&mut self, name: StageName, part: StagePlan) {
        let mut fates = self.fates(&part);
        drop_linked(&part, &mut fates);
        let k = self.stages.len();
        let places = places(&fates);
        let mut actions = Vec::with_capacity(places.iter().flatten().count());
        for (i, a) in part.actions.into_iter().enumerate() {
            if fates[i] == Fate::Drop {
                continue;
            }
            let a = relinked(a, &fates, &places);
            match fates[i] {
                Fate::Into(at) => self.fold_into(at, k, a),
                Fate::Over(at) => {
                    self.turn_into_note(at, name);
                    actions.push(a);
                }
                Fate::Keep => actions.push(a),
                Fate::Drop => {}
            }
        }
        self.stages.push((name, StagePlan { actions }));
    }

    /// Each action's fate, judged alone against the earlier stages' claims.
    fn fates(&self, part: &StagePlan) -> Vec<Fate> {
        let claims = Claims::of(self);
        let fate = |a: &Action| {
            let key = fatname::path_key(&a.path);
            if !a.writes() {
                // A note about something an earlier stage deletes (an estimate for a library
                // deadweight removes, say) would contradict the plan.
                let gone =
                    claims.under_deleted_dir(&a.path, 0) || claims.deleted_files.contains(&key);
                return if gone { Fate::Drop } else { Fate::Keep };
            }
            let on = claims.by_path.get(&key).map_or(&[][..], Vec::as_slice);
            if on.iter().any(|c| a.after.contains(c)) {
                return Fate::Keep;
            }
            if claims.under_deleted_dir(&a.path, 1) {
                return Fate::Drop;
            }
            match on {
                [] => Fate::Keep,
                [at] => self.settle_clash(*at, a),
                _ => Fate::Drop,
            }
        };
        part.actions.iter().map(fate).collect()
    }

    /// `a` writes the one path the action at `at` writes: combine two literal edits, take over
    /// a lone delete, or drop `a`.
    fn settle_clash(&self, at: At, a: &Action) -> Fate {
        let earlier = &self.stages[at.0].1.actions[at.1];
        if combined(earlier, a).is_some() {
            Fate::Into(at)
        } else if takes_over(a)
            && matches!(earlier.effect, Effect::DeleteFile { .. })
            && !self.is_needed(at)
        {
            Fate::Over(at)
        } else {
            Fate::Drop
        }
    }

    /// Combine the edit `a` of stage position `k` into the earlier edit at `at`, which then also
    /// waits for what `a` waited for.
    fn fold_into(&mut self, at: At, k: usize, a: Action) {
        let deps: Vec<At> = a.deps(k).collect();
        let earlier = &mut self.stages[at.0].1.actions[at.1];
        if let Some(mut merged) = combined(earlier, &a) {
            merged.after.extend(deps);
            *earlier = merged;
        }
    }

    /// The lone delete at `at` is done by stage `name`'s write instead: say so.
    fn turn_into_note(&mut self, at: At, name: StageName) {
        let earlier = &mut self.stages[at.0].1.actions[at.1];
        let note = format!("{}; instead, the {name} stage replaces it", earlier.note);
        *earlier = Action::report(&earlier.path, earlier.bytes_before, note);
    }

    /// The planned writes to `path`, as (stage position, index).
    pub fn claims_on(&self, path: &Path) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (s, (_, part)) in self.stages.iter().enumerate() {
            for (j, a) in part.actions.iter().enumerate() {
                if a.writes() && fatname::path_eq(&a.path, path) {
                    out.push((s, j));
                }
            }
        }
        out
    }

    /// Does any action wait for the one at `at`?
    fn is_needed(&self, at: (usize, usize)) -> bool {
        self.stages
            .iter()
            .enumerate()
            .any(|(s, (_, p))| p.actions.iter().any(|a| a.deps(s).any(|d| d == at)))
    }
}

/// Linked actions (a swap's write and its delete) are all-or-nothing: when one is dropped, so
/// is everything linked to it.
fn drop_linked(part: &StagePlan, fates: &mut [Fate]) {
    let n = fates.len();
    loop {
        let mut changed = false;
        for (i, a) in part.actions.iter().enumerate() {
            for &r in &a.requires {
                if r >= n {
                    changed |= std::mem::replace(&mut fates[i], Fate::Drop) != Fate::Drop;
                } else if (fates[i] == Fate::Drop) != (fates[r] == Fate::Drop) {
                    fates[i] = Fate::Drop;
                    fates[r] = Fate::Drop;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
}

/// Each action's index in the stage's new list (`None` when dropped or folded away).
fn places(fates: &[Fate]) -> Vec<Option<usize>> {
    let mut next = 0;
    fates
        .iter()
        .map(|f| match f {
            Fate::Keep | Fate::Over(_) => {
                next += 1;
                Some(next - 1)
            }
            Fate::Drop | Fate::Into(_) => None,
        })
        .collect()
}

/// `a` with its links pointing at the new places: one to an edit folded into an earlier
/// stage's edit now points at that one.
fn relinked(mut a: Action, fates: &[Fate], places: &[Option<usize>]) -> Action {
    let mut local = Vec::new();
    for &r in &a.requires {
        match (fates[r], places[r]) {
            (Fate::Into(at), _) => a.after.push(at),
            (_, Some(p)) => local.push(p),
            (_, None) => {}
        }
    }
    a.requires = local;
    a
}

/// Does `a` supersede an earlier stage's lone delete of its file?
fn takes_over(a: &Action) -> bool {
    matches!(
        a.effect,
        Effect::Write(Write {
            mode: WriteMode::Replace {
                takes_over: true,
                ..
            },
            ..
        })
    )
}

/// An edit's planned original, its literal rewrites, and whether it may grow the code.
fn literal_of(a: &Action) -> Option<(&Stamp, &LiteralEdit, bool)> {
    match &a.effect {
        Effect::Write(Write {
            mode:
                WriteMode::Edit {
                    expect,
                    force,
                    literal,
                },
            ..
        }) => Some((expect, literal, *force)),
        _ => None,
    }
}

/// Two path-literal edits of the same file as one edit of the original (the earlier's place,
/// expectations and dependencies, both notes), or `None` when they cannot combine.
fn combined(earlier: &Action, later: &Action) -> Option<Action> {
    let (expect, first, first_force) = literal_of(earlier)?;
    let (_, second, second_force) = literal_of(later)?;
    let literal = first.combine(second)?;
    let Effect::Write(write) = &earlier.effect else {
        return None;
    };
    let write = Write {
        bytes: literal.text().into_bytes(),
        mode: WriteMode::Edit {
            expect: expect.clone(),
            // A longer extension (`.lvfontbin`) grows the code by a few bytes: allowed when
            // either stage allowed it.
            force: first_force || second_force,
            literal,
        },
        cluster_size: write.cluster_size,
    };
    Some(Action {
        effect: Effect::Write(write),
        note: format!("{}; {}", earlier.note, later.note),
        ..earlier.clone()
    })
}
