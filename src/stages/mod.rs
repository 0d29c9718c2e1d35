//! Stages are pure: an inventory, the config and what earlier stages planned in, planned
//! actions out. Nothing here writes.

use crate::config::{Config, StageName};
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
        StageName::Mpy => {
            // Without `--compile`, the mpy stage also says what compiling the user's own modules
            // would save: the compile stage knows which modules those are.
            let mpy::MpyPlan {
                plan: mut out,
                bundles,
                major,
            } = mpy::plan_with_bundles(inv, cfg)?;
            if !cfg.compile.enabled {
                if let Some(a) = compile::estimate(inv, &bundles, major) {
                    out.push(a);
                }
            }
            Ok(out)
        }
        StageName::Bitmaps => bitmaps::plan(inv, cfg),
        StageName::Fonts => fonts::plan(inv, cfg),
        StageName::Compile => compile::plan(inv, cfg, prior),
        StageName::Ram => Ok(ram::plan(inv, &prior.stages)),
    }
}
