//! Path literals in code: does a literal name a file on the drive, and can its extension be
//! rewritten in place (the one edit cpslim makes to user code, shown in the plan). Shared by
//! the fonts stage (`.bdf` → `.pcf`) and the bitmaps stage (`.bmp` → `.png`).

use std::ops::Range;

use super::StrLit;

/// Some path literals of one code file rewritten: the original text and, per literal, its byte
/// span and new token. Each renaming stage (fonts, bitmaps) plans one per file; when several
/// stages rename literals in the same file, [`crate::plan::Plan`] combines their edits into one
/// edit of the original, so any number of renaming stages land in a single run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiteralEdit {
    pub original: String,
    /// Sorted by start, never overlapping.
    pub splices: Vec<(Range<usize>, String)>,
}

impl LiteralEdit {
    /// `None` when two splices overlap or one lies outside the text.
    pub fn new(original: String, mut splices: Vec<(Range<usize>, String)>) -> Option<LiteralEdit> {
        splices.sort_by_key(|(r, _)| (r.start, r.end));
        let ordered = splices.windows(2).all(|w| w[0].0.end <= w[1].0.start);
        let inside = splices
            .iter()
            .all(|(r, _)| r.start <= r.end && original.get(r.clone()).is_some());
        (ordered && inside).then_some(LiteralEdit { original, splices })
    }

    /// The original with every splice applied.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.original.len());
        let mut last = 0;
        for (span, new) in &self.splices {
            out.push_str(self.original.get(last..span.start).unwrap_or(""));
            out.push_str(new);
            last = span.end;
        }
        out.push_str(self.original.get(last..).unwrap_or(""));
        out
    }

    /// Both edits as one, when they rewrite different literals of the same original text.
    pub fn combine(&self, other: &LiteralEdit) -> Option<LiteralEdit> {
        if self.original != other.original {
            return None;
        }
        let splices = self.splices.iter().chain(&other.splices).cloned().collect();
        LiteralEdit::new(self.original.clone(), splices)
    }
}

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
    fn edits_of_different_literals_combine_into_one() {
        let src = "a = 'f.bdf'\nb = 'i.bmp'\n".to_string();
        let font = LiteralEdit::new(src.clone(), vec![(4..11, "'f.pcf'".into())]).unwrap();
        let image = LiteralEdit::new(src.clone(), vec![(16..23, "'i.png'".into())]).unwrap();
        let both = image.combine(&font).unwrap();
        assert_eq!(both.text(), "a = 'f.pcf'\nb = 'i.png'\n");
        assert_eq!(font.combine(&image).unwrap().text(), both.text());
        // The same literal rewritten twice, or a different original, does not combine.
        let clash = LiteralEdit::new(src.clone(), vec![(5..10, "x".into())]).unwrap();
        assert!(font.combine(&clash).is_none());
        let other = LiteralEdit::new("c = 1\n".into(), Vec::new()).unwrap();
        assert!(font.combine(&other).is_none());
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
