//! `optimize`: confirm, apply in place with a backup or into `--out`, measure, check the budget.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context};

use super::{
    audit_with, build, config, found_line, free_space, plan_drive, print_report, resolve_root,
    scan_root, usage, usage_with_hint,
};
use crate::apply::{self, ApplyOptions};
use crate::backup;
use crate::cli::OptimizeArgs;
use crate::config::Config;
use crate::exit::Exit;
use crate::pipeline::Planned;
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
    let Planned {
        inventory: inv,
        plan,
    } = plan_drive(cfg, ui)?;
    let found = found_line(&inv, cfg);
    let free_before = free_space(&inv.root);
    if plan.change_count() > 0 {
        let preview = Report::preview(&inv, cfg.cluster_source, &plan);
        if !confirm(ui, cfg, &plan, &preview)? {
            eprintln!("Nothing changed.");
            return Ok(Exit::Success);
        }
    }
    let backup_root = backup_root(o)?;
    let outcome = apply_shown(&plan, &inv, Some(&backup_root), ui)?;
    let mut report = Report::applied(&inv, cfg.cluster_source, &plan, &outcome);
    report.free_before = free_before;
    let run = Applied {
        cfg,
        inv: &inv,
        report,
        budget,
        found,
    };
    let code = run.finish(ui)?;
    list_made_room(&outcome, ui)?;
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

/// `--backup-dir`, or the user's state folder.
pub(super) fn backup_root(o: &OptimizeArgs) -> anyhow::Result<PathBuf> {
    match &o.backup_dir {
        Some(d) => Ok(d.clone()),
        None => backup::default_root().ok_or_else(|| {
            usage_with_hint(
                "no folder for backups: neither XDG_STATE_HOME nor HOME is set",
                "pass --backup-dir DIR",
            )
        }),
    }
}

/// Apply `plan` to the scanned tree with a progress bar (and a backup under `backup_root`).
fn apply_shown(
    plan: &Plan,
    inv: &Inventory,
    backup_root: Option<&Path>,
    ui: &Ui,
) -> anyhow::Result<apply::Outcome> {
    let flag = interrupt_flag();
    let bar = progress_bar(ui, plan.change_count());
    let progress = |done: usize, _total: usize, path: &Path| {
        bar.set_position(done as u64);
        bar.set_message(path.display().to_string());
    };
    let outcome = apply::apply(
        plan,
        &ApplyOptions {
            root: &inv.root,
            cluster_size: inv.cluster_size,
            backup_root,
            interrupt: &flag,
            progress: &progress,
        },
    )?;
    bar.finish_and_clear();
    Ok(outcome)
}

/// Say which originals a full drive made cpslim remove before writing their replacement.
fn list_made_room(outcome: &apply::Outcome, ui: &Ui) -> anyhow::Result<()> {
    if outcome.made_room.is_empty() || ui.json || ui.quiet {
        return Ok(());
    }
    let mut text = String::from(
        "\nThe drive was full: these originals were removed before their smaller replacement was written (each first checked against its SHA-256 in the backup; `cpslim restore` brings them back):\n",
    );
    for p in &outcome.made_room {
        text.push_str(&format!("  {}\n", human::sanitize(&p.to_string_lossy())));
    }
    super::emit(&text)
}

/// A plan carried out on the tree `cfg` names, with its report so far.
struct Applied<'a> {
    cfg: &'a Config,
    /// The tree as scanned before the run.
    inv: &'a Inventory,
    report: Report,
    budget: Option<u64>,
    /// The "Found …" line printed above the report.
    found: String,
}

impl Applied<'_> {
    /// Measure the result, check the budget, print, and pick the exit code.
    fn finish(mut self, ui: &Ui) -> anyhow::Result<Exit> {
        self.measure()?;
        if let Some(b) = self.budget {
            self.report.set_budget(b);
        }
        print_report(&self.report, ui, &self.found)?;
        Ok(self.exit_code())
    }

    /// Re-scan the result rather than trusting the prediction.
    fn measure(&mut self) -> anyhow::Result<()> {
        let after_cfg = Config {
            cluster_size: Some(self.inv.cluster_size),
            ..self.cfg.clone()
        };
        let after = scan_root(&after_cfg)?;
        let r = &mut self.report;
        r.after = report::Totals::of(&after);
        r.free_after = r.free_before.and_then(|_| free_space(&self.inv.root));
        let nothing_left = Plan { stages: Vec::new() };
        r.largest = report::advice::largest(&after, &nothing_left, self.cfg, 10);
        Ok(())
    }

    fn exit_code(&self) -> Exit {
        let r = &self.report;
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
        code
    }
}

fn optimize_out(cfg: &Config, out: &Path, budget: Option<u64>, ui: &Ui) -> anyhow::Result<Exit> {
    let src = scan_root(cfg)?;
    check_out_folder(cfg, out)?;
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
    let Planned {
        inventory: inv,
        plan,
    } = plan_drive(&out_cfg, ui)?;
    let outcome = apply_shown(&plan, &inv, None, ui)?;
    let mut report = Report::applied(&inv, cfg.cluster_source, &plan, &outcome);
    report.out = Some(crate::report::display_path(out));
    report.left_out = left_out;
    let run = Applied {
        cfg: &out_cfg,
        inv: &inv,
        report,
        budget,
        found: format!("{} → {}", found_line(&src, cfg), out.display()),
    };
    run.finish(ui)
}

/// `--out` must be a new or empty folder outside the tree it copies.
fn check_out_folder(cfg: &Config, out: &Path) -> anyhow::Result<()> {
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
    Ok(())
}
