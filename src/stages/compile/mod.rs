//! compile stage (`--compile`): the user's own modules that the code imports become `.mpy`
//! compiled by CircuitPython's mpy-cross, exactly as the bundle compiles its libraries.
//! Facts: `docs/domain/mpy-cross.md`.
//!
//! The stage stays a planner: the compiler runs now, on a copy in a temp folder, and the plan
//! holds the compiled bytes (write `x.mpy`, then delete `x.py` once that succeeded), so `audit`
//! and `optimize` show the same, measured, result and only the writer touches the drive.

mod compiler;
mod select;
mod strings;
#[cfg(test)]
#[allow(unused_imports)] // most of these tests run a script, so are Unix-only
mod tests;

use std::path::Path;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::plan::{Action, ActionKind, Effect, Plan, StagePlan, Stamp};
use crate::scan::{Entry, Inventory};
use crate::stages::mpy::{cache, header, Bundle, MEASURED_RATIO};
use crate::units::format_size;

pub use compiler::{default_build_tools_cache, discover, how_to_get, identify, Compiler, Identity};
pub use select::{runs_as_source, select, source_name, Candidate, Selection};
pub use strings::CompiledStrings;

pub fn plan(inv: &Inventory, cfg: &Config, prior: &Plan) -> Result<StagePlan> {
    let mut out = StagePlan::default();
    if !cfg.compile.enabled {
        // Opt-in: without --compile the mpy stage only estimates (see `estimate`).
        return Ok(out);
    }
    let major = inv.board.as_ref().and_then(|b| b.major()).ok_or_else(|| {
        Error::Usage(
            "--compile needs the board's CircuitPython version, and there is no boot_out.txt"
                .to_string(),
        )
        .with_hint("give --cp-version (e.g. --cp-version 10.2.1)")
    })?;
    let bundles = bundles(inv, cfg, Some(major))?;
    let compiler = compiler::discover(&cfg.compile, major)?;
    let sel = select::select(inv, cfg, &bundles);
    report_skipped(&sel, &mut out);
    let Some(c) = compiler else {
        let why =
            "--compile: no mpy-cross found (not on PATH, not in circuitpython-build-tools' cache)";
        let files: Vec<&Entry> = sel.compile.iter().map(|c| c.py).collect();
        let a = estimate_of(&files, major, "your own modules the code imports", why)
            .unwrap_or_else(|| {
                Action::report(Path::new(""), 0, format!("{why}; {}", how_to_get(major)))
            });
        out.push(a.warning());
        return Ok(out);
    };
    for why in &c.passed_over {
        out.push(Action::report(Path::new(""), 0, format!("not used: {why}")).warning());
    }
    if sel.compile.is_empty() {
        return Ok(out);
    }
    out.push(Action::report(
        Path::new(""),
        0,
        format!(
            "compiling with {} (CircuitPython {}, found via {})",
            c.path.display(),
            c.version,
            c.found_by
        ),
    ));
    let work = tempfile::Builder::new()
        .prefix("cpslim-compile-")
        .tempdir()
        .map_err(|e| Error::write(std::env::temp_dir(), e))?;
    for cand in &sel.compile {
        if c.broken.get() {
            let note = "not compiled: the compiler failed on an earlier module (see above); left as source";
            out.push(Action::report(&cand.py.rel, cand.py.size, note).warning());
            continue;
        }
        compile_one(inv, cfg, prior, &c, major, work.path(), cand, &mut out);
    }
    Ok(out)
}

/// Without `--compile` (called by the mpy stage): what compiling would save, and how to get it.
pub fn estimate(inv: &Inventory, bundles: &[Bundle], major: Option<u32>) -> Option<Action> {
    let files = select::user_sources(inv, bundles);
    estimate_of(
        &files,
        major.unwrap_or(10),
        "your own modules (in no bundle)",
        "not compiled without --compile",
    )
}

fn estimate_of(files: &[&Entry], major: u32, what: &str, why: &str) -> Option<Action> {
    let py: u64 = files.iter().map(|e| e.size).sum();
    if py == 0 {
        return None;
    }
    let est = (py as f64 * MEASURED_RATIO).round() as u64;
    let names: Vec<String> = files
        .iter()
        .take(5)
        .map(|e| e.rel.to_string_lossy().replace('\\', "/"))
        .collect();
    let more = files.len().saturating_sub(names.len());
    let list = if more > 0 {
        format!("{} and {more} more", names.join(", "))
    } else {
        names.join(", ")
    };
    let a = Action::estimate(
        Path::new(""),
        py,
        est,
        format!(
            "estimate, not measured: {what} ({list}: {}) would take about {} compiled to .mpy (the bundle's measured .mpy/.py ratio is ~{MEASURED_RATIO}); {why}. Run with --compile; {}",
            format_size(py),
            format_size(est),
            how_to_get(major)
        ),
    );
    Some(a)
}

/// The bundles whose libraries the mpy stage swaps in: those are never compiled here.
fn bundles(inv: &Inventory, cfg: &Config, major: Option<u32>) -> Result<Vec<Bundle>> {
    let mut v = cfg
        .mpy
        .bundles
        .iter()
        .map(|p| Bundle::open(p))
        .collect::<Result<Vec<_>>>()?;
    let major = major.or_else(|| inv.board.as_ref().and_then(|b| b.major()));
    if let (true, Some(m), Some(dir)) = (v.is_empty(), major, cfg.mpy.circup_cache.as_deref()) {
        v.extend(
            cache::find_cached(dir, m)
                .iter()
                .filter_map(|p| Bundle::open(p).ok()),
        );
    }
    Ok(v)
}

