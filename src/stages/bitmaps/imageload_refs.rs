//! Which images the drive's code reaches only through `adafruit_imageload.load("<path>")`:
//! the only ones that may become RLE or PNG (OnDiskBitmap reads neither). Anything else — an
//! OnDiskBitmap, a library call (PortalBase's `set_background` opens its path with
//! OnDiskBitmap), a path built at run time — leaves the image a plain BMP, with the reason.

use std::path::{Path, PathBuf};

use crate::pysrc::loads::{literal_uses, LiteralUse};
use crate::pysrc::paths::{names_file, rewrite_extension};
use crate::pysrc::StrLit;
use crate::scan::{Category, Entry, Inventory};

/// One literal in one `.py` file.
pub struct Ref<'a> {
    pub py: &'a Entry,
    pub lit: StrLit,
    pub how: LiteralUse,
}

pub struct PyCode<'a> {
    pub entry: &'a Entry,
    pub src: String,
    pub uses: Vec<(StrLit, LiteralUse)>,
}

/// The drive's Python code, read once for the whole stage.
pub struct ImageRefs<'a> {
    pub files: Vec<PyCode<'a>>,
    /// Code cpslim cannot read (not UTF-8, or compiled `.mpy` outside `lib/`).
    pub unreadable: Vec<PathBuf>,
    /// Some code calls `make_transparent` on a palette.
    pub makes_transparent: bool,
}

fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

impl<'a> ImageRefs<'a> {
    pub fn load(inv: &'a Inventory) -> ImageRefs<'a> {
        let mut files = Vec::new();
        let mut unreadable = Vec::new();
        for e in inv.files().filter(|e| e.category != Category::Junk) {
            let top_lib = e
                .rel
                .components()
                .next()
                .is_some_and(|c| c.as_os_str().eq_ignore_ascii_case("lib"));
            match e.ext().as_str() {
                "py" => match inv
                    .read(&e.rel)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                {
                    Some(src) => {
                        let uses = literal_uses(&src);
                        files.push(PyCode {
                            entry: e,
                            src,
                            uses,
                        });
                    }
                    None => unreadable.push(e.rel.clone()),
                },
                "mpy" if !top_lib => unreadable.push(e.rel.clone()),
                _ => {}
            }
        }
        let makes_transparent = files.iter().any(|f| f.src.contains("make_transparent"));
        ImageRefs {
            files,
            unreadable,
            makes_transparent,
        }
    }

    /// Every literal naming the image at `rel`.
    pub fn refs_to(&self, rel: &Path) -> Vec<Ref<'a>> {
        let r = slash(rel);
        let mut out = Vec::new();
        for f in &self.files {
            for (lit, how) in &f.uses {
                if names_file(lit, &r) {
                    out.push(Ref {
                        py: f.entry,
                        lit: lit.clone(),
                        how: how.clone(),
                    });
                }
            }
        }
        out
    }

    /// A literal that may become this image's path at run time (`"/icons/"`, `"_day.bmp"`,
    /// `f"/img/{n}.bmp"`): `file:line`.
    pub fn run_time_path(&self, rel: &Path) -> Option<String> {
        let r = slash(rel).to_ascii_lowercase();
        for f in &self.files {
            for (lit, _) in &f.uses {
                if lit.is_bytes() || names_file(lit, &r) {
                    continue;
                }
                let v = lit.value.to_ascii_lowercase();
                let v = v.trim_start_matches("./").trim_start_matches('/');
                let hit = if lit.is_fstring() {
                    let pieces = split_fields(v);
                    let first = pieces.first().copied().unwrap_or("");
                    let last = pieces.last().copied().unwrap_or("");
                    pieces.iter().any(|p| p.contains(".bmp"))
                        && r.starts_with(first)
                        && r.ends_with(last)
                } else if v.contains(".bmp") {
                    // A piece of a concatenation: `"_day.bmp"`, `".bmp"`.
                    r.ends_with(v)
                } else {
                    // A folder the code may list or join names to: `"/icons"`, `"icons/"`.
                    let dir = v.trim_end_matches('/');
                    !dir.is_empty() && !dir.contains('.') && r.starts_with(&format!("{dir}/"))
                };
                if hit {
                    return Some(format!("{}:{}", slash(&f.entry.rel), lit.line));
                }
            }
        }
        None
    }
}

/// The fixed text between `{…}` replacement fields of an f-string's value.
fn split_fields(v: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = v;
    while let Some(open) = rest.find('{') {
        out.push(&rest[..open]);
        rest = rest[open..].find('}').map_or("", |c| &rest[open + c + 1..]);
    }
    out.push(rest);
    out
}

/// Why this image must stay a plain BMP, or `None` when every way the code reaches it is
/// `adafruit_imageload.load("<literal path>")`.
pub fn why_not_imageload_only(refs: &ImageRefs, rel: &Path) -> Option<String> {
    if let Some(at) = refs.run_time_path(rel) {
        return Some(format!("code may build its path at run time ({at})"));
    }
    let found = refs.refs_to(rel);
    if found.is_empty() {
        return Some("no code names it by path, so how it is loaded is unknown".into());
    }
    for r in &found {
        let at = format!("{}:{}", slash(&r.py.rel), r.lit.line);
        match &r.how {
            LiteralUse::Imageload => {}
            LiteralUse::OnDiskBitmap => {
                return Some(format!("{at} opens it with displayio.OnDiskBitmap"))
            }
            LiteralUse::Other(what) => {
                return Some(format!(
                    "{at} uses its path other than in adafruit_imageload.load ({what}); a \
                     library may open it with OnDiskBitmap"
                ))
            }
        }
    }
    None
}

/// A path literal in a form whose extension cannot be rewritten safely (`file:line` and token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at} names it as {token}, a form cpslim does not rewrite")]
pub struct NotRewritten {
    pub at: String,
    pub token: String,
}

/// One literal to rewrite: its file, byte span, new token, and `file:line old → new`.
pub type Rewrite<'a> = (&'a Entry, std::ops::Range<usize>, String, String);

/// The `.py` edits that point code at `new_ext` instead of `.bmp` for the image at `rel`:
/// (file, start, end, replacement token, `file:line old → new`), or why they cannot be made.
pub fn path_rewrites<'a>(
    refs: &ImageRefs<'a>,
    rel: &Path,
    new_ext: &str,
) -> Result<Vec<Rewrite<'a>>, NotRewritten> {
    let mut out = Vec::new();
    for f in &refs.files {
        for (lit, _) in &f.uses {
            if !names_file(lit, &slash(rel)) {
                continue;
            }
            let token = f.src.get(lit.span.clone()).unwrap_or("");
            let at = format!("{}:{}", slash(&f.entry.rel), lit.line);
            let new = rewrite_extension(token, "bmp", new_ext).ok_or_else(|| NotRewritten {
                at: at.clone(),
                token: token.to_string(),
            })?;
            out.push((
                f.entry,
                lit.span.clone(),
                new.clone(),
                format!("{at} {token} → {new}"),
            ));
        }
    }
    Ok(out)
}
