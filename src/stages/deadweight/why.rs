//! `cpslim audit --why lib/x`: the chain of imports that keeps `x`, or why it is dead.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::drive::Place;
use super::graph::{Graph, Via};
use super::{analyze, Analysis};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::scan::Inventory;

/// Explain `rel` (a path on the drive, e.g. `lib/adafruit_bus_device` or `lib/neopixel.mpy`).
pub fn why(inv: &Inventory, cfg: &Config, rel: &Path) -> Result<String> {
    let rel = normalize(rel);
    if inv.get(&rel).is_none() {
        return Err(Error::Usage(format!(
            "--why {}: no such file or folder on the drive",
            rel.display()
        )));
    }
    let a = analyze(inv, cfg);
    let mut out = String::new();
    let shown = rel.display();

    for f in &a.findings {
        if rel.starts_with(&f.path) || f.path.starts_with(&rel) {
            let action = if f.delete {
                "optimize deletes it"
            } else {
                "reported only"
            };
            let _ = writeln!(
                out,
                "{}: {} — {} ({action})",
                f.path.display(),
                f.kind.label(),
                f.reason
            );
        }
    }
    if a.drive.entry_points.iter().any(|e| e == &rel) {
        let _ = writeln!(
            out,
            "{shown} is an entry point: CircuitPython runs it itself"
        );
        return Ok(out);
    }
    let is_module = match inv.get(&rel) {
        Some(e) if e.is_dir() => a
            .drive
            .unit_of(&rel)
            .and_then(|(p, k)| a.drive.unit(p, &k))
            .is_some_and(|u| u.has_code()),
        Some(e) => matches!(e.ext().as_str(), "py" | "mpy"),
        None => false,
    };
    let Some((place, key)) = a.drive.unit_of(&rel).filter(|_| is_module) else {
        if out.is_empty() {
            let _ = writeln!(
                out,
                "{shown} is not a Python module or package that can be imported; the deadweight stage does not judge it"
            );
        }
        return Ok(out);
    };
    let Some(g) = &a.graph else {
        let _ = writeln!(
            out,
            "the drive has no code.py, main.py, boot.py or other entry point, so the import graph is empty"
        );
        return Ok(out);
    };
    let name = a
        .drive
        .unit(place, &key)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| key.clone());
    let exact = |m: &std::collections::BTreeMap<String, Via>| {
        m.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&name))
            .map(|(_, v)| v.clone())
    };
    if let Some(via) = exact(&g.builtin_hits) {
        let _ = writeln!(
            out,
            "'{name}' is imported, but the firmware's built-in module answers it:"
        );
        chain(&a, g, &via, &mut out);
    } else if let Some(via) = exact(&g.frozen_hits).filter(|_| place == Place::Lib) {
        let _ = writeln!(
            out,
            "'{name}' is imported, but the firmware's frozen copy answers it (this copy only stands in for its imports):"
        );
        chain(&a, g, &via, &mut out);
    } else if let Some(via) = g.reached.get(&(place, key.clone())) {
        let _ = writeln!(out, "'{name}' is imported:");
        chain(&a, g, via, &mut out);
    } else if let Some(via) = g.standins.get(&key) {
        let _ = writeln!(
            out,
            "the firmware's frozen '{name}' is imported, and this copy stands in for its imports:"
        );
        chain(&a, g, via, &mut out);
    } else if a.unsure {
        let _ = writeln!(
            out,
            "no reachable file imports '{name}', but the analysis cannot be sure: {}",
            g.uncertain.join("; ")
        );
    } else {
        let _ = writeln!(
            out,
            "no file reachable from {} imports '{name}'",
            super::findings::entry_list(&a.drive.entry_points)
        );
    }
    Ok(out)
}

fn normalize(rel: &Path) -> PathBuf {
    let s = rel.to_string_lossy();
    let s = s.trim_start_matches("./").trim_start_matches('/');
    PathBuf::from(s.trim_end_matches('/'))
}

/// Print the import chain from an entry point down to the unit `via` reached.
fn chain(a: &Analysis, g: &Graph, via: &Via, out: &mut String) {
    let mut steps: Vec<&Via> = vec![via];
    let mut cur = via;
    for _ in 0..256 {
        if a.drive.entry_points.iter().any(|e| e == &cur.file) {
            break;
        }
        let Some((place, key)) = a.drive.unit_of(&cur.file) else {
            break;
        };
        let next = g.reached.get(&(place, key.clone())).or_else(|| {
            (place == Place::Lib)
                .then(|| g.standins.get(&key))
                .flatten()
        });
        match next {
            Some(v) if !steps.iter().any(|s| s == &v) => {
                steps.push(v);
                cur = v;
            }
            _ => break,
        }
    }
    for (depth, v) in steps.iter().rev().enumerate() {
        let line = v.line.map(|l| format!(" line {l}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{}{}{line}: {}",
            "  ".repeat(depth + 1),
            v.file.display(),
            v.import
        );
    }
}
