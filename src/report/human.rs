//! The report for people: per-action lines, a per-stage table, the headline, advice.
//! docs/report.md says what every line and column means.

use std::fmt::Write;

use super::{ActionStatus, BudgetReport, Report, ReportMode, StageReport};
use crate::plan::{ActionKind, Level};
use crate::units::{format_delta, format_size, group_thousands};

pub struct Style {
    pub color: bool,
    /// Also list informational notes (not only changes and warnings).
    pub verbose: bool,
    /// Wrap lines to this many columns (a terminal's width); `None` for pipes and files.
    pub width: Option<usize>,
}

impl Style {
    pub(super) fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

fn verb(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::Delete => "delete",
        ActionKind::Replace => "replace",
        ActionKind::Create => "create",
        ActionKind::Edit => "edit",
        ActionKind::Report => "note",
    }
}

/// Replace control characters so a hostile file name cannot drive the terminal.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn size_change(before: u64, after: u64) -> String {
    format!("{:>10} → {:>10}", format_size(before), format_size(after))
}

/// Column heads; docs/report.md explains each column.
const TABLE_HEAD: [&str; 4] = ["files", "size before → after", "saved", "on the board"];

fn table_row(name: &str, files: (u64, u64), bytes: (u64, u64), saved: i64, alloc: i64) -> String {
    format!(
        "{name:<11} {:>5} → {:<5}  {}  {:>10}  {:>12}",
        files.0,
        files.1,
        size_change(bytes.0, bytes.1),
        format_delta(saved),
        format_delta(alloc),
    )
}

fn stage_row(st: &StageReport) -> String {
    table_row(
        st.name.as_str(),
        (st.files_before, st.files_after),
        (st.bytes_before, st.bytes_after),
        st.saved_bytes,
        st.saved_allocated,
    )
}

/// `329.0 KiB (336,896 bytes)`
fn size_and_bytes(n: i64) -> String {
    format!("{} ({} bytes)", format_delta(n), signed_group(n))
}

/// The whole report: what each action does, the stage table, the headline, then what else
/// the run has to say; wrapped to the terminal's width.
pub fn render(r: &Report, style: &Style) -> String {
    let mut out = String::new();
    let heading = if r.mode == ReportMode::Applied {
        "Changes"
    } else {
        "Plan (nothing has been changed)"
    };
    let _ = writeln!(out, "{}", style.paint("1", heading));
    actions(&mut out, r, style);
    let _ = writeln!(out);
    stage_table(&mut out, r, style);
    let _ = writeln!(out);
    headline(&mut out, r, style);
    trailer(&mut out, r, style);
    match style.width {
        Some(w) => super::width::wrap_all(&out, w),
        None => out,
    }
}

/// One row per stage (RAM figures have their own section) and the total.
fn stage_table(out: &mut String, r: &Report, style: &Style) {
    let [files, size, saved, board] = TABLE_HEAD;
    let head = format!(
        "{:<11} {files:^13}  {size:^23}  {saved:>10}  {board:>12}",
        "stage"
    );
    let _ = writeln!(out, "{}", style.paint("1", &head));
    for st in r.stages.iter().filter(|s| !super::ram::is_ram(s.name)) {
        let _ = writeln!(out, "{}", stage_row(st));
    }
    let sum = |f: fn(&StageReport) -> u64| r.stages.iter().map(f).sum::<u64>();
    let total = table_row(
        "total",
        (sum(|s| s.files_before), sum(|s| s.files_after)),
        (sum(|s| s.bytes_before), sum(|s| s.bytes_after)),
        r.saved.bytes,
        r.saved.allocated,
    );
    let _ = writeln!(out, "{total}");
}

fn actions(out: &mut String, r: &Report, style: &Style) {
    let mut any = false;
    for st in r.stages.iter().filter(|s| !super::ram::is_ram(s.name)) {
        let mut hidden = 0;
        for a in &st.actions {
            let show = a.action != ActionKind::Report || a.level == Level::Warning || style.verbose;
            if !show {
                hidden += 1;
                continue;
            }
            any = true;
            let tag = match (a.level, a.status) {
                (_, Some(ActionStatus::Failed)) => style.paint("31", "failed "),
                (_, Some(ActionStatus::Skipped)) => format!("{:<7}", "skipped"),
                (Level::Warning, _) => style.paint("33", "warning"),
                _ => format!("{:<7}", verb(a.action)),
            };
            let sizes = if a.action == ActionKind::Report {
                format!("{:>10}   {:>10}", format_size(a.bytes_before), "")
            } else {
                size_change(a.bytes_before, a.bytes_after)
            };
            let _ = writeln!(
                out,
                "  {:<10} {tag} {sizes}  {}  ({})",
                st.name.as_str(),
                sanitize(&a.path),
                sanitize(&a.note)
            );
        }
        if hidden > 0 {
            any = true;
            let _ = writeln!(
                out,
                "  {:<10} … {hidden} more note(s) (-v lists them)",
                st.name.as_str()
            );
        }
    }
    if !any {
        let _ = writeln!(out, "  nothing to do");
    }
}

