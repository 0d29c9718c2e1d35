//! The tokenizer: Python 3.12 lexical rules, as far as import analysis and literal search need
//! them. Operators are single-character tokens (`...` is three `.` tokens, which is exactly
//! what relative-import levels need).

mod strings;

use super::{StrLit, SyntaxError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tk {
    Name,
    Number,
    Str,
    Op,
    /// End of a logical line.
    Newline,
    Indent,
    Dedent,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub kind: Tk,
    pub start: usize,
    pub end: usize,
    pub line: usize,
}

pub(crate) struct Lexed {
    pub tokens: Vec<Token>,
    /// Sorted by span start.
    pub strings: Vec<StrLit>,
    pub error: Option<SyntaxError>,
}

/// Nested f-strings deeper than this are a syntax error (CPython's own limit is lower than the
/// stack we would need).
const MAX_NEST: usize = 64;

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    line: usize,
    /// Open brackets with the line each was opened on.
    brackets: Vec<(u8, usize)>,
    indents: Vec<usize>,
    tokens: Vec<Token>,
    strings: Vec<StrLit>,
    error: Option<SyntaxError>,
    nest: usize,
}

pub(crate) fn lex(src: &str) -> Lexed {
    let mut lx = Lexer {
        src,
        b: src.as_bytes(),
        pos: 0,
        line: 1,
        brackets: Vec::new(),
        indents: vec![0],
        tokens: Vec::new(),
        strings: Vec::new(),
        error: None,
        nest: 0,
    };
    // A UTF-8 byte-order mark is allowed at the very start.
    if src.starts_with('\u{feff}') {
        lx.pos = 3;
    }
    lx.run();
    lx.strings.sort_by_key(|s| s.span.start);
    Lexed {
        tokens: lx.tokens,
        strings: lx.strings,
        error: lx.error,
    }
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Canonical lower-case prefix, or `None` when `word` is not a string prefix.
fn canonical_prefix(word: &str) -> Option<&'static str> {
    if word.len() > 2 {
        return None;
    }
    Some(match word.to_ascii_lowercase().as_str() {
        "u" => "u",
        "r" => "r",
        "b" => "b",
        "f" => "f",
        "br" | "rb" => "rb",
        "fr" | "rf" => "rf",
        _ => return None,
    })
}

