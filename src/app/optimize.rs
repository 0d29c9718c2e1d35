//! `optimize`: confirm, apply in place with a backup or into `--out`, measure, check the budget.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context};

use super::{
    audit_with, build, config, found_line, free_space, make_plan, print_report, resolve_root,
    scan_root, usage, usage_with_hint,
};
use crate::apply::{self, ApplyOptions};
use crate::backup;
use crate::cli::OptimizeArgs;
use crate::config::Config;
use crate::exit::Exit;
use crate::plan::Plan;
use crate::report::{self, human, Report};
use crate::scan::Inventory;
use crate::ui::Ui;
use crate::units::{format_size, group_thousands, parse_budget};

pub(super) fn optimize(mut o: OptimizeArgs, ui: &Ui) -> anyhow::Result<Exit> {
    if let Some(t) = super::web::target(&o.web)? {
        return super::web::optimize(&o, &t, ui);
    }
    let root = resolve_root(o.path.clone())?;
    let given = o.path.is_some().then_some(root.as_path());
    super::settings::apply(given, &mut o.stages, Some(&mut o.budget), ui)?;
    let cfg = config(&root, &o.stages, o.yes)?;
    if o.dry_run {
        return audit_with(&cfg, ui);
    }
    let budget = o
        .budget
        .as_deref()
        .map(parse_budget)
        .transpose()
        .map_err(usage)?;
    match &o.out {
        Some(out) => optimize_out(&cfg, out, budget, ui),
        None => optimize_in_place(&cfg, &o, budget, ui),
    }
}

pub(super) fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    // A second handler cannot be installed in one process; tests call `run` once per process.
    let _ = ctrlc::set_handler(move || f.store(true, Ordering::SeqCst));
    flag
}

