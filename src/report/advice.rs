//! The largest files left after a run, with what cpslim could still do about them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::plan::{ActionKind, Plan};
use crate::scan::{Category, Inventory};

#[derive(Debug, Clone)]
pub struct LargeFile {
    pub path: PathBuf,
    pub bytes: u64,
    pub advice: Option<String>,
}

/// The `n` largest files that remain when `plan` is carried out (for an applied run, pass the
/// re-scanned inventory and an empty plan).
pub fn largest(inv: &Inventory, plan: &Plan, n: usize) -> Vec<LargeFile> {
    let mut gone: HashSet<&Path> = HashSet::new();
    let mut gone_dirs: Vec<&Path> = Vec::new();
    let mut resized: Vec<(&Path, u64)> = Vec::new();
    for a in plan.actions() {
        match a.kind {
            ActionKind::Delete if a.dir => gone_dirs.push(&a.path),
            ActionKind::Delete => {
                gone.insert(&a.path);
            }
            ActionKind::Replace | ActionKind::Edit => resized.push((&a.path, a.bytes_after)),
            _ => {}
        }
    }
    let mut files: Vec<LargeFile> = inv
        .files()
        .filter(|e| {
            !gone.contains(e.rel.as_path()) && !gone_dirs.iter().any(|d| e.rel.starts_with(d))
        })
        .map(|e| {
            let bytes = resized
                .iter()
                .find(|(p, _)| *p == e.rel)
                .map_or(e.size, |(_, b)| *b);
            LargeFile {
                path: e.rel.clone(),
                bytes,
                advice: None,
            }
        })
        .collect();
    files.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.path.cmp(&b.path)));
    files.truncate(n);
    for f in &mut files {
        // A file a stage already rewrites needs no further advice about its old form.
        if !resized.iter().any(|(p, _)| *p == f.path) {
            f.advice = advise(inv, &f.path);
        }
    }
    files
}

fn advise(inv: &Inventory, rel: &Path) -> Option<String> {
    let e = inv.get(rel)?;
    match (e.category, e.ext().as_str()) {
        (_, "bdf") => Some(
            "BDF font: the fonts stage converts it to PCF; `--charset ascii` (or `auto`) keeps only the glyphs you use".into(),
        ),
        (Category::Library, "py") => Some(
            "library source: the mpy stage swaps it for the bundle's .mpy (about 1/4 the size)"
                .into(),
        ),
        (_, "bmp") => {
            let bytes = inv.read_limited(rel, 4 << 20).ok()?;
            let colors = eight_bit_colours_used(&bytes)?;
            (colors <= 16).then(|| {
                format!("8-bit BMP using only {colors} colours: `--colors {colors}` or `--remap-palette` may store it in fewer bits")
            })
        }
        _ => None,
    }
}

/// Distinct palette indices in an uncompressed 8-bit BMP; `None` for anything else.
fn eight_bit_colours_used(b: &[u8]) -> Option<usize> {
    let u16_at = |o: usize| b.get(o..o + 2).map(|s| u16::from_le_bytes([s[0], s[1]]));
    let u32_at = |o: usize| {
        b.get(o..o + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    };
    if b.get(0..2)? != b"BM" || u16_at(28)? != 8 || u32_at(30)? != 0 {
        return None;
    }
    let offset = u32_at(10)? as usize;
    let width = i32::from_le_bytes(u32_at(18)?.to_le_bytes()).unsigned_abs() as usize;
    let height = i32::from_le_bytes(u32_at(22)?.to_le_bytes()).unsigned_abs() as usize;
    let stride = width.checked_add(3)? / 4 * 4;
    let mut seen = [false; 256];
    for row in 0..height {
        let start = offset.checked_add(row.checked_mul(stride)?)?;
        for &px in b.get(start..start.checked_add(width)?)? {
            seen[px as usize] = true;
        }
    }
    Some(seen.iter().filter(|s| **s).count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bmp8(width: u32, height: u32, pixels: &[u8]) -> Vec<u8> {
        let stride = (width as usize).div_ceil(4) * 4;
        let offset = 14 + 40 + 256 * 4;
        let mut b = Vec::new();
        b.extend_from_slice(b"BM");
        b.extend_from_slice(&((offset + stride * height as usize) as u32).to_le_bytes());
        b.extend_from_slice(&[0; 4]);
        b.extend_from_slice(&(offset as u32).to_le_bytes());
        b.extend_from_slice(&40u32.to_le_bytes());
        b.extend_from_slice(&width.to_le_bytes());
        b.extend_from_slice(&height.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&8u16.to_le_bytes());
        b.extend_from_slice(&[0; 24]);
        b.extend_from_slice(&[0; 1024]);
        for row in pixels.chunks(width as usize) {
            b.extend_from_slice(row);
            b.extend(std::iter::repeat_n(0, stride - row.len()));
        }
        b
    }

    #[test]
    fn counts_used_indices() {
        let b = bmp8(3, 2, &[1, 2, 3, 3, 2, 1]);
        assert_eq!(eight_bit_colours_used(&b), Some(3));
        assert_eq!(eight_bit_colours_used(&b[..b.len() - 3]), None);
        assert_eq!(eight_bit_colours_used(b"BM"), None);
    }
}
