//! A zip reader that keeps the end of the file in memory. The zip crate parses the central
//! directory entry by entry with an absolute seek after each one; on a plain or buffered file
//! that is a syscall pair (and a buffer refill) per entry, which dominated opening a bundle.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// The central directory of a full bundle (thousands of entries) is well under 1 MiB.
const TAIL: u64 = 4 << 20;

pub struct TailCached {
    file: File,
    len: u64,
    tail_start: u64,
    tail: Vec<u8>,
    pos: u64,
    /// Where the OS file offset is, to skip redundant seeks.
    file_pos: Option<u64>,
}

impl TailCached {
    pub fn new(mut file: File) -> io::Result<TailCached> {
        let len = file.seek(SeekFrom::End(0))?;
        let tail_start = len.saturating_sub(TAIL);
        file.seek(SeekFrom::Start(tail_start))?;
        let mut tail = Vec::with_capacity((len - tail_start) as usize);
        (&mut file).take(len - tail_start).read_to_end(&mut tail)?;
        Ok(TailCached {
            file,
            len,
            tail_start,
            tail,
            pos: 0,
            file_pos: None,
        })
    }
}

impl Read for TailCached {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.tail_start {
            let off = (self.pos - self.tail_start) as usize;
            let src = self.tail.get(off..).unwrap_or_default();
            let n = src.len().min(buf.len());
            buf[..n].copy_from_slice(&src[..n]);
            self.pos += n as u64;
            return Ok(n);
        }
        let room = (self.tail_start - self.pos).min(buf.len() as u64) as usize;
        if self.file_pos != Some(self.pos) {
            self.file.seek(SeekFrom::Start(self.pos))?;
        }
        let n = self.file.read(&mut buf[..room])?;
        self.pos += n as u64;
        self.file_pos = Some(self.pos);
        Ok(n)
    }
}

impl Seek for TailCached {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = target.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            )
        })?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_like_the_file_across_the_tail_boundary() {
        let mut f = tempfile::tempfile().expect("tmp");
        let data: Vec<u8> = (0..(TAIL as usize + 1000))
            .map(|i| (i % 251) as u8)
            .collect();
        f.write_all(&data).expect("write");
        let mut r = TailCached::new(f).expect("open");
        let mut all = Vec::new();
        r.seek(SeekFrom::Start(0)).expect("seek");
        r.read_to_end(&mut all).expect("read");
        assert_eq!(all, data);
        let mut b = [0u8; 10];
        r.seek(SeekFrom::Start(995)).expect("seek");
        r.read_exact(&mut b).expect("read");
        assert_eq!(&b[..], &data[995..1005]);
        r.seek(SeekFrom::End(-4)).expect("seek");
        let mut b = Vec::new();
        r.read_to_end(&mut b).expect("read");
        assert_eq!(b, &data[data.len() - 4..]);
        assert!(r.seek(SeekFrom::Current(-100)).is_ok());
        assert!(r.seek(SeekFrom::End(-(data.len() as i64) - 1)).is_err());
    }
}
