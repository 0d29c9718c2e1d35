//! The plan: what every stage wants to change, with predicted sizes. `audit` prints it;
//! `optimize` hands it to [`crate::apply`], the only code that writes.

use crate::config::StageName;

#[path = "plan_action.rs"]
mod action;

pub use action::{Action, ActionKind, Effect, FolderStamp, Level, Stamp, Write, WriteMode};

/// One stage's contribution.
#[derive(Debug, Clone, Default)]
pub struct StagePlan {
    pub actions: Vec<Action>,
}

impl StagePlan {
    /// Push and return the index, for `requiring`.
    pub fn push(&mut self, a: Action) -> usize {
        self.actions.push(a);
        self.actions.len() - 1
    }
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub stages: Vec<(StageName, StagePlan)>,
}

impl Plan {
    /// Combine stage plans in stage order (see [`Plan::add`]).
    pub fn merge(parts: Vec<(StageName, StagePlan)>) -> Plan {
        let mut plan = Plan { stages: Vec::new() };
        for (name, part) in parts {
            plan.add(name, part);
        }
        plan
    }

    pub fn actions(&self) -> impl Iterator<Item = &Action> {
        self.stages.iter().flat_map(|(_, p)| p.actions.iter())
    }

    /// Number of actions that would write.
    pub fn change_count(&self) -> usize {
        self.actions().filter(|a| a.writes()).count()
    }

    pub fn saved_bytes(&self) -> i64 {
        self.actions()
            .filter(|a| a.writes())
            .map(Action::saved_bytes)
            .sum()
    }

    pub fn saved_alloc(&self) -> i64 {
        self.actions()
            .filter(|a| a.writes())
            .map(Action::saved_alloc)
            .sum()
    }
}

#[path = "plan_merge.rs"]
mod merge;

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
