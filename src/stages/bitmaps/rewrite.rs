//! The steps of [`super::optimize_with`] after the target picture is planned: encode it, check
//! that it decodes to the pixels it should, decide whether it is worth writing, and describe it.

use super::cost::{ram, Cost};
use super::decode::{Image, Info, Pixels};
use super::encode::{self, bitmap_ram, palette_ram};
use super::{keep_or_report, quantize, verify, Outcome, Target};
use crate::config::BitmapOptions;

/// A re-encoded BMP, checked, with what the report says about it.
pub(super) struct Encoded {
    pub content: Vec<u8>,
    pub bpp: u16,
    /// Palette entries (0 for truecolour).
    pub colors: u32,
    /// Extra notes: lossy error, renumbering, 2 bpp.
    pub extra: Vec<String>,
}

/// Bitmap and palette RAM under imageload for an indexed picture of `colors` entries.
fn indexed_ram(info: &Info, colors: usize) -> u64 {
    let (w, h) = (u64::from(info.width), u64::from(info.height));
    bitmap_ram(w, h, colors as u64) + palette_ram(colors as u64)
}

/// Why a truecolour image is not indexed, when imageload RAM is the reason.
pub(super) fn ram_reason((before, after): (u64, u64)) -> String {
    format!("indexing it would raise imageload RAM {before} → {after} B, so it stays truecolour")
}

/// Lossless indexing of a small truecolour image with many colours can cost more RAM under
/// imageload (16 B per palette entry) than it saves in pixels: flash is not worth that. Then
/// there is no target, and the RAM before and after say why.
pub(super) fn unless_ram_grows(
    target: Option<Target>,
    info: &Info,
    opts: &BitmapOptions,
    ram_before: Option<u64>,
) -> (Option<Target>, Option<(u64, u64)>) {
    if let (Some(t), Some(ram_before)) = (&target, ram_before) {
        let ram_after = indexed_ram(info, t.palette.len());
        if !info.is_indexed() && opts.colors.is_none() && ram_after > ram_before {
            return (None, Some((ram_before, ram_after)));
        }
    }
    (target, None)
}

/// Encode the indexed target; a failed check is a report, not a rewrite.
pub(super) fn indexed(img: &Image, t: Target, opts: &BitmapOptions) -> Result<Encoded, Outcome> {
    let bpp = encode::bpp_for(t.palette.len(), opts.two_bpp);
    let content = encode::encode_indexed(img.width, img.height, &t.palette, &t.indices, bpp);
    let expect = |i: usize| {
        t.indices
            .get(i)
            .and_then(|&ix| t.palette.get(usize::from(ix)))
            .copied()
            .unwrap_or([0; 3])
    };
    let ok = match t.lossy {
        None => verify(&content, img, |i| img.color(i)),
        Some(_) => verify(&content, img, expect),
    };
    if !ok {
        return Err(Outcome::Report {
            note: "internal check failed: the re-encoded BMP did not decode to the same \
                   pixels; left as it is (please report this file)"
                .into(),
            warning: true,
        });
    }
    let mut extra = Vec::new();
    if let Some(k) = t.lossy {
        let (psnr, max) = quantize::error(img, &t.palette, &t.indices);
        extra.push(format!(
            "lossy ≤{k} colours: PSNR {psnr:.1} dB, max channel error {max}"
        ));
    }
    if t.renumbered {
        extra.push("palette indices renumbered".to_string());
    }
    if bpp == 2 {
        extra.push("2 bpp: desktop viewers cannot open it".to_string());
    }
    Ok(Encoded {
        content,
        bpp,
        colors: t.palette.len() as u32,
        extra,
    })
}

/// A 24- or 32-bit picture that stays truecolour, re-encoded as plain 24-bit.
pub(super) fn truecolour(img: &Image) -> Result<Encoded, Outcome> {
    let content = encode::encode_rgb24(
        img.width,
        img.height,
        match &img.pixels {
            Pixels::Rgb(p) => p,
            Pixels::Indexed(_) => &[],
        },
    );
    if !verify(&content, img, |i| img.color(i)) {
        return Err(Outcome::Report {
            note: "internal check failed re-encoding as 24-bit; left as it is".into(),
            warning: true,
        });
    }
    Ok(Encoded {
        content,
        bpp: 24,
        colors: 0,
        extra: Vec::new(),
    })
}

/// A rewrite is written when it is smaller, or the same size and fixes a layout the board
/// cannot draw, or RLE is to be decompressed anyway; otherwise this says why not.
pub(super) fn not_worth_it(
    info: &Info,
    old_len: usize,
    new_len: usize,
    opts: &BitmapOptions,
    ram_cost: Option<(u64, u64)>,
    problems: &[&str],
) -> Option<Outcome> {
    let fixes_layout = info.is_rle() || info.top_down;
    let allowed = new_len < old_len
        || (fixes_layout && new_len == old_len)
        || (info.is_rle() && opts.decompress_rle);
    if allowed {
        return None;
    }
    let why = if info.is_rle() {
        format!(
            "uncompressed it would be {new_len} B (larger); --decompress-rle rewrites it anyway"
        )
    } else if let Some(cost) = ram_cost {
        ram_reason(cost)
    } else {
        "already as small as cpslim can make it".to_string()
    };
    Some(match keep_or_report(problems, &why) {
        Outcome::Keep if ram_cost.is_some() => Outcome::Report {
            note: format!("left as it is: {why}"),
            warning: false,
        },
        other => other,
    })
}

/// What the rewrite changes: sizes, depth, palette and RAM, then the extras and the fixes.
pub(super) fn note(
    info: &Info,
    old_len: usize,
    before: &Cost,
    new: &Encoded,
    problems: &[&str],
) -> String {
    let after_ram = if new.bpp <= 8 {
        indexed_ram(info, new.colors as usize)
    } else {
        let (w, h) = (u64::from(info.width), u64::from(info.height));
        bitmap_ram(w, h, 65535)
    };
    let mut note = format!(
        "{} → {} B; {} → {} bpp, palette {} → {}; imageload RAM {} → {} B; OnDiskBitmap palette RAM {} → {} B",
        old_len,
        new.content.len(),
        before.bpp,
        new.bpp,
        before.colors,
        new.colors,
        ram(before.imageload_ram),
        after_ram,
        before.ondisk_palette_ram,
        palette_ram(u64::from(new.colors)),
    );
    for e in &new.extra {
        note.push_str("; ");
        note.push_str(e);
    }
    if !problems.is_empty() {
        note.push_str("; fixes: ");
        note.push_str(&problems.join(", "));
    }
    note
}
