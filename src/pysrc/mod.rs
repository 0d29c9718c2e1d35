//! Reading Python source without running it: string literals (for the fonts stage's path search)
//! and import statements (for the deadweight stage's import graph).
//!
//! A hand-written tokenizer rather than a parser crate: we need tokens, logical lines and the
//! import statement grammar, not an AST. The Python parser crates are either unmaintained
//! (rustpython-parser, last release 2024, ~170K lines of dependencies), unofficial forks
//! (ruff's parser is not published by its authors) or C code to compile (tree-sitter-python);
//! all of them cost far more build time on a small machine than this module.
//!
//! Everything here is total: any input, even binary garbage, yields a result and never panics.

mod imports;
mod lexer;
pub mod loads;
pub mod paths;
#[cfg(test)]
mod tests;
mod text;

use std::fmt;
use std::ops::Range;

pub use imports::{imports, imports_and_literals, possible_names, DynamicCall, Import, Imports};
pub use text::{calls, text_literals};

pub(crate) use lexer::{Tk, Token};

/// Tokens and string literals of `src` (lenient, like [`string_literals`]), for analyses that
/// need call shapes rather than import statements.
pub(crate) fn tokens(src: &str) -> (Vec<Token>, Vec<StrLit>) {
    let lexed = lexer::lex(src);
    (lexed.tokens, lexed.strings)
}

/// One string literal token, nested ones (inside f-string replacement fields) included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrLit {
    /// 1-based line of the literal's first character (its prefix).
    pub line: usize,
    /// Byte range of the whole token in the source: prefix and quotes included.
    pub span: Range<usize>,
    /// The decoded text. Escapes are decoded for non-raw literals (`\N{...}` is kept as written);
    /// bytes literals map each byte to the char of the same number (Latin-1); in f-strings the
    /// literal parts are decoded (`{{` → `{`) and each replacement field is kept verbatim,
    /// braces included, e.g. `fonts/{name}.bdf`.
    pub value: String,
    /// Lower-case, letters in canonical order: `""`, `"u"`, `"r"`, `"b"`, `"rb"`, `"f"`, `"rf"`
    /// (`BR''` and `Rb''` both give `"rb"`).
    pub prefix: String,
}

impl StrLit {
    pub fn is_bytes(&self) -> bool {
        self.prefix.contains('b')
    }
    pub fn is_fstring(&self) -> bool {
        self.prefix.contains('f')
    }
    pub fn is_raw(&self) -> bool {
        self.prefix.contains('r')
    }
}

/// The first thing that makes the file invalid Python, as far as this reader can tell
/// (unterminated strings and brackets, bad indentation, malformed import statements …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Every string literal in `src`, in source order (an f-string comes before the literals nested
/// in its replacement fields). Lenient: a broken file still yields the literals that can be read.
pub fn string_literals(src: &str) -> Vec<StrLit> {
    lexer::lex(src).strings
}

/// The first syntax problem the tokenizer finds, if any.
pub fn check(src: &str) -> Result<(), SyntaxError> {
    imports(src).map(|_| ())
}
