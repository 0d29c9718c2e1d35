//! The 4-byte `.mpy` header, and whether a board of a given major version can load the file.
//! Facts: `docs/domain/bundles-and-mpy.md` §3 (CircuitPython `py/persistentcode.[ch]`).

use std::fmt;

/// Byte 0 of every CircuitPython 7+ file; MicroPython (and CP ≤ 6) writes `M`.
pub const MAGIC_CIRCUITPYTHON: u8 = b'C';
pub const MAGIC_MICROPYTHON: u8 = b'M';

/// Small-int bits of a 32-bit board; a file that needs more does not load.
const MAX_SMALL_INT_BITS: u8 = 31;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MpyHeader {
    pub magic: u8,
    pub version: u8,
    /// Bits 0–1: sub-version / map-cache flags; bits 2–7: native architecture.
    pub features: u8,
    pub small_int_bits: u8,
}

/// Which runtimes a header belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MpyFamily {
    /// `C` 5: CircuitPython 7.x and 8.x.
    Cp7To8,
    /// `C` 6: CircuitPython 9.x, 10.x, 11.x (one header for all three).
    Cp9Plus,
    /// `M`: MicroPython, or CircuitPython 6 and older.
    MicroPython,
}

impl MpyFamily {
    /// The family whose files a CircuitPython board of this major version loads.
    pub fn for_major(major: u32) -> MpyFamily {
        match major {
            0..=6 => MpyFamily::MicroPython,
            7 | 8 => MpyFamily::Cp7To8,
            _ => MpyFamily::Cp9Plus,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            MpyFamily::Cp7To8 => "CircuitPython 7.x/8.x",
            MpyFamily::Cp9Plus => "CircuitPython 9.x or later",
            MpyFamily::MicroPython => "MicroPython (or CircuitPython 6 and older)",
        }
    }
}

impl MpyHeader {
    /// Read the first four bytes. `None` when the file is shorter than a header.
    pub fn parse(bytes: &[u8]) -> Option<MpyHeader> {
        match bytes {
            [magic, version, features, small_int_bits, ..] => Some(MpyHeader {
                magic: *magic,
                version: *version,
                features: *features,
                small_int_bits: *small_int_bits,
            }),
            _ => None,
        }
    }

    pub fn family(&self) -> Option<MpyFamily> {
        match (self.magic, self.version) {
            (MAGIC_CIRCUITPYTHON, 5) => Some(MpyFamily::Cp7To8),
            (MAGIC_CIRCUITPYTHON, 6) => Some(MpyFamily::Cp9Plus),
            (MAGIC_MICROPYTHON, _) => Some(MpyFamily::MicroPython),
            _ => None,
        }
    }

    /// Native-code architecture (0 = bytecode only, which is all the bundle ships).
    pub fn arch(&self) -> u8 {
        (self.features >> 2) & 0x2F
    }

    pub fn arch_name(&self) -> &'static str {
        match self.arch() {
            0 => "none",
            1 => "x86",
            2 => "x64",
            3 => "armv6",
            4 => "armv6m",
            5 => "armv7m",
            6 => "armv7em",
            7 => "armv7emsp",
            8 => "armv7emdp",
            9 => "xtensa",
            10 => "xtensawin",
            11 => "rv32imc",
            12 => "rv64imc",
            _ => "unknown",
        }
    }
}

impl fmt::Display for MpyHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02X} {:02X} {:02X} {:02X}",
            self.magic, self.version, self.features, self.small_int_bits
        )
    }
}

/// Why a board cannot load a `.mpy` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incompatible {
    /// Fewer than four bytes.
    TooShort,
    /// Not a `.mpy` at all (text, another format).
    NotMpy,
    /// A real `.mpy`, but for other runtimes.
    WrongFamily(MpyFamily),
    /// Needs more small-int bits than a 32-bit board has.
    SmallIntBits(u8),
}

impl fmt::Display for Incompatible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Incompatible::TooShort => f.write_str("too short to be a .mpy file"),
            Incompatible::NotMpy => f.write_str("not a .mpy file (unknown header)"),
            Incompatible::WrongFamily(fam) => write!(f, "a .mpy file for {}", fam.describe()),
            Incompatible::SmallIntBits(b) => {
                write!(
                    f,
                    "needs {b} small-int bits (boards have {MAX_SMALL_INT_BITS})"
                )
            }
        }
    }
}

/// Check a file's bytes against a board's major version. `Ok` carries the header; a file with
/// native code is `Ok` here (callers report it: only the matching architecture loads it).
pub fn check(bytes: &[u8], board_major: u32) -> Result<MpyHeader, Incompatible> {
    let h = MpyHeader::parse(bytes).ok_or(Incompatible::TooShort)?;
    let fam = h.family().ok_or(Incompatible::NotMpy)?;
    if fam != MpyFamily::for_major(board_major) {
        return Err(Incompatible::WrongFamily(fam));
    }
    if h.small_int_bits > MAX_SMALL_INT_BITS {
        return Err(Incompatible::SmallIntBits(h.small_int_bits));
    }
    Ok(h)
}

