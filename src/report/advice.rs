//! The largest files left after a run, with what cpslim could still do about them.
//!
//! Advice is computed, never guessed: for each file the plan leaves as it is, cpslim plans the
//! stages again with one change to this run's inputs (a stage `--only`/`--skip` left out, or one
//! opt-in flag) and names only the changes that would rewrite or delete that file, with what
//! they would save on the board. So advice can never contradict the plan it sits under.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::config::{Config, FontFormat, ImageFormat, StageName};
use crate::plan::{ActionKind, Plan, StagePlan};
use crate::scan::Inventory;
use crate::stages;
use crate::units::format_size;

#[derive(Debug, Clone, serde::Serialize)]
pub struct LargeFile {
    pub path: PathBuf,
    pub bytes: u64,
    /// One line per change that would shrink it, each with its saving.
    pub advice: Vec<String>,
}

/// One change to the run's inputs that advice may propose.
struct Variant {
    stage: StageName,
    /// How to ask for it, e.g. "`--prune`" or "the mpy stage (left out by --only/--skip)".
    label: String,
    cfg: Config,
}

/// The changes worth trying for this run: stages it left out, and opt-in flags it did not give.
/// Lossy flags say so.
fn variants(cfg: &Config) -> Vec<Variant> {
    let mut out = Vec::new();
    for stage in StageName::ALL {
        let included = cfg.stages.contains(&stage);
        let base = format!("the {stage} stage (left out by --only/--skip)");
        // Without --compile the compile stage is not left out by --only/--skip, and planning it
        // would run mpy-cross: the mpy stage's estimate speaks for it instead.
        let opt_in = stage == StageName::Compile && !cfg.compile.enabled;
        if !included && !opt_in {
            out.push(Variant {
                stage,
                label: base.clone(),
                cfg: cfg.clone(),
            });
        }
        for (flag, changed) in unused_options(stage, cfg) {
            out.push(Variant {
                stage,
                label: if included {
                    flag.to_string()
                } else {
                    format!("{base} with {flag}")
                },
                cfg: changed,
            });
        }
    }
    out
}

/// The opt-in options of `stage` this run did not give, each with the run that gives it.
fn unused_options(stage: StageName, cfg: &Config) -> Vec<(&'static str, Config)> {
    let with = |change: &dyn Fn(&mut Config)| {
        let mut c = cfg.clone();
        change(&mut c);
        c
    };
    let mut out = Vec::new();
    match stage {
        StageName::Junk if !cfg.empty_trash => out.push((
            "`--empty-trash` (deletes files already in the trash)",
            with(&|c| c.empty_trash = true),
        )),
        StageName::Fonts => {
            if cfg.fonts.charset.is_none() {
                out.push((
                    "`--charset auto` (lossy: keeps only the glyphs your code shows)",
                    with(&|c| c.fonts.charset = Some("auto".into())),
                ));
            }
            if cfg.fonts.format == FontFormat::Pcf {
                out.push((
                    "`--font-format lvfontbin` (adafruit_bitmap_font 2.2.0+; glyphs load more slowly)",
                    with(&|c| c.fonts.format = FontFormat::Lvfontbin),
                ));
            }
        }
        StageName::Deadweight if !cfg.deadweight.prune => out.push((
            "`--prune` (deletes libraries nothing imports)",
            with(&|c| c.deadweight.prune = true),
        )),
        StageName::Bitmaps => {
            if !cfg.bitmaps.remap_palette {
                out.push((
                    "`--remap-palette`",
                    with(&|c| c.bitmaps.remap_palette = true),
                ));
            }
            if cfg.bitmaps.image_format == ImageFormat::Bmp {
                out.push((
                    "`--image-format rle` (only adafruit_imageload.load reads it)",
                    with(&|c| c.bitmaps.image_format = ImageFormat::Rle),
                ));
                out.push((
                    "`--image-format png` (only adafruit_imageload.load reads it; the path in your code is rewritten)",
                    with(&|c| c.bitmaps.image_format = ImageFormat::Png),
                ));
            }
            if !cfg.bitmaps.two_bpp {
                out.push((
                    "`--2bpp` (desktop viewers cannot open 2-bit BMPs)",
                    with(&|c| c.bitmaps.two_bpp = true),
                ));
            }
        }
        _ => {}
    }
    out
}

/// Could `stage` touch `rel` at all? Saves planning a stage that cannot matter.
fn may_touch(stage: StageName, rel: &Path, ext: &str) -> bool {
    match stage {
        StageName::Junk => true,
        StageName::Deadweight | StageName::Mpy => {
            rel.starts_with("lib") || matches!(ext, "py" | "mpy")
        }
        StageName::Bitmaps => ext == "bmp",
        StageName::Fonts => matches!(ext, "bdf" | "pcf"),
        StageName::Compile => ext == "py",
        // Only ever reports.
        StageName::Ram => false,
    }
}

