//! `--host`: the same commands for a board reached over the web workflow. The board is mirrored
//! into a local folder (see `web::mirror`), planned on with the ordinary stages, and changed
//! through `web::remote`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::bail;

use super::optimize::{interrupt_flag, progress_bar};
use super::{config, plan_drive, print_report, scan_root, usage, usage_with_hint};
use crate::apply::Outcome;
use crate::backup;
use crate::cli::{AuditArgs, OptimizeArgs, RestoreArgs, StageArgs, WebArgs};
use crate::config::Config;
use crate::exit::Exit;
use crate::pipeline::Planned;
use crate::plan::{ActionKind, Plan};
use crate::report::{self, Report};
use crate::scan::Inventory;
use crate::ui::Ui;
use crate::units::format_size;
use crate::web::api::Api;
use crate::web::client::Client;
use crate::web::mirror::{self, Mirror};
use crate::web::{remote, Target, WebError};

/// The board named by `--host`, if any.
pub(super) fn target(w: &WebArgs) -> anyhow::Result<Option<Target>> {
    let Some(host) = &w.host else {
        return Ok(None);
    };
    let password = w.password.clone().unwrap_or_default();
    Ok(Some(Target::parse(host, w.port, password).map_err(usage)?))
}

fn connect(t: &Target) -> Api {
    Api {
        client: Client::new(t),
    }
}

