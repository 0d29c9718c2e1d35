//! Import statements, dynamic imports and `supervisor.set_next_code_file` calls, read from the
//! token stream of [`super::lexer`].

use super::lexer::{lex, Tk, Token};
use super::{StrLit, SyntaxError};

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

    /// `a.b.c` starting at `k`; returns the name and the index after it.
    fn dotted(&self, mut k: usize, end: usize) -> Option<(String, usize)> {
        if k >= end || !self.is_name(k) {
            return None;
        }
        let mut name = self.text(k).to_string();
        k += 1;
        while k + 1 < end && self.is_op(k, ".") && self.is_name(k + 1) {
            name.push('.');
            name.push_str(self.text(k + 1));
            k += 2;
        }
        Some((name, k))
    }

    /// `as NAME` at `k`, if present; returns the index after it (or `None` when malformed).
    fn alias(&self, k: usize, end: usize) -> Option<usize> {
        if k < end && self.is_name(k) && self.text(k) == "as" {
            (k + 1 < end && self.is_name(k + 1)).then_some(k + 2)
        } else {
            Some(k)
        }
    }

    fn stmt_end(&self, k: usize, end: usize) -> bool {
        k >= end || self.is_op(k, ";")
    }

    fn import_stmt(&mut self, kw: usize, end: usize, in_try: bool) -> usize {
        let line = self.line(kw);
        let mut k = kw + 1;
        loop {
            let Some((module, next)) = self.dotted(k, end) else {
                self.fail(k, "invalid syntax in import statement");
                return end;
            };
            let Some(next) = self.alias(next, end) else {
                self.fail(next, "invalid syntax after 'as'");
                return end;
            };
            self.out.imports.push(Import {
                line,
                module: Some(module),
                level: 0,
                names: Vec::new(),
                is_from: false,
                in_try,
            });
            if self.stmt_end(next, end) {
                return next;
            }
            if !self.is_op(next, ",") {
                self.fail(next, "invalid syntax in import statement");
                return end;
            }
            k = next + 1;
        }
    }

    fn import_from_stmt(&mut self, kw: usize, end: usize, in_try: bool) -> usize {
        let line = self.line(kw);
        let mut k = kw + 1;
        let mut level = 0;
        while k < end && self.is_op(k, ".") {
            level += 1;
            k += 1;
        }
        let mut module = None;
        if !(self.is_name(k) && self.text(k) == "import") {
            match self.dotted(k, end) {
                Some((m, next)) => {
                    module = Some(m);
                    k = next;
                }
                None => {
                    self.fail(k, "invalid syntax in from-import");
                    return end;
                }
            }
        }
        if level == 0 && module.is_none() {
            self.fail(k, "invalid syntax in from-import");
            return end;
        }
        if !(self.is_name(k) && self.text(k) == "import") {
            self.fail(k, "expected 'import'");
            return end;
        }
        k += 1;
        let mut names = Vec::new();
        if self.is_op(k, "*") {
            names.push("*".to_string());
            k += 1;
        } else {
            let paren = self.is_op(k, "(");
            if paren {
                k += 1;
            }
            loop {
                if paren && self.is_op(k, ")") && !names.is_empty() {
                    break;
                }
                if k >= end || !self.is_name(k) {
                    self.fail(k, "invalid syntax in from-import names");
                    return end;
                }
                names.push(self.text(k).to_string());
                let Some(next) = self.alias(k + 1, end) else {
                    self.fail(k + 1, "invalid syntax after 'as'");
                    return end;
                };
                k = next;
                if self.is_op(k, ",") {
                    k += 1;
                    continue;
                }
                break;
            }
            if paren {
                if !self.is_op(k, ")") {
                    self.fail(k, "expected ')' in from-import");
                    return end;
                }
                k += 1;
            } else if self.is_op(k.saturating_sub(1), ",") {
                self.fail(
                    k,
                    "trailing comma not allowed without surrounding parentheses",
                );
                return end;
            }
        }
        if !self.stmt_end(k, end) {
            self.fail(k, "invalid syntax after from-import");
            return end;
        }
        self.out.imports.push(Import {
            line,
            module,
            level,
            names,
            is_from: true,
            in_try,
        });
        k
    }

    /// The string literal token at `k` when it is a plain (non-f, non-bytes) literal that is the
    /// whole argument (followed by `,` or `)`).
    fn literal_arg(&self, k: usize) -> Option<String> {
        let t = self.toks.get(k).filter(|t| t.kind == Tk::Str)?;
        if !(self.is_op(k + 1, ",") || self.is_op(k + 1, ")")) {
            return None;
        }
        let i = self
            .strings
            .binary_search_by_key(&t.start, |s| s.span.start)
            .ok()?;
        let s = self.strings.get(i)?;
        (!s.is_fstring() && !s.is_bytes()).then(|| s.value.clone())
    }

    /// Token indices where each top-level argument of the call whose `(` is at `open` starts.
    fn call_args(&self, open: usize) -> Vec<usize> {
        let mut args = Vec::new();
        let mut depth = 0usize;
        let mut k = open + 1;
        if self.is_op(k, ")") {
            return args;
        }
        args.push(k);
        while let Some(t) = self.toks.get(k) {
            if t.kind == Tk::Op {
                match self.text(k) {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" if depth == 0 => break,
                    ")" | "]" | "}" => depth -= 1,
                    "," if depth == 0 => args.push(k + 1),
                    _ => {}
                }
            }
            k += 1;
        }
        args
    }

    /// `__import__(…)`, `exec(…)`, `eval(…)`, `importlib.import_module(…)` and
    /// `set_next_code_file(…)` calls anywhere in the file.
    fn calls(&mut self) {
        for k in 0..self.toks.len() {
            if !self.is_name(k) || !self.is_op(k + 1, "(") {
                continue;
            }
            let attr = k > 0 && self.is_op(k - 1, ".");
            let name = self.text(k);
            let func = match name {
                "__import__" | "exec" | "eval" if !attr => name.to_string(),
                "import_module" if attr && k > 1 && self.text(k - 2) == "importlib" => {
                    "importlib.import_module".to_string()
                }
                "set_next_code_file" => {
                    match self.literal_arg(k + 2) {
                        Some(path) => self.out.next_code_files.push(path),
                        None => self.out.next_code_file_unknown = true,
                    }
                    continue;
                }
                _ => continue,
            };
            let args = self.call_args(k + 1);
            let literal = args.first().and_then(|&a| self.literal_arg(a));
            let level = match args.get(4) {
                None => Some(0),
                Some(&a) => (self.toks.get(a).is_some_and(|t| t.kind == Tk::Number)
                    && (self.is_op(a + 1, ")") || self.is_op(a + 1, ",")))
                .then(|| self.text(a).parse().ok())
                .flatten(),
            };
            self.out.dynamic.push(DynamicCall {
                line: self.line(k),
                func,
                literal,
                level: if name == "__import__" { level } else { Some(0) },
            });
        }
    }
}
