//! The bitmaps stage over a whole drive: every BMP through [`super::optimize_with`], and with
//! `--image-format rle|png` the images only adafruit_imageload reads through
//! [`super::compressed`] (PNG also renames the file and rewrites the code's path literals).

use std::path::PathBuf;

use super::compressed::{self, slash, Choice};
use super::guard::palette_user;
use super::imageload_refs::ImageRefs;
use super::{optimize_with, Outcome};
use crate::config::{Config, ImageFormat};
use crate::error::{Error, Result};
use crate::plan::{Action, StagePlan};
use crate::pysrc::paths::LiteralEdit;
use crate::scan::{Category, Entry, Inventory};
use crate::units;

/// One image going to PNG: created, code edited, then the BMP deleted.
struct PngJob<'a> {
    bmp: &'a Entry,
    png_rel: PathBuf,
    content: Vec<u8>,
    note: String,
    edits: Vec<(usize, std::ops::Range<usize>, String, String)>,
}

/// What every image of the run shares: the options, the drive's code, and why palette entry 0
/// must keep its colour.
struct Run<'a> {
    inv: &'a Inventory,
    cfg: &'a Config,
    refs: ImageRefs<'a>,
    /// Each code file's path and text, for the `--remap-palette` guard.
    sources: Vec<(PathBuf, String)>,
    /// Entry 0's colour survives --colors only when code may make it transparent.
    keep0_why: Option<String>,
    /// Why PNG cannot be used on this board, when `--image-format png` was asked for.
    png_blocked: Option<String>,
    chip: Option<(String, u64)>,
}

/// What the images add up to.
#[derive(Default)]
struct Planned<'a> {
    plan: StagePlan,
    png_jobs: Vec<PngJob<'a>>,
    /// Bytes `--image-format rle` and `png` would save more, and over how many images.
    hint_rle: u64,
    hint_png: u64,
    hint_n: usize,
}

pub fn plan(inv: &Inventory, cfg: &Config) -> Result<StagePlan> {
    check_options(cfg)?;
    let is_image = |e: &&Entry| {
        e.ext() == "bmp" && e.category != Category::Junk && !crate::layout::is_protected(&e.rel)
    };
    if !inv.files().any(|e| is_image(&e)) {
        return Ok(StagePlan::default());
    }
    let run = Run::new(inv, cfg);
    let mut out = Planned::default();
    for e in inv.files().filter(is_image) {
        plan_image(&run, e, &mut out);
    }
    push_png_jobs(&mut out.plan, inv, &run.refs, out.png_jobs);
    let mut plan = out.plan;
    if out.hint_n > 0 && (out.hint_rle > 0 || out.hint_png > 0) {
        plan.push(
            Action::report(
                &PathBuf::from("."),
                0,
                format!(
                    "{} image(s) are loaded only with adafruit_imageload.load: \
                     --image-format rle would save {} more, --image-format png {} more{}",
                    out.hint_n,
                    units::format_size(out.hint_rle),
                    units::format_size(out.hint_png),
                    match compressed::png_unavailable(inv) {
                        Some(why) => format!(" (but {why})"),
                        None => String::new(),
                    }
                ),
            )
            .warning(),
        );
    }
    Ok(plan)
}

fn check_options(cfg: &Config) -> Result<()> {
    let opts = &cfg.bitmaps;
    if let Some(k) = opts.colors {
        if !(2..=256).contains(&k) {
            return Err(Error::Usage(format!(
                "--colors {k}: must be between 2 and 256"
            )));
        }
    }
    if opts.dither && opts.colors.is_none() {
        return Err(Error::Usage("--dither needs --colors N".into()));
    }
    Ok(())
}

impl<'a> Run<'a> {
    fn new(inv: &'a Inventory, cfg: &'a Config) -> Self {
        let refs = ImageRefs::load(inv);
        let sources: Vec<(PathBuf, String)> = refs
            .files
            .iter()
            .map(|f| (f.entry.rel.clone(), f.src.clone()))
            .collect();
        let keep0_why = if refs.makes_transparent {
            Some("code calls make_transparent".to_string())
        } else {
            refs.unreadable
                .first()
                .map(|p| format!("cpslim cannot read {}", slash(p)))
        };
        let png_blocked = (cfg.bitmaps.image_format == ImageFormat::Png)
            .then(|| compressed::png_unavailable(inv))
            .flatten();
        Run {
            inv,
            cfg,
            refs,
            sources,
            keep0_why,
            png_blocked,
            chip: compressed::chip_ram(inv),
        }
    }

