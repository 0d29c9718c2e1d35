//! Can the drive load an LVGL font? Only adafruit_bitmap_font 2.2.0 and newer has
//! `lvfontbin.py`, so the fonts stage looks at the library as it will be once the mpy stage has
//! run (the bundle's version when that stage swaps it) before it writes a `.lvfontbin`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::config::StageName;
use crate::plan::ActionKind;
use crate::scan::Inventory;

/// The first adafruit_bitmap_font release with an LVGL reader.
pub const NEEDED: (u32, u32, u32) = (2, 2, 0);
pub const NEEDED_TEXT: &str = "2.2.0";
const PACKAGE: &str = "lib/adafruit_bitmap_font";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loader {
    /// The library (at this version, when known) reads LVGL fonts.
    Ready(Option<String>),
    /// It does not: the reason for the user.
    TooOld(String),
    /// No adafruit_bitmap_font on the drive (a build source, or a drive still to be set up).
    Absent,
}

/// `__version__ = "2.5.1"` in a `.py`; in a `.mpy` the version is one of the constant strings.
fn version_in(bytes: &[u8], mpy: bool) -> Option<String> {
    if !mpy {
        let text = String::from_utf8_lossy(bytes);
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with("__version__"))?;
        let v = line.split(['"', '\'']).nth(1)?;
        return parse(v).map(|_| v.to_string());
    }
    bytes
        .split(|b| !(b.is_ascii_digit() || *b == b'.'))
        .filter_map(|s| std::str::from_utf8(s).ok())
        .find(|s| s.split('.').count() == 3 && parse(s).is_some())
        .map(str::to_string)
}

fn parse(v: &str) -> Option<(u32, u32, u32)> {
    let mut it = v.split('.').map(|p| p.parse::<u32>().ok());
    Some((it.next()??, it.next()??, it.next()??))
}

/// The package's files after the mpy stage: name (lower case) → content.
fn files_after_mpy(inv: &Inventory, cfg: &Config) -> BTreeMap<String, Vec<u8>> {
    let in_package = |p: &Path| {
        p.parent()
            .is_some_and(|d| super::slash_path(d).eq_ignore_ascii_case(PACKAGE))
    };
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default()
    };
    let mut files: BTreeMap<String, (PathBuf, Option<Vec<u8>>)> = inv
        .files()
        .filter(|e| in_package(&e.rel))
        .map(|e| (name(&e.rel), (e.rel.clone(), None)))
        .collect();
    if cfg.stages.contains(&StageName::Mpy) {
        // The mpy stage's own plan (its errors are reported by that stage).
        if let Ok(p) = crate::stages::mpy::plan(inv, cfg) {
            for a in p.actions.iter().filter(|a| in_package(&a.path)) {
                match a.kind() {
                    ActionKind::Delete => {
                        files.remove(&name(&a.path));
                    }
                    ActionKind::Create | ActionKind::Replace => {
                        files.insert(
                            name(&a.path),
                            (a.path.clone(), a.content().map(<[u8]>::to_vec)),
                        );
                    }
                    _ => {}
                }
            }
        }
    }
    files
        .into_iter()
        .filter_map(|(n, (rel, content))| {
            let bytes = match content {
                Some(c) => c,
                None => inv.read(&rel).ok()?,
            };
            Some((n, bytes))
        })
        .collect()
}

/// Whether the drive's adafruit_bitmap_font (after the mpy stage) loads `.lvfontbin` files.
pub fn loader(inv: &Inventory, cfg: &Config) -> Loader {
    let files = files_after_mpy(inv, cfg);
    if files.is_empty() {
        return Loader::Absent;
    }
    let version = ["bitmap_font", "pcf", "bdf", "glyph_cache"]
        .iter()
        .flat_map(|m| [(format!("{m}.py"), false), (format!("{m}.mpy"), true)])
        .find_map(|(f, mpy)| files.get(&f).and_then(|b| version_in(b, mpy)));
    let reader = files.contains_key("lvfontbin.py") || files.contains_key("lvfontbin.mpy");
    match version.as_deref().and_then(parse) {
        Some(v) if v >= NEEDED => Loader::Ready(version),
        Some(_) => Loader::TooOld(format!(
            "the drive's adafruit_bitmap_font is {}; LVGL fonts need {NEEDED_TEXT} or newer \
             (update it, e.g. with --bundle)",
            version.unwrap_or_default()
        )),
        // A development copy ("0.0.0+auto.0") or no version string: trust the module list.
        None if reader => Loader::Ready(None),
        None => Loader::TooOld(format!(
            "the drive's adafruit_bitmap_font has no lvfontbin module; LVGL fonts need \
             {NEEDED_TEXT} or newer (update it, e.g. with --bundle)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_source_and_mpy() {
        assert_eq!(
            version_in(b"import x\n__version__ = \"2.1.4\"\n", false).as_deref(),
            Some("2.1.4")
        );
        assert_eq!(
            version_in(b"__version__ = '0.0.0+auto.0'\n", false),
            None,
            "development copies carry no real version"
        );
        let mpy = b"C\x06\x00\x1f bitmap_font.py\x00\x03\x0a2.5.1\x00\x12load_font";
        assert_eq!(version_in(mpy, true).as_deref(), Some("2.5.1"));
        assert_eq!(version_in(b"C\x06 no version 1.2 here", true), None);
    }
}