fn report_skipped(sel: &Selection, out: &mut StagePlan) {
    for s in &sel.skipped {
        out.push(Action::report(&s.path, s.bytes, s.why.clone()));
    }
    if !sel.limits.is_empty() {
        out.push(Action::report(Path::new(""), 0, sel.limits.join("; ")));
    }
}

/// The file at `mpy_rel`, its name compared as FAT compares names (`Foo.MPY` is `foo.mpy`).
fn existing_mpy<'a>(inv: &'a Inventory, mpy_rel: &'a Path) -> Option<&'a Entry> {
    let parent = mpy_rel.parent().unwrap_or(Path::new(""));
    let name = mpy_rel.file_name()?.to_string_lossy().to_ascii_lowercase();
    inv.children(parent).find(|e| {
        e.rel
            .file_name()
            .is_some_and(|n| n.to_string_lossy().to_ascii_lowercase() == name)
    })
}

/// Source bytes, and the plan position of the earlier edit that produces them.
type PlannedSource = (Vec<u8>, Option<(usize, usize)>);

/// The source to compile: the file as an earlier stage's planned edit leaves it (a font or image
/// path rewritten this run), with where that edit sits in the plan, or the file as it is.
/// `None` when an earlier stage deletes or replaces it.
fn planned_source(inv: &Inventory, prior: &Plan, py: &Entry) -> Option<Result<PlannedSource>> {
    match prior.claims_on(&py.rel).as_slice() {
        [] => Some(inv.read(&py.rel).map(|b| (b, None))),
        [(s, j)] => {
            let a = prior.stages.get(*s)?.1.actions.get(*j)?;
            let content = a
                .content()
                .filter(|_| a.kind() == ActionKind::Edit)?
                .to_vec();
            Some(Ok((content, Some((*s, *j)))))
        }
        _ => None,
    }
}

/// Why compiled `bytes` must not replace a source on a CircuitPython `major` board, if they
/// must not.
fn unloadable(bytes: &[u8], major: u32) -> Option<String> {
    match header::check(bytes, major) {
        Err(why) => Some(format!(
            "the compiler's output would not load on CircuitPython {major} ({why}); left as source"
        )),
        Ok(h) if h.arch() != 0 => Some(format!(
            "the compiled file holds native code for {}; left as source",
            h.arch_name()
        )),
        Ok(_) => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn compile_one(
    inv: &Inventory,
    cfg: &Config,
    prior: &Plan,
    c: &Compiler,
    major: u32,
    work: &Path,
    cand: &Candidate,
    out: &mut StagePlan,
) {
    let py = cand.py;
    let warn = |out: &mut StagePlan, why: String| {
        out.push(Action::report(&py.rel, py.size, why).warning());
    };
    let (source, edit) = match planned_source(inv, prior, py) {
        None => return,
        Some(Ok(found)) => found,
        Some(Err(e)) => return warn(out, format!("cannot read: {e}")),
    };
    let bytes = match c.compile(work, &cand.name, &source) {
        Ok(b) => b,
        Err(msg) => return warn(out, format!("not compiled, left as source: {msg}")),
    };
    if let Some(why) = unloadable(&bytes, major) {
        return warn(out, why);
    }
    if bytes.len() as u64 >= py.size {
        let note = format!(
            "not smaller compiled ({} as .mpy, {} as .py); left as source",
            format_size(bytes.len() as u64),
            format_size(py.size)
        );
        out.push(Action::report(&py.rel, py.size, note));
        return;
    }
    let note = format!(
        "compiled from {} by CircuitPython {}'s mpy-cross (-s {})",
        py.rel.display(),
        c.version,
        cand.name
    );
    let write = match existing_mpy(inv, &cand.mpy_rel) {
        None => out.push(Action::create(inv, &cand.mpy_rel, bytes, note)),
        // A stale .mpy the .py beside it shadows: the compiled source replaces it.
        Some(e) if e.is_file() => {
            // The mpy stage deletes such a .mpy; writing over it does that job too.
            out.push(Action::replace(inv, e, bytes, note).forced().taking_over())
        }
        Some(e) => {
            let why = format!(
                "a {:?} is where {} belongs; left as source",
                e.kind,
                cand.mpy_rel.display()
            );
            return warn(out, why);
        }
    };
    let kept = match &cfg.compile.sources_kept_in {
        Some(src) => format!("the source stays in {}", src.join(&py.rel).display()),
        None => "the source is kept in this run's host backup (its folder is printed at the end) and `cpslim restore` brings it back; a compiled module cannot be edited on the board".to_string(),
    };
    let note = format!("replaced by {}; {kept}", cand.mpy_rel.display());
    let mut delete = Action::delete(inv, py, note).requiring([write]);
    if let Some(at) = edit {
        // Delete the source only once the earlier stage's edit (compiled here) has landed.
        delete.after.push(at);
        delete.effect = Effect::DeleteFile {
            expect: Stamp {
                size: source.len() as u64,
                mtime: None,
            },
        };
    }
    out.push(delete);
}