    fn keep0(&self) -> bool {
        self.keep0_why.is_some()
    }
}

/// One image: its BMP outcome, then (with `--image-format`) a compressed form when smaller.
fn plan_image<'a>(run: &Run, e: &'a Entry, out: &mut Planned<'a>) {
    let (inv, opts, keep0) = (run.inv, &run.cfg.bitmaps, run.keep0());
    let bytes = match inv.read(&e.rel) {
        Ok(b) => b,
        Err(err) => {
            out.plan
                .push(Action::report(&e.rel, e.size, format!("{err}; left as it is")).warning());
            return;
        }
    };
    let (outcome, remap, mut refusal) = bmp_outcome(run, e, &bytes);
    let bmp_len = match &outcome {
        Outcome::Rewrite { content, .. } => content.len(),
        _ => bytes.len(),
    };
    let choice = compressed::choose(
        inv,
        e,
        &bytes,
        opts,
        remap,
        keep0,
        &run.refs,
        run.png_blocked.as_deref(),
    );
    match (opts.image_format, choice) {
        (ImageFormat::Bmp, Choice::Bmp(why)) if why.is_empty() => {
            if let Some((r, p)) = compressed::would_save(&bytes, bmp_len, opts, keep0) {
                out.hint_rle += r;
                out.hint_png += p;
                out.hint_n += usize::from(r > 0 || p > 0);
            }
        }
        (ImageFormat::Bmp, _) => {}
        (_, Choice::AsIs) => return,
        (_, Choice::Bmp(why)) => {
            let why = format!("left a BMP for --image-format: {why}");
            refusal = Some(match refusal {
                Some(r) => format!("{r}; {why}"),
                None => why,
            });
        }
        (
            _,
            Choice::Use {
                enc,
                png_rel,
                edits,
            },
        ) if enc.content.len() < bmp_len => {
            use_compressed(run, e, bytes.len(), enc, png_rel, edits, out);
            return;
        }
        (_, Choice::Use { .. }) => {}
    }
    push_outcome(&mut out.plan, inv, e, outcome, refusal);
}

/// The BMP rewrite of one image, whether its palette may be renumbered, and why not when
/// `--remap-palette` was refused.
fn bmp_outcome(run: &Run, e: &Entry, bytes: &[u8]) -> (Outcome, bool, Option<String>) {
    let opts = &run.cfg.bitmaps;
    let mut refused = None;
    let remap = opts.remap_palette && {
        refused = palette_user(&run.sources, &e.rel).filter(|_| !run.cfg.yes);
        refused.is_none()
    };
    let mut outcome = optimize_with(bytes, opts, remap, run.keep0());
    if let (Some(why), Some(_), Outcome::Rewrite { note, .. }) =
        (&run.keep0_why, opts.colors, &mut outcome)
    {
        if note.contains("lossy") {
            note.push_str(&format!("; palette entry 0's colour kept exactly ({why})"));
        }
    }
    let refusal = refused.map(|py| {
        format!(
            "--remap-palette refused: {py} changes this image's palette by index; kept the \
             indices (pass --yes to renumber anyway)"
        )
    });
    (outcome, remap, refusal)
}

/// The image in the compressed form `--image-format` chose: replaced in place (RLE), or queued
/// as a new PNG whose code edits and BMP deletion follow.
fn use_compressed<'a>(
    run: &Run,
    e: &'a Entry,
    original_len: usize,
    enc: compressed::Encoded,
    png_rel: Option<PathBuf>,
    edits: Vec<(usize, std::ops::Range<usize>, String, String)>,
    out: &mut Planned<'a>,
) {
    let mut note = format!(
        "{} → {} B as {}; imageload peak RAM while loading {} B ({}){}",
        original_len,
        enc.content.len(),
        enc.what,
        enc.peak_ram,
        enc.ram_note,
        compressed::ram_verdict(enc.peak_ram, run.chip.as_ref()),
    );
    if let (Some(why), true) = (&run.keep0_why, enc.what.contains("lossy")) {
        note.push_str(&format!("; palette entry 0's colour kept exactly ({why})"));
    }
    match png_rel {
        None => {
            out.plan
                .push(Action::replace(run.inv, e, enc.content, note));
        }
        Some(png_rel) => out.png_jobs.push(PngJob {
            bmp: e,
            png_rel,
            content: enc.content,
            note,
            edits,
        }),
    }
}

