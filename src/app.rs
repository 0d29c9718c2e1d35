//! The edge: command line → validated `Config`, board detection, confirmation, progress bars,
//! printing, exit codes. The only module that knows about clap, indicatif and anyhow.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context};

use crate::apply::{self, ApplyOptions};
use crate::backup;
use crate::cli::{AuditArgs, Cli, ColorWhen, Command, OptimizeArgs, RestoreArgs, StageArgs};
use crate::config::Config;
use crate::detect;
use crate::error::Error;
use crate::exit::Exit;
use crate::fsinfo;
use crate::plan::Plan;
use crate::report::{self, human, Report};
use crate::scan::{self, Inventory, ScanOptions};
use crate::stages::{self, StageName};
use crate::ui::{ColorChoice, Terminal, Ui};
use crate::units::{format_size, parse_size};

/// Run the command line; returns the exit code. Errors are printed here.
pub fn run(cli: Cli) -> Exit {
    let json = match &cli.command {
        Command::Audit(a) => a.json,
        Command::Optimize(o) => o.json,
        Command::Restore(_) => false,
    };
    let ui = Ui::decide(
        match cli.common.color {
            ColorWhen::Auto => ColorChoice::Auto,
            ColorWhen::Always => ColorChoice::Always,
            ColorWhen::Never => ColorChoice::Never,
        },
        cli.common.quiet,
        cli.common.verbose,
        json,
        &Terminal {
            stdout_tty: std::io::stdout().is_terminal(),
            stderr_tty: std::io::stderr().is_terminal(),
            no_color_env: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        },
    );
    let result = match cli.command {
        Command::Audit(a) => audit(a, &ui),
        Command::Optimize(o) => optimize(o, &ui),
        Command::Restore(r) => restore(r, &ui),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            let usage = err.downcast_ref::<Error>().is_none_or(Error::is_usage);
            let text = format!("{err:#}");
            let mut lines = text.splitn(2, "\nhint: ");
            eprintln!("cpslim: error: {}", lines.next().unwrap_or_default());
            if let Some(hint) = lines.next() {
                eprintln!("hint: {hint}");
            }
            if usage {
                Exit::Usage
            } else {
                Exit::Failed
            }
        }
    }
}

fn usage(msg: impl Into<String>) -> anyhow::Error {
    Error::Usage(msg.into()).into()
}

fn resolve_root(path: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match path {
        Some(p) => Ok(p),
        None => Ok(detect::find_board(&detect::mounted_volumes())?),
    }
}

/// Turn the stage flags into a Config (stage names checked here, once).
fn config(root: &Path, s: &StageArgs, yes: bool) -> anyhow::Result<Config> {
    let parse_list = |list: &[String]| -> anyhow::Result<Vec<StageName>> {
        list.iter()
            .filter(|n| !n.trim().is_empty())
            .map(|n| {
                let name = StageName::parse(n.trim()).ok_or_else(|| {
                    usage(format!(
                        "unknown stage '{n}': stages are junk, deadweight, mpy, bitmaps, fonts"
                    ))
                })?;
                if !name.is_available() {
                    return Err(usage(format!(
                        "stage '{name}' is not available in this version of cpslim"
                    )));
                }
                Ok(name)
            })
            .collect()
    };
    let only = parse_list(&s.only)?;
    let skip = parse_list(&s.skip)?;
    let stages: Vec<StageName> = StageName::ALL
        .into_iter()
        .filter(|n| n.is_available())
        .filter(|n| only.is_empty() || only.contains(n))
        .filter(|n| !skip.contains(n))
        .collect();
    let cluster_size = match &s.cluster_size {
        Some(text) => {
            let n = parse_size(text).map_err(usage)?;
            if !(512..=65_536).contains(&n) || !n.is_power_of_two() {
                bail!(usage(format!("--cluster-size {text}: FAT clusters are a power of two from 512 to 65536 bytes")));
            }
            Some(n)
        }
        None => None,
    };
    Ok(Config {
        root: root.to_path_buf(),
        stages,
        cluster_size,
        empty_trash: s.empty_trash,
        cp_version: s.cp_version.clone(),
        board_id: s.board.clone(),
        yes,
        mpy: crate::config::MpyOptions {
            bundles: s.bundle.clone(),
            // circup's download cache, used when no --bundle is given.
            circup_cache: crate::stages::mpy::default_circup_cache(),
        },
        bitmaps: crate::config::BitmapOptions {
            remap_palette: s.remap_palette,
            two_bpp: s.two_bpp,
            decompress_rle: s.decompress_rle,
            colors: s.colors,
            dither: s.dither,
        },
        fonts: crate::config::FontOptions {
            charset: s.charset.clone(),
            keep_names: s.keep_names,
        },
        deadweight: crate::config::DeadweightOptions {
            prune: s.prune,
            assume_static_imports: s.assume_static_imports,
        },
    })
}

