//! Import statements, dynamic imports and `supervisor.set_next_code_file` calls, read from the
//! token stream of [`super::lexer`].

use super::lexer::{lex, Tk, Token};
use super::{StrLit, SyntaxError};

mod calls;
mod statements;

/// One `import …` or `from … import …` statement (one entry per module of `import a, b`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// 1-based line of the `import`/`from` keyword.
    pub line: usize,
    /// The dotted module name as written; `None` for `from . import x`.
    pub module: Option<String>,
    /// Number of leading dots of a relative import (0 for absolute).
    pub level: usize,
    /// `from` imports: the imported names (`"*"` for a star import); empty for `import a.b`.
    pub names: Vec<String>,
    pub is_from: bool,
    /// Inside a `try:` body or an `except` handler: an optional import.
    pub in_try: bool,
}

/// A call that imports or runs code by a name or text known only at run time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamicCall {
    pub line: usize,
    /// `__import__`, `exec`, `eval` or `importlib.import_module`.
    pub func: String,
    /// The first argument when it is a plain string literal.
    pub literal: Option<String>,
    /// `__import__`'s level argument (5th) when it is an integer literal; 0 when absent.
    pub level: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imports {
    pub imports: Vec<Import>,
    pub dynamic: Vec<DynamicCall>,
    /// String arguments of `supervisor.set_next_code_file(...)` (other entry points).
    pub next_code_files: Vec<String>,
    /// A `set_next_code_file` call whose argument is not a literal.
    pub next_code_file_unknown: bool,
}

/// Every import in `src`, or the first syntax error.
pub fn imports(src: &str) -> Result<Imports, SyntaxError> {
    imports_and_literals(src).0
}

/// [`imports`] and [`super::string_literals`] from one tokenizer pass.
pub fn imports_and_literals(src: &str) -> (Result<Imports, SyntaxError>, Vec<StrLit>) {
    let lexed = lex(src);
    let result = parse(src, &lexed);
    (result, lexed.strings)
}

fn parse(src: &str, lexed: &super::lexer::Lexed) -> Result<Imports, SyntaxError> {
    if let Some(e) = lexed.error.clone() {
        return Err(e);
    }
    let mut p = Parser {
        src,
        toks: &lexed.tokens,
        strings: &lexed.strings,
        out: Imports::default(),
        error: None,
    };
    p.lines();
    p.calls();
    match p.error {
        Some(e) => Err(e),
        None => Ok(p.out),
    }
}

/// For a file that does not parse: every identifier and string literal in it, each of which
/// may name a module (callers keep anything these name).
pub fn possible_names(src: &str) -> Vec<String> {
    let lexed = lex(src);
    let mut names: Vec<String> = lexed
        .tokens
        .iter()
        .filter(|t| t.kind == Tk::Name)
        .filter_map(|t| src.get(t.start..t.end).map(str::to_string))
        .chain(lexed.strings.into_iter().map(|s| s.value))
        .collect();
    names.sort();
    names.dedup();
    names
}

struct Parser<'a> {
    src: &'a str,
    toks: &'a [Token],
    strings: &'a [StrLit],
    out: Imports,
    error: Option<SyntaxError>,
}

impl<'a> Parser<'a> {
    fn text(&self, i: usize) -> &'a str {
        self.toks
            .get(i)
            .and_then(|t| self.src.get(t.start..t.end))
            .unwrap_or("")
    }

    fn is_op(&self, i: usize, op: &str) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == Tk::Op) && self.text(i) == op
    }

    fn is_name(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == Tk::Name)
    }

    fn line(&self, i: usize) -> usize {
        self.toks
            .get(i)
            .or(self.toks.last())
            .map(|t| t.line)
            .unwrap_or(1)
    }

    fn fail(&mut self, i: usize, msg: &str) {
        if self.error.is_none() {
            self.error = Some(SyntaxError {
                line: self.line(i),
                message: msg.to_string(),
            });
        }
    }

    /// Walk logical lines, tracking which blocks are `try`/`except` bodies.
    fn lines(&mut self) {
        let mut blocks: Vec<bool> = Vec::new();
        let mut header: Option<bool> = None;
        let mut i = 0;
        while i < self.toks.len() {
            let kind = self.toks.get(i).map(|t| t.kind);
            match kind {
                Some(Tk::Indent) => {
                    match header.take() {
                        Some(is_try) => blocks.push(is_try),
                        None => {
                            self.fail(i, "unexpected indent");
                            blocks.push(false);
                        }
                    }
                    i += 1;
                    continue;
                }
                Some(Tk::Newline) | None => {
                    i += 1;
                    continue;
                }
                Some(Tk::Dedent) => {
                    blocks.pop();
                    if header.take().is_some() {
                        self.fail(i, "expected an indented block");
                    }
                    i += 1;
                    continue;
                }
                _ => {}
            }
            if header.take().is_some() {
                self.fail(i, "expected an indented block");
            }
            let end = (i..self.toks.len())
                .find(|&k| self.toks.get(k).is_some_and(|t| t.kind == Tk::Newline))
                .unwrap_or(self.toks.len());
            let first = self.text(i);
            let try_header = first == "try" || first == "except";
            let in_try = blocks.iter().any(|b| *b);
            self.statements(i, end, in_try, try_header);
            if end > i && self.is_op(end - 1, ":") {
                header = Some(try_header);
            }
            i = end;
        }
        if header.is_some() {
            self.fail(self.toks.len(), "expected an indented block");
        }
    }

    /// Find the simple statements of one logical line: at its start, after `;`, and after a
    /// compound statement's `:` (`try: import x`).
    fn statements(&mut self, start: usize, end: usize, in_try: bool, try_header: bool) {
        let mut depth = 0usize;
        let mut stmt_start = true;
        let mut after_colon = false;
        let mut k = start;
        while k < end {
            if stmt_start {
                stmt_start = false;
                let t = self.text(k);
                let opt = in_try || (try_header && after_colon);
                if self.is_name(k) && t == "import" {
                    k = self.import_stmt(k, end, opt);
                    continue;
                }
                if self.is_name(k) && t == "from" {
                    k = self.import_from_stmt(k, end, opt);
                    continue;
                }
            }
            if self.toks.get(k).is_some_and(|t| t.kind == Tk::Op) {
                match self.text(k) {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" => depth = depth.saturating_sub(1),
                    ";" if depth == 0 => stmt_start = true,
                    ":" if depth == 0 => {
                        stmt_start = true;
                        after_colon = true;
                    }
                    _ => {}
                }
            }
            k += 1;
        }
    }
}
