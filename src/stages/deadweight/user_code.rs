//! The code the board runs that the user wrote: entry points, the files they hand over to
//! (`supervisor.set_next_code_file`) and the user's own modules they import — never library
//! source. `--charset auto` reads its text from these files only.
//!
//! What makes this stable from one run to the next: cpslim never changes these files (libraries
//! are what the mpy stage swaps and `--prune` deletes), and only files the import graph reaches
//! count, so deleting unused modules does not change the set.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::drive::{components, is_lib_dir, module_stem};
use super::{analyze, firmware};
use crate::config::Config;
use crate::scan::{Category, Inventory};

/// Library names that do not start with `adafruit_` or `circuitpython_` (bundle libraries and
/// common community ones); frozen modules' names and the bundles' module names are added.
const LIBRARY_NAMES: [&str; 8] = [
    "asyncio",
    "neopixel",
    "neopixel_spi",
    "simpleio",
    "adafruit_bus_device",
    "adafruit_pixelbuf",
    "test",
    "typing",
];

#[derive(Debug, Default)]
pub struct UserCode {
    /// `.py` and `.mpy` files, sorted.
    pub files: Vec<PathBuf>,
    /// The import graph could not be trusted, so every user module on the drive is included.
    pub all_modules: bool,
}

/// Is `name` (a top-level module name) a library rather than the user's own module?
pub fn is_library_name(name: &str, bundle_modules: &BTreeSet<String>) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("adafruit_")
        || lower.starts_with("circuitpython_")
        || LIBRARY_NAMES.contains(&lower.as_str())
        || bundle_modules.contains(&lower)
        || frozen_names().contains(&lower)
}

/// Every name frozen into some board's firmware (both versions), lower-case.
fn frozen_names() -> &'static BTreeSet<String> {
    static NAMES: OnceLock<BTreeSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        [9, 10]
            .into_iter()
            .flat_map(firmware::all_frozen_names)
            .map(|n| n.to_ascii_lowercase())
            .collect()
    })
}

/// The top-level module name a file belongs to (`lib/x/y.py` and `x.py` → `x`); `None` for files
/// elsewhere (entry points, a `set_next_code_file` target in a folder).
fn top_name(rel: &Path) -> Option<String> {
    let comps = components(rel)?;
    let top = match comps.as_slice() {
        [first, top] if is_lib_dir(first) => module_stem(top).map(|(s, _)| s)?,
        [first, top, ..] if is_lib_dir(first) => *top,
        [top] => module_stem(top).map(|(s, _)| s)?,
        [top, _, ..] => *top,
        [] => return None,
    };
    Some(top.to_string())
}

/// Is `rel` part of a library (by its top-level module name), not the user's own code?
pub fn is_library_file(rel: &Path) -> bool {
    top_name(rel).is_some_and(|t| is_library_name(&t, &BTreeSet::new()))
}

fn is_code(rel: &Path) -> bool {
    rel.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("py") || x.eq_ignore_ascii_case("mpy"))
}

/// The user's code that runs on the board, per the import graph. `bundle_modules`: lower-case
/// module names of the bundles the mpy stage swaps from (they are libraries).
pub fn user_code(inv: &Inventory, cfg: &Config, bundle_modules: &BTreeSet<String>) -> UserCode {
    let a = analyze(inv, cfg);
    let entry = |p: &Path| a.drive.entry_points.iter().any(|e| e == p);
    let mine =
        |p: &Path| entry(p) || top_name(p).is_none_or(|t| !is_library_name(&t, bundle_modules));
    let mut files: BTreeSet<PathBuf> = BTreeSet::new();
    let all_modules = match &a.graph {
        Some(g) if !a.unsure => {
            files.extend(g.files.iter().filter(|p| mine(p)).cloned());
            false
        }
        _ => {
            files.extend(
                inv.files()
                    .filter(|e| e.category != Category::Junk && is_code(&e.rel))
                    .map(|e| e.rel.clone())
                    .filter(|p| mine(p)),
            );
            true
        }
    };
    UserCode {
        files: files.into_iter().collect(),
        all_modules,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_names() {
        let none = BTreeSet::new();
        for lib in [
            "adafruit_display_text",
            "Adafruit_Ticks",
            "neopixel",
            "asyncio",
        ] {
            assert!(is_library_name(lib, &none), "{lib}");
        }
        // Frozen into some board (a community driver).
        assert!(is_library_name("pcf85063a", &none));
        for mine in ["secrets", "my_sensors", "helpers"] {
            assert!(!is_library_name(mine, &none), "{mine}");
        }
        let bundle: BTreeSet<String> = ["community_blinker".to_string()].into();
        assert!(is_library_name("Community_Blinker", &bundle));
    }

    #[test]
    fn top_names() {
        assert_eq!(top_name(Path::new("lib/x/y.py")).as_deref(), Some("x"));
        assert_eq!(top_name(Path::new("lib/x.mpy")).as_deref(), Some("x"));
        assert_eq!(
            top_name(Path::new("helpers.py")).as_deref(),
            Some("helpers")
        );
        assert_eq!(top_name(Path::new("apps/game.py")).as_deref(), Some("apps"));
    }
}