fn scan_root(cfg: &Config) -> anyhow::Result<Inventory> {
    let opts = ScanOptions {
        cluster_size: cfg.cluster_size,
        cp_version: cfg.cp_version.clone(),
        board_id: cfg.board_id.clone(),
    };
    Ok(scan::scan(&cfg.root, &opts)?)
}

fn make_plan(inv: &Inventory, cfg: &Config) -> anyhow::Result<Plan> {
    let mut parts = Vec::new();
    for &name in &cfg.stages {
        let part = stages::plan(name, inv, cfg).with_context(|| format!("{name} stage"))?;
        parts.push((name, part));
    }
    Ok(Plan::merge(parts))
}

/// circup's start-up line, adapted: what was found and what it runs.
fn found_line(inv: &Inventory) -> String {
    let root = inv.root.display();
    match (&inv.board, inv.is_board) {
        (Some(b), true) => format!(
            "Found CIRCUITPY at {root}: CircuitPython {} on {}",
            b.version,
            b.board_id.as_deref().unwrap_or("an unknown board")
        ),
        (Some(b), false) => format!(
            "Folder {root} (for CircuitPython {} from the command line)",
            b.version
        ),
        (None, true) => format!("Found CIRCUITPY at {root}: boot_out.txt is unreadable"),
        (None, false) => format!("Folder {root} (no boot_out.txt: not a board)"),
    }
}

fn free_space(root: &Path) -> Option<u64> {
    fsinfo::is_mount_point(root)
        .then(|| fsinfo::stats(root).map(|s| s.available))
        .flatten()
}

fn print_report(r: &Report, ui: &Ui, found: &str) {
    if ui.json {
        println!("{}", r.to_json());
    } else if !ui.quiet {
        let style = human::Style {
            color: ui.color,
            verbose: ui.verbose > 0,
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{found}\n");
        let _ = write!(out, "{}", human::render(r, &style));
    }
}

fn audit(a: AuditArgs, ui: &Ui) -> anyhow::Result<Exit> {
    let root = resolve_root(a.path)?;
    let cfg = config(&root, &a.stages, false)?;
    if let Some(path) = &a.why {
        let inv = scan_root(&cfg)?;
        let text = stages::deadweight::why(&inv, &cfg, path)?;
        if ui.json {
            println!(
                "{}",
                serde_json::json!({ "why": path, "explanation": text })
            );
        } else {
            print!("{text}");
        }
        return Ok(Exit::Success);
    }
    audit_with(&cfg, ui)
}

fn audit_with(cfg: &Config, ui: &Ui) -> anyhow::Result<Exit> {
    let inv = scan_root(cfg)?;
    let plan = make_plan(&inv, cfg)?;
    let mut r = Report::new("audit", &inv, &plan, None);
    r.free_before = free_space(&inv.root);
    r.largest = report::advice::largest(&inv, &plan, 10);
    print_report(&r, ui, &found_line(&inv));
    Ok(if r.errors.is_empty() {
        Exit::Success
    } else {
        Exit::Failed
    })
}

fn optimize(o: OptimizeArgs, ui: &Ui) -> anyhow::Result<Exit> {
    let root = resolve_root(o.path.clone())?;
    let cfg = config(&root, &o.stages, o.yes)?;
    if o.dry_run {
        return audit_with(&cfg, ui);
    }
    let budget = o
        .budget
        .as_deref()
        .map(parse_size)
        .transpose()
        .map_err(usage)?;
    match &o.out {
        Some(out) => optimize_out(&cfg, out, budget, ui),
        None => optimize_in_place(&cfg, &o, budget, ui),
    }
}

fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    // A second handler cannot be installed in one process; tests call `run` once per process.
    let _ = ctrlc::set_handler(move || f.store(true, Ordering::SeqCst));
    flag
}

