//! The report for people: per-action lines, a per-stage table, totals, free space, advice.

use std::fmt::Write;

use super::{Report, StageReport};
use crate::apply::Status;
use crate::plan::{ActionKind, Level};
use crate::units::{format_delta, format_size, group_thousands};

pub struct Style {
    pub color: bool,
    /// Also list informational notes (not only changes and warnings).
    pub verbose: bool,
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

fn stage_row(out: &mut String, st: &StageReport) {
    let _ = writeln!(
        out,
        "{:<11} {:>5}  {}  {:>10}  {:>10}",
        st.name.as_str(),
        st.files_touched(),
        size_change(st.bytes_before(), st.bytes_after()),
        format_delta(st.saved_bytes),
        format_delta(st.saved_allocated),
    );
}

pub fn render(r: &Report, style: &Style) -> String {
    let mut out = String::new();
    let applied = r.command == "optimize"
        && (r.backup.is_some() || r.out_dir.is_some() || r.free_after.is_some());
    let heading = if applied {
        "Changes"
    } else {
        "Plan (nothing has been changed)"
    };
    let _ = writeln!(out, "{}", style.paint("1", heading));
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
                (_, Some(Status::Failed)) => style.paint("31", "failed "),
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
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}",
        style.paint(
            "1",
            &format!(
                "{:<11} {:>5}  {:>10}   {:>10}  {:>10}  {:>10}",
                "stage", "files", "before", "after", "saved", "allocated"
            )
        )
    );
    for st in r.stages.iter().filter(|s| !super::ram::is_ram(s.name)) {
        stage_row(&mut out, st);
    }
    let _ = writeln!(
        out,
        "{:<11} {:>5}  {}  {:>10}  {:>10}",
        "total",
        r.stages.iter().map(|s| s.files_touched()).sum::<usize>(),
        size_change(r.before.bytes, r.after.bytes),
        format_delta(r.saved_bytes()),
        format_delta(r.saved_allocated()),
    );
    let _ = writeln!(out);
    let verb = if applied { "Freed" } else { "Would free" };
    let saved = r.saved_bytes();
    let alloc = r.saved_allocated();
    let _ = writeln!(
        out,
        "{verb} {} ({} bytes); allocated in {}-byte clusters: {} ({} bytes)",
        format_delta(saved),
        signed_group(saved),
        r.cluster_size,
        format_delta(alloc),
        signed_group(alloc),
    );
    let _ = writeln!(
        out,
        "Tree: {} files, {} ({} bytes) → {} files, {} ({} bytes)",
        r.before.files,
        format_size(r.before.allocated),
        group_thousands(r.before.allocated),
        r.after.files,
        format_size(r.after.allocated),
        group_thousands(r.after.allocated),
    );
    match (r.free_before, r.free_after) {
        (Some(b), Some(a)) => {
            let _ = writeln!(
                out,
                "Free space: {} → {} ({} bytes)",
                format_size(b),
                format_size(a),
                signed_group(a as i64 - b as i64)
            );
        }
        (Some(b), None) => {
            let _ = writeln!(
                out,
                "Free space: {} ({} bytes)",
                format_size(b),
                group_thousands(b)
            );
        }
        _ => {}
    }
    if let Some(budget) = r.budget {
        let used = r.after.allocated;
        if used > budget {
            let _ = writeln!(
                out,
                "{}",
                style.paint(
                    "31",
                    &format!(
                        "Over budget: {} used of {} ({} bytes too many)",
                        format_size(used),
                        format_size(budget),
                        group_thousands(used - budget)
                    )
                )
            );
        } else {
            let _ = writeln!(
                out,
                "Within budget: {} used of {} ({} bytes to spare)",
                format_size(used),
                format_size(budget),
                group_thousands(budget - used)
            );
        }
    }
    if let Some(dir) = &r.out_dir {
        let _ = writeln!(
            out,
            "Optimized copy written to {}",
            sanitize(&dir.to_string_lossy())
        );
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
    super::ram::render(&mut out, r, style);
    if !r.largest.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", style.paint("1", "Largest remaining files"));
        for f in &r.largest {
            let _ = write!(
                out,
                "  {:>10}  {}",
                format_size(f.bytes),
                sanitize(&f.path.to_string_lossy())
            );
            if let Some(a) = &f.advice {
                let _ = write!(out, "\n              → {a}");
            }
            let _ = writeln!(out);
        }
    }
    out
}

fn signed_group(n: i64) -> String {
    if n < 0 {
        format!("-{}", group_thousands(n.unsigned_abs()))
    } else {
        group_thousands(n as u64)
    }
}
