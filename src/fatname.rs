//! Names as the board's FAT filesystem compares them: case-insensitive, case-preserving.
//! `CODE.PY` is code.py, `LIB/` is lib/, and creating `neopixel.mpy` next to `NEOPIXEL.MPY`
//! overwrites it. Every name rule in cpslim compares through here.

use std::ffi::OsStr;
use std::path::{Component, Path};

/// The form two names share when FAT treats them as one (folded to lower case).
pub fn key(name: &OsStr) -> String {
    name.to_string_lossy().to_lowercase()
}

/// [`key`] of a whole relative path, `/`-separated.
pub fn path_key(p: &Path) -> String {
    p.components()
        .map(|c| key(c.as_os_str()))
        .collect::<Vec<_>>()
        .join("/")
}

/// True when FAT sees `a` and `b` as the same name.
pub fn eq(a: &OsStr, b: &OsStr) -> bool {
    a == b || key(a) == key(b)
}

/// True when `name` is `want` as FAT compares names (`want` given in any case).
pub fn is(name: &OsStr, want: &str) -> bool {
    eq(name, OsStr::new(want))
}

/// Component-wise [`eq`] of two relative paths.
pub fn path_eq(a: &Path, b: &Path) -> bool {
    a == b || {
        let (mut x, mut y) = (a.components(), b.components());
        loop {
            match (x.next(), y.next()) {
                (None, None) => break true,
                (Some(p), Some(q)) if eq(p.as_os_str(), q.as_os_str()) => {}
                _ => break false,
            }
        }
    }
}

/// Component-wise: `path` lies in (or is) `prefix`, as FAT compares names.
pub fn starts_with(path: &Path, prefix: &Path) -> bool {
    let mut p = path.components();
    prefix
        .components()
        .all(|c| p.next().is_some_and(|d| eq(c.as_os_str(), d.as_os_str())))
}

/// True when the first component of `rel` is `name` (e.g. `LIB/x.py` is in `lib`).
pub fn first_is(rel: &Path, name: &str) -> bool {
    matches!(rel.components().next(), Some(Component::Normal(c)) if is(c, name))
}

/// The entry of folder `dir` whose name FAT would take for `name`, exact match first.
pub fn find_child(dir: &Path, name: &str) -> Option<std::path::PathBuf> {
    let exact = dir.join(name);
    if std::fs::symlink_metadata(&exact).is_ok() {
        return Some(exact);
    }
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .find(|e| is(&e.file_name(), name))
        .map(|e| e.path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_like_fat() {
        assert!(is(OsStr::new("CODE.PY"), "code.py"));
        assert!(is(OsStr::new("Boot_Out.TXT"), "boot_out.txt"));
        assert!(!is(OsStr::new("code.py~"), "code.py"));
        assert!(path_eq(
            Path::new("LIB/Adafruit_Ticks.PY"),
            Path::new("lib/adafruit_ticks.py")
        ));
        assert!(!path_eq(Path::new("lib/a.py"), Path::new("lib/a.mpy")));
        assert!(!path_eq(Path::new("lib/a"), Path::new("lib/a/b")));
        assert!(starts_with(Path::new("LIB/x/y.py"), Path::new("lib/X")));
        assert!(!starts_with(Path::new("library/x.py"), Path::new("lib")));
        assert!(first_is(Path::new("Lib/neopixel.py"), "lib"));
        assert!(!first_is(Path::new("libs/neopixel.py"), "lib"));
        assert!(eq(OsStr::new("ÉTÉ.BMP"), OsStr::new("été.bmp")));
    }
}
