//! Palette building: exact palettes (lossless), and the lossy `--colors N` path through
//! quantette (MIT OR Apache-2.0; k-means in OKLab, the best of the permissive crates measured).

use std::collections::HashMap;

use quantette::deps::palette::Srgb;
use quantette::dither::FloydSteinberg;
use quantette::{ImageRef, PaletteBuf, PaletteSize, Pipeline, QuantizeMethod};

use super::decode::{Image, Rgb};

/// Distinct colours of the image as a palette plus one index per pixel, or `None` when there
/// are more than `limit` (≤ 256). `first` goes to index 0 when the image uses it; the rest
/// follow by pixel count (most used first, ties in order of appearance).
pub fn exact(img: &Image, limit: usize, first: Option<Rgb>) -> Option<(Vec<Rgb>, Vec<u8>)> {
    let n = img.pixel_count();
    let mut seen: HashMap<Rgb, (u32, usize)> = HashMap::new();
    let mut order: Vec<Rgb> = Vec::new();
    let mut colors = Vec::with_capacity(n);
    for i in 0..n {
        let c = img.color(i);
        colors.push(c);
        let e = seen.entry(c).or_insert_with(|| {
            order.push(c);
            (0, order.len())
        });
        e.0 += 1;
        if order.len() > limit {
            return None;
        }
    }
    order.sort_by_key(|c| {
        let (count, pos) = seen.get(c).copied().unwrap_or((0, 0));
        (Some(*c) != first, std::cmp::Reverse(count), pos)
    });
    let index: HashMap<Rgb, u8> = order
        .iter()
        .enumerate()
        .map(|(i, c)| (*c, i as u8))
        .collect();
    let indices = colors
        .iter()
        .map(|c| index.get(c).copied().unwrap_or(0))
        .collect();
    Some((order, indices))
}

fn dist2(a: Rgb, b: Rgb) -> u32 {
    (0..3)
        .map(|i| {
            let d = i32::from(a[i]) - i32::from(b[i]);
            (d * d) as u32
        })
        .sum()
}

/// Reduce to at most `k` colours (2..=256). `keep0`: a colour that must come out exactly, as
/// index 0 (the usual transparent colour of an indexed original).
pub fn lossy(
    img: &Image,
    k: usize,
    dither: bool,
    keep0: Option<Rgb>,
) -> Option<(Vec<Rgb>, Vec<u8>)> {
    let n = img.pixel_count();
    let pixels: Vec<Srgb<u8>> = (0..n)
        .map(|i| {
            let [r, g, b] = img.color(i);
            Srgb::new(r, g, b)
        })
        .collect();
    let image = ImageRef::new(img.width as u32, img.height as u32, pixels.as_slice()).ok()?;
    let size = PaletteSize::try_from_usize(k)?;
    let found = Pipeline::new()
        .palette_size(size)
        .quantize_method(QuantizeMethod::kmeans())
        .ditherer(None)
        .input_image(image)
        .output_srgb8_palette()?;
    let mut palette: Vec<Rgb> = found
        .as_slice()
        .iter()
        .map(|c| [c.red, c.green, c.blue])
        .collect();
    if let Some(c0) = keep0 {
        // The entry closest to the transparent colour becomes exactly that colour, at index 0.
        let near = (0..palette.len()).min_by_key(|&i| dist2(palette[i], c0))?;
        palette.swap(0, near);
        palette[0] = c0;
    }
    let hist = super::fill::histogram((0..n).map(|i| img.color(i)));
    let mut indices = Vec::new();
    // Fill every slot, map, and fill again the slots no pixel ended up using.
    for round in 0..3 {
        palette = super::fill::fill(palette, &hist, k, keep0.is_some());
        indices = map_to(&image, &palette, size, dither)?;
        let mut used = vec![false; palette.len()];
        indices.iter().for_each(|&i| used[usize::from(i)] = true);
        if let Some(c0) = keep0 {
            used[0] = used[0] || palette.first() == Some(&c0);
        }
        // Entries still unused after the last round are dropped by the caller.
        if used.iter().all(|&u| u) || round == 2 {
            break;
        }
        let kept: Vec<Rgb> = palette
            .iter()
            .zip(&used)
            .filter(|(_, &u)| u)
            .map(|(c, _)| *c)
            .collect();
        if kept.len() == palette.len() {
            break;
        }
        palette = kept;
    }
    if indices.len() != n {
        return None;
    }
    if let Some(c0) = keep0 {
        // Pixels that had exactly the transparent colour must keep it, dithering or not.
        for (i, ix) in indices.iter_mut().enumerate() {
            if img.color(i) == c0 {
                *ix = 0;
            }
        }
    }
    Some((palette, indices))
}

/// Map the image onto a fixed palette (quantette's nearest colour, Floyd–Steinberg if asked).
fn map_to(
    image: &ImageRef<'_, Srgb<u8>>,
    palette: &[Rgb],
    size: PaletteSize,
    dither: bool,
) -> Option<Vec<u8>> {
    let custom: PaletteBuf<Srgb<u8>> = palette
        .iter()
        .map(|&[r, g, b]| Srgb::new(r, g, b))
        .collect::<Vec<_>>()
        .try_into()
        .ok()?;
    let mapped = Pipeline::new()
        .palette_size(size)
        .quantize_method(QuantizeMethod::CustomPalette(custom.into()))
        .ditherer(dither.then(FloydSteinberg::new))
        .input_image(*image)
        .output_srgb8_indexed_image();
    Some(mapped.indices().to_vec())
}

/// Colour error of `got` against the original: (PSNR in dB over all channels, max channel error).
pub fn error(img: &Image, palette: &[Rgb], indices: &[u8]) -> (f64, u8) {
    let mut sq = 0u64;
    let mut max = 0u8;
    for (i, &ix) in indices.iter().enumerate() {
        let a = img.color(i);
        let b = palette.get(usize::from(ix)).copied().unwrap_or([0; 3]);
        for c in 0..3 {
            let d = a[c].abs_diff(b[c]);
            max = max.max(d);
            sq += u64::from(d) * u64::from(d);
        }
    }
    let mse = sq as f64 / (3.0 * indices.len().max(1) as f64);
    let psnr = if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (255.0f64 * 255.0 / mse).log10()
    };
    (psnr, max)
}
