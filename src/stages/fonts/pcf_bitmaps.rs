//! The PCF writer's BITMAPS table: which glyphs share one bitmap, and the table itself.

use super::super::glyph::{row_word, Bitmap, Glyph};
use super::super::pcf::{row_bytes, FORMAT};
use super::{Out, Shape};

/// For each glyph, the first glyph with the same bitmap (itself when it is the first). One pass
/// in glyph order through an open-addressed table of the distinct bitmaps seen so far, keyed by
/// a hash of the bitmap; equal hashes are compared byte for byte.
pub(super) fn shared(glyphs: &[Glyph]) -> Vec<u32> {
    const EMPTY: u32 = u32::MAX;
    let hashes: Vec<u64> = glyphs.iter().map(|g| bitmap_hash(&g.bitmap)).collect();
    // At most half full, so a probe ends soon at an empty slot.
    let mask = (glyphs.len() * 2).next_power_of_two() - 1;
    let mut firsts = vec![EMPTY; mask + 1];
    let mut rep = Vec::with_capacity(glyphs.len());
    for (i, (g, &h)) in glyphs.iter().zip(&hashes).enumerate() {
        let mut slot = (h >> 32 ^ h) as usize & mask;
        let first = loop {
            let f = firsts[slot];
            if f == EMPTY {
                firsts[slot] = i as u32;
                break i as u32;
            }
            if hashes[f as usize] == h && glyphs[f as usize].bitmap == g.bitmap {
                break f;
            }
            slot = (slot + 1) & mask;
        };
        rep.push(first);
    }
    rep
}

/// A hash of a bitmap's size and bits, eight bytes at a time: only equal hashes are compared
/// byte for byte, so collisions cost time, never correctness.
fn bitmap_hash(b: &Bitmap) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mix = |h: u64, v: u64| (h ^ v).wrapping_mul(K).rotate_left(29);
    let mut h = mix(0, u64::from(b.w) << 32 | u64::from(b.h));
    let mut words = b.bits.chunks_exact(8);
    for w in &mut words {
        h = mix(h, u64::from_le_bytes(w.try_into().unwrap_or([0; 8])));
    }
    let mut tail = [0u8; 8];
    let rest = words.remainder();
    tail[..rest.len()].copy_from_slice(rest);
    mix(h, u64::from_le_bytes(tail) ^ (rest.len() as u64) << 59)
}

/// Offsets (a shared bitmap's glyphs point at one copy), the sizes at each padding, then each
/// distinct bitmap with rows padded to 4 bytes (padding stays zero). A whole-Unicode font has
/// about a million rows: its two halves are copied on two threads.
pub(super) fn bitmaps_table(out: &mut Out, shape: &Shape, glyphs: &[Glyph]) -> Option<()> {
    let (n, rep) = (shape.n, &shape.rep);
    out.put(FORMAT.to_le_bytes())?;
    out.put((n as u32).to_be_bytes())?;
    let table = out.take(4 * n + 16 + shape.data_len)?;
    let (offsets, rest) = table.split_at_mut(4 * n);
    let (sizes_at, data) = rest.split_at_mut(16);
    let mid = if n >= 4096 { n / 2 } else { n };
    let (mut at, mut mid_at) = (0usize, 0usize);
    let mut sizes = [0usize; 4];
    for (i, g) in glyphs.iter().enumerate() {
        if i == mid {
            mid_at = at;
        }
        let r = rep[i] as usize;
        let offset = if r == i {
            let o = u32::try_from(at).ok()?;
            let b = &g.bitmap;
            at += row_bytes(b.w, 4) * b.h as usize;
            for (k, pad) in [1, 2, 4, 8].into_iter().enumerate() {
                sizes[k] += row_bytes(b.w, pad) * b.h as usize;
            }
            o
        } else {
            let o = offsets.get(4 * r..4 * r + 4)?;
            u32::from_be_bytes([o[0], o[1], o[2], o[3]])
        };
        offsets[4 * i..4 * i + 4].copy_from_slice(&offset.to_be_bytes());
    }
    if mid == n {
        mid_at = at;
    }
    for (k, s) in sizes.into_iter().enumerate() {
        sizes_at[4 * k..4 * k + 4].copy_from_slice(&u32::try_from(s).ok()?.to_be_bytes());
    }
    let (first, second) = data.split_at_mut(mid_at);
    let (head, tail) = glyphs.split_at(mid);
    let (head_rep, tail_rep) = rep.split_at(mid);
    let copied = std::thread::scope(|s| {
        let later =
            (!tail.is_empty()).then(|| s.spawn(|| copy_distinct(tail, tail_rep, mid, second)));
        let early = copy_distinct(head, head_rep, 0, first);
        early && later.is_none_or(|t| t.join().unwrap_or(false))
    });
    copied.then_some(())
}

/// The distinct bitmaps among `glyphs` (numbered from `first`) one after another into `data`;
/// false when they do not fill it exactly.
fn copy_distinct(glyphs: &[Glyph], rep: &[u32], first: usize, data: &mut [u8]) -> bool {
    let mut at = 0;
    for (i, (g, &r)) in glyphs.iter().zip(rep).enumerate() {
        if r as usize != first + i {
            continue;
        }
        let b = &g.bitmap;
        let dst_stride = row_bytes(b.w, 4);
        let len = dst_stride * b.h as usize;
        let Some(dst) = data.get_mut(at..at + len) else {
            return false;
        };
        copy_rows(b, dst, dst_stride);
        at += len;
    }
    at == data.len()
}

/// `b`'s rows into `dst` (zeroed), `dst_stride` bytes apart.
fn copy_rows(b: &Bitmap, dst: &mut [u8], dst_stride: usize) {
    let src_stride = Bitmap::stride(b.w);
    if src_stride == 0 {
        return;
    }
    let rows = b.bits.chunks_exact(src_stride).take(b.h as usize);
    for (to, row) in dst.chunks_exact_mut(dst_stride).zip(rows) {
        if let (Ok(to), true) = (<&mut [u8; 4]>::try_from(&mut *to), row.len() <= 4) {
            // Rows up to 32 pixels (nearly every font) are one four-byte store.
            // Built in a register: bytes copied through memory would stall the word's load.
            *to = row_word(row).to_be_bytes();
        } else {
            to[..row.len()].copy_from_slice(row);
        }
    }
}
