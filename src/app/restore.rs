//! `restore` at the edge: which run, into which folder, confirmation, and what to say after.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::bail;

use super::{advise_eject, resolve_root, usage, usage_with_hint};
use crate::backup;
use crate::cli::RestoreArgs;
use crate::exit::Exit;
use crate::report::human::sanitize;
use crate::restore::{self as core, Run};
use crate::ui::Ui;

fn default_base() -> anyhow::Result<PathBuf> {
    backup::default_root().ok_or_else(|| {
        usage_with_hint(
            "no backup folder known: neither XDG_STATE_HOME nor HOME is set",
            "pass --from BACKUP",
        )
    })
}

fn shown(p: &Path) -> String {
    sanitize(&p.to_string_lossy())
}

pub(super) fn restore(r: RestoreArgs, ui: &Ui) -> anyhow::Result<Exit> {
    if let Some(t) = super::web::target(&r.web)? {
        return super::web::restore(&r, &t, ui);
    }
    if r.list {
        return list(&r);
    }
    let (run, root) = match (&r.from, r.path.clone()) {
        (Some(from), Some(p)) => (core::pick(from, Some(&p))?, p),
        (Some(from), None) => {
            let run = core::pick(from, None)?;
            let root = PathBuf::from(&run.root);
            if !root.is_dir() {
                bail!(usage_with_hint(
                    format!(
                        "the run {} was made for {}, which is not there now",
                        shown(&run.dir),
                        shown(&root)
                    ),
                    "plug the board in, or name the folder to restore as PATH"
                ));
            }
            (run, root)
        }
        (None, p) => {
            let root = resolve_root(p)?;
            let base = default_base()?;
            let run = core::list_for(&base, &root)
                .into_iter()
                .next()
                .ok_or_else(|| {
                    usage_with_hint(
                        format!("no backup of {} found under {}", shown(&root), shown(&base)),
                        "pass --from with the folder given to --backup-dir (or one run inside it)",
                    )
                })?;
            (run, root)
        }
    };
    confirm_other_folder(&run, &root, r.yes)?;
    let outcome = core::restore(&root, &run.dir, r.yes)?;
    if !outcome.conflicts.is_empty() && !r.yes {
        return Ok(refuse_conflicts(&outcome.conflicts, "after the run"));
    }
    if !ui.quiet {
        println!(
            "Restored {} file(s), removed {} created by the run, {} already as before (from {})",
            outcome.restored.len(),
            outcome.removed.len(),
            outcome.unchanged,
            shown(&run.dir)
        );
        tell_older_run(&run, &root);
    }
    if !outcome.restored.is_empty() || !outcome.removed.is_empty() {
        let is_board = crate::fatname::find_child(&root, "boot_out.txt").is_some();
        advise_eject(&root, is_board, ui);
    }
    Ok(report_failures(&outcome))
}

/// Files changed since the run (`when`: "after the run", "on the board after the run"): nothing
/// was restored; `--yes` overrides.
pub(super) fn refuse_conflicts(conflicts: &[PathBuf], when: &str) -> Exit {
    eprintln!("cpslim: error: these files changed {when}; nothing was restored:");
    for c in conflicts {
        eprintln!("  {}", shown(c));
    }
    eprintln!("hint: pass --yes to restore them anyway (their current content is lost)");
    Exit::Failed
}

/// Files that could not be restored, listed once at the end (exit 1); the others were.
pub(super) fn report_failures(outcome: &core::RestoreOutcome) -> Exit {
    if outcome.failures.is_empty() {
        return Exit::Success;
    }
    eprintln!(
        "cpslim: error: {} file(s) could not be restored (the others were):",
        outcome.failures.len()
    );
    for (path, why) in &outcome.failures {
        eprintln!("  {}: {}", shown(path), sanitize(why));
    }
    eprintln!(
        "hint: fix what is named above and run the same restore again; files already back are left as they are"
    );
    Exit::Failed
}

/// A run recorded for another folder is restored there only when the user says so.
fn confirm_other_folder(run: &Run, root: &Path, yes: bool) -> anyhow::Result<()> {
    if core::canonical_root(root).as_deref() == Some(run.root.as_str()) || yes {
        return Ok(());
    }
    let question = format!(
        "The backup {} was made for {}, not {}.",
        shown(&run.dir),
        sanitize(&run.root),
        shown(root)
    );
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !interactive {
        bail!(usage_with_hint(
            format!("{question} Nothing was restored"),
            format!(
                "pass --yes to restore its files into {} anyway",
                shown(root)
            )
        ));
    }
    eprint!(
        "{question} Restore its files into {} anyway? [y/N] ",
        shown(root)
    );
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
        Ok(())
    } else {
        bail!(usage("nothing was restored"))
    }
}

/// Runs are undone one at a time, newest first: say how to undo the one before.
fn tell_older_run(run: &Run, root: &Path) {
    let Some(base) = run.dir.parent() else { return };
    let runs = core::list_for(base, root);
    let older = runs
        .iter()
        .skip_while(|r| r.dir != run.dir)
        .nth(1)
        .or_else(|| runs.iter().find(|r| r.created < run.created));
    if let Some(o) = older {
        println!(
            "An older run of this folder exists ({}, {} file(s)): to undo it too, run `cpslim restore {} --from {}`",
            o.created,
            o.files,
            shown(root),
            shown(&o.dir)
        );
    }
}

/// `restore --list`: the runs for PATH (or the board), newest first.
fn list(r: &RestoreArgs) -> anyhow::Result<Exit> {
    let base = match &r.from {
        Some(f) if core::is_run(f) => f.parent().map(Path::to_path_buf).unwrap_or_default(),
        Some(f) => f.clone(),
        None => default_base()?,
    };
    let root = match &r.path {
        Some(p) => Some(p.clone()),
        // No PATH: the board if there is exactly one, else every run.
        None => resolve_root(None).ok(),
    };
    let runs = match &root {
        Some(p) => core::list_for(&base, p),
        None => core::list(&base),
    };
    if runs.is_empty() {
        let of = root
            .as_deref()
            .map(|p| format!(" of {}", shown(p)))
            .unwrap_or_default();
        println!("No runs{of} in {}", shown(&base));
        return Ok(Exit::Success);
    }
    println!("Runs in {}, newest first:", shown(&base));
    for run in &runs {
        println!(
            "  {}  {:>5} file(s)  {}  (for {})",
            run.created,
            run.files,
            shown(&run.dir),
            sanitize(&run.root)
        );
    }
    Ok(Exit::Success)
}
