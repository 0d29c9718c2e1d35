//! `--remap-palette` guard: code that addresses this image's palette by index.

use std::path::{Path, PathBuf};

/// A `.py` file that changes this image's palette by index (`make_transparent`, `pal[i] = …`)
/// and names the image: renumbering would break it.
pub fn palette_user(sources: &[(PathBuf, String)], bmp: &Path) -> Option<String> {
    let name = bmp.file_name()?.to_str()?;
    sources
        .iter()
        .find(|(_, text)| {
            text.contains(name)
                && (text.contains("make_transparent")
                    || text.lines().any(|l| {
                        let l = l.trim();
                        let Some(open) = l.find('[') else {
                            return false;
                        };
                        let head = l[..open].to_ascii_lowercase();
                        head.contains("pal")
                            && l[open..]
                                .find("] =")
                                .is_some_and(|c| !l[open + c..].starts_with("] =="))
                    }))
        })
        .map(|(p, _)| p.display().to_string())
}
