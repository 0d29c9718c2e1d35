//! What a run found and did, as one model printed two ways: [`human`] and JSON (serde).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::apply::{Outcome, Status};
use crate::plan::{ActionKind, Level, Plan};
use crate::scan::Inventory;
use crate::stages::StageName;

pub mod advice;
pub mod human;
pub mod ram;

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

#[derive(Debug, Clone, Serialize)]
pub struct ActionReport {
    pub action: ActionKind,
    pub path: String,
    pub bytes_before: u64,
    pub bytes_after: u64,
    pub note: String,
    pub level: Level,
    #[serde(skip)]
    pub status: Option<Status>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageReport {
    pub name: StageName,
    pub saved_bytes: i64,
    pub saved_allocated: i64,
    pub actions: Vec<ActionReport>,
}

impl StageReport {
    fn counted(&self) -> impl Iterator<Item = &ActionReport> {
        self.actions.iter().filter(|a| {
            a.action != ActionKind::Report && a.status.is_none_or(|s| s == Status::Done)
        })
    }
    pub fn files_touched(&self) -> usize {
        self.counted().count()
    }
    pub fn bytes_before(&self) -> u64 {
        self.counted().map(|a| a.bytes_before).sum()
    }
    pub fn bytes_after(&self) -> u64 {
        self.counted().map(|a| a.bytes_after).sum()
    }
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
    pub before: Totals,
    pub after: Totals,
    pub free_before: Option<u64>,
    pub free_after: Option<u64>,
    pub stages: Vec<StageReport>,
    pub errors: Vec<ErrorReport>,
    pub backup: Option<String>,
    #[serde(skip)]
    pub largest: Vec<advice::LargeFile>,
    #[serde(skip)]
    pub interrupted: bool,
    #[serde(skip)]
    pub out_dir: Option<PathBuf>,
    #[serde(skip)]
    pub budget: Option<u64>,
}

pub fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

impl Report {
    /// The plan as a report (`audit`, and `optimize` before it asks). With an outcome, only
    /// actions that succeeded count as saved.
    pub fn new(
        command: &'static str,
        inv: &Inventory,
        plan: &Plan,
        outcome: Option<&Outcome>,
    ) -> Report {
        let mut stages = Vec::new();
        let mut after = Totals::of(inv);
        for (s, (name, part)) in plan.stages.iter().enumerate() {
            let mut actions = Vec::new();
            let (mut saved, mut saved_alloc) = (0i64, 0i64);
            for (i, a) in part.actions.iter().enumerate() {
                let status = outcome.and_then(|o| o.status.get(s).and_then(|v| v.get(i)).copied());
                if a.writes() && status.is_none_or(|s| s == Status::Done) {
                    saved += a.saved_bytes();
                    saved_alloc += a.saved_alloc();
                    after.bytes = (after.bytes + a.bytes_after).saturating_sub(a.bytes_before);
                    after.allocated =
                        (after.allocated + a.alloc_after).saturating_sub(a.alloc_before);
                    match a.kind {
                        ActionKind::Delete if !a.dir => after.files = after.files.saturating_sub(1),
                        ActionKind::Delete => {
                            after.files = after.files.saturating_sub(inv.file_count(&a.path) as u64)
                        }
                        ActionKind::Create if a.expect.is_none() => after.files += 1,
                        _ => {}
                    }
                }
                let mut note = a.note.clone();
                match status {
                    Some(Status::Failed) if a.writes() => note.push_str(" [failed]"),
                    Some(Status::Skipped) if a.writes() => note.push_str(" [not done]"),
                    _ => {}
                }
                actions.push(ActionReport {
                    action: a.kind,
                    path: display_path(&a.path),
                    bytes_before: a.bytes_before,
                    bytes_after: a.bytes_after,
                    note,
                    level: a.level,
                    status: if a.writes() { status } else { None },
                });
            }
            stages.push(StageReport {
                name: *name,
                saved_bytes: saved,
                saved_allocated: saved_alloc,
                actions,
            });
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
        Report {
            schema: 1,
            command,
            path: display_path(&inv.root),
            board: inv.board.as_ref().map(|b| BoardReport {
                version: b.version.clone(),
                board_id: b.board_id.clone(),
            }),
            cluster_size: inv.cluster_size,
            before: Totals::of(inv),
            after,
            free_before: None,
            free_after: None,
            stages,
            errors,
            backup: outcome.and_then(|o| o.backup.as_deref()).map(display_path),
            largest: Vec::new(),
            interrupted: outcome.is_some_and(|o| o.interrupted),
            out_dir: None,
            budget: None,
        }
    }

    pub fn saved_bytes(&self) -> i64 {
        self.stages.iter().map(|s| s.saved_bytes).sum()
    }

    pub fn saved_allocated(&self) -> i64 {
        self.stages.iter().map(|s| s.saved_allocated).sum()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"schema\":1,\"error\":\"{e}\"}}"))
    }
}
