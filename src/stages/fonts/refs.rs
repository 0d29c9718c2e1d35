//! The drive's Python string literals: which ones name a converted font (rewritten to the
//! `.pcf` name, the only edit cpslim makes to user code) and, for `--charset auto`, which
//! characters the code displays.

use std::collections::BTreeMap;

use super::{slash_path, Conversion};
use crate::plan::{Action, StagePlan};
use crate::pysrc::paths::LiteralEdit;
use crate::pysrc::{string_literals, StrLit};
use crate::scan::{Category, Entry, Inventory};

pub struct PyFile<'a> {
    pub entry: &'a Entry,
    pub src: String,
    pub lits: Vec<StrLit>,
}

pub struct PySources<'a> {
    pub files: Vec<PyFile<'a>>,
}

impl<'a> PySources<'a> {
    /// Every readable UTF-8 `.py` file (junk excluded).
    pub fn load(inv: &'a Inventory) -> PySources<'a> {
        let files = inv
            .files()
            .filter(|e| e.ext() == "py" && e.category != Category::Junk)
            .filter_map(|entry| {
                let src = String::from_utf8(inv.read(&entry.rel).ok()?).ok()?;
                let lits = string_literals(&src);
                Some(PyFile { entry, src, lits })
            })
            .collect();
        PySources { files }
    }
}

/// Does this literal name the font at `rel` (`"/fonts/a.bdf"` or `"fonts/a.bdf"`; FAT ignores case)?
fn names(lit: &StrLit, rel: &str) -> bool {
    crate::pysrc::paths::names_file(lit, rel)
}

/// The literal's source with its `.bdf` (or `.pcf`) ending turned into `to`, if the extension
/// is written plainly right before the closing quote (not through escapes).
fn rewrite(token: &str, from: &str, to: &str) -> Option<String> {
    crate::pysrc::paths::rewrite_extension(token, from, to)
}

fn ext(p: &std::path::Path) -> String {
    p.extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A literal naming a converted font, with its replacement token (None: not rewritable).
struct Hit<'s> {
    conv: usize,
    lit: &'s StrLit,
    token: &'s str,
    new: Option<String>,
}

fn hits<'s>(f: &'s PyFile, conversions: &[Conversion]) -> Vec<Hit<'s>> {
    f.lits
        .iter()
        .filter_map(|lit| {
            let conv = conversions
                .iter()
                .position(|c| names(lit, &slash_path(&c.bdf.rel)))?;
            let token = f.src.get(lit.span.clone())?;
            Some(Hit {
                conv,
                lit,
                token,
                new: conversions
                    .get(conv)
                    .and_then(|c| rewrite(token, &ext(&c.bdf.rel), &ext(&c.pcf))),
            })
        })
        .collect()
}

/// Push each PCF create, one Edit per `.py` file naming converted fonts, then each BDF's delete
/// (after its PCF and every edit that points code at it), and a report for fonts no literal
/// names. A font some literal names in a form we cannot rewrite is not converted at all.
pub fn plan_edits(
    inv: &Inventory,
    sources: &PySources,
    conversions: Vec<Conversion>,
    plan: &mut StagePlan,
) {
    let per_file: Vec<(&PyFile, Vec<Hit>)> = sources
        .files
        .iter()
        .map(|f| (f, hits(f, &conversions)))
        .filter(|(_, h)| !h.is_empty())
        .collect();
    let mut blocked = blocked_by_literals(&per_file, &conversions, plan);
    if !conversions.is_empty() {
        block_compiled_names(inv, &conversions, &mut blocked, plan);
    }
    let dynamic = dynamic_bdf_paths(sources, &conversions);
    let mut creates = vec![usize::MAX; conversions.len()];
    let mut live = Vec::new();
    for (i, c) in conversions.into_iter().enumerate() {
        if !blocked.get(i).copied().unwrap_or(true) {
            if let Some(slot) = creates.get_mut(i) {
                *slot = plan.push(c.create.clone());
            }
            live.push((i, c));
        }
    }
    let edits_of = push_literal_edits(inv, per_file, &creates, plan);
    for (i, c) in live {
        let edits = edits_of.get(i).cloned().unwrap_or_default();
        let create = creates.get(i).copied().unwrap_or(usize::MAX);
        push_delete(inv, &c, create, edits, &dynamic, plan);
    }
}

/// Fonts some literal names in a form cpslim cannot rewrite: each is reported and not converted.
fn blocked_by_literals(
    per_file: &[(&PyFile, Vec<Hit>)],
    conversions: &[Conversion],
    plan: &mut StagePlan,
) -> Vec<bool> {
    let mut blocked = vec![false; conversions.len()];
    for (f, hs) in per_file {
        for h in hs.iter().filter(|h| h.new.is_none()) {
            if let (Some(b), Some(c)) = (blocked.get_mut(h.conv), conversions.get(h.conv)) {
                *b = true;
                plan.push(
                    Action::report(
                        &c.bdf.rel,
                        c.bdf.size,
                        format!(
                            "not converted: {}:{} names it as {} in a form cpslim does not \
                             rewrite; change it to {} by hand, or use --keep-names",
                            slash_path(&f.entry.rel),
                            h.lit.line,
                            h.token,
                            slash_path(&c.pcf)
                        ),
                    )
                    .warning(),
                );
            }
        }
    }
    blocked
}

