//! Which string literals can end up on a display, for `--charset auto`.

use super::lexer::{lex, Tk};
use super::StrLit;

/// Every string literal of `src` except those that make up a whole statement on their own
/// (docstrings and other bare strings: they document, they are never shown).
pub fn text_literals(src: &str) -> Vec<StrLit> {
    let lexed = lex(src);
    let mut bare: Vec<std::ops::Range<usize>> = Vec::new();
    let mut stmt_start = 0;
    let toks = &lexed.tokens;
    for (i, t) in toks.iter().enumerate() {
        if matches!(t.kind, Tk::Newline | Tk::Indent | Tk::Dedent) {
            let stmt = toks.get(stmt_start..i).unwrap_or(&[]);
            if !stmt.is_empty() && stmt.iter().all(|t| t.kind == Tk::Str) {
                if let (Some(first), Some(last)) = (stmt.first(), stmt.last()) {
                    bare.push(first.start..last.end);
                }
            }
            stmt_start = i + 1;
        }
    }
    lexed
        .strings
        .into_iter()
        .filter(|l| !bare.iter().any(|r| r.contains(&l.span.start)))
        .collect()
}

/// Does `src` call a function named `name` (`open(…)`, `f.open(…)`)?
pub fn calls(src: &str, name: &str) -> bool {
    let lexed = lex(src);
    lexed.tokens.windows(2).any(|w| match w {
        [a, b] => {
            a.kind == Tk::Name
                && src.get(a.start..a.end) == Some(name)
                && b.kind == Tk::Op
                && src.get(b.start..b.end) == Some("(")
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docstrings_are_not_text() {
        let src = "\"\"\"Module – doc\"\"\"\nimport x\n\ndef f():\n    'doc ’'\n    return \"°C\"\n\nclass A:\n    \"\"\"ÿ\"\"\"\n    label = 'é'\n    'x' 'y'\n";
        let vals: Vec<String> = text_literals(src).into_iter().map(|l| l.value).collect();
        assert_eq!(vals, vec!["°C".to_string(), "é".to_string()]);
    }

    #[test]
    fn calls_are_found() {
        assert!(calls("with open('a') as f:\n    pass\n", "open"));
        assert!(!calls("opener = 1\nx = 'open('\n", "open"));
    }
}