/// The message the board prints on import (what the user sees in the serial console).
pub fn board_error(major: u32, why: &Incompatible) -> &'static str {
    match (major, why) {
        (10.., Incompatible::WrongFamily(MpyFamily::MicroPython)) => {
            "MicroPython .mpy file; use CircuitPython mpy-cross"
        }
        (9.., _) => "incompatible .mpy file",
        _ => "Incompatible .mpy file. Please update all .mpy files.",
    }
}

/// The library version stored in a `C` 6 file: the first `N.N.N` followed by a NUL, which is how
/// the bundle's qstr table holds `__version__` (circup reads it the same way).
pub fn embedded_version(bytes: &[u8]) -> Option<String> {
    let mut i = 0;
    while i < bytes.len() {
        if let Some((v, end)) = version_at(bytes, i) {
            if bytes.get(end) == Some(&0) {
                return Some(v);
            }
        }
        i += 1;
    }
    None
}

/// `digits.digits.digits` starting at `start`, with the index after it.
fn version_at(bytes: &[u8], start: usize) -> Option<(String, usize)> {
    // The match must not start inside a longer number.
    if start > 0 && bytes.get(start - 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut pos = start;
    for part in 0..3 {
        let digits = bytes
            .get(pos..)?
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 {
            return None;
        }
        pos += digits;
        if part < 2 {
            if bytes.get(pos) != Some(&b'.') {
                return None;
            }
            pos += 1;
        }
    }
    let text = std::str::from_utf8(bytes.get(start..pos)?).ok()?;
    Some((text.to_string(), pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bundle_header() {
        let h = MpyHeader::parse(&[0x43, 0x06, 0x00, 0x1F, 0x20]).expect("header");
        assert_eq!(h.family(), Some(MpyFamily::Cp9Plus));
        assert_eq!(h.arch(), 0);
        assert_eq!(h.to_string(), "43 06 00 1F");
        assert!(check(&[0x43, 6, 0, 0x1F], 10).is_ok());
        assert!(check(&[0x43, 6, 0, 0x1F], 9).is_ok());
        assert!(check(&[0x43, 6, 0, 0x1F], 11).is_ok());
    }

    #[test]
    fn c5_loads_only_on_7_and_8() {
        let c5 = [0x43, 0x05, 0x02, 0x1F, 0x20];
        assert!(check(&c5, 8).is_ok());
        assert!(check(&c5, 7).is_ok());
        assert_eq!(
            check(&c5, 10),
            Err(Incompatible::WrongFamily(MpyFamily::Cp7To8))
        );
        assert_eq!(
            check(&[0x43, 6, 0, 0x1F], 8),
            Err(Incompatible::WrongFamily(MpyFamily::Cp9Plus))
        );
    }

    #[test]
    fn micropython_text_and_short_files_fail() {
        let m = [0x4D, 0x06, 0x00, 0x1F];
        assert_eq!(
            check(&m, 10),
            Err(Incompatible::WrongFamily(MpyFamily::MicroPython))
        );
        assert_eq!(
            board_error(10, &Incompatible::WrongFamily(MpyFamily::MicroPython)),
            "MicroPython .mpy file; use CircuitPython mpy-cross"
        );
        assert_eq!(check(b"import os\n", 10), Err(Incompatible::NotMpy));
        assert_eq!(check(b"C\x06", 10), Err(Incompatible::TooShort));
        assert_eq!(check(&[], 10), Err(Incompatible::TooShort));
        assert_eq!(
            check(&[0x43, 6, 0, 63], 10),
            Err(Incompatible::SmallIntBits(63))
        );
    }

    #[test]
    fn native_arch_is_decoded() {
        // xtensawin (10) in bits 2–7, sub-version 3 in bits 0–1.
        let h = MpyHeader::parse(&[0x43, 6, (10 << 2) | 3, 0x1F]).expect("header");
        assert_eq!(h.arch(), 10);
        assert_eq!(h.arch_name(), "xtensawin");
        // 0x40 flags "arch flags follow" and is not part of the code.
        let h = MpyHeader::parse(&[0x43, 6, (11 << 2) | 0x40, 0x1F]).expect("header");
        assert_eq!(h.arch(), 11);
    }

    #[test]
    fn finds_embedded_version() {
        let mut b = vec![0x43, 6, 0, 0x1F];
        b.extend_from_slice(b"\x0b__version__\x0012.3\x00x6.4.2\x00rest");
        assert_eq!(embedded_version(&b).as_deref(), Some("6.4.2"));
        assert_eq!(embedded_version(b"1.2.3x 4.5.6"), None);
        assert_eq!(
            embedded_version(b"v10.20.30\0").as_deref(),
            Some("10.20.30")
        );
        assert_eq!(embedded_version(b"1.2.").as_deref(), None);
    }
}
