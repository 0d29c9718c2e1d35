//! The edge: command line → validated `Config`, board detection, confirmation, progress bars,
//! printing, exit codes. The only module that knows about clap, indicatif and anyhow.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::bail;

mod build;
mod optimize;
mod restore;
mod settings;
mod shell;
mod web;

use crate::cli::{AuditArgs, Cli, ColorWhen, Command, StageArgs};
use crate::config::Config;
use crate::config::StageName;
use crate::detect;
use crate::error::Error;
use crate::exit::Exit;
use crate::fsinfo;
use crate::pipeline::{self, PipelineError, Planned};
use crate::plan::StagePlan;
use crate::report::{self, human, Report};
use crate::scan::Inventory;
use crate::stages;
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
            width: crate::ui::terminal_width(),
        },
    );
    let result = match cli.command {
        Command::Audit(a) => audit(a, &ui),
        Command::Optimize(o) => optimize::optimize(o, &ui),
        Command::Restore(r) => restore::restore(r, &ui),
        Command::Completions { shell } => shell::completions(shell),
        Command::Man => shell::man_page(),
    };
    match result {
        Ok(code) => code,
        // The reader went away (`cpslim audit --json | head`): nothing left to say to it.
        Err(err) if is_broken_pipe(&err) => Exit::Success,
        Err(err) => {
            let usage = err.downcast_ref::<Error>().is_none_or(Error::is_usage);
            print_error(&message_of(&err), hint_of(&err));
            if usage {
                Exit::Usage
            } else {
                Exit::Failed
            }
        }
    }
}

/// The hint of the error under any context added on the way up (a library error's, or a board's
/// over Wi-Fi).
fn hint_of(err: &anyhow::Error) -> Option<Cow<'_, str>> {
    err.chain().find_map(|cause| {
        if let Some(e) = cause.downcast_ref::<Error>() {
            e.hint()
        } else {
            cause
                .downcast_ref::<crate::web::WebError>()
                .and_then(crate::web::WebError::hint)
        }
    })
}

