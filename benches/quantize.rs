//! `--colors N` against pngquant (libimagequant), by mean CIEDE2000 ΔE per pixel, for
//! N = 2, 4, 16, 64, dithering off and on. Images: the test corpus, the demo drive's BMPs and
//! generated photo-like and UI-like pictures; only images with more than N colours count (the
//! rest are exact for both). Needs Debian's `pngquant` on PATH; without it the bench says so
//! and prints cpslim's column alone. Prints a table; asserts nothing.

use std::path::Path;
use std::process::Command;

use cpslim::config::BitmapOptions;
use cpslim::stages::bitmaps::decode::{decode, Image};
use cpslim::stages::bitmaps::encode::encode_rgb24;
use cpslim::stages::bitmaps::png::decode_indexed;
use cpslim::stages::bitmaps::{optimize_with, Outcome};
use cpslim_testkit::images::{png_chunk, zlib, PNG_SIGNATURE};
use cpslim_testkit::Lcg;

type Rgb = [u8; 3];

fn lab(c: Rgb) -> [f64; 3] {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let (r, g, b) = (lin(c[0]), lin(c[1]), lin(c[2]));
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| {
        if t > 216.0 / 24389.0 {
            t.cbrt()
        } else {
            (24389.0 / 27.0 * t + 16.0) / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// CIEDE2000 colour difference (Sharma, Wu, Dalal 2005).
fn ciede2000(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (l1, a1, b1) = (a[0], a[1], a[2]);
    let (l2, a2, b2) = (b[0], b[1], b[2]);
    let c1 = (a1 * a1 + b1 * b1).sqrt();
    let c2 = (a2 * a2 + b2 * b2).sqrt();
    let cm = (c1 + c2) / 2.0;
    let g = 0.5 * (1.0 - (cm.powi(7) / (cm.powi(7) + 25f64.powi(7))).sqrt());
    let (a1p, a2p) = ((1.0 + g) * a1, (1.0 + g) * a2);
    let c1p = (a1p * a1p + b1 * b1).sqrt();
    let c2p = (a2p * a2p + b2 * b2).sqrt();
    let hue = |bb: f64, ap: f64| {
        if bb == 0.0 && ap == 0.0 {
            0.0
        } else {
            let h = bb.atan2(ap).to_degrees();
            if h < 0.0 {
                h + 360.0
            } else {
                h
            }
        }
    };
    let (h1p, h2p) = (hue(b1, a1p), hue(b2, a2p));
    let dlp = l2 - l1;
    let dcp = c2p - c1p;
    let dhp = if c1p * c2p == 0.0 {
        0.0
    } else if (h2p - h1p).abs() <= 180.0 {
        h2p - h1p
    } else if h2p - h1p > 180.0 {
        h2p - h1p - 360.0
    } else {
        h2p - h1p + 360.0
    };
    let dhh = 2.0 * (c1p * c2p).sqrt() * (dhp.to_radians() / 2.0).sin();
    let lpm = (l1 + l2) / 2.0;
    let cpm = (c1p + c2p) / 2.0;
    let hpm = if c1p * c2p == 0.0 {
        h1p + h2p
    } else if (h1p - h2p).abs() <= 180.0 {
        (h1p + h2p) / 2.0
    } else if h1p + h2p < 360.0 {
        (h1p + h2p + 360.0) / 2.0
    } else {
        (h1p + h2p - 360.0) / 2.0
    };
    let t = 1.0 - 0.17 * (hpm - 30.0).to_radians().cos()
        + 0.24 * (2.0 * hpm).to_radians().cos()
        + 0.32 * (3.0 * hpm + 6.0).to_radians().cos()
        - 0.20 * (4.0 * hpm - 63.0).to_radians().cos();
    let dtheta = 30.0 * (-((hpm - 275.0) / 25.0).powi(2)).exp();
    let rc = 2.0 * (cpm.powi(7) / (cpm.powi(7) + 25f64.powi(7))).sqrt();
    let sl = 1.0 + 0.015 * (lpm - 50.0).powi(2) / (20.0 + (lpm - 50.0).powi(2)).sqrt();
    let sc = 1.0 + 0.045 * cpm;
    let sh = 1.0 + 0.015 * cpm * t;
    let rt = -(2.0 * dtheta).to_radians().sin() * rc;
    ((dlp / sl).powi(2) + (dcp / sc).powi(2) + (dhh / sh).powi(2) + rt * (dcp / sc) * (dhh / sh))
        .sqrt()
}

fn mean_de(orig: &[Rgb], got: &[Rgb]) -> f64 {
    let sum: f64 = orig
        .iter()
        .zip(got)
        .map(|(a, b)| ciede2000(lab(*a), lab(*b)))
        .sum();
    sum / orig.len().max(1) as f64
}

fn colors(img: &Image) -> Vec<Rgb> {
    (0..img.pixel_count()).map(|i| img.color(i)).collect()
}

fn distinct(px: &[Rgb]) -> usize {
    let mut v = px.to_vec();
    v.sort();
    v.dedup();
    v.len()
}

fn cpslim(bytes: &[u8], n: u16, dither: bool) -> Option<Vec<Rgb>> {
    let opts = BitmapOptions {
        colors: Some(n),
        dither,
        ..Default::default()
    };
    match optimize_with(bytes, &opts, false, false) {
        Outcome::Rewrite { content, .. } => decode(&content).ok().map(|i| colors(&i)),
        _ => None,
    }
}

/// A truecolour PNG for pngquant's input (colour type 2, filter 0).
fn rgb_png(w: usize, h: usize, px: &[Rgb]) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0);
        px[y * w..(y + 1) * w]
            .iter()
            .for_each(|c| raw.extend_from_slice(c));
    }
    let mut out = PNG_SIGNATURE.to_vec();
    let mut ihdr = (w as u32).to_be_bytes().to_vec();
    ihdr.extend_from_slice(&(h as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &ihdr);
    png_chunk(&mut out, b"IDAT", &zlib(&raw, flate2::Compression::fast()));
    png_chunk(&mut out, b"IEND", &[]);
    out
}

fn pngquant(dir: &Path, w: usize, h: usize, px: &[Rgb], n: u16, dither: bool) -> Option<Vec<Rgb>> {
    let input = dir.join("in.png");
    let output = dir.join("out.png");
    std::fs::write(&input, rgb_png(w, h, px)).ok()?;
    let mut cmd = Command::new("pngquant");
    cmd.arg(n.to_string())
        .args(["--speed", "1", "--force", "--output"])
        .arg(&output);
    if !dither {
        cmd.arg("--nofs");
    }
    let ok = cmd.arg(&input).output().ok()?.status.success();
    let bytes = std::fs::read(&output).ok().filter(|_| ok)?;
    let (_, _, pal, ix) = decode_indexed(&bytes)?;
    ix.iter()
        .map(|&i| pal.get(usize::from(i)).copied())
        .collect()
}

fn generated() -> Vec<(String, Vec<u8>)> {
    let mut rng = Lcg(7);
    let mut out = Vec::new();
    for (k, (w, h)) in [(96usize, 64usize), (120, 90), (64, 64)]
        .into_iter()
        .enumerate()
    {
        let photo: Vec<Rgb> = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                let n = rng.next_byte() / 16;
                [
                    ((x * 200 / w) as u8).wrapping_add(n),
                    ((y * 180 / h + k * 30) as u8).wrapping_add(n / 2),
                    (((x + y) * 90 / (w + h)) as u8).wrapping_add(40),
                ]
            })
            .collect();
        out.push((format!("photo{k}"), encode_rgb24(w, h, &photo)));
        // UI art: flat fills with anti-aliased edges (a few dozen colours).
        let ui: Vec<Rgb> = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                let d =
                    ((x as i32 - w as i32 / 2).pow(2) + (y as i32 - h as i32 / 2).pow(2)) as f64;
                let r = (w.min(h) / 3) as f64;
                let t = ((d.sqrt() - r).clamp(-1.0, 1.0) + 1.0) / 2.0;
                let mix = |a: u8, b: u8| (f64::from(a) * (1.0 - t) + f64::from(b) * t) as u8;
                [mix(250, 20 + k as u8 * 40), mix(200, 30), mix(40, 90)]
            })
            .collect();
        out.push((format!("ui{k}"), encode_rgb24(w, h, &ui)));
    }
    out
}