/// Fonts a compiled module names: its strings cannot be rewritten, so they are not converted.
fn block_compiled_names(
    inv: &Inventory,
    conversions: &[Conversion],
    blocked: &mut [bool],
    plan: &mut StagePlan,
) {
    let compiled = crate::stages::compile::CompiledStrings::load(inv);
    for (c, b) in conversions.iter().zip(blocked.iter_mut()) {
        if let Some(mpy) = compiled.naming(&slash_path(&c.bdf.rel)).filter(|_| !*b) {
            *b = true;
            let note = format!("not converted: the compiled module {} names it and cannot be rewritten; rename it in the source, recompile, or use --keep-names", slash_path(mpy));
            plan.push(Action::report(&c.bdf.rel, c.bdf.size, note).warning());
        }
    }
}

/// One edit per `.py` file pointing its literals at the converted fonts, after their creates.
/// Returns, for each conversion, the edits that must land before its BDF goes away.
fn push_literal_edits(
    inv: &Inventory,
    per_file: Vec<(&PyFile, Vec<Hit>)>,
    creates: &[usize],
    plan: &mut StagePlan,
) -> Vec<Vec<usize>> {
    let mut edits_of: Vec<Vec<usize>> = vec![Vec::new(); creates.len()];
    for (f, hs) in per_file {
        let mut splices = Vec::new();
        let mut changes = Vec::new();
        let mut used = BTreeMap::new();
        for h in hs {
            let (Some(new), Some(&create)) = (h.new.as_ref(), creates.get(h.conv)) else {
                continue;
            };
            if create == usize::MAX {
                continue;
            }
            splices.push((h.lit.span.clone(), new.clone()));
            changes.push(format!(
                "{}:{} {} → {new}",
                slash_path(&f.entry.rel),
                h.lit.line,
                h.token
            ));
            used.insert(h.conv, create);
        }
        let Some(edit) = LiteralEdit::new(f.src.clone(), splices).filter(|_| !changes.is_empty())
        else {
            continue;
        };
        let note = format!(
            "font path literal(s) now name the converted font: {}",
            changes.join("; ")
        );
        let idx = plan.push(
            // `.lvfontbin` is longer than `.bdf`: the code grows by a few bytes, the font
            // shrinks by kilobytes.
            Action::literal(inv, f.entry, edit, note)
                .requiring(used.values().copied())
                .forced(),
        );
        for ci in used.keys() {
            if let Some(v) = edits_of.get_mut(*ci) {
                v.push(idx);
            }
        }
    }
    edits_of
}

/// The BDF's delete (after its new font and the edits), its licence's rename, and a note when
/// no literal names it.
fn push_delete(
    inv: &Inventory,
    c: &Conversion,
    create: usize,
    edits: Vec<usize>,
    dynamic: &[String],
    plan: &mut StagePlan,
) {
    let referenced = !edits.is_empty();
    let deleted = plan.push(
        Action::delete(inv, c.bdf, format!("converted to {}", slash_path(&c.pcf)))
            .requiring(std::iter::once(create).chain(edits)),
    );
    super::license::plan_rename(inv, &c.bdf.rel, &c.pcf, deleted, plan);
    if !referenced {
        let note = format!(
            "not referenced in code: check how it is loaded (it is now {})",
            slash_path(&c.pcf)
        );
        let a = if dynamic.is_empty() {
            Action::report(&c.bdf.rel, 0, note)
        } else {
            Action::report(
                &c.bdf.rel,
                0,
                format!(
                    "{note}; code builds .bdf paths at run time ({}): such a load fails once \
                     the BDF is gone, so change it to .pcf (or use --keep-names)",
                    dynamic.join(", ")
                ),
            )
            .warning()
        };
        plan.push(a);
    }
}

/// Literals that mention `.bdf` without naming a font on the drive (f-strings, pieces of a
/// concatenation, other folders): where the user's code may build a font path at run time.
/// Library source is not the user's code (a font loader mentions `.bdf` by nature).
fn dynamic_bdf_paths(sources: &PySources, conversions: &[Conversion]) -> Vec<String> {
    let mut out = Vec::new();
    for f in &sources.files {
        if crate::stages::deadweight::is_library_file(&f.entry.rel) {
            continue;
        }
        for lit in &f.lits {
            let mentions = lit.value.to_ascii_lowercase().contains(".bdf");
            let exact = conversions
                .iter()
                .any(|c| names(lit, &slash_path(&c.bdf.rel)));
            if mentions && !exact && !lit.is_bytes() && out.len() < 5 {
                out.push(format!("{}:{}", slash_path(&f.entry.rel), lit.line));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_only_plain_endings() {
        let r = |t| rewrite(t, "bdf", "pcf");
        assert_eq!(r("\"fonts/a.bdf\"").as_deref(), Some("\"fonts/a.pcf\""));
        assert_eq!(r("r'''/A.BDF'''").as_deref(), Some("r'''/A.pcf'''"));
        assert_eq!(r("\"a\\x2ebdf\""), None);
        assert_eq!(r("\"abdf\""), None);
        assert_eq!(
            rewrite("'f.PCF'", "pcf", "lvfontbin").as_deref(),
            Some("'f.lvfontbin'")
        );
    }

    #[test]
    fn literal_matching() {
        let lits = string_literals("a = '/fonts/A.bdf'\nb = f'fonts/a.bdf'\nc = b'fonts/a.bdf'\n");
        let hits: Vec<bool> = lits.iter().map(|l| names(l, "fonts/a.bdf")).collect();
        assert_eq!(hits, vec![true, false, false]);
    }
}