/// The error and its causes after it, each cause only when the text so far does not already
/// say it (a library error names its I/O cause in its own message).
fn message_of(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// An error as the user sees it: the message, then what to do about it on a line of its own.
fn print_error(message: &str, hint: Option<Cow<'_, str>>) {
    eprintln!("cpslim: error: {message}");
    if let Some(hint) = hint {
        eprintln!("hint: {hint}");
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Write to stdout; a closed pipe comes back as an error `run` ends quietly on.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

fn usage(msg: impl std::fmt::Display) -> anyhow::Error {
    Error::Usage(msg.to_string()).into()
}

/// A usage error with what to do about it (printed as `hint: …` after the message).
fn usage_with_hint(msg: impl Into<String>, hint: impl Into<String>) -> anyhow::Error {
    Error::Usage(msg.into()).with_hint(hint).into()
}

fn resolve_root(path: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match path {
        Some(p) => Ok(p),
        None => Ok(detect::find_board(&detect::mounted_volumes())?),
    }
}

/// Turn the stage flags into a Config (stage names checked here, once).
fn config(root: &Path, s: &StageArgs, yes: bool) -> anyhow::Result<Config> {
    let stages = stages_of(s)?;
    let cluster_flag = s.cluster_size.as_deref().map(cluster_size_of).transpose()?;
    let (cluster_size, cluster_source) = crate::cluster::choose(root, cluster_flag);
    Ok(Config {
        root: root.to_path_buf(),
        stages,
        cluster_size: Some(cluster_size),
        cluster_source,
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
            image_format: s.image_format.unwrap_or_default(),
        },
        fonts: crate::config::FontOptions {
            charset: s.charset.clone(),
            keep_names: s.keep_names,
            format: s.font_format.unwrap_or_default(),
        },
        deadweight: crate::config::DeadweightOptions {
            prune: s.prune,
            assume_static_imports: s.assume_static_imports,
        },
        compile: crate::config::CompileOptions {
            enabled: s.compile,
            mpy_cross: s.mpy_cross.clone(),
            search_path: std::env::var_os("PATH")
                .map(|p| std::env::split_paths(&p).collect())
                .unwrap_or_default(),
            build_tools_cache: crate::stages::compile::default_build_tools_cache(),
            sources_kept_in: None,
        },
    })
}

/// The stages to run: all but compile (without `--compile`), narrowed by `--only` and `--skip`.
fn stages_of(s: &StageArgs) -> anyhow::Result<Vec<StageName>> {
    let parse_list = |list: &[String]| -> anyhow::Result<Vec<StageName>> {
        list.iter()
            .filter(|n| !n.trim().is_empty())
            .map(|n| {
                let name = StageName::parse(n.trim()).ok_or_else(|| {
                    usage(format!(
                        "unknown stage '{n}': stages are {}",
                        StageName::all_names()
                    ))
                })?;
                Ok(name)
            })
            .collect()
    };
    let only = parse_list(&s.only)?;
    if only.contains(&StageName::Compile) && !s.compile {
        bail!(usage("the compile stage runs only with --compile"));
    }
    let skip = parse_list(&s.skip)?;
    for (flag, given, parsed) in [("--only", &s.only, &only), ("--skip", &s.skip, &skip)] {
        if !given.is_empty() && parsed.is_empty() {
            bail!(usage(format!(
                "{flag} needs at least one stage: {}",
                StageName::all_names()
            )));
        }
    }
    Ok(StageName::ALL
        .into_iter()
        .filter(|n| only.is_empty() || only.contains(n))
        .filter(|n| !skip.contains(n))
        .filter(|n| *n != StageName::Compile || s.compile)
        .collect())
}

/// `--cluster-size`: a FAT cluster size.
fn cluster_size_of(text: &str) -> anyhow::Result<u64> {
    let n = parse_size(text).map_err(usage)?;
    if !(512..=65_536).contains(&n) || !n.is_power_of_two() {
        bail!(usage(format!(
            "--cluster-size {text}: FAT clusters are a power of two from 512 to 65536 bytes"
        )));
    }
    Ok(n)
}

fn scan_root(cfg: &Config) -> anyhow::Result<Inventory> {
    Ok(pipeline::scan(cfg)?)
}

/// Scan and plan through the library's pipeline; `-vv` prints each stage's count and time.
fn plan_drive(cfg: &Config, ui: &Ui) -> anyhow::Result<Planned> {
    let mut observe = |stage: StageName, part: &StagePlan, took: Duration| {
        if ui.verbose >= 2 {
            eprintln!(
                "cpslim: {stage} stage planned {} action(s) in {} ms",
                part.actions.len(),
                took.as_millis()
            );
        }
    };
    pipeline::plan_observed(cfg, &mut observe).map_err(|e| match e {
        PipelineError::Scan(e) => e.into(),
        PipelineError::Stage { stage, error } => {
            anyhow::Error::from(error).context(format!("{stage} stage"))
        }
    })
}

/// circup's start-up line, adapted: what was found and what it runs, and a bundle taken from
/// circup's cache (the user did not name it, so the report does).
fn found_line(inv: &Inventory, cfg: &Config) -> String {
    let mut line = board_line(inv);
    let major = inv.board.as_ref().and_then(|b| b.major());
    if let (true, true, Some(m), Some(dir)) = (
        cfg.mpy.bundles.is_empty(),
        cfg.stages.contains(&StageName::Mpy),
        major,
        cfg.mpy.circup_cache.as_deref(),
    ) {
        for p in stages::mpy::cache::find_cached(dir, m) {
            line.push_str(&format!(
                "\nBundle from circup's cache: {}",
                human::sanitize(&p.display().to_string())
            ));
        }
    }
    line
}

fn board_line(inv: &Inventory) -> String {
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

/// The computer may still hold writes back (apply already synced): a board reset or unplugged
/// before the drive is ejected can lose them.
fn advise_eject(root: &Path, is_board: bool, ui: &Ui) {
    if ui.quiet || ui.json || !(is_board || fsinfo::is_mount_point(root)) {
        return;
    }
    eprintln!(
        "Synced. Eject {} before unplugging or resetting the board: macOS, Windows and Linux may still hold writes to it.",
        root.display()
    );
}

fn print_report(r: &Report, ui: &Ui, found: &str) -> anyhow::Result<()> {
    if ui.json {
        emit(&format!("{}\n", r.to_json()))
    } else if !ui.quiet {
        let style = human::Style {
            color: ui.color,
            verbose: ui.verbose > 0,
            width: ui.width,
        };
        let found = match ui.width {
            Some(w) => report::width::wrap_all(found, w),
            None => format!("{found}\n"),
        };
        emit(&format!("{found}\n{}", human::render(r, &style)))
    } else {
        Ok(())
    }
}

fn audit(mut a: AuditArgs, ui: &Ui) -> anyhow::Result<Exit> {
    if let Some(t) = web::target(&a.web)? {
        return web::audit(&a, &t, ui);
    }
    let given = a.path.is_some();
    let root = resolve_root(a.path)?;
    settings::apply(given.then_some(root.as_path()), &mut a.stages, None, ui)?;
    let cfg = config(&root, &a.stages, false)?;
    if let Some(path) = &a.why {
        let Planned {
            inventory: inv,
            plan,
        } = plan_drive(&cfg, ui)?;
        let text = stages::deadweight::why(&inv, &cfg, path, &plan)?;
        if ui.json {
            emit(&format!(
                "{}\n",
                serde_json::json!({ "why": path, "explanation": text })
            ))?;
        } else {
            emit(&text)?;
        }
        return Ok(Exit::Success);
    }
    audit_with(&cfg, ui)
}

fn audit_with(cfg: &Config, ui: &Ui) -> anyhow::Result<Exit> {
    let Planned {
        inventory: inv,
        plan,
    } = plan_drive(cfg, ui)?;
    let mut r = Report::audit(&inv, cfg.cluster_source, &plan);
    r.free_before = free_space(&inv.root);
    r.largest = report::advice::largest(&inv, &plan, cfg, 10);
    print_report(&r, ui, &found_line(&inv, cfg))?;
    Ok(if r.errors.is_empty() {
        Exit::Success
    } else {
        Exit::Failed
    })
}