fn push_outcome(
    plan: &mut StagePlan,
    inv: &Inventory,
    e: &Entry,
    outcome: Outcome,
    refusal: Option<String>,
) {
    match outcome {
        Outcome::Rewrite {
            content,
            note,
            warning,
            force,
        } => {
            let note = match &refusal {
                Some(r) => format!("{note}; {r}"),
                None => note,
            };
            let mut a = Action::replace(inv, e, content, note);
            if force {
                a = a.forced();
            }
            let warn = warning || refusal.as_deref().is_some_and(|r| r.contains("refused"));
            plan.push(if warn { a.warning() } else { a });
        }
        Outcome::Report { note, warning } => {
            let note = match refusal {
                Some(r) => format!("{note}; {r}"),
                None => note,
            };
            let a = Action::report(&e.rel, e.size, note);
            plan.push(if warning { a.warning() } else { a });
        }
        Outcome::Keep => {
            if let Some(r) = refusal {
                let a = Action::report(&e.rel, e.size, r.clone());
                plan.push(if r.contains("refused") {
                    a.warning()
                } else {
                    a
                });
            }
        }
    }
}

/// Each PNG created, then one edit per `.py` file pointing its literals at the PNGs, then each
/// BMP deleted once its PNG and every edit naming it are done (the fonts stage's order).
fn push_png_jobs(plan: &mut StagePlan, inv: &Inventory, refs: &ImageRefs, jobs: Vec<PngJob>) {
    let creates: Vec<usize> = jobs
        .iter()
        .map(|j| {
            plan.push(Action::create(
                inv,
                &j.png_rel,
                j.content.clone(),
                format!("{} (replaces {})", j.note, slash(&j.bmp.rel)),
            ))
        })
        .collect();
    let mut edits_of: Vec<Vec<usize>> = vec![Vec::new(); jobs.len()];
    for (fi, f) in refs.files.iter().enumerate() {
        let mut changes: Vec<(usize, &std::ops::Range<usize>, &str, &str)> = jobs
            .iter()
            .enumerate()
            .flat_map(|(ji, j)| {
                j.edits
                    .iter()
                    .filter(move |(i, ..)| *i == fi)
                    .map(move |(_, span, new, shown)| (ji, span, new.as_str(), shown.as_str()))
            })
            .collect();
        if changes.is_empty() {
            continue;
        }
        changes.sort_by_key(|c| c.1.start);
        let splices = changes
            .iter()
            .map(|(_, span, new, _)| ((*span).clone(), new.to_string()))
            .collect();
        let Some(edit) = LiteralEdit::new(f.src.clone(), splices) else {
            continue;
        };
        let shown: Vec<&str> = changes.iter().map(|c| c.3).collect();
        let needs: Vec<usize> = changes
            .iter()
            .filter_map(|c| creates.get(c.0).copied())
            .collect();
        let idx = plan.push(
            Action::literal(
                inv,
                f.entry,
                edit,
                format!(
                    "image path literal(s) now name the .png: {}",
                    shown.join("; ")
                ),
            )
            .requiring(needs),
        );
        for c in &changes {
            if let Some(v) = edits_of.get_mut(c.0) {
                v.push(idx);
            }
        }
    }
    for (i, j) in jobs.iter().enumerate() {
        let needs = creates
            .get(i)
            .copied()
            .into_iter()
            .chain(edits_of.get(i).cloned().unwrap_or_default());
        plan.push(
            Action::delete(inv, j.bmp, format!("re-encoded as {}", slash(&j.png_rel)))
                .requiring(needs),
        );
    }
}
