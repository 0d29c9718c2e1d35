//! Path literals in code: does a literal name a file on the drive, and can its extension be
//! rewritten in place (the one edit cpslim makes to user code, shown in the plan). Shared by
//! the fonts stage (`.bdf` → `.pcf`) and the bitmaps stage (`.bmp` → `.png`).

use super::StrLit;

/// Does this literal name the file at `rel` (`"/fonts/a.bdf"`, `"fonts/a.bdf"`, `"./a.bdf"`;
/// FAT ignores case)? Bytes literals and f-strings never do.
pub fn names_file(lit: &StrLit, rel: &str) -> bool {
    if lit.is_bytes() || lit.is_fstring() {
        return false;
    }
    let v = lit.value.strip_prefix('/').unwrap_or(&lit.value);
    let v = v.strip_prefix("./").unwrap_or(v);
    v.eq_ignore_ascii_case(rel)
}

/// The literal's source token with its `.from` ending turned into `.to`, if the extension is
/// written plainly right before the closing quote (not through escapes).
pub fn rewrite_extension(token: &str, from: &str, to: &str) -> Option<String> {
    let quote = token.chars().last()?;
    let body = token.trim_end_matches(quote);
    let stem = body.len().checked_sub(from.len())?;
    if !body.get(stem..)?.eq_ignore_ascii_case(from) || !body.get(..stem)?.ends_with('.') {
        return None;
    }
    Some(format!(
        "{}{to}{}",
        body.get(..stem)?,
        token.get(body.len()..)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pysrc::string_literals;

    #[test]
    fn rewrites_only_plain_endings() {
        let r = |t: &str| rewrite_extension(t, "bmp", "png");
        assert_eq!(r("\"img/a.bmp\"").as_deref(), Some("\"img/a.png\""));
        assert_eq!(r("r'''/A.BMP'''").as_deref(), Some("r'''/A.png'''"));
        assert_eq!(r("\"a\\x2ebmp\""), None);
        assert_eq!(r("\"abmp\""), None);
    }

    #[test]
    fn literal_matching_ignores_case_and_leading_slash() {
        let lits = string_literals(
            "a = '/img/A.bmp'\nb = f'img/a.bmp'\nc = b'img/a.bmp'\nd = './img/a.BMP'\n",
        );
        let hits: Vec<bool> = lits.iter().map(|l| names_file(l, "img/a.bmp")).collect();
        assert_eq!(hits, vec![true, false, false, true]);
    }
}
