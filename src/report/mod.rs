//! What a run found and did, as one model printed two ways: [`human`] and JSON (serde).

use std::path::Path;

use serde::Serialize;

use crate::apply::{Outcome, Status};
use crate::cluster::ClusterSource;
use crate::config::StageName;
use crate::plan::{Action, ActionKind, Level, Plan, StagePlan};
use crate::scan::Inventory;

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

/// Which run a report describes. It names the JSON `command` and decides whether the human
/// report speaks of a plan or of changes made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportMode {
    /// `audit`: the plan only.
    Audit,
    /// `optimize` before it asks: the plan it is about to carry out.
    Preview,
    /// `optimize` after carrying out the plan.
    Applied,
}

impl ReportMode {
    /// The command, as the JSON document names it.
    pub fn command(self) -> &'static str {
        match self {
            ReportMode::Audit => "audit",
            ReportMode::Preview | ReportMode::Applied => "optimize",
        }
    }
}

impl Serialize for ReportMode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.command())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: u32,
    #[serde(rename = "command")]
    pub mode: ReportMode,
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
}

/// The JSON document's version; docs/json.md describes it field by field.
pub const SCHEMA: u32 = 2;

pub fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

impl Report {
    /// The plan of an `audit`.
    pub fn audit(inv: &Inventory, cluster_source: ClusterSource, plan: &Plan) -> Report {
        Report::build(ReportMode::Audit, inv, cluster_source, plan, None)
    }

    /// The plan `optimize` shows before it asks.
    pub fn preview(inv: &Inventory, cluster_source: ClusterSource, plan: &Plan) -> Report {
        Report::build(ReportMode::Preview, inv, cluster_source, plan, None)
    }

    /// The plan as carried out: only actions that succeeded count as saved.
    pub fn applied(
        inv: &Inventory,
        cluster_source: ClusterSource,
        plan: &Plan,
        outcome: &Outcome,
    ) -> Report {
        Report::build(
            ReportMode::Applied,
            inv,
            cluster_source,
            plan,
            Some(outcome),
        )
    }

    fn build(
        mode: ReportMode,
        inv: &Inventory,
        cluster_source: ClusterSource,
        plan: &Plan,
        outcome: Option<&Outcome>,
    ) -> Report {
        let mut after = Totals::of(inv);
        let stages = plan
            .stages
            .iter()
            .enumerate()
            .map(|(s, (name, part))| {
                let status = |i: usize| outcome.and_then(|o| o.status.get(s)?.get(i).copied());
                stage_report(*name, part, inv, status, &mut after)
            })
            .collect::<Vec<_>>();
        let saved = Saved {
            bytes: stages.iter().map(|s| s.saved_bytes).sum(),
            allocated: stages.iter().map(|s| s.saved_allocated).sum(),
        };
        Report {
            schema: SCHEMA,
            mode,
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
            errors: errors(inv, outcome),
            backup: outcome.and_then(|o| o.backup.as_deref()).map(display_path),
            interrupted: outcome.is_some_and(|o| o.interrupted),
            largest: Vec::new(),
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

/// One stage's actions as reported, with `status(i)` the outcome of action `i` (`None` while
/// planned); what counts is added to `after`.
fn stage_report(
    name: StageName,
    part: &StagePlan,
    inv: &Inventory,
    status: impl Fn(usize) -> Option<Status>,
    after: &mut Totals,
) -> StageReport {
    let mut actions = Vec::new();
    let mut saved_alloc = 0i64;
    for (i, a) in part.actions.iter().enumerate() {
        let status = a
            .writes()
            .then(|| status(i).map_or(ActionStatus::Planned, ActionStatus::from));
        let report = action_report(a, status, inv);
        if report.counts() {
            saved_alloc += a.saved_alloc();
            after.bytes = (after.bytes + a.bytes_after()).saturating_sub(a.bytes_before);
            after.allocated = (after.allocated + a.alloc_after()).saturating_sub(a.alloc_before);
            after.files = (after.files + report.files_after).saturating_sub(report.files_before);
        }
        actions.push(report);
    }
    StageReport::from_actions(name, actions, saved_alloc)
}

fn action_report(a: &Action, status: Option<ActionStatus>, inv: &Inventory) -> ActionReport {
    let (files_before, files_after) = match a.kind() {
        ActionKind::Delete if a.deletes_dir() => (inv.file_count(&a.path) as u64, 0),
        ActionKind::Delete => (1, 0),
        ActionKind::Create => (0, 1),
        ActionKind::Report => (0, 0),
        ActionKind::Replace | ActionKind::Edit => (1, 1),
    };
    ActionReport {
        action: a.kind(),
        level: a.level,
        status,
        path: display_path(&a.path),
        bytes_before: a.bytes_before,
        bytes_after: a.bytes_after(),
        files_before,
        files_after,
        note: a.note.clone(),
    }
}

/// What the scan could not read, then what failed when the plan was carried out.
fn errors(inv: &Inventory, outcome: Option<&Outcome>) -> Vec<ErrorReport> {
    let scan = inv.issues.iter().map(|i| ErrorReport {
        path: display_path(&i.path),
        message: i.message.clone(),
    });
    let apply = outcome.into_iter().flat_map(|o| &o.errors);
    scan.chain(apply.map(|(p, m)| ErrorReport {
        path: display_path(p),
        message: m.clone(),
    }))
    .collect()
}
