//! String literals: prefixes, quotes, escapes and f-string replacement fields (3.12 rules).

use super::{canonical_prefix, is_ident_start, Lexer, MAX_NEST};
use crate::pysrc::StrLit;

impl Lexer<'_> {
    /// A string literal whose prefix starts at `start`; `pos` is on the opening quote.
    /// Records the literal (and any nested in f-string fields) in `self.strings`.
    pub(super) fn string(&mut self, start: usize, prefix: &str) {
        let line = self.line;
        let Some(q) = self.peek(0) else { return };
        let triple = self.peek(1) == Some(q) && self.peek(2) == Some(q);
        self.pos += if triple { 3 } else { 1 };
        let raw = prefix.contains('r');
        let bytes = prefix.contains('b');
        let fstr = prefix.contains('f');
        let mut value = String::new();
        self.nest += 1;
        loop {
            let Some(c) = self.peek(0) else {
                self.err(line, "unterminated string literal");
                break;
            };
            if c == q && (!triple || (self.peek(1) == Some(q) && self.peek(2) == Some(q))) {
                self.pos += if triple { 3 } else { 1 };
                break;
            }
            match c {
                b'\\' => {
                    if raw {
                        // In raw literals the backslash stays, and still protects the next char
                        // from ending the literal.
                        value.push('\\');
                        self.pos += 1;
                        let n = self.newline_len();
                        if n > 0 {
                            value.push('\n');
                            self.pos += n;
                            self.line += 1;
                        } else if let Some(ch) = self.cur_char() {
                            value.push(ch);
                            self.pos += ch.len_utf8();
                        }
                    } else {
                        self.escape(&mut value, bytes);
                    }
                }
                b'\r' | b'\n' if !triple => {
                    self.err(line, "unterminated string literal");
                    break;
                }
                b'\r' | b'\n' => {
                    self.pos += self.newline_len();
                    self.line += 1;
                    value.push('\n');
                }
                b'{' if fstr => {
                    if self.peek(1) == Some(b'{') {
                        value.push('{');
                        self.pos += 2;
                    } else {
                        let field = self.pos;
                        self.field(q, triple);
                        value.push_str(self.src.get(field..self.pos).unwrap_or(""));
                    }
                }
                b'}' if fstr => {
                    if self.peek(1) == Some(b'}') {
                        self.pos += 2;
                    } else {
                        self.err(self.line, "f-string: single '}' is not allowed");
                        self.pos += 1;
                    }
                    value.push('}');
                }
                _ => match self.cur_char() {
                    Some(ch) => {
                        if bytes && !ch.is_ascii() {
                            self.err(self.line, "bytes can only contain ASCII literal characters");
                        }
                        value.push(ch);
                        self.pos += ch.len_utf8();
                    }
                    None => self.pos += 1,
                },
            }
        }
        self.nest -= 1;
        self.strings.push(StrLit {
            line,
            span: start..self.pos,
            value,
            prefix: prefix.to_string(),
        });
    }

    /// A backslash escape in a non-raw literal; `pos` is on the backslash.
    fn escape(&mut self, value: &mut String, bytes: bool) {
        self.pos += 1;
        let n = self.newline_len();
        if n > 0 {
            self.pos += n;
            self.line += 1;
            return;
        }
        let Some(c) = self.cur_char() else { return };
        self.pos += c.len_utf8();
        let simple = match c {
            '\\' => Some('\\'),
            '\'' => Some('\''),
            '"' => Some('"'),
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'f' => Some('\x0c'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\x0b'),
            _ => None,
        };
        if let Some(s) = simple {
            value.push(s);
            return;
        }
        match c {
            '0'..='7' => {
                let mut v = c as u32 - '0' as u32;
                for _ in 0..2 {
                    match self.peek(0) {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                value.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'x' => self.hex_escape(value, 2, c),
            'u' | 'U' if !bytes => self.hex_escape(value, if c == 'u' { 4 } else { 8 }, c),
            'N' if !bytes && self.peek(0) == Some(b'{') => {
                // Unicode names are kept as written: we carry no name table.
                let from = self.pos - 2;
                while let Some(d) = self.peek(0) {
                    if d == b'}' || d == b'\n' || d == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
                if self.peek(0) == Some(b'}') {
                    self.pos += 1;
                } else {
                    self.err(self.line, "malformed \\N character escape");
                }
                while !self.src.is_char_boundary(self.pos) {
                    self.pos += 1;
                }
                value.push_str(self.src.get(from..self.pos).unwrap_or(""));
            }
            _ => {
                value.push('\\');
                value.push(c);
            }
        }
    }

    fn hex_escape(&mut self, value: &mut String, digits: usize, which: char) {
        let text = self.b.get(self.pos..self.pos + digits);
        let parsed = text
            .filter(|t| t.iter().all(u8::is_ascii_hexdigit))
            .and_then(|t| std::str::from_utf8(t).ok())
            .and_then(|t| u32::from_str_radix(t, 16).ok());
        match parsed {
            Some(n) => {
                // Lone surrogates are valid Python but not Rust chars.
                value.push(char::from_u32(n).unwrap_or('\u{fffd}'));
                self.pos += digits;
            }
            None => {
                self.err(self.line, format!("truncated \\{which} escape"));
                value.push('\\');
                value.push(which);
            }
        }
    }

    /// An f-string replacement field; `pos` is on its `{`. Consumes through the matching `}`.
    /// Quotes inside start nested literals (Python 3.12 rules: even the outer quote).
    fn field(&mut self, outer_q: u8, outer_triple: bool) {
        let line = self.line;
        self.pos += 1;
        let mut depth = 0usize;
        loop {
            let Some(c) = self.peek(0) else {
                self.err(line, "f-string: expecting '}'");
                return;
            };
            match c {
                b'\'' | b'"' => {
                    if self.nest >= MAX_NEST {
                        self.err(self.line, "f-string: too many nested expressions");
                        self.pos = self.b.len();
                        return;
                    }
                    let start = self.pos;
                    self.string(start, "");
                }
                b'\r' | b'\n' => {
                    if !outer_triple && depth == 0 {
                        self.err(line, "f-string: expecting '}'");
                        return;
                    }
                    self.pos += self.newline_len();
                    self.line += 1;
                }
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    self.pos += 1;
                }
                b')' | b']' => {
                    depth = depth.saturating_sub(1);
                    self.pos += 1;
                }
                b'}' => {
                    self.pos += 1;
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                b'!' if depth == 0 && self.peek(1) != Some(b'=') => self.pos += 1,
                b':' if depth == 0 => {
                    self.pos += 1;
                    self.format_spec(outer_q, outer_triple, line);
                    return;
                }
                b'#' => self.skip_comment(),
                b'\\' => {
                    self.pos += 1;
                    let n = self.newline_len();
                    if n > 0 {
                        self.pos += n;
                        self.line += 1;
                    }
                }
                _ => match self.cur_char() {
                    Some(ch) if is_ident_start(ch) => {
                        let start = self.pos;
                        self.scan_ident();
                        if let (Some(b'\'' | b'"'), Some(prefix)) = (
                            self.peek(0),
                            self.src.get(start..self.pos).and_then(canonical_prefix),
                        ) {
                            if self.nest >= MAX_NEST {
                                self.err(self.line, "f-string: too many nested expressions");
                                self.pos = self.b.len();
                                return;
                            }
                            self.string(start, prefix);
                        }
                    }
                    Some(ch) => self.pos += ch.len_utf8(),
                    None => self.pos += 1,
                },
            }
        }
    }

    /// A format spec after `:` in a replacement field, up to and including the field's `}`.
    fn format_spec(&mut self, outer_q: u8, outer_triple: bool, line: usize) {
        loop {
            let Some(c) = self.peek(0) else {
                self.err(line, "f-string: expecting '}'");
                return;
            };
            match c {
                b'}' => {
                    self.pos += 1;
                    return;
                }
                b'{' => {
                    if self.nest >= MAX_NEST {
                        self.err(self.line, "f-string: too many nested expressions");
                        self.pos = self.b.len();
                        return;
                    }
                    self.nest += 1;
                    self.field(outer_q, outer_triple);
                    self.nest -= 1;
                }
                b'\r' | b'\n' if !outer_triple => {
                    self.err(line, "f-string: expecting '}'");
                    return;
                }
                b'\r' | b'\n' => {
                    self.pos += self.newline_len();
                    self.line += 1;
                }
                _ if c == outer_q => {
                    self.err(line, "f-string: expecting '}'");
                    return;
                }
                b'\\' => {
                    self.pos += if self.peek(1).is_some_and(|d| d.is_ascii()) {
                        2
                    } else {
                        1
                    }
                }
                _ => match self.cur_char() {
                    Some(ch) => self.pos += ch.len_utf8(),
                    None => self.pos += 1,
                },
            }
        }
    }
}
