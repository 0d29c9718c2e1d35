//! Imports of a compiled `.mpy` (version 6, CircuitPython 9.x and 10.x), read from the file's
//! qstr table and its import opcodes (mpy v6: header, qstr and object tables, bytecode prelude).

use std::sync::OnceLock;

static STATIC_QSTRS: &[u8] = include_bytes!("../../../assets/data/mpy-v6-static-qstrs.json");

/// Raw-code nesting deeper than this is treated as a damaged file.
const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MpyImport {
    /// The dotted name of `IMPORT_NAME`; `None` for `from . import x`.
    pub module: Option<String>,
    pub level: usize,
    /// Names of the following `IMPORT_FROM`s; `"*"` for `IMPORT_STAR`.
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MpyInfo {
    /// Qstr-table entry 0: the source name given to mpy-cross (`adafruit_x/label.py`).
    pub source_name: Option<String>,
    /// From the opcode walk (exact); empty when `exact` is false.
    pub imports: Vec<MpyImport>,
    /// Every string the file names: qstr table (entry 0 excluded) and `str` objects.
    pub strings: Vec<String>,
    /// The opcode walk decoded every body; otherwise only `strings` are usable.
    pub exact: bool,
    /// The file mentions `__import__`, `exec` or `eval`: count `strings` as possible imports.
    pub dynamic: bool,
}

/// Why a file could not be read as mpy v6.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MpyError {
    /// Not an mpy v6 file at all (other version, other magic): it cannot run on CircuitPython 9/10.
    Header(String),
    /// Cut short or damaged before the tables were complete: its names are unknown.
    Truncated(String),
}

impl std::fmt::Display for MpyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MpyError::Header(s) | MpyError::Truncated(s) => f.write_str(s),
        }
    }
}

