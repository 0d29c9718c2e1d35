//! Library versions: `__version__` of a `.py`, the version string a `.mpy` carries, and which
//! of two is later.

use super::header;
use crate::scan::{Entry, Inventory};

/// `a` is a later release than `b` (numeric dotted parts; anything unparsable is never newer).
pub(super) fn version_newer(a: &str, b: &str) -> bool {
    let parts = |v: &str| -> Option<Vec<u64>> {
        v.split(['+', '-'])
            .next()?
            .split('.')
            .map(|p| p.parse().ok())
            .collect()
    };
    match (parts(a), parts(b)) {
        (Some(x), Some(y)) => x > y,
        _ => false,
    }
}

/// `__version__` of a library: the first file (sorted, as circup reads) that states one.
pub(super) fn version_of_files(inv: &Inventory, files: &[&Entry]) -> Option<String> {
    let mut sorted: Vec<&&Entry> = files.iter().collect();
    sorted.sort_by(|a, b| a.rel.cmp(&b.rel));
    sorted.into_iter().find_map(|e| {
        let bytes = inv.read_limited(&e.rel, 4 << 20).ok()?;
        version_of(&e.rel.to_string_lossy(), &bytes)
    })
}

pub(super) fn version_of(path: &str, bytes: &[u8]) -> Option<String> {
    if path.ends_with(".mpy") {
        header::embedded_version(bytes)
    } else if path.ends_with(".py") {
        py_version(&String::from_utf8_lossy(bytes))
    } else {
        None
    }
}

/// `__version__ = "1.2.3"` (optionally annotated) in Python source.
pub fn py_version(src: &str) -> Option<String> {
    src.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("__version__")?.trim_start();
        let rest = match rest.strip_prefix(':') {
            Some(r) => r.split_once('=')?.1,
            None => rest.strip_prefix('=')?,
        }
        .trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let body = rest.get(1..)?;
        let end = body.find(quote)?;
        Some(body.get(..end)?.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_py_version() {
        assert_eq!(
            py_version("x = 1\n__version__ = \"6.4.2\"\n").as_deref(),
            Some("6.4.2")
        );
        assert_eq!(
            py_version("__version__: str = '1.0'").as_deref(),
            Some("1.0")
        );
        assert_eq!(
            py_version("  __version__='0.0.0+auto.0'").as_deref(),
            Some("0.0.0+auto.0")
        );
        assert_eq!(py_version("__version_info__ = (1,)\n"), None);
        assert_eq!(py_version("__version__ = \"unterminated"), None);
    }

    #[test]
    fn compares_versions() {
        assert!(version_newer("6.4.10", "6.4.2"));
        assert!(!version_newer("6.4.2", "6.4.2"));
        assert!(!version_newer("1.2", "1.10"));
        assert!(!version_newer("0.0.0+auto.0", "1.0.0"));
        assert!(!version_newer("x", "1.0"));
    }
}