impl<'a> Lexer<'a> {
    fn err(&mut self, line: usize, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(SyntaxError {
                line,
                message: message.into(),
            });
        }
    }

    fn peek(&self, off: usize) -> Option<u8> {
        self.b.get(self.pos + off).copied()
    }

    fn cur_char(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn push(&mut self, kind: Tk, start: usize) {
        self.tokens.push(Token {
            kind,
            start,
            end: self.pos,
            line: self.line,
        });
    }

    fn last_is_line_end(&self) -> bool {
        matches!(
            self.tokens.last().map(|t| t.kind),
            None | Some(Tk::Newline) | Some(Tk::Indent) | Some(Tk::Dedent)
        )
    }

    /// Consume one line break (`\n`, `\r\n` or `\r`) at `pos`, if any.
    fn newline_len(&self) -> usize {
        match (self.peek(0), self.peek(1)) {
            (Some(b'\r'), Some(b'\n')) => 2,
            (Some(b'\r'), _) | (Some(b'\n'), _) => 1,
            _ => 0,
        }
    }

    fn run(&mut self) {
        let mut at_line_start = true;
        loop {
            if at_line_start && self.brackets.is_empty() {
                at_line_start = false;
                if self.indentation() {
                    at_line_start = true;
                    continue;
                }
            }
            let Some(c) = self.peek(0) else { break };
            match c {
                b' ' | b'\t' | b'\x0c' => self.pos += 1,
                b'\r' | b'\n' => at_line_start |= self.line_end(),
                b'#' => self.skip_comment(),
                b'\\' => self.continuation(),
                b'\'' | b'"' => {
                    let start = self.pos;
                    self.string(start, "");
                    self.push(Tk::Str, start);
                }
                b'0'..=b'9' => self.number(),
                b'.' if matches!(self.peek(1), Some(b'0'..=b'9')) => self.number(),
                b'(' | b'[' | b'{' => {
                    self.brackets.push((c, self.line));
                    self.pos += 1;
                    self.push(Tk::Op, self.pos - 1);
                }
                b')' | b']' | b'}' => self.close_bracket(c),
                b'$' | b'?' | b'`' => {
                    self.err(self.line, format!("invalid character '{}'", c as char));
                    self.pos += 1;
                }
                _ if c.is_ascii() && !c.is_ascii_alphabetic() && c != b'_' => {
                    if c.is_ascii_control() {
                        self.err(self.line, "invalid control character in source");
                    }
                    self.pos += 1;
                    self.push(Tk::Op, self.pos - 1);
                }
                _ => self.word(),
            }
        }
        self.finish();
    }

    /// A line break: ends the logical line unless inside brackets. Returns true when the next
    /// line starts a new logical line (its indentation counts).
    fn line_end(&mut self) -> bool {
        let start = self.pos;
        self.pos += self.newline_len();
        let ends = self.brackets.is_empty();
        if ends && !self.last_is_line_end() {
            self.tokens.push(Token {
                kind: Tk::Newline,
                start,
                end: self.pos,
                line: self.line,
            });
        }
        self.line += 1;
        ends
    }

    /// `\` joins the next line to this one; anything but a line break after it is an error.
    fn continuation(&mut self) {
        self.pos += 1;
        let n = self.newline_len();
        if n == 0 {
            if self.peek(0).is_none() {
                self.err(self.line, "unexpected end of file after line continuation");
            } else {
                self.err(self.line, "unexpected character after line continuation");
            }
        } else {
            self.pos += n;
            self.line += 1;
        }
    }

    fn close_bracket(&mut self, c: u8) {
        let want = match c {
            b')' => b'(',
            b']' => b'[',
            _ => b'{',
        };
        match self.brackets.pop() {
            Some((open, _)) if open == want => {}
            Some(_) => self.err(self.line, format!("mismatched '{}'", c as char)),
            None => self.err(self.line, format!("unmatched '{}'", c as char)),
        }
        self.pos += 1;
        self.push(Tk::Op, self.pos - 1);
    }

    /// At the end of the source: an unclosed bracket is an error; the last line ends and every
    /// open block closes.
    fn finish(&mut self) {
        if let Some(&(open, line)) = self.brackets.last() {
            self.err(line, format!("'{}' was never closed", open as char));
        }
        if !self.last_is_line_end() {
            self.push(Tk::Newline, self.pos);
        }
        while self.indents.len() > 1 {
            self.indents.pop();
            self.push(Tk::Dedent, self.pos);
        }
    }

    /// Measure the indentation of a new line. Returns true when the line is blank or a comment
    /// (it was consumed and has no tokens); otherwise emits Indent/Dedent tokens.
    fn indentation(&mut self) -> bool {
        let mut col = 0usize;
        while let Some(c) = self.peek(0) {
            match c {
                b' ' => col += 1,
                b'\t' => col = (col / 8 + 1) * 8,
                b'\x0c' => col = 0,
                _ => break,
            }
            self.pos += 1;
        }
        match self.peek(0) {
            None => return false,
            Some(b'#') => {
                self.skip_comment();
                let n = self.newline_len();
                self.pos += n;
                if n > 0 {
                    self.line += 1;
                }
                return true;
            }
            Some(b'\r' | b'\n') => {
                self.pos += self.newline_len();
                self.line += 1;
                return true;
            }
            _ => {}
        }
        let top = self.indents.last().copied().unwrap_or(0);
        if col > top {
            self.indents.push(col);
            self.push(Tk::Indent, self.pos);
        } else if col < top {
            while self.indents.last().is_some_and(|&t| t > col) {
                self.indents.pop();
                self.push(Tk::Dedent, self.pos);
            }
            if self.indents.last().copied().unwrap_or(0) != col {
                self.err(
                    self.line,
                    "unindent does not match any outer indentation level",
                );
                self.indents.push(col);
            }
        }
        false
    }

    fn skip_comment(&mut self) {
        while let Some(c) = self.peek(0) {
            if c == b'\n' || c == b'\r' {
                break;
            }
            self.pos += 1;
        }
        // A comment may end inside a multi-byte char only if the file is not UTF-8, which a
        // `&str` rules out; still, keep `pos` on a char boundary.
        while !self.src.is_char_boundary(self.pos) {
            self.pos += 1;
        }
    }

    fn number(&mut self) {
        let start = self.pos;
        let hex = matches!(
            (self.peek(0), self.peek(1)),
            (Some(b'0'), Some(b'x' | b'X'))
        );
        while let Some(c) = self.peek(0) {
            let sign_after_exp = (c == b'+' || c == b'-')
                && !hex
                && matches!(self.b.get(self.pos.wrapping_sub(1)), Some(b'e' | b'E'));
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || sign_after_exp {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.push(Tk::Number, start);
    }

    /// An identifier, or a prefixed string literal.
    fn word(&mut self) {
        let start = self.pos;
        let Some(c) = self.cur_char() else {
            self.pos += 1;
            return;
        };
        if !is_ident_start(c) {
            self.err(
                self.line,
                format!("invalid character '{c}' (U+{:04X})", c as u32),
            );
            self.pos += c.len_utf8();
            return;
        }
        self.scan_ident();
        if let (Some(b'\'' | b'"'), Some(prefix)) = (
            self.peek(0),
            self.src.get(start..self.pos).and_then(canonical_prefix),
        ) {
            self.string(start, prefix);
            self.push(Tk::Str, start);
        } else {
            self.push(Tk::Name, start);
        }
    }

    fn scan_ident(&mut self) {
        while let Some(c) = self.cur_char() {
            if is_ident_char(c) {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }
}
