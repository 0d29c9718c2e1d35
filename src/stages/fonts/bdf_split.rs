//! Large BDFs (whole-Unicode fonts are megabytes) read on two threads: the glyph section is cut
//! at a STARTCHAR line near the middle, each half streams through its own positional reader,
//! and the halves are merged in file order, which is exactly what one pass finds. Any error, or
//! a cut the first half never reaches as a glyph start, reads the file again in one pass, so
//! errors and their line numbers are always one pass's.

use std::fs::File;
use std::io::Read;

use super::bdf::{finish, glyphs, header, parse_boxes, BdfFile};
use super::bdf_text::Lines;
use super::error::BdfError;

/// Below this a second thread costs more than it saves.
const SPLIT_FROM: u64 = 1 << 20;

/// [`super::bdf::parse_cropped`] (or, without `crop`, [`super::bdf::parse`]) of the first
/// `cap` bytes of `file`.
pub fn parse_file(file: &File, cap: u64, crop: bool) -> Result<BdfFile, BdfError> {
    let len = file.metadata().map_or(0, |m| m.len()).min(cap);
    match cut(file, len).and_then(|split| halves(file, cap, split, crop)) {
        Some(parsed) => Ok(parsed),
        None => parse_boxes(At::new(file, 0, cap), crop),
    }
}

/// The offset of a `STARTCHAR` line near the middle of the file.
fn cut(file: &File, len: u64) -> Option<u64> {
    // Only where reads at an offset leave no shared position behind.
    if len < SPLIT_FROM || !cfg!(any(unix, windows)) {
        return None;
    }
    let mid = len / 2;
    let mut buf = vec![0; 1 << 16];
    let mut at = At::new(file, mid, len);
    let mut got = 0;
    while got < buf.len() {
        match at.read(&mut buf[got..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    let window = buf.get(..got)?;
    memchr::memmem::find_iter(window, b"\nSTARTCHAR")
        .find(|&i| window.get(i + 10).is_some_and(|b| b.is_ascii_whitespace()))
        .map(|i| mid + i as u64 + 1)
}

/// Both halves, or None when one pass must decide (an error, or a cut that is no glyph start).
fn halves(file: &File, cap: u64, split: u64, crop: bool) -> Option<BdfFile> {
    let mut lines = Lines::new(At::new(file, 0, cap));
    let head = header(&mut lines).ok()?;
    if lines.error.is_some() || lines.pos as u64 > split {
        return None;
    }
    // The first half has room for the whole font, so the second is appended without a copy.
    let (dwidth, whole, half) = (head.dwidth, head.hint, head.hint / 2 + 1);
    let (first, second) = std::thread::scope(|s| {
        let second = s.spawn(move || {
            let mut lines = Lines::new(At::new(file, split, cap));
            lines.pos = split as usize;
            let part = glyphs(&mut lines, dwidth, half, None, crop);
            part.ok().filter(|_| lines.error.is_none())
        });
        let first = glyphs(&mut lines, dwidth, whole, Some(split as usize), crop);
        let first = first.ok().filter(|_| lines.error.is_none());
        (first, second.join().ok().flatten())
    });
    let first = first?;
    if !first.stopped {
        // ENDFONT came first: the file ends before the cut.
        return Some(finish(head, [first]));
    }
    Some(finish(head, [first, second?]))
}

/// Reads `file` from `pos` up to `end` without moving a shared file position, so two threads
/// can read one handle.
struct At<'a> {
    file: &'a File,
    pos: u64,
    end: u64,
}

impl<'a> At<'a> {
    fn new(file: &'a File, pos: u64, end: u64) -> At<'a> {
        At { file, pos, end }
    }
}

impl Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let room = usize::try_from(self.end.saturating_sub(self.pos)).unwrap_or(usize::MAX);
        let n = buf.len().min(room);
        if n == 0 {
            return Ok(0);
        }
        let got = read_at(self.file, &mut buf[..n], self.pos)?;
        self.pos += got as u64;
        Ok(got)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, at)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, at)
}

#[cfg(not(any(unix, windows)))]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    use std::io::{Seek, SeekFrom};
    let mut f = file;
    f.seek(SeekFrom::Start(at))?;
    f.read(buf)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::stages::fonts::synth;

    /// Two threads and one pass over the same bytes.
    fn both(src: &[u8], crop: bool) -> (Result<BdfFile, BdfError>, Result<BdfFile, BdfError>) {
        let mut f = tempfile::tempfile().expect("temp file");
        f.write_all(src).expect("write");
        assert!(
            cut(&f, src.len() as u64).is_some(),
            "a big font is cut in two"
        );
        (parse_file(&f, 64 << 20, crop), parse_boxes(src, crop))
    }

    fn assert_same(src: &[u8]) {
        assert_same_boxes(src, false);
        assert_same_boxes(src, true);
    }

    fn assert_same_boxes(src: &[u8], crop: bool) {
        match both(src, crop) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.font, b.font);
                assert_eq!(a.blocks, b.blocks);
                assert_eq!(a.duplicates, b.duplicates);
                assert_eq!(
                    (a.unencoded, a.beyond_bmp, a.chars_mismatch),
                    (b.unencoded, b.beyond_bmp, b.chars_mismatch)
                );
                assert_eq!((a.header, a.fbb), (b.header, b.fbb));
            }
            (a, b) => assert_eq!(a.err(), b.err()),
        }
    }

    /// `src` with `from` replaced by `to` at its first match after `at`.
    fn edit(src: &[u8], at: usize, from: &[u8], to: &[u8]) -> Vec<u8> {
        let i = at + memchr::memmem::find(&src[at..], from).expect("pattern");
        [&src[..i], to, &src[i + from.len()..]].concat()
    }

    #[test]
    fn halves_read_as_one_pass_does() {
        let src = synth::bdf(20_000);
        assert!(src.len() as u64 > SPLIT_FROM * 2);
        let (mid, late) = (src.len() / 2, src.len() * 3 / 4);
        assert_same(&src);
        let dup = edit(&src, late, b"\nENCODING ", b"\nENCODING 65\nCOMMENT ");
        for bytes in [&src, &dup] {
            let mut f = tempfile::tempfile().expect("temp file");
            f.write_all(bytes).expect("write");
            let split = cut(&f, bytes.len() as u64).expect("cut");
            for crop in [false, true] {
                assert!(halves(&f, 64 << 20, split, crop).is_some(), "in two halves");
            }
        }
        // A code point of the first half defined again in the second: the first definition wins.
        assert_same(&dup);
        assert_same(&edit(
            &src,
            late,
            b"\nENCODING ",
            b"\nENCODING -1\nCOMMENT ",
        ));
        assert_same(&edit(&src, 0, b"CHARS 20000", b"CHARS 7"));
        // ENDFONT before the cut ends the font there.
        assert_same(&edit(
            &src,
            mid / 2,
            b"\nSTARTCHAR",
            b"\nENDFONT\nSTARTCHAR",
        ));
    }

    #[test]
    fn errors_and_line_numbers_are_one_pass_errors() {
        let src = synth::bdf(20_000);
        let late = src.len() * 3 / 4;
        for at in [src.len() / 4, late] {
            let (a, b) = both(&edit(&src, at, b"\nENDCHAR", b""), true);
            let e = a.expect_err("missing ENDCHAR");
            assert!(e.to_string().starts_with("line "), "{e}");
            assert_eq!(Err(e), b.map(|_| ()));
        }
        let truncated = &src[..late];
        let (a, b) = both(truncated, false);
        assert_eq!(a.err(), b.err());
    }
}
