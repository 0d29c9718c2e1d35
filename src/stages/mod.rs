//! Stages are pure: an inventory, the config and what earlier stages planned in, planned
//! actions out. Nothing here writes.

use std::fmt;

use serde::Serialize;

use crate::config::Config;
use crate::error::Result;
use crate::plan::{Plan, StagePlan};
use crate::scan::Inventory;

pub mod bitmaps;
pub mod compile;
pub mod deadweight;
pub mod fonts;
pub mod junk;
pub mod mpy;
pub mod ram;

/// Every stage cpslim knows, in pipeline order: space is freed before anything is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StageName {
    Junk,
    Deadweight,
    Mpy,
    Bitmaps,
    Fonts,
    /// Opt-in (`--compile`): last, so it compiles the source after the fonts stage's edits.
    Compile,
    /// Reports only: RAM of what the code loads, and memory advice. Last, to read every plan.
    Ram,
}

impl StageName {
    pub const ALL: [StageName; 7] = [
        StageName::Junk,
        StageName::Deadweight,
        StageName::Mpy,
        StageName::Bitmaps,
        StageName::Fonts,
        StageName::Compile,
        StageName::Ram,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StageName::Junk => "junk",
            StageName::Deadweight => "deadweight",
            StageName::Mpy => "mpy",
            StageName::Bitmaps => "bitmaps",
            StageName::Fonts => "fonts",
            StageName::Compile => "compile",
            StageName::Ram => "ram",
        }
    }

    pub fn parse(s: &str) -> Option<StageName> {
        StageName::ALL.into_iter().find(|n| n.as_str() == s)
    }

    /// Stages whose issue has landed; naming another one is a usage error.
    pub fn is_available(self) -> bool {
        matches!(
            self,
            StageName::Junk
                | StageName::Deadweight
                | StageName::Mpy
                | StageName::Bitmaps
                | StageName::Fonts
                | StageName::Compile
                | StageName::Ram
        )
    }
}

impl fmt::Display for StageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Plan one stage on its own (as if no other stage ran before it).
pub fn plan(name: StageName, inv: &Inventory, cfg: &Config) -> Result<StagePlan> {
    plan_after(name, inv, cfg, &Plan::merge(Vec::new()))
}

/// Plan one stage, seeing what the earlier stages planned (`prior`): the compile stage compiles
/// a module from the content an earlier stage's edit gives it.
pub fn plan_after(
    name: StageName,
    inv: &Inventory,
    cfg: &Config,
    prior: &Plan,
) -> Result<StagePlan> {
    match name {
        StageName::Junk => Ok(junk::plan(inv, cfg)),
        StageName::Deadweight => deadweight::plan(inv, cfg),
        StageName::Mpy => mpy::plan(inv, cfg),
        StageName::Bitmaps => bitmaps::plan(inv, cfg),
        StageName::Fonts => fonts::plan(inv, cfg),
        StageName::Compile => compile::plan(inv, cfg, prior),
        StageName::Ram => Ok(ram::plan(inv, &prior.stages)),
    }
}