fn spinner(ui: &Ui) -> indicatif::ProgressBar {
    if !ui.progress {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message("reading the board");
    bar
}

/// Mirror the board and build the config the stages see: the board's cluster size, version and
/// id unless the command line says otherwise.
fn mirror_and_config(
    api: &Api,
    stages: &StageArgs,
    yes: bool,
    ui: &Ui,
) -> anyhow::Result<(Mirror, Config)> {
    let bar = spinner(ui);
    let m = mirror::mirror(api, &|p: &Path| {
        bar.set_message(format!("listing {}", p.display()))
    })?;
    bar.finish_and_clear();
    for s in &m.skipped {
        eprintln!("cpslim: warning: the board lists a name cpslim will not use: {s}");
    }
    let mut cfg = config(&m.root, stages, yes)?;
    if cfg.cluster_source != crate::cluster::ClusterSource::Flag {
        cfg.cluster_size = Some(m.block_size);
        cfg.cluster_source = crate::cluster::ClusterSource::Board;
    }
    // version.json stands in for boot_out.txt: it fills in what boot_out.txt lacks or states
    // differently (a stale file), so the plan is the one for a folder holding the same files.
    let boot = std::fs::read(m.root.join("boot_out.txt"))
        .ok()
        .and_then(|b| crate::board::parse_boot_out(&b));
    let v = &m.version;
    if cfg.cp_version.is_none()
        && !v.version.is_empty()
        && boot.as_ref().is_none_or(|b| b.version != v.version)
    {
        cfg.cp_version = Some(v.version.clone());
    }
    if cfg.board_id.is_none() && boot.as_ref().is_none_or(|b| b.board_id != v.board_id) {
        cfg.board_id = v.board_id.clone();
    }
    Ok((m, cfg))
}

fn found_line(api: &Api, m: &Mirror) -> String {
    format!(
        "Found a board at {}/: CircuitPython {} on {}",
        api.client.base_url(),
        m.version.version,
        m.version.board_id.as_deref().unwrap_or("an unknown board")
    )
}

pub(super) fn audit(a: &AuditArgs, t: &Target, ui: &Ui) -> anyhow::Result<Exit> {
    let api = connect(t);
    let (m, cfg) = mirror_and_config(&api, &a.stages, false, ui)?;
    let Planned {
        inventory: inv,
        plan,
    } = plan_drive(&cfg, ui)?;
    if let Some(path) = &a.why {
        super::emit(&crate::stages::deadweight::why(&inv, &cfg, path, &plan)?)?;
        return Ok(Exit::Success);
    }
    let mut r = Report::audit(&inv, cfg.cluster_source, &plan);
    r.path = format!("{}/", api.client.base_url());
    r.free_before = Some(m.free_bytes);
    r.largest = report::advice::largest(&inv, &plan, &cfg, 10);
    print_report(&r, ui, &found_line(&api, &m))?;
    Ok(if r.errors.is_empty() {
        Exit::Success
    } else {
        Exit::Failed
    })
}

fn confirm(cfg: &Config, plan: &Plan, url: &str) -> anyhow::Result<bool> {
    if cfg.yes {
        return Ok(true);
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        bail!(usage_with_hint(
            "optimize changes the board and there is no terminal to confirm on",
            "pass --yes to apply, or run `cpslim audit --host …` to only see the plan"
        ));
    }
    eprint!(
        "Apply {} change(s) to {url} (frees {})? [y/N] ",
        plan.change_count(),
        format_size(plan.saved_alloc().max(0) as u64)
    );
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}

pub(super) fn optimize(o: &OptimizeArgs, t: &Target, ui: &Ui) -> anyhow::Result<Exit> {
    if o.out.is_some() {
        bail!(usage_with_hint(
            "--out works on a folder, not a board on Wi-Fi",
            "drop --out, or pass the folder instead of --host"
        ));
    }
    if o.dry_run {
        let a = AuditArgs {
            path: None,
            stages: o.stages.clone(),
            json: o.json,
            why: None,
            web: o.web.clone(),
        };
        return audit(&a, t, ui);
    }
    let budget = o
        .budget
        .as_deref()
        .map(crate::units::parse_budget)
        .transpose()
        .map_err(usage)?;
    let mut api = connect(t);
    let (mut m, cfg) = mirror_and_config(&api, &o.stages, o.yes, ui)?;
    let url = format!("{}/", api.client.base_url());
    let Planned {
        inventory: inv,
        plan,
    } = plan_drive(&cfg, ui)?;
    let found = found_line(&api, &m);
    if plan.change_count() > 0 {
        if !m.writable {
            return Err(WebError::ReadOnly { url }.into());
        }
        if !confirm(&cfg, &plan, &url)? {
            eprintln!("Nothing changed.");
            return Ok(Exit::Success);
        }
    }
    let backup_dir = back_up(&api, &mut m, &plan, o)?;
    let (outcome, stopped) = apply_shown(&mut api, &plan, &m, backup_dir, ui);
    let mut r = Report::applied(&inv, cfg.cluster_source, &plan, &outcome);
    r.path = url;
    r.free_before = Some(m.free_bytes);
    measure(&api, &cfg, &inv, &mut r)?;
    if let Some(b) = budget {
        r.set_budget(b);
    }
    print_report(&r, ui, &found)?;
    Ok(exit_code(&r, stopped))
}

/// Copy the originals of every planned write into a new host backup (fetched into the mirror
/// first); `None` when nothing is written.
fn back_up(
    api: &Api,
    m: &mut Mirror,
    plan: &Plan,
    o: &OptimizeArgs,
) -> anyhow::Result<Option<PathBuf>> {
    let writes: Vec<_> = plan.actions().filter(|a| a.writes()).collect();
    if writes.is_empty() {
        return Ok(None);
    }
    let backup_root = super::optimize::backup_root(o)?;
    // The backup copies the originals from the mirror, so they must be real, not placeholders.
    for a in writes.iter().filter(|a| a.kind() != ActionKind::Create) {
        m.fetch_under(api, &a.path)?;
    }
    let b = backup::prepare(&m.root, &backup_root, &writes)?;
    if let Some((_, e)) = b.failed.first() {
        bail!(usage_with_hint(
            format!("backing up the board's files failed ({e}); nothing was changed on the board"),
            format!(
                "free space in {} or pass --backup-dir DIR",
                backup_root.display()
            )
        ));
    }
    crate::web::restore::label_backup(&b.dir, &api.client.base_url())?;
    Ok(Some(b.dir))
}

/// Apply `plan` to the board with a progress bar that also shows each upload's progress.
fn apply_shown(
    api: &mut Api,
    plan: &Plan,
    m: &Mirror,
    backup_dir: Option<PathBuf>,
    ui: &Ui,
) -> (Outcome, Option<WebError>) {
    let flag = interrupt_flag();
    let bar = progress_bar(ui, plan.change_count());
    if ui.progress {
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {prefix} {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let up = bar.clone();
        api.client.on_upload(Box::new(move |sent, total| {
            up.set_prefix(format!("{} of {}", format_size(sent), format_size(total)));
        }));
    }
    let progress = |done: usize, _total: usize, path: &Path| {
        bar.set_prefix("");
        bar.set_position(done as u64);
        bar.set_message(path.display().to_string());
    };
    let result = remote::apply(api, plan, &m.root, backup_dir, &flag, &progress);
    bar.finish_and_clear();
    result
}

/// Measure the result in the mirror (kept in step with the board) and the board's free space.
fn measure(api: &Api, cfg: &Config, inv: &Inventory, r: &mut Report) -> anyhow::Result<()> {
    let after = scan_root(&Config {
        cluster_size: Some(inv.cluster_size),
        ..cfg.clone()
    })?;
    r.after = report::Totals::of(&after);
    r.free_after = api
        .list(Path::new(""))
        .ok()
        .map(|l| l.free.saturating_mul(l.block_size));
    r.largest = report::advice::largest(&after, &Plan { stages: Vec::new() }, cfg, 10);
    Ok(())
}

/// The exit code; a board that refused every write from `stopped` on is said on stderr.
fn exit_code(r: &Report, stopped: Option<WebError>) -> Exit {
    let mut code = Exit::Success;
    if r.interrupted {
        code = code.merge(Exit::Interrupted);
    }
    if !r.errors.is_empty() {
        code = code.merge(Exit::Failed);
    }
    if r.budget.is_some_and(|b| !b.fits) {
        code = code.merge(Exit::Budget);
    }
    if let Some(e) = stopped {
        // The board refused every write from here on: say what to do there (exit 2).
        super::print_error(&e.to_string(), e.hint());
        code = code.merge(Exit::Usage);
    }
    code
}

pub(super) fn restore(r: &RestoreArgs, t: &Target, ui: &Ui) -> anyhow::Result<Exit> {
    let api = connect(t);
    api.version()?;
    let base = api.client.base_url();
    let from = match &r.from {
        Some(f) => f.clone(),
        None => {
            let root = backup::default_root()
                .ok_or_else(|| usage_with_hint("no backup folder known", "pass --from BACKUP"))?;
            crate::web::restore::find_latest(&root, &base).ok_or_else(|| {
                usage_with_hint(
                    format!(
                        "no backup of the board at {base}/ found under {}",
                        root.display()
                    ),
                    "pass --from BACKUP (the folder a run printed)",
                )
            })?
        }
    };
    let outcome = crate::web::restore::restore(&api, &from, r.yes)?;
    if !outcome.conflicts.is_empty() && !r.yes {
        return Ok(super::restore::refuse_conflicts(
            &outcome.conflicts,
            "on the board after the run",
        ));
    }
    if !ui.quiet {
        println!(
            "Restored {} file(s), removed {} created by the run, {} already as before (from {})",
            outcome.restored.len(),
            outcome.removed.len(),
            outcome.unchanged,
            from.display()
        );
    }
    Ok(super::restore::report_failures(&outcome))
}
