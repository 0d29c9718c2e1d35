//! The text layer of the BDF reader: lines from any reader through one buffer, keywords,
//! integer fields and hex bitmap rows, all on bytes (BDF files carry Latin-1 text).

use std::io::Read;
use std::ops::Range;

use super::error::{BdfError, BdfLineError};

/// Lines read one at a time from any reader through one buffer (no copy per line), so a
/// megabyte font is never held whole.
pub(super) struct Lines<R> {
    r: R,
    buf: Vec<u8>,
    /// Unread bytes are `buf[head..tail]`.
    head: usize,
    tail: usize,
    eof: bool,
    /// Offset of the next line in the file.
    pub(super) pos: usize,
    /// 1-based number of the line last returned.
    pub(super) no: usize,
    pub(super) error: Option<std::io::Error>,
}

impl<R: Read> Lines<R> {
    pub(super) fn new(r: R) -> Lines<R> {
        Lines {
            r,
            buf: vec![0; 1 << 16],
            head: 0,
            tail: 0,
            eof: false,
            pos: 0,
            no: 0,
            error: None,
        }
    }

    /// Reads the next line: (start offset, its range in `buf` without the line break).
    fn advance(&mut self) -> Option<(usize, Range<usize>)> {
        let mut searched = self.head;
        loop {
            let unread = self.buf.get(searched..self.tail).unwrap_or(&[]);
            if let Some(i) = memchr::memchr(b'\n', unread) {
                let (from, nl) = (self.head, searched + i);
                return Some(self.take_line(from, nl, nl + 1));
            }
            searched = self.tail;
            if self.eof {
                if self.head == self.tail {
                    return None;
                }
                let (from, end) = (self.head, self.tail);
                return Some(self.take_line(from, end, end));
            }
            // Make room: move the partial line to the front, grow for very long lines.
            if self.head > 0 {
                self.buf.copy_within(self.head..self.tail, 0);
                searched -= self.head;
                self.tail -= self.head;
                self.head = 0;
            }
            if self.tail == self.buf.len() {
                self.buf.resize(self.buf.len() * 2, 0);
            }
            match self.r.read(&mut self.buf[self.tail..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.tail += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.error = Some(e);
                    return None;
                }
            }
        }
    }

    fn take_line(&mut self, from: usize, end: usize, next: usize) -> (usize, Range<usize>) {
        let start = self.pos;
        self.pos += next - from;
        self.head = next;
        self.no += 1;
        let end = if end > from && self.buf.get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        (start, from..end)
    }

    /// Next line as (start offset, line number, content without the line break).
    pub(super) fn next_raw(&mut self) -> Option<(usize, usize, &[u8])> {
        let (start, range) = self.advance()?;
        Some((start, self.no, self.buf.get(range).unwrap_or(&[])))
    }

    /// Next line that is neither blank nor a COMMENT.
    pub(super) fn next(&mut self) -> Option<(usize, usize, &[u8])> {
        loop {
            let (start, range) = self.advance()?;
            let kw = keyword(self.buf.get(range.clone()).unwrap_or(&[]));
            if kw.is_empty() || kw == b"COMMENT" {
                continue;
            }
            return Some((start, self.no, self.buf.get(range).unwrap_or(&[])));
        }
    }
}

pub(super) fn keyword(line: &[u8]) -> &[u8] {
    line.split(u8::is_ascii_whitespace)
        .find(|t| !t.is_empty())
        .unwrap_or(&[])
}

pub(super) fn tokens(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    line.split(u8::is_ascii_whitespace)
        .filter(|t| !t.is_empty())
}

pub(super) fn int(tok: Option<&[u8]>) -> Option<i64> {
    let tok = tok?;
    // The common case, plain decimal digits, without going through str.
    let (neg, digits) = match tok.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, tok),
    };
    if !digits.is_empty() && digits.len() <= 18 && digits.iter().all(u8::is_ascii_digit) {
        let v = digits
            .iter()
            .fold(0i64, |v, d| v * 10 + i64::from(d - b'0'));
        return Some(if neg { -v } else { v });
    }
    let s = std::str::from_utf8(tok).ok()?;
    // Some writers emit decimals for integer fields (SWIDTH/DWIDTH in BDF 2.2 style files).
    s.parse::<i64>().ok().or_else(|| {
        s.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(|f| f as i64)
    })
}

/// The first `n` (at most 4) integer arguments after the keyword; fails unless there are `n`.
pub(super) fn ints(
    line: &[u8],
    n: usize,
    what: &'static str,
    no: usize,
) -> Result<[i64; 4], BdfError> {
    let mut v = [0i64; 4];
    let mut got = 0;
    let short = || BdfLineError::Numbers { what, n }.at(no);
    for (slot, t) in v.iter_mut().zip(tokens(line).skip(1)).take(n.min(4)) {
        *slot = int(Some(t)).ok_or_else(short)?;
        got += 1;
    }
    if got < n {
        return Err(short());
    }
    Ok(v)
}

pub(super) fn in_range(
    v: i64,
    lo: i64,
    hi: i64,
    what: &'static str,
    no: usize,
) -> Result<i32, BdfError> {
    if v < lo || v > hi {
        return Err(BdfLineError::OutOfRange { what, value: v }.at(no));
    }
    Ok(v as i32)
}

/// Hex digit values; 0xFF marks anything else.
const HEX: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

pub(super) fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Append the row's bytes to `out`; false when it is not an even number of hex digits.
pub(super) fn hex_row(t: &[u8], out: &mut Vec<u8>) -> bool {
    if t.len() & 1 == 1 {
        return false;
    }
    out.reserve(t.len() / 2);
    for p in t.chunks_exact(2) {
        let (a, b) = (HEX[p[0] as usize], HEX[p[1] as usize]);
        if (a | b) & 0xF0 != 0 {
            return false;
        }
        out.push(a << 4 | b);
    }
    true
}
