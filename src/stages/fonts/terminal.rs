//! The firmware's terminal font: CircuitPython 10 reads `/fonts/terminal.lvfontbin`, or the file
//! `CIRCUITPY_TERMINAL_FONT` in settings.toml names, at start-up without any `import`. No code
//! names it, yet it is neither dead weight nor a font cpslim may convert, rename or overwrite.

use std::path::Path;

use crate::scan::Inventory;

pub const DEFAULT: &str = "fonts/terminal.lvfontbin";

/// The terminal font paths of this drive (relative, forward slashes, as written).
pub fn paths(inv: &Inventory) -> Vec<String> {
    let mut out = vec![DEFAULT.to_string()];
    if let Ok(bytes) = inv.read_limited(Path::new("settings.toml"), 1 << 20) {
        let text = String::from_utf8_lossy(&bytes);
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
    }
    out
}

/// Is `rel` one of `paths` (FAT names ignore case)?
pub fn is_terminal(paths: &[String], rel: &Path) -> bool {
    let rel = super::slash_path(rel);
    paths.iter().any(|p| p.eq_ignore_ascii_case(&rel))
}
