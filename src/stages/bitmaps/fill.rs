//! Make a lossy palette use every allowed slot. k-means can leave entries empty or land two on
//! the same colour (measured: 27–30 colours used at `--colors 64` on images with 65–220
//! colours). While the image has more colours than the palette, split the busiest cluster —
//! the one with the largest pixel-weighted error — by giving its worst-served colour an entry
//! of its own, then re-centre every free entry on its members (Lloyd steps in OKLab).

use std::collections::HashMap;

use quantette::deps::palette::{IntoColor, Oklab, Srgb};

use super::decode::Rgb;

fn lab(c: Rgb) -> [f32; 3] {
    let l: Oklab = Srgb::new(c[0], c[1], c[2])
        .into_format::<f32>()
        .into_color();
    [l.l, l.a, l.b]
}

fn rgb(l: [f32; 3]) -> Rgb {
    let s: Srgb = Oklab::new(l[0], l[1], l[2]).into_color();
    let s: Srgb<u8> = s.into_format();
    [s.red, s.green, s.blue]
}

fn d2(a: [f32; 3], b: [f32; 3]) -> f32 {
    (0..3).map(|i| (a[i] - b[i]) * (a[i] - b[i])).sum()
}

/// The image's distinct colours with their pixel counts, in first-seen order.
pub fn histogram(colors: impl Iterator<Item = Rgb>) -> Vec<(Rgb, u32)> {
    let mut at: HashMap<Rgb, usize> = HashMap::new();
    let mut out: Vec<(Rgb, u32)> = Vec::new();
    for c in colors {
        match at.get(&c) {
            Some(&i) => out[i].1 += 1,
            None => {
                at.insert(c, out.len());
                out.push((c, 1));
            }
        }
    }
    out
}

/// `palette` grown (or repaired) to `k` distinct entries when the image has that many
/// colours. `fixed0`: entry 0 is a colour that must stay exactly as it is.
pub fn fill(palette: Vec<Rgb>, hist: &[(Rgb, u32)], k: usize, fixed0: bool) -> Vec<Rgb> {
    let mut pal: Vec<Rgb> = Vec::with_capacity(k);
    for c in palette {
        if !pal.contains(&c) {
            pal.push(c);
        }
    }
    let target = k.min(hist.len());
    let colors: Vec<[f32; 3]> = hist.iter().map(|(c, _)| lab(*c)).collect();
    for _round in 0..4 {
        if pal.len() >= target {
            break;
        }
        let mut centres: Vec<[f32; 3]> = pal.iter().map(|c| lab(*c)).collect();
        while centres.len() < target {
            let near = nearest_all(&colors, &centres);
            let mut err = vec![0f64; centres.len()];
            for (i, &(j, d)) in near.iter().enumerate() {
                err[j] += f64::from(d) * f64::from(hist[i].1);
            }
            let Some(busiest) = (0..err.len()).max_by(|&a, &b| err[a].total_cmp(&err[b])) else {
                break;
            };
            if err[busiest] <= 0.0 {
                break;
            }
            let worst = (0..colors.len())
                .filter(|&i| near[i].0 == busiest)
                .max_by(|&a, &b| {
                    let wa = f64::from(near[a].1) * f64::from(hist[a].1);
                    let wb = f64::from(near[b].1) * f64::from(hist[b].1);
                    wa.total_cmp(&wb)
                });
            match worst {
                Some(i) => centres.push(colors[i]),
                None => break,
            }
        }
        // Lloyd steps: each free entry moves to the pixel-weighted mean of its members.
        for _ in 0..4 {
            let near = nearest_all(&colors, &centres);
            let mut sum = vec![[0f64; 4]; centres.len()];
            for (i, &(j, _)) in near.iter().enumerate() {
                let w = f64::from(hist[i].1);
                for c in 0..3 {
                    sum[j][c] += f64::from(colors[i][c]) * w;
                }
                sum[j][3] += w;
            }
            for (j, s) in sum.iter().enumerate() {
                if s[3] > 0.0 && !(fixed0 && j == 0) {
                    centres[j] = [
                        (s[0] / s[3]) as f32,
                        (s[1] / s[3]) as f32,
                        (s[2] / s[3]) as f32,
                    ];
                }
            }
        }
        let mut next: Vec<Rgb> = Vec::with_capacity(k);
        for (j, c) in centres.iter().enumerate() {
            let c = if fixed0 && j == 0 { pal[0] } else { rgb(*c) };
            if !next.contains(&c) {
                next.push(c);
            }
        }
        pal = next;
    }
    pal
}

fn nearest_all(colors: &[[f32; 3]], centres: &[[f32; 3]]) -> Vec<(usize, f32)> {
    colors
        .iter()
        .map(|c| {
            centres
                .iter()
                .enumerate()
                .map(|(j, p)| (j, d2(*c, *p)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .unwrap_or((0, 0.0))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_every_slot_when_the_image_has_more_colours() {
        // 100 colours, a palette of 3 entries (one duplicated): 64 distinct ones come out.
        let hist: Vec<(Rgb, u32)> = (0..100u32)
            .map(|i| {
                (
                    [(i * 2) as u8, (255 - i) as u8, (i * 5 % 256) as u8],
                    1 + i % 7,
                )
            })
            .collect();
        let pal = fill(vec![[0, 0, 0], [0, 0, 0], [200, 100, 50]], &hist, 64, false);
        assert_eq!(pal.len(), 64);
        let mut d = pal.clone();
        d.sort();
        d.dedup();
        assert_eq!(d.len(), 64);
    }

    #[test]
    fn keeps_a_fixed_entry_zero_and_never_exceeds_the_colours_there_are() {
        let hist = vec![([1, 2, 3], 5), ([200, 0, 0], 9), ([0, 200, 0], 1)];
        let pal = fill(vec![[9, 9, 9]], &hist, 16, true);
        assert_eq!(pal[0], [9, 9, 9]);
        assert!(pal.len() <= 3);
    }
}
