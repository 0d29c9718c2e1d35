//! The pipeline as one call: scan the drive a [`Config`] names, then let every chosen stage plan
//! in order, each seeing what the earlier ones planned. The command line, the benches and the
//! tests all go through here, so they plan exactly what `cpslim audit` plans.
//!
//! No terminal output: a caller that wants per-stage timings passes an observer.

use std::time::{Duration, Instant};

use crate::config::Config;
use crate::config::StageName;
use crate::error::Error;
use crate::plan::{Plan, StagePlan};
use crate::scan::{self, Inventory, ScanOptions};
use crate::stages;

/// What one run of the pipeline found and what it would do about it.
#[derive(Debug)]
pub struct Planned {
    pub inventory: Inventory,
    pub plan: Plan,
}

/// Why the pipeline stopped: the drive could not be scanned, or one stage failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Scan(Error),
    #[error("{stage} stage: {error}")]
    Stage { stage: StageName, error: Error },
}

/// Scan the drive with the cluster size, version and board the config gives.
pub fn scan(cfg: &Config) -> Result<Inventory, Error> {
    let opts = ScanOptions {
        cluster_size: cfg.cluster_size,
        cp_version: cfg.cp_version.clone(),
        board_id: cfg.board_id.clone(),
    };
    scan::scan(&cfg.root, &opts)
}

/// Scan the drive and plan every stage of `cfg.stages`, in that order.
pub fn plan(cfg: &Config) -> Result<Planned, PipelineError> {
    plan_observed(cfg, &mut |_, _, _| {})
}

/// [`plan`], telling `observe` each stage's plan and how long it took.
pub fn plan_observed(
    cfg: &Config,
    observe: &mut dyn FnMut(StageName, &StagePlan, Duration),
) -> Result<Planned, PipelineError> {
    let inventory = scan(cfg).map_err(PipelineError::Scan)?;
    let plan = plan_inventory(&inventory, cfg, observe)?;
    Ok(Planned { inventory, plan })
}

/// Plan every stage of `cfg.stages` over an inventory already scanned.
pub fn plan_inventory(
    inv: &Inventory,
    cfg: &Config,
    observe: &mut dyn FnMut(StageName, &StagePlan, Duration),
) -> Result<Plan, PipelineError> {
    let mut plan = Plan::merge(Vec::new());
    for &stage in &cfg.stages {
        let start = Instant::now();
        let part = stages::plan_after(stage, inv, cfg, &plan)
            .map_err(|error| PipelineError::Stage { stage, error })?;
        observe(stage, &part, start.elapsed());
        plan.add(stage, part);
    }
    Ok(plan)
}
