//! The human report's "RAM" section: the ram stage's figures and advice, shown whatever the
//! verbosity (they are the stage's whole output), apart from the plan's changes.

use std::fmt::Write;

use super::human::{sanitize, Style};
use super::Report;
use crate::config::StageName;

/// The stage's notes never count as changes, so the plan list and the stage table leave it out.
pub fn is_ram(name: StageName) -> bool {
    name == StageName::Ram
}

pub fn render(out: &mut String, r: &Report, style: &Style) {
    let notes: Vec<&str> = r
        .stages
        .iter()
        .filter(|s| is_ram(s.name))
        .flat_map(|s| s.actions.iter().map(|a| a.note.as_str()))
        .collect();
    if notes.is_empty() {
        return;
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}",
        style.paint("1", "RAM on the board (advice only: nothing is changed)")
    );
    for note in notes {
        let _ = writeln!(out, "  {}", sanitize(note));
    }
}
