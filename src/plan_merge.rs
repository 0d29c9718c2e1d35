//! [`Plan::add`]: how a stage's plan joins the earlier stages' (see src/plan.rs).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{Action, Effect, Plan, StagePlan, Stamp, Write, WriteMode};
use crate::fatname;
use crate::pysrc::paths::LiteralEdit;
use crate::stages::StageName;

impl Plan {
    /// Append the next stage's plan. A path already claimed by an earlier stage (or lying inside
    /// a folder an earlier stage deletes) is dropped from this stage, together with everything
    /// linked to it, so no file is written twice in one run: except when the action runs
    /// `after` that claim, when both are path-literal rewrites of the same file (they become
    /// one edit), or when it `takes_over` a standalone delete.
    pub fn add(&mut self, name: StageName, part: StagePlan) {
        let k = self.stages.len();
        let n = part.actions.len();
        let mut keep = vec![true; n];
        let mut into: Vec<Option<(usize, usize)>> = vec![None; n];
        let mut over: Vec<Option<(usize, usize)>> = vec![None; n];
        // Keyed as FAT compares names (`LIB/X.PY` is `lib/x.py`), in hashed sets: a plan can
        // hold tens of thousands of actions.
        let mut claimed: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        let mut deleted_dirs: HashSet<String> = HashSet::new();
        let mut deleted_files: HashSet<String> = HashSet::new();
        for (s, (_, p)) in self.stages.iter().enumerate() {
            for (j, d) in p.actions.iter().enumerate().filter(|(_, d)| d.writes()) {
                let key = fatname::path_key(&d.path);
                match d.effect {
                    Effect::DeleteDir => {
                        deleted_dirs.insert(key.clone());
                    }
                    Effect::DeleteFile { .. } => {
                        deleted_files.insert(key.clone());
                    }
                    _ => {}
                }
                claimed.entry(key).or_default().push((s, j));
            }
        }
        let under_deleted_dir = |p: &Path, skip: usize| {
            p.ancestors()
                .skip(skip)
                .filter(|d| !d.as_os_str().is_empty())
                .any(|d| deleted_dirs.contains(&fatname::path_key(d)))
        };
        for (i, a) in part.actions.iter().enumerate() {
            let key = fatname::path_key(&a.path);
            if !a.writes() {
                // A note about something an earlier stage deletes (an estimate for a library
                // deadweight removes, say) would contradict the plan.
                keep[i] = !under_deleted_dir(&a.path, 0) && !deleted_files.contains(&key);
                continue;
            }
            let claims = claimed.get(&key).cloned().unwrap_or_default();
            if claims.iter().any(|c| a.after.contains(c)) {
                continue;
            }
            let in_deleted_dir = under_deleted_dir(&a.path, 1);
            match claims.as_slice() {
                [] if !in_deleted_dir => {}
                [(s, j)] if !in_deleted_dir => {
                    let earlier = &self.stages[*s].1.actions[*j];
                    if combined(earlier, a).is_some() {
                        into[i] = Some((*s, *j));
                    } else if takes_over(a)
                        && matches!(earlier.effect, Effect::DeleteFile { .. })
                        && !self.is_needed((*s, *j))
                    {
                        over[i] = Some((*s, *j));
                    } else {
                        keep[i] = false;
                    }
                }
                _ => keep[i] = false,
            }
        }
        // Linked actions (a swap's write and its delete) are all-or-nothing: when one is
        // dropped, so is everything linked to it.
        loop {
            let mut changed = false;
            for (i, a) in part.actions.iter().enumerate() {
                for &r in &a.requires {
                    if r >= n {
                        changed |= std::mem::replace(&mut keep[i], false);
                    } else if keep[i] != keep[r] {
                        keep[i] = false;
                        keep[r] = false;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let mut remap = vec![usize::MAX; n];
        let mut kept = 0;
        for i in 0..n {
            if keep[i] && into[i].is_none() {
                remap[i] = kept;
                kept += 1;
            }
        }
        // A reference to an edit folded into an earlier stage's edit now points at that one.
        let link = |r: usize, into: &[Option<(usize, usize)>]| match into[r] {
            Some(at) => Err(at),
            None => Ok(remap[r]),
        };
        let mut actions = Vec::with_capacity(kept);
        for (i, mut a) in part.actions.into_iter().enumerate() {
            if !keep[i] {
                continue;
            }
            let (mut local, mut after) = (Vec::new(), std::mem::take(&mut a.after));
            for &r in &a.requires {
                match link(r, &into) {
                    Ok(r) => local.push(r),
                    Err(at) => after.push(at),
                }
            }
            a.requires = local;
            a.after = after;
            if let Some((s, j)) = into[i] {
                let deps: Vec<(usize, usize)> = a
                    .requires
                    .iter()
                    .map(|&r| (k, r))
                    .chain(a.after.iter().copied())
                    .collect();
                let earlier = &mut self.stages[s].1.actions[j];
                if let Some(mut merged) = combined(earlier, &a) {
                    merged.after.extend(deps);
                    *earlier = merged;
                }
                continue;
            }
            if let Some((s, j)) = over[i] {
                let earlier = &mut self.stages[s].1.actions[j];
                let note = format!("{}; instead, the {name} stage replaces it", earlier.note);
                *earlier = Action::report(&earlier.path, earlier.bytes_before, note);
            }
            actions.push(a);
        }
        self.stages.push((name, StagePlan { actions }));
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
