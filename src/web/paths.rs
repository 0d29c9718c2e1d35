//! Board paths as URLs. The firmware resolves `.` and `..` segments (a `DELETE` of
//! `/fs/lib/%2E%2E/` empties the root), so every segment is checked before it is sent.

use std::path::{Component, Path};

/// `/fs/` + the percent-encoded segments of `rel`, with a trailing `/` for a folder.
/// `None` when a segment is empty, `.`, `..`, or holds a separator or NUL.
pub fn fs_url(rel: &Path, dir: bool) -> Option<String> {
    let mut out = String::from("/fs/");
    let mut any = false;
    for c in rel.components() {
        let Component::Normal(seg) = c else {
            return None;
        };
        let seg = seg.to_str()?;
        if !segment_ok(seg) {
            return None;
        }
        if any {
            out.push('/');
        }
        encode_into(seg, &mut out);
        any = true;
    }
    if dir && any {
        out.push('/');
    }
    Some(out)
}

/// A name the board listed, safe to use as one path segment.
pub fn segment_ok(seg: &str) -> bool {
    !seg.is_empty()
        && seg != "."
        && seg != ".."
        && !seg.contains(['/', '\\', '\0'])
        && !seg.chars().any(char::is_control)
}

fn encode_into(seg: &str, out: &mut String) {
    for b in seg.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_and_refuses_dot_segments() {
        assert_eq!(fs_url(Path::new(""), true).unwrap(), "/fs/");
        assert_eq!(
            fs_url(Path::new("lib/my font 1.bdf"), false).unwrap(),
            "/fs/lib/my%20font%201.bdf"
        );
        assert_eq!(fs_url(Path::new("lib"), true).unwrap(), "/fs/lib/");
        assert_eq!(fs_url(Path::new("a%2E"), false).unwrap(), "/fs/a%252E");
        assert!(fs_url(Path::new("lib/.."), true).is_none());
        assert!(fs_url(Path::new("./lib"), true).is_none());
        assert!(fs_url(Path::new("/etc"), true).is_none());
        assert!(!segment_ok(".."));
        assert!(!segment_ok("a/b"));
        assert!(segment_ok(".Trashes"));
    }
}