pub fn static_qstrs() -> &'static [String] {
    static CELL: OnceLock<Vec<String>> = OnceLock::new();
    CELL.get_or_init(|| {
        serde_json::from_slice::<serde_json::Value>(STATIC_QSTRS)
            .ok()
            .and_then(|v| {
                let list = v.get("qstrs")?.as_array()?;
                Some(
                    list.iter()
                        .map(|s| s.as_str().unwrap_or("").to_string())
                        .collect(),
                )
            })
            .unwrap_or_default()
    })
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let v = *self.b.get(self.pos)?;
        self.pos += 1;
        Some(v)
    }

    /// Big-endian base-128 (mpy's varint; not LEB128).
    fn varint(&mut self) -> Option<usize> {
        let mut v: usize = 0;
        for _ in 0..10 {
            let c = self.byte()?;
            v = v.checked_shl(7)? | usize::from(c & 0x7f);
            if c & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.b.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
}

/// Read one `.mpy` file's import information.
pub fn read(bytes: &[u8]) -> Result<MpyInfo, MpyError> {
    let mut r = Reader { b: bytes, pos: 0 };
    let Some(&[magic, version, features, _]) = r.take(4) else {
        return Err(MpyError::Header(format!(
            "{} bytes: too short for an .mpy header",
            bytes.len()
        )));
    };
    if magic != b'C' && magic != b'M' {
        return Err(MpyError::Header("not an .mpy file (bad magic byte)".into()));
    }
    if version != 6 {
        return Err(MpyError::Header(format!(
            ".mpy version {version}: CircuitPython 9.x and 10.x load only version 6"
        )));
    }
    let arch = features >> 2;
    if arch & 0x10 != 0 {
        r.varint().ok_or_else(|| truncated("arch flags"))?;
    }
    let n_qstr = r.varint().ok_or_else(|| truncated("qstr count"))?;
    let n_obj = r.varint().ok_or_else(|| truncated("object count"))?;
    let statics = static_qstrs();
    let mut qstrs: Vec<String> = Vec::with_capacity(n_qstr.min(bytes.len()));
    for _ in 0..n_qstr {
        let v = r.varint().ok_or_else(|| truncated("qstr table"))?;
        if v & 1 == 1 {
            // Static ids count from 1; id 0 is the null qstr.
            let id = v >> 1;
            qstrs.push(
                id.checked_sub(1)
                    .and_then(|i| statics.get(i))
                    .cloned()
                    .unwrap_or_default(),
            );
        } else {
            let s = r.take(v >> 1).ok_or_else(|| truncated("qstr table"))?;
            r.take(1).ok_or_else(|| truncated("qstr table"))?;
            qstrs.push(String::from_utf8_lossy(s).into_owned());
        }
    }
    let mut strings: Vec<String> = qstrs.iter().skip(1).cloned().collect();
    for _ in 0..n_obj {
        object(&mut r, &mut strings, 0).ok_or_else(|| truncated("object table"))?;
    }
    let dynamic = qstrs
        .iter()
        .any(|q| q == "__import__" || q == "exec" || q == "eval");
    let mut info = MpyInfo {
        source_name: qstrs.first().cloned(),
        imports: Vec::new(),
        strings,
        exact: false,
        dynamic,
    };
    // Native code hides its imports in machine code; the string rule covers it.
    if arch == 0 {
        let mut imports = Vec::new();
        if raw_code(&mut r, &qstrs, &mut imports, 0).is_some() {
            info.imports = imports;
            info.exact = true;
        }
    }
    Ok(info)
}

fn truncated(what: &str) -> MpyError {
    MpyError::Truncated(format!(
        "the .mpy file ends or is damaged inside its {what}"
    ))
}

fn object(r: &mut Reader, strings: &mut Vec<String>, depth: usize) -> Option<()> {
    if depth > MAX_DEPTH {
        return None;
    }
    match r.byte()? {
        0..=4 => {}
        5 => {
            let n = r.varint()?;
            let s = r.take(n)?;
            r.take(1)?;
            strings.push(String::from_utf8_lossy(s).into_owned());
        }
        6 => {
            let n = r.varint()?;
            r.take(n)?;
            r.take(1)?;
        }
        7..=9 => {
            let n = r.varint()?;
            r.take(n)?;
        }
        10 => {
            let n = r.varint()?;
            for _ in 0..n {
                object(r, strings, depth + 1)?;
            }
        }
        _ => return None,
    }
    Some(())
}

fn raw_code(
    r: &mut Reader,
    qstrs: &[String],
    out: &mut Vec<MpyImport>,
    depth: usize,
) -> Option<()> {
    if depth > MAX_DEPTH {
        return None;
    }
    let kind_len = r.varint()?;
    let kind = kind_len & 3;
    let has_children = kind_len & 4 != 0;
    let body = r.take(kind_len >> 3)?;
    if kind != 0 {
        // Native/viper/asm bodies carry extra fields we do not decode.
        return None;
    }
    bytecode(body, qstrs, out)?;
    if has_children {
        let n = r.varint()?;
        for _ in 0..n {
            raw_code(r, qstrs, out, depth + 1)?;
        }
    }
    Some(())
}

fn qstr_at(qstrs: &[String], i: usize) -> Option<String> {
    qstrs.get(i).cloned()
}

/// Walk one bytecode body: prelude, then opcodes, collecting imports.
fn bytecode(body: &[u8], qstrs: &[String], out: &mut Vec<MpyImport>) -> Option<()> {
    let mut r = Reader { b: body, pos: 0 };
    // Prelude signature: bytes until one has bit 7 clear.
    while r.byte()? & 0x80 != 0 {}
    // Prelude size: `xIIIIIIC` groups, least significant first.
    let (mut n_info, mut n_cell) = (0usize, 0usize);
    for n in 0..8 {
        let z = r.byte()?;
        n_cell |= usize::from(z & 1) << n;
        n_info |= usize::from((z & 0x7e) >> 1) << (6 * n);
        if z & 0x80 == 0 {
            break;
        }
    }
    r.take(n_info.checked_add(n_cell)?)?;
    let mut last_int: Option<i64> = None;
    while r.pos < body.len() {
        let op = r.byte()?;
        let fmt = (0x0000_03A4u32 >> (2 * u32::from(op >> 4))) & 3;
        match fmt {
            1 => {
                let q = r.varint()?;
                match op {
                    0x1B => {
                        let name = qstr_at(qstrs, q)?;
                        out.push(MpyImport {
                            module: (!name.is_empty()).then_some(name),
                            level: usize::try_from(last_int.unwrap_or(0)).unwrap_or(0),
                            names: Vec::new(),
                        });
                    }
                    0x1C => {
                        let name = qstr_at(qstrs, q)?;
                        if let Some(last) = out.last_mut() {
                            last.names.push(name);
                        }
                    }
                    _ => {}
                }
            }
            2 => {
                if op == 0x22 {
                    last_int = Some(signed_varint(&mut r)?);
                } else {
                    r.varint()?;
                }
            }
            3 => {
                if r.byte()? & 0x80 != 0 {
                    r.byte()?;
                }
            }
            _ => {
                if (0x70..=0xAF).contains(&op) {
                    last_int = Some(i64::from(op) - 0x80);
                } else if op == 0x69 {
                    if let Some(last) = out.last_mut() {
                        last.names.push("*".to_string());
                    }
                }
            }
        }
        if op & 0x9E == 0 {
            r.byte()?;
        }
    }
    Some(())
}

fn signed_varint(r: &mut Reader) -> Option<i64> {
    let first = r.byte()?;
    let mut v: i64 = if first & 0x40 != 0 { -1 } else { 0 };
    let mut c = first;
    v = (v << 7) | i64::from(c & 0x7f);
    let mut n = 0;
    while c & 0x80 != 0 {
        n += 1;
        if n > 9 {
            return None;
        }
        c = r.byte()?;
        v = v.checked_mul(128)? | i64::from(c & 0x7f);
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_table_parses() {
        let t = static_qstrs();
        assert_eq!(t.len(), 165);
        assert_eq!(t.first().map(String::as_str), Some(""));
        assert!(t.iter().any(|s| s == "micropython"));
    }

    #[test]
    fn varints_are_big_endian() {
        let mut r = Reader {
            b: &[0x82, 0x38],
            pos: 0,
        };
        assert_eq!(r.varint(), Some(312));
        let mut r = Reader { b: &[0x7f], pos: 0 };
        assert_eq!(signed_varint(&mut r), Some(-1));
        let mut r = Reader {
            b: &[0x81, 0x00],
            pos: 0,
        };
        assert_eq!(signed_varint(&mut r), Some(128));
    }

    #[test]
    fn headers_are_checked() {
        assert!(matches!(read(b"C\x06"), Err(MpyError::Header(_))));
        assert!(matches!(
            read(b"C\x05\x00\x1f\x00\x00"),
            Err(MpyError::Header(_))
        ));
        assert!(matches!(read(b"PK\x03\x04"), Err(MpyError::Header(_))));
        assert!(matches!(
            read(b"C\x06\x00\x1f\x82"),
            Err(MpyError::Truncated(_))
        ));
    }
}
