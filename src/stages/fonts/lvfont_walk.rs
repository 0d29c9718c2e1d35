//! Walking an LVGL font's glyph records as CircuitPython's core reader does, and, for cpslim's
//! own large files, the same walk on two threads: every record starts on a byte and loca says
//! where, so the second half of the ids can be walked while the first is.

use std::ops::Range;

use super::glyph::{Bitmap, Glyph};
use super::lvfont_read::{prepare, BitReader, LvFont, LvFontError, Prepared, FIRST_RECORD};

/// Fonts with fewer glyph ids are walked on one thread: a thread costs more than it saves.
const SPLIT_AT: usize = 8192;

/// The core reader's walk over glyph ids `ids`, from bit `start` of glyf: records back to back,
/// one per id. Returns where the last record ends.
pub(super) fn walk_ids(
    p: &Prepared,
    ids: Range<usize>,
    start: usize,
    mut each: impl FnMut(&Glyph) -> Result<(), LvFontError>,
) -> Result<usize, LvFontError> {
    let f = &p.fields;
    let mut r = BitReader {
        d: p.glyf,
        pos: start,
    };
    let mut g = Glyph {
        code: 0,
        advance: 0,
        x: 0,
        y: 0,
        bitmap: Bitmap::new(0, 0),
    };
    for id in ids {
        if p.loca.offset(id)? * 8 != r.pos {
            return Err(LvFontError::Misplaced(id));
        }
        let advance = r.get(f.adv)? as i32;
        let x = r.signed(f.xy)?;
        let y = r.signed(f.xy)?;
        let w = r.get(f.wh)?;
        let gh = r.get(f.wh)?;
        if w > 4096 || gh > 4096 {
            return Err(LvFontError::TooLarge { id, w, h: gh });
        }
        // One glyph buffer for the whole walk: `each` sees it, copies it if it keeps it.
        let bits = &mut g.bitmap.bits;
        bits.clear();
        for _ in 0..gh {
            r.row(w, bits)?;
        }
        r.pos = r.pos.div_ceil(8) * 8;
        if let Some(code) = p.code_of.get(id).copied().flatten() {
            (g.code, g.advance, g.x, g.y) = (code, advance, x, y);
            (g.bitmap.w, g.bitmap.h) = (w, gh);
            each(&g)?;
        }
    }
    Ok(r.pos)
}

/// [`super::lvfont::check_with`] for a font cpslim wrote, comparing each glyph with the one
/// expected: `same(k, glyph)` says whether the k-th glyph with a code point (in glyph-id order)
/// is the expected one, and may be asked from two threads at once. Returns the font (without
/// glyphs), how many glyphs have a code point, and whether `same` held for all of them. Errors
/// are the ones the one-thread walk meets first.
pub fn check_same(
    file: &[u8],
    same: impl Fn(usize, &Glyph) -> bool + Sync,
) -> Result<(LvFont, usize, bool), LvFontError> {
    let p = prepare(file)?;
    let count = p.code_of.len();
    let mid = if count >= SPLIT_AT { count / 2 } else { count };
    let coded = |ids: Range<usize>| p.code_of[ids].iter().filter(|c| c.is_some()).count();
    let walk = |ids: Range<usize>, start: usize, first_k: usize| {
        let (mut k, mut all_same) = (first_k, true);
        let end = walk_ids(&p, ids, start, |g| {
            all_same &= same(k, g);
            k += 1;
            Ok(())
        })?;
        Ok::<_, LvFontError>((end, all_same))
    };
    let walk = &walk;
    let (first, second) = std::thread::scope(|s| {
        let second = (mid < count).then(|| {
            let start = p.loca.offset(mid);
            let first_k = coded(1..mid);
            s.spawn(move || walk(mid..count, start? * 8, first_k))
        });
        let first = walk(1..mid.max(1), FIRST_RECORD, 0);
        let second = second.map(|h| {
            h.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (first, second)
    });
    // In the order the one-thread walk meets them: the first half, where the second half
    // starts, then the second half.
    let (mut end, mut all_same) = first?;
    if let Some(second) = second {
        if end != p.loca.offset(mid)? * 8 {
            return Err(LvFontError::Misplaced(mid));
        }
        let (second_end, second_same) = second?;
        (end, all_same) = (second_end, all_same && second_same);
    }
    p.check_end(end)?;
    Ok((p.font, coded(1..count), all_same))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::fonts::{bdf, lvfont, synth};

    /// A written LVGL font large enough to be walked on two threads, and its glyphs.
    fn big() -> (Vec<u8>, Vec<Glyph>) {
        let font = bdf::parse(&synth::bdf(20_000)).expect("parse").font;
        assert!(font.glyphs.len() >= SPLIT_AT);
        let (file, _) = lvfont::write(&font).expect("write");
        (file, font.glyphs)
    }

    /// What the one-thread walk says about `file`: its error, or the glyphs it hands out.
    fn one_thread(file: &[u8]) -> Result<Vec<Glyph>, LvFontError> {
        let mut glyphs = Vec::new();
        lvfont::check_with(file, |g| {
            glyphs.push(g.clone());
            Ok(())
        })?;
        Ok(glyphs)
    }

    #[test]
    fn two_threads_see_every_glyph_in_order() {
        let (file, glyphs) = big();
        let (_, coded, same) = check_same(&file, |k, g| glyphs.get(k) == Some(g)).expect("ok");
        assert_eq!((coded, same), (glyphs.len(), true));
        assert_eq!(one_thread(&file).expect("ok"), glyphs);
        // One glyph in each half differs from what is expected: both halves compare.
        for changed in [10, glyphs.len() - 10] {
            let mut other = glyphs.clone();
            other[changed].advance += 1;
            let (_, _, same) = check_same(&file, |k, g| other.get(k) == Some(g)).expect("ok");
            assert!(!same, "glyph {changed} differs");
        }
    }

    #[test]
    fn two_threads_report_what_one_thread_reports() {
        let (file, glyphs) = big();
        let glyf = memchr::memmem::find(&file, b"glyf").expect("glyf") - 4;
        let loca = memchr::memmem::find(&file, b"loca").expect("loca") - 4;
        let mut broken = Vec::new();
        // Record bytes and loca offsets changed in either half, and at the cut.
        for at in [glyf + 100, glyf + (file.len() - glyf) / 2, file.len() - 3] {
            for xor in [0x01u8, 0x80, 0xFF] {
                let mut f = file.clone();
                f[at] ^= xor;
                broken.push(f);
            }
        }
        let entries = (glyf - loca - 12) / 4;
        for id in [5, entries / 2, entries / 2 + 1, entries - 2] {
            let mut f = file.clone();
            f[loca + 12 + id * 4] ^= 0x04;
            broken.push(f);
        }
        let mut f = file.clone();
        f.truncate(file.len() - 1);
        broken.push(f);
        for (i, f) in broken.iter().enumerate() {
            let two = check_same(f, |k, g| glyphs.get(k) == Some(g))
                .map(|(_, coded, same)| (coded, same));
            match one_thread(f) {
                Err(e) => assert_eq!(two, Err(e), "case {i}"),
                Ok(read) => {
                    let (coded, same) = two.unwrap_or_else(|e| panic!("case {i}: {e}"));
                    assert_eq!((coded, same), (read.len(), read == glyphs), "case {i}");
                }
            }
        }
    }
}