fn main() {
    let mut images: Vec<(String, Vec<u8>)> = Vec::new();
    for dir in ["tests/fixtures/bitmaps/corpus", "assets/demo-drive/images"] {
        let Ok(rd) = std::fs::read_dir(cpslim_testkit::repo(dir)) else {
            continue;
        };
        let mut names: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        names.sort();
        for p in names {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.ends_with(".bmp") && !name.starts_with("bad_") {
                if let Ok(b) = std::fs::read(&p) {
                    images.push((name, b));
                }
            }
        }
    }
    images.extend(generated());
    let has_pngquant = Command::new("pngquant")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_pngquant {
        eprintln!("pngquant not found (Debian: apt-get install pngquant): printing cpslim alone");
    }
    let tmp = std::env::temp_dir().join(format!("cpslim-quantize-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&tmp);
    println!("mean CIEDE2000 ΔE per pixel over images with more than N colours (lower is better)");
    println!(
        "{:>4} {:>7} {:>7} {:>12} {:>12} {:>14}",
        "N", "dither", "images", "cpslim ΔE", "pngquant ΔE", "cpslim colours"
    );
    for n in [2u16, 4, 16, 64] {
        for dither in [false, true] {
            let (mut ours, mut theirs, mut count, mut used) = (0.0, 0.0, 0usize, 0usize);
            for (_, bytes) in &images {
                let Ok(img) = decode(bytes) else { continue };
                let px = colors(&img);
                if distinct(&px) <= usize::from(n) {
                    continue;
                }
                let Some(q) = cpslim(bytes, n, dither) else {
                    continue;
                };
                let their = if has_pngquant {
                    match pngquant(&tmp, img.width, img.height, &px, n, dither) {
                        Some(t) => Some(mean_de(&px, &t)),
                        None => continue,
                    }
                } else {
                    None
                };
                ours += mean_de(&px, &q);
                theirs += their.unwrap_or(0.0);
                used += distinct(&q);
                count += 1;
            }
            let c = count.max(1) as f64;
            let theirs = if has_pngquant {
                format!("{:.2}", theirs / c)
            } else {
                "-".into()
            };
            println!(
                "{n:>4} {:>7} {count:>7} {:>12.2} {theirs:>12} {:>14.1}",
                if dither { "on" } else { "off" },
                ours / c,
                used as f64 / c
            );
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
