//! The text layer of the BDF reader: lines from any reader through one buffer, keywords,
//! integer fields and hex bitmap rows, all on bytes (BDF files carry Latin-1 text).

use std::io::Read;
use std::ops::Range;

use super::error::{BdfError, BdfLineError, Truncated};

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

    /// The next line when it is `len` bytes and a `\n` already in the buffer (a bitmap row of
    /// the expected width, nearly every line of a font), found without a search. It stays
    /// unread until [`Lines::skip`] takes it.
    pub(super) fn peek(&self, len: usize) -> Option<&[u8]> {
        let end = self.head + len;
        (end < self.tail && self.buf.get(end) == Some(&b'\n'))
            .then(|| self.buf.get(self.head..end))
            .flatten()
    }

    /// Takes the line [`Lines::peek`] returned.
    pub(super) fn skip(&mut self, len: usize) {
        let from = self.head;
        self.take_line(from, from + len, from + len + 1);
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

/// The first token and what follows it (every line of a font is read through here: plain
/// loops, no iterator adapters).
fn split_token(line: &[u8]) -> (&[u8], &[u8]) {
    let start = line
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(line.len());
    let rest = &line[start..];
    let len = rest
        .iter()
        .position(u8::is_ascii_whitespace)
        .unwrap_or(rest.len());
    rest.split_at(len)
}

pub(super) fn keyword(line: &[u8]) -> &[u8] {
    split_token(line).0
}

/// Whitespace-separated tokens, the keyword first.
pub(super) fn tokens(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = line;
    std::iter::from_fn(move || {
        let (t, after) = split_token(rest);
        rest = after;
        (!t.is_empty()).then_some(t)
    })
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
    let short = || BdfLineError::Numbers { what, n }.at(no);
    if n > 4 {
        return Err(short());
    }
    let (_, mut rest) = split_token(line);
    for slot in &mut v[..n] {
        let (t, after) = split_token(rest);
        *slot = int((!t.is_empty()).then_some(t)).ok_or_else(short)?;
        rest = after;
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

/// A row of at most 8 hex digits as the top bits of a big-endian word (what
/// [`hex_row`] appends, read as one word); `None` when it is not all hex digits.
pub(super) fn hex_word(t: &[u8]) -> Option<u32> {
    if t.len() > 8 {
        return None;
    }
    let mut v = 0u32;
    for &d in t {
        let x = HEX[d as usize];
        if x > 0xF {
            return None;
        }
        v = v << 4 | u32::from(x);
    }
    Some(v.checked_shl(32 - 4 * t.len() as u32).unwrap_or(0))
}

/// Where a glyph's bitmap rows go: bytes (`stride` per row), or for a narrow glyph being
/// cropped one word per row, which the crop then reads without a second pass.
pub(super) enum Rows<'a> {
    Bytes(&'a mut Vec<u8>),
    Words(&'a mut Vec<u32>),
}

/// The `h` rows of a `w`-pixel glyph after its BITMAP line, up to its ENDCHAR line; returns the
/// offset just past ENDCHAR. Bits past the width are not part of the glyph and are cleared.
pub(super) fn bitmap_rows<R: Read>(
    lines: &mut Lines<R>,
    w: u32,
    h: u32,
    mut out: Rows,
) -> Result<usize, BdfError> {
    let stride = (w as usize).div_ceil(8);
    let byte_mask = if w.is_multiple_of(8) {
        0xFF
    } else {
        0xFFu8 << (8 - w % 8)
    };
    let word_mask = u32::MAX.checked_shl(32u32.saturating_sub(w)).unwrap_or(0);
    let mut rows = 0u32;
    let mut take_row = |t: &[u8]| match &mut out {
        Rows::Words(words) => hex_word(t).map(|v| words.push(v & word_mask)).is_some(),
        Rows::Bytes(bits) => push_row(t, bits, byte_mask),
    };
    loop {
        // Nearly every row: exactly its hex digits and a newline (a `\n` among them is no hex).
        if rows < h && lines.peek(2 * stride).is_some_and(&mut take_row) {
            lines.skip(2 * stride);
            rows += 1;
            continue;
        }
        // Anything else: ENDCHAR, a row with spaces or a CR, at the buffer's end, or an error.
        let (_, no, line) = lines
            .next_raw()
            .ok_or(BdfError::Truncated(Truncated::InsideBitmap))?;
        let t = line.trim_ascii();
        if t == b"ENDCHAR" {
            break;
        }
        let read = rows < h && t.len() == 2 * stride && take_row(t);
        if !read {
            return Err(row_error(t, rows, h, w, no));
        }
        rows += 1;
    }
    if rows != h {
        return Err(BdfLineError::RowCount { rows, height: h }.at(lines.no));
    }
    Ok(lines.pos)
}

/// [`hex_row`], then the bits past the width cleared (`mask`: those of the last byte to keep);
/// nothing appended when it is not hex.
fn push_row(t: &[u8], bits: &mut Vec<u8>, mask: u8) -> bool {
    let at = bits.len();
    if !hex_row(t, bits) {
        bits.truncate(at);
        return false;
    }
    if bits.len() > at {
        if let Some(last) = bits.last_mut() {
            *last &= mask;
        }
    }
    true
}

/// Why bitmap line `t` is not the next row of a `w`-pixel glyph `h` rows high with `rows`
/// read so far.
fn row_error(t: &[u8], rows: u32, h: u32, w: u32, no: usize) -> BdfError {
    let all_hex = t.iter().all(|b| hex(*b).is_some());
    if rows == h || t.len() % 2 == 1 || !all_hex {
        if t.first().is_some_and(u8::is_ascii_alphabetic) && !all_hex {
            return BdfLineError::KeywordInBitmap(String::from_utf8_lossy(keyword(t)).into_owned())
                .at(no);
        }
        if rows == h {
            return BdfLineError::ExtraRow(h).at(no);
        }
        return BdfLineError::NotHex.at(no);
    }
    BdfLineError::RowBytes {
        got: t.len() / 2,
        width: w,
        stride: (w as usize).div_ceil(8),
    }
    .at(no)
}
