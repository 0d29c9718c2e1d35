//! Calls that import or run code by a name known only at run time (`__import__`, `exec`, `eval`,
//! `importlib.import_module`) and `supervisor.set_next_code_file`.

use super::{DynamicCall, Parser};
use crate::pysrc::lexer::Tk;

impl Parser<'_> {
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
    pub(super) fn calls(&mut self) {
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