/// What `plan` would save on the board for `rel`, if it rewrites or deletes it (alone or with
/// its folder): the action's saving plus that of the actions it needs (a swap's new `.mpy`).
fn saving_for(plan: &StagePlan, rel: &Path) -> Option<(i64, String)> {
    plan.actions.iter().find_map(|a| {
        let hit = match a.kind() {
            ActionKind::Delete if a.deletes_dir() => rel.starts_with(&a.path),
            ActionKind::Delete | ActionKind::Replace => a.path == rel,
            _ => false,
        };
        if !hit {
            return None;
        }
        let with_needed: i64 = a.saved_alloc()
            + a.requires
                .iter()
                .filter_map(|&i| plan.actions.get(i))
                .map(|r| r.saved_alloc())
                .sum::<i64>();
        let what = match a.kind() {
            ActionKind::Delete if a.deletes_dir() && a.path != rel => {
                format!("deletes it with {}", a.path.display())
            }
            ActionKind::Delete if !a.requires.is_empty() => "replaces it".to_string(),
            ActionKind::Delete => "deletes it".to_string(),
            _ => "shrinks it".to_string(),
        };
        (with_needed > 0).then_some((with_needed, what))
    })
}

/// The `n` largest files that remain when `plan` is carried out (for an applied run, pass the
/// re-scanned inventory and an empty plan), with advice computed from `cfg`'s alternatives.
pub fn largest(inv: &Inventory, plan: &Plan, cfg: &Config, n: usize) -> Vec<LargeFile> {
    let (mut files, untouched) = remaining(inv, plan, n);
    let todo = relevant_variants(cfg, &files, &untouched);
    let plans: Vec<Option<StagePlan>> = std::thread::scope(|scope| {
        let handles: Vec<_> = todo
            .iter()
            .map(|(v, _)| scope.spawn(move || stages::plan(v.stage, inv, &v.cfg).ok()))
            .collect();
        // A variant that cannot be planned (a bad bundle, say) offers no advice.
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    });
    // Per file, the best saving advised so far: a later variant is named only if it saves more.
    let mut best = vec![0i64; files.len()];
    for ((v, relevant), alt) in todo.iter().zip(plans) {
        let Some(alt) = alt else { continue };
        for &i in relevant {
            if let Some((saved, what)) = saving_for(&alt, &files[i].path) {
                if saved <= best[i] {
                    continue;
                }
                best[i] = saved;
                files[i].advice.push(format!(
                    "{}: {what}, saving {} on the board",
                    v.label,
                    format_size(saved as u64)
                ));
            }
        }
    }
    files
}

/// The `n` largest files `plan` leaves (at their planned size), and which of them it leaves
/// as they are (only those get advice: the plan already decided the rest).
fn remaining(inv: &Inventory, plan: &Plan, n: usize) -> (Vec<LargeFile>, Vec<usize>) {
    let mut gone: HashSet<&Path> = HashSet::new();
    let mut gone_dirs: Vec<&Path> = Vec::new();
    let mut resized: Vec<(&Path, u64)> = Vec::new();
    for a in plan.actions() {
        match a.kind() {
            ActionKind::Delete if a.deletes_dir() => gone_dirs.push(&a.path),
            ActionKind::Delete => {
                gone.insert(&a.path);
            }
            ActionKind::Replace | ActionKind::Edit => resized.push((&a.path, a.bytes_after())),
            _ => {}
        }
    }
    let mut files: Vec<LargeFile> = inv
        .files()
        .filter(|e| {
            !gone.contains(e.rel.as_path()) && !gone_dirs.iter().any(|d| e.rel.starts_with(d))
        })
        .map(|e| {
            let bytes = resized
                .iter()
                .find(|(p, _)| *p == e.rel)
                .map_or(e.size, |(_, b)| *b);
            LargeFile {
                path: e.rel.clone(),
                bytes,
                advice: Vec::new(),
            }
        })
        .collect();
    files.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.path.cmp(&b.path)));
    files.truncate(n);
    let untouched: Vec<usize> = (0..files.len())
        .filter(|&i| !resized.iter().any(|(p, _)| *p == files[i].path))
        .collect();
    (files, untouched)
}

/// Each variant that could touch one of the `untouched` files, with those files: each is
/// planned (in parallel: they are independent and pure) to see what it would save.
fn relevant_variants(
    cfg: &Config,
    files: &[LargeFile],
    untouched: &[usize],
) -> Vec<(Variant, Vec<usize>)> {
    variants(cfg)
        .into_iter()
        .filter_map(|v| {
            let relevant: Vec<usize> = untouched
                .iter()
                .copied()
                .filter(|&i| {
                    let p = &files[i].path;
                    let ext = p
                        .extension()
                        .map(|e| e.to_string_lossy().to_ascii_lowercase())
                        .unwrap_or_default();
                    may_touch(v.stage, p, &ext)
                })
                .collect();
            (!relevant.is_empty()).then_some((v, relevant))
        })
        .collect()
}
