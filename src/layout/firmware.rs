//! Files CircuitPython runs or reads by name, without any `import` naming them
//! (`docs/domain/real-drives.md`, `docs/domain/dead-weight.md`).

use std::path::{Component, Path};

/// Names CircuitPython runs or reads itself, at the drive root. cpslim never rewrites these
/// (the fonts and bitmaps stages' path-literal edit is the one, planned and undoable, exception).
pub const PROTECTED: [&str; 8] = [
    "code.py",
    "code.txt",
    "main.py",
    "main.txt",
    "boot.py",
    "safemode.py",
    "settings.toml",
    "boot_out.txt",
];

/// FAT is case-insensitive, so `CODE.PY` is code.py too.
pub fn is_protected(rel: &Path) -> bool {
    let mut comps = rel.components();
    match (comps.next(), comps.next()) {
        (Some(first), None) => PROTECTED
            .iter()
            .any(|p| crate::fatname::is(first.as_os_str(), p)),
        _ => false,
    }
}

/// The main program candidates in the order `main.c` tries them, then the other files it runs.
pub const ENTRY_NAMES: [&str; 16] = [
    "code.txt",
    "code.py",
    "main.py",
    "main.txt",
    "code.txt.py",
    "code.py.txt",
    "code.txt.txt",
    "code.py.py",
    "main.txt.py",
    "main.py.txt",
    "main.txt.txt",
    "main.py.py",
    "boot.py",
    "boot.txt",
    "safemode.py",
    "safemode.txt",
];

/// The firmware's terminal font: CircuitPython 10 reads `/fonts/terminal.lvfontbin`, or the file
/// `CIRCUITPY_TERMINAL_FONT` in settings.toml names, at start-up. No code names it, yet it is
/// neither dead weight nor a font cpslim may convert, rename or overwrite.
pub const DEFAULT_TERMINAL_FONT: &str = "fonts/terminal.lvfontbin";

/// The terminal font paths (relative, forward slashes, as written), given the drive's
/// settings.toml if it has one.
pub fn terminal_fonts(settings_toml: Option<&[u8]>) -> Vec<String> {
    let mut out = vec![DEFAULT_TERMINAL_FONT.to_string()];
    let text = String::from_utf8_lossy(settings_toml.unwrap_or_default());
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim() != "CIRCUITPY_TERMINAL_FONT" {
            continue;
        }
        let v = value.trim();
        let v = v.split('#').next().unwrap_or("").trim();
        let v = v.trim_matches(|c| c == '"' || c == '\'');
        let v = v.trim_start_matches('/');
        if !v.is_empty() {
            out.push(v.to_string());
        }
    }
    out
}

/// Is `rel` one of the terminal font `paths` (FAT names ignore case)?
pub fn is_terminal_font(paths: &[String], rel: &Path) -> bool {
    let rel = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/");
    paths.iter().any(|p| p.eq_ignore_ascii_case(&rel))
}
