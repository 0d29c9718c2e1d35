//! What a run found and did, as one model printed two ways: [`human`] and JSON (serde).

use std::path::Path;

use serde::Serialize;

use crate::apply::{Outcome, Status};
use crate::cluster::ClusterSource;
use crate::plan::{ActionKind, Level, Plan};
use crate::scan::Inventory;
use crate::stages::StageName;

pub mod advice;
pub mod human;
pub mod ram;
pub mod width;

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Totals {
    pub files: u64,
    pub bytes: u64,
    pub allocated: u64,
}

impl Totals {
    pub fn of(inv: &Inventory) -> Totals {
        let (files, bytes, allocated) = inv.totals();
        Totals {
            files,
            bytes,
            allocated,
        }
    }
}

/// What became of a writing action: planned (audit, or before the prompt), or its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionStatus {
    Planned,
    Done,
    Failed,
    /// Not attempted: something it required failed, or the run was interrupted.
    Skipped,
}

impl From<Status> for ActionStatus {
    fn from(s: Status) -> Self {
        match s {
            Status::Done => ActionStatus::Done,
            Status::Failed => ActionStatus::Failed,
            Status::Skipped => ActionStatus::Skipped,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionReport {
    pub action: ActionKind,
    pub level: Level,
    /// `None` for notes (`action: report`), which write nothing.
    pub status: Option<ActionStatus>,
    pub path: String,
    pub bytes_before: u64,
    pub bytes_after: u64,
    /// Files at `path` before and after (a deleted folder counts every file in it).
    pub files_before: u64,
    pub files_after: u64,
    pub note: String,
}

impl ActionReport {
    /// Counted in the stage's totals: it writes, and it was done (or is planned).
    fn counts(&self) -> bool {
        matches!(
            self.status,
            Some(ActionStatus::Planned) | Some(ActionStatus::Done)
        )
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StageReport {
    pub name: StageName,
    /// Files this stage deletes, rewrites or adds, counted before and after (not actions).
    pub files_before: u64,
    pub files_after: u64,
    /// Apparent bytes of those files before and after.
    pub bytes_before: u64,
    pub bytes_after: u64,
    pub saved_bytes: i64,
    /// The same change in whole clusters: the space the board gains.
    pub saved_allocated: i64,
    pub actions: Vec<ActionReport>,
}

impl StageReport {
    fn from_actions(name: StageName, actions: Vec<ActionReport>, saved_allocated: i64) -> Self {
        let counted = || actions.iter().filter(|a| a.counts());
        let bytes_before = counted().map(|a| a.bytes_before).sum::<u64>();
        let bytes_after = counted().map(|a| a.bytes_after).sum::<u64>();
        StageReport {
            name,
            files_before: counted().map(|a| a.files_before).sum(),
            files_after: counted().map(|a| a.files_after).sum(),
            bytes_before,
            bytes_after,
            saved_bytes: bytes_before as i64 - bytes_after as i64,
            saved_allocated,
            actions,
        }
    }
}

/// The headline: what the run frees (or would free), in bytes and in whole clusters.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Saved {
    pub bytes: i64,
    /// Space the board gains: the figure the prompt, the result and the README show.
    pub allocated: i64,
}

/// `--budget`: the limit, what the result takes (allocated bytes), whether it fits.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct BudgetReport {
    pub limit: u64,
    pub used: u64,
    pub fits: bool,
}

/// Something the `--out` build did not copy, because it does not belong on the board.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LeftOut {
    pub path: String,
    pub files: u64,
    pub bytes: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ErrorReport {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BoardReport {
    pub version: String,
    pub board_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: u32,
    pub command: &'static str,
    pub path: String,
    pub board: Option<BoardReport>,
    pub cluster_size: u64,
    pub cluster_source: ClusterSource,
    pub before: Totals,
    pub after: Totals,
    pub saved: Saved,
    pub free_before: Option<u64>,
    pub free_after: Option<u64>,
    pub budget: Option<BudgetReport>,
    pub out: Option<String>,
    pub left_out: Vec<LeftOut>,
    pub stages: Vec<StageReport>,
    pub errors: Vec<ErrorReport>,
    pub backup: Option<String>,
    pub interrupted: bool,
    pub largest: Vec<advice::LargeFile>,
    /// The plan was carried out (the result of `optimize`), not only shown.
    #[serde(skip)]
    pub applied: bool,
}

/// The JSON document's version; docs/json.md describes it field by field.
pub const SCHEMA: u32 = 2;

pub fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

impl Report {
    /// The plan as a report (`audit`, and `optimize` before it asks). With an outcome, only
    /// actions that succeeded count as saved.
    pub fn new(
        command: &'static str,
        inv: &Inventory,
        cluster_source: ClusterSource,
        plan: &Plan,
        outcome: Option<&Outcome>,
    ) -> Report {
        let mut stages = Vec::new();
        let mut after = Totals::of(inv);
        for (s, (name, part)) in plan.stages.iter().enumerate() {
            let mut actions = Vec::new();
            let mut saved_alloc = 0i64;
            for (i, a) in part.actions.iter().enumerate() {
                let status = a.writes().then(|| {
                    outcome
                        .and_then(|o| o.status.get(s).and_then(|v| v.get(i)).copied())
                        .map_or(ActionStatus::Planned, ActionStatus::from)
                });
                let (files_before, files_after) = match a.kind() {
                    ActionKind::Delete if a.deletes_dir() => (inv.file_count(&a.path) as u64, 0),
                    ActionKind::Delete => (1, 0),
                    ActionKind::Create => (0, 1),
                    ActionKind::Report => (0, 0),
                    ActionKind::Replace | ActionKind::Edit => (1, 1),
                };
                let report = ActionReport {
                    action: a.kind(),
                    level: a.level,
                    status,
                    path: display_path(&a.path),
                    bytes_before: a.bytes_before,
                    bytes_after: a.bytes_after(),
                    files_before,
                    files_after,
                    note: a.note.clone(),
                };
                if report.counts() {
                    saved_alloc += a.saved_alloc();
                    after.bytes = (after.bytes + a.bytes_after()).saturating_sub(a.bytes_before);
                    after.allocated =
                        (after.allocated + a.alloc_after()).saturating_sub(a.alloc_before);
                    after.files = (after.files + files_after).saturating_sub(files_before);
                }
                actions.push(report);
            }
            stages.push(StageReport::from_actions(*name, actions, saved_alloc));
        }
        let mut errors: Vec<ErrorReport> = inv
            .issues
            .iter()
            .map(|i| ErrorReport {
                path: display_path(&i.path),
                message: i.message.clone(),
            })
            .collect();
        if let Some(o) = outcome {
            errors.extend(o.errors.iter().map(|(p, m)| ErrorReport {
                path: display_path(p),
                message: m.clone(),
            }));
        }
        let saved = Saved {
            bytes: stages.iter().map(|s| s.saved_bytes).sum(),
            allocated: stages.iter().map(|s| s.saved_allocated).sum(),
        };
        Report {
            schema: SCHEMA,
            command,
            path: display_path(&inv.root),
            board: inv.board.as_ref().map(|b| BoardReport {
                version: b.version.clone(),
                board_id: b.board_id.clone(),
            }),
            cluster_size: inv.cluster_size,
            cluster_source,
            before: Totals::of(inv),
            after,
            saved,
            free_before: None,
            free_after: None,
            budget: None,
            out: None,
            left_out: Vec::new(),
            stages,
            errors,
            backup: outcome.and_then(|o| o.backup.as_deref()).map(display_path),
            interrupted: outcome.is_some_and(|o| o.interrupted),
            largest: Vec::new(),
            applied: false,
        }
    }

    /// Record `--budget` against the result's allocated size.
    pub fn set_budget(&mut self, limit: u64) {
        let used = self.after.allocated;
        self.budget = Some(BudgetReport {
            limit,
            used,
            fits: used <= limit,
        });
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"schema\":{SCHEMA},\"error\":\"{e}\"}}"))
    }
}
