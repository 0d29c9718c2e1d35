//! The edge: command line → validated `Config`, board detection, confirmation, progress bars,
//! printing, exit codes. The only module that knows about clap, indicatif and anyhow.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

mod optimize;
mod settings;
mod shell;

use crate::backup;
use crate::cli::{AuditArgs, Cli, ColorWhen, Command, RestoreArgs, StageArgs};
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
use crate::units::parse_size;

/// Run the command line; returns the exit code. Errors are printed here.
pub fn run(cli: Cli) -> Exit {
    let json = match &cli.command {
        Command::Audit(a) => a.json,
        Command::Optimize(o) => o.json,
        Command::Restore(_) | Command::Completions { .. } | Command::Man => false,
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
        Command::Optimize(o) => optimize::optimize(o, &ui),
        Command::Restore(r) => restore(r, &ui),
        Command::Completions { shell } => shell::completions(shell),
        Command::Man => shell::man_page(),
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

fn audit(mut a: AuditArgs, ui: &Ui) -> anyhow::Result<Exit> {
    let given = a.path.is_some();
    let root = resolve_root(a.path)?;
    settings::apply(given.then_some(root.as_path()), &mut a.stages, None, ui)?;
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
    let outcome = crate::restore::restore(&root, &from, r.yes)?;
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
