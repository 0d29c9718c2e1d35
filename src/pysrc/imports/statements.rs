//! The grammar of `import a.b as c, d` and `from ..a import (b as c, d)` statements.

use super::{Import, Parser};

impl Parser<'_> {
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

    pub(super) fn import_stmt(&mut self, kw: usize, end: usize, in_try: bool) -> usize {
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

    pub(super) fn import_from_stmt(&mut self, kw: usize, end: usize, in_try: bool) -> usize {
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
}