fn progress_bar(ui: &Ui, total: usize) -> indicatif::ProgressBar {
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

fn confirm(ui: &Ui, cfg: &Config, plan: &Plan, preview: &Report) -> anyhow::Result<bool> {
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if cfg.yes {
        return Ok(true);
    }
    if !interactive {
        bail!(usage(
            "optimize changes the drive and there is no terminal to confirm on\nhint: pass --yes to apply, or run `cpslim audit` to only see the plan"
        ));
    }
    let style = human::Style {
        color: ui.color,
        verbose: false,
    };
    eprint!("{}", human::render(preview, &style));
    eprint!(
        "\nApply {} change(s) to {} (frees {})? [y/N] ",
        plan.change_count(),
        cfg.root.display(),
        format_size(plan.saved_alloc().max(0) as u64)
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
    let inv = scan_root(cfg)?;
    let plan = make_plan(&inv, cfg)?;
    let found = found_line(&inv);
    let free_before = free_space(&inv.root);
    if plan.change_count() > 0 {
        let preview = Report::new("optimize", &inv, &plan, None);
        if !confirm(ui, cfg, &plan, &preview)? {
            eprintln!("Nothing changed.");
            return Ok(Exit::Success);
        }
    }
    let backup_root = match &o.backup_dir {
        Some(d) => d.clone(),
        None => backup::default_root().ok_or_else(|| {
            usage("no folder for backups: neither XDG_STATE_HOME nor HOME is set\nhint: pass --backup-dir DIR")
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
    finish(
        cfg,
        &inv,
        &plan,
        &outcome,
        free_before,
        budget,
        None,
        ui,
        &found,
    )
}

#[allow(clippy::too_many_arguments)]
fn finish(
    cfg: &Config,
    inv: &Inventory,
    plan: &Plan,
    outcome: &apply::Outcome,
    free_before: Option<u64>,
    budget: Option<u64>,
    out_dir: Option<&Path>,
    ui: &Ui,
    found: &str,
) -> anyhow::Result<Exit> {
    let mut r = Report::new("optimize", inv, plan, Some(outcome));
    // Measure the result rather than trusting the prediction.
    let after_cfg = Config {
        cluster_size: Some(inv.cluster_size),
        ..cfg.clone()
    };
    let after = scan_root(&after_cfg)?;
    r.after = report::Totals::of(&after);
    r.free_before = free_before;
    r.free_after = free_before.and_then(|_| free_space(&inv.root));
    r.largest = report::advice::largest(&after, &Plan { stages: Vec::new() }, 10);
    r.out_dir = out_dir.map(Path::to_path_buf);
    r.budget = budget;
    print_report(&r, ui, found);
    let mut code = Exit::Success;
    if outcome.interrupted {
        code = code.merge(Exit::Interrupted);
    }
    if !r.errors.is_empty() {
        code = code.merge(Exit::Failed);
    }
    if let Some(b) = budget {
        if r.after.allocated > b {
            if !ui.json {
                eprintln!(
                    "cpslim: over budget: the result takes {} bytes, {} bytes more than the budget of {} bytes",
                    r.after.allocated,
                    r.after.allocated - b,
                    b
                );
            }
            code = code.merge(Exit::Budget);
        }
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
            bail!(usage(format!(
                "--out {}: the folder exists and is not empty\nhint: pass a new folder",
                out.display()
            )));
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
    let mut skipped = Vec::new();
    crate::fsops::copy_tree(&cfg.root, out, &mut skipped)?;
    for s in &skipped {
        eprintln!(
            "cpslim: warning: {} is a link or special file: not copied",
            s.display()
        );
    }
    let out_cfg = Config {
        root: out.to_path_buf(),
        cluster_size: Some(src.cluster_size),
        ..cfg.clone()
    };
    let inv = scan_root(&out_cfg)?;
    let plan = make_plan(&inv, &out_cfg)?;
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
    let found = format!("{} → {}", found_line(&src), out.display());
    finish(
        &out_cfg,
        &inv,
        &plan,
        &outcome,
        None,
        budget,
        Some(out),
        ui,
        &found,
    )
}

fn restore(r: RestoreArgs, ui: &Ui) -> anyhow::Result<Exit> {
    let root = resolve_root(r.path)?;
    let from = match r.from {
        Some(f) => f,
        None => {
            let base = backup::default_root()
                .ok_or_else(|| usage("no backup folder known\nhint: pass --from BACKUP"))?;
            backup::find_latest(&base, &root).ok_or_else(|| {
                usage(format!(
                    "no backup of {} found under {}\nhint: pass --from BACKUP (the folder a run printed)",
                    root.display(),
                    base.display()
                ))
            })?
        }
    };
    let outcome = backup::restore(&root, &from, r.yes)?;
    if !outcome.conflicts.is_empty() && !r.yes {
        eprintln!("cpslim: error: these files changed after the run; nothing was restored:");
        for c in &outcome.conflicts {
            eprintln!("  {}", human::sanitize(&c.to_string_lossy()));
        }
        eprintln!("hint: pass --yes to restore them anyway (their current content is lost)");
        return Ok(Exit::Failed);
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
    Ok(Exit::Success)
}