/// The one figure (space on the board, in whole clusters) with the exact bytes, and why that
/// cluster size.
fn headline(out: &mut String, r: &Report, style: &Style) {
    let verb = if r.mode == ReportMode::Applied {
        "Freed"
    } else {
        "Would free"
    };
    let text = format!(
        "{verb} {} on the board; the files themselves shrink by {}",
        size_and_bytes(r.saved.allocated),
        size_and_bytes(r.saved.bytes),
    );
    let _ = writeln!(out, "{}", style.paint("1", &text));
    let _ = writeln!(
        out,
        "Cluster size: {} bytes, {}",
        group_thousands(r.cluster_size),
        r.cluster_source.explain()
    );
    let _ = writeln!(
        out,
        "On the board: {} files in {} ({} bytes) → {} files in {} ({} bytes)",
        r.before.files,
        format_size(r.before.allocated),
        group_thousands(r.before.allocated),
        r.after.files,
        format_size(r.after.allocated),
        group_thousands(r.after.allocated),
    );
    free_space(out, r);
    if let Some(b) = r.budget {
        budget(out, b, style);
    }
}

/// Free space on the drive: measured before and after, or now.
fn free_space(out: &mut String, r: &Report) {
    match (r.free_before, r.free_after) {
        (Some(b), Some(a)) => {
            let _ = writeln!(
                out,
                "Free space, measured: {} → {} ({} bytes)",
                format_size(b),
                format_size(a),
                signed_group(a as i64 - b as i64)
            );
        }
        (Some(b), None) => {
            let _ = writeln!(
                out,
                "Free space now: {} ({} bytes)",
                format_size(b),
                group_thousands(b)
            );
        }
        _ => {}
    }
}

/// `--budget`: within it, or over (in red).
fn budget(out: &mut String, b: BudgetReport, style: &Style) {
    if b.fits {
        let text = format!(
            "Within budget: {} used of {} ({} bytes to spare)",
            format_size(b.used),
            format_size(b.limit),
            group_thousands(b.limit - b.used)
        );
        let _ = writeln!(out, "{text}");
    } else {
        let text = format!(
            "Over budget: {} used of {} ({} bytes too many)",
            format_size(b.used),
            format_size(b.limit),
            group_thousands(b.used - b.limit)
        );
        let _ = writeln!(out, "{}", style.paint("31", &text));
    }
}

/// After the headline: where the run's output and backup went, what went wrong, the RAM
/// section, and the largest files left.
fn trailer(out: &mut String, r: &Report, style: &Style) {
    where_it_went(out, r, style);
    problems(out, r, style);
    super::ram::render(out, r, style);
    largest(out, r, style);
}

/// The `--out` copy and what it left out, the backup, an interruption.
fn where_it_went(out: &mut String, r: &Report, style: &Style) {
    if let Some(dir) = &r.out {
        let _ = writeln!(out, "Optimized copy written to {}", sanitize(dir));
    }
    if !r.left_out.is_empty() {
        let _ = writeln!(out, "Left out of the build (not for the board):");
        for l in &r.left_out {
            let _ = writeln!(
                out,
                "  {:>10}  {} ({} file(s): {})",
                format_size(l.bytes),
                sanitize(&l.path),
                l.files,
                l.reason
            );
        }
    }
    if let Some(b) = &r.backup {
        let _ = writeln!(
            out,
            "Backup: {} (undo with: cpslim restore {} --from {})",
            sanitize(b),
            sanitize(&r.path),
            sanitize(b)
        );
    }
    if r.interrupted {
        let _ = writeln!(
            out,
            "{}",
            style.paint(
                "33",
                "Interrupted: the file in progress was finished; the rest was not started."
            )
        );
    }
}

fn problems(out: &mut String, r: &Report, style: &Style) {
    if !r.errors.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}",
            style.paint("31", &format!("{} problem(s):", r.errors.len()))
        );
        for e in &r.errors {
            let _ = writeln!(out, "  {}: {}", sanitize(&e.path), sanitize(&e.message));
        }
    }
}

fn largest(out: &mut String, r: &Report, style: &Style) {
    if !r.largest.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", style.paint("1", "Largest remaining files"));
        for f in &r.largest {
            let _ = writeln!(
                out,
                "  {:>10}  {}",
                format_size(f.bytes),
                sanitize(&f.path.to_string_lossy())
            );
            for a in &f.advice {
                let _ = writeln!(out, "              → {}", sanitize(a));
            }
        }
    }
}

fn signed_group(n: i64) -> String {
    if n < 0 {
        format!("-{}", group_thousands(n.unsigned_abs()))
    } else {
        group_thousands(n as u64)
    }
}