pub(super) fn progress_bar(ui: &Ui, total: usize) -> indicatif::ProgressBar {
    if !ui.progress || total == 0 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// Ask once, showing the plan and the same headline figure the result and the JSON report.
fn confirm(ui: &Ui, cfg: &Config, plan: &Plan, preview: &Report) -> anyhow::Result<bool> {
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if cfg.yes {
        return Ok(true);
    }
    if !interactive {
        bail!(usage_with_hint(
            "optimize changes the drive and there is no terminal to confirm on",
            "pass --yes to apply, or run `cpslim audit` to only see the plan"
        ));
    }
    let style = human::Style {
        color: ui.color,
        verbose: false,
        width: ui.width,
    };
    eprint!("{}", human::render(preview, &style));
    eprint!(
        "\nApply {} change(s) to {} (frees {} on the board, {} bytes)? [y/N] ",
        plan.change_count(),
        cfg.root.display(),
        format_size(preview.saved.allocated.max(0) as u64),
        group_thousands(preview.saved.allocated.max(0) as u64),
    );
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .context("reading the answer")?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}

fn optimize_in_place(
    cfg: &Config,
    o: &OptimizeArgs,
    budget: Option<u64>,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    // Before the backup or any question: nothing can be written, so say why at once.
    if crate::fsinfo::is_read_only(&cfg.root) {
        bail!(crate::error::Error::ReadOnlyDrive {
            path: cfg.root.clone()
        });
    }
    let inv = scan_root(cfg)?;
    let plan = make_plan(&inv, cfg, ui)?;
    let found = found_line(&inv, cfg);
    let free_before = free_space(&inv.root);
    if plan.change_count() > 0 {
        let preview = Report::new("optimize", &inv, cfg.cluster_source, &plan, None);
        if !confirm(ui, cfg, &plan, &preview)? {
            eprintln!("Nothing changed.");
            return Ok(Exit::Success);
        }
    }
    let backup_root = match &o.backup_dir {
        Some(d) => d.clone(),
        None => backup::default_root().ok_or_else(|| {
            usage_with_hint(
                "no folder for backups: neither XDG_STATE_HOME nor HOME is set",
                "pass --backup-dir DIR",
            )
        })?,
    };
    let flag = interrupt_flag();
    let bar = progress_bar(ui, plan.change_count());
    let progress = |done: usize, _total: usize, path: &Path| {
        bar.set_position(done as u64);
        bar.set_message(path.display().to_string());
    };
    let outcome = apply::apply(
        &plan,
        &ApplyOptions {
            root: &inv.root,
            cluster_size: inv.cluster_size,
            backup_root: Some(&backup_root),
            interrupt: &flag,
            progress: &progress,
        },
    )?;
    bar.finish_and_clear();
    let mut r = Report::new("optimize", &inv, cfg.cluster_source, &plan, Some(&outcome));
    r.free_before = free_before;
    let code = finish(cfg, &inv, r, budget, ui, &found)?;
    if !outcome.made_room.is_empty() && !ui.json && !ui.quiet {
        let mut text = String::from(
            "\nThe drive was full: these originals were removed before their smaller replacement was written (each first checked against its SHA-256 in the backup; `cpslim restore` brings them back):\n",
        );
        for p in &outcome.made_room {
            text.push_str(&format!("  {}\n", human::sanitize(&p.to_string_lossy())));
        }
        super::emit(&text)?;
    }
    let changed = outcome
        .status
        .iter()
        .flatten()
        .any(|s| *s == apply::Status::Done);
    if changed {
        super::advise_eject(&inv.root, inv.is_board, ui);
    }
    Ok(code)
}

/// Measure the result, check the budget, print, and pick the exit code.
fn finish(
    cfg: &Config,
    inv: &Inventory,
    mut r: Report,
    budget: Option<u64>,
    ui: &Ui,
    found: &str,
) -> anyhow::Result<Exit> {
    r.applied = true;
    // Measure the result rather than trusting the prediction.
    let after_cfg = Config {
        cluster_size: Some(inv.cluster_size),
        ..cfg.clone()
    };
    let after = scan_root(&after_cfg)?;
    r.after = report::Totals::of(&after);
    r.free_after = r.free_before.and_then(|_| free_space(&inv.root));
    r.largest = report::advice::largest(&after, &Plan { stages: Vec::new() }, cfg, 10);
    if let Some(b) = budget {
        r.set_budget(b);
    }
    print_report(&r, ui, found)?;
    let mut code = Exit::Success;
    if r.interrupted {
        code = code.merge(Exit::Interrupted);
    }
    if !r.errors.is_empty() {
        code = code.merge(Exit::Failed);
    }
    if let Some(b) = r.budget.filter(|b| !b.fits) {
        // Said on stderr too, so a CI log shows why the step failed even with --json.
        eprintln!(
            "cpslim: over budget: the result takes {} bytes, {} bytes more than the budget of {} bytes",
            b.used,
            b.used - b.limit,
            b.limit
        );
        code = code.merge(Exit::Budget);
    }
    Ok(code)
}

fn optimize_out(cfg: &Config, out: &Path, budget: Option<u64>, ui: &Ui) -> anyhow::Result<Exit> {
    let src = scan_root(cfg)?;
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            bail!(usage_with_hint(
                format!(
                    "--out {}: the folder exists and is not empty",
                    out.display()
                ),
                "pass a new folder"
            ));
        }
    }
    let canon_src = cfg
        .root
        .canonicalize()
        .with_context(|| format!("{}", cfg.root.display()))?;
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(p) = parent.canonicalize() {
            if p.starts_with(&canon_src) {
                bail!(usage(format!(
                    "--out {} is inside {}: pick a folder outside it",
                    out.display(),
                    cfg.root.display()
                )));
            }
        }
    }
    let left_out = build::left_out(&src);
    let skipped = build::copy_build(&src, out, &left_out)?;
    for s in &skipped {
        eprintln!(
            "cpslim: warning: {} is a link or special file: not copied",
            s.display()
        );
    }
    let mut out_cfg = Config {
        root: out.to_path_buf(),
        cluster_size: Some(src.cluster_size),
        ..cfg.clone()
    };
    out_cfg.compile.sources_kept_in = Some(cfg.root.clone());
    let inv = scan_root(&out_cfg)?;
    let plan = make_plan(&inv, &out_cfg, ui)?;
    let flag = interrupt_flag();
    let bar = progress_bar(ui, plan.change_count());
    let progress = |done: usize, _total: usize, _path: &Path| bar.set_position(done as u64);
    let outcome = apply::apply(
        &plan,
        &ApplyOptions {
            root: out,
            cluster_size: inv.cluster_size,
            backup_root: None,
            interrupt: &flag,
            progress: &progress,
        },
    )?;
    bar.finish_and_clear();
    let found = format!("{} → {}", found_line(&src, cfg), out.display());
    let mut r = Report::new("optimize", &inv, cfg.cluster_source, &plan, Some(&outcome));
    r.out = Some(crate::report::display_path(out));
    r.left_out = left_out;
    finish(&out_cfg, &inv, r, budget, ui, &found)
}
