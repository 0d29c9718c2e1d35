//! Bitmaps stage over 200 BMPs of 320×240 (a third each: 8-bit with a full palette and 12
//! colours used, 24-bit UI art with 16 colours, 24-bit photo-like gradients with noise),
//! lossless and with `--colors 16`. Prints a table; asserts nothing about time.

use std::time::Instant;

use cpslim::config::StageName;
use cpslim::config::{BitmapOptions, Config};
use cpslim::pipeline;
use cpslim::stages::bitmaps::encode::{encode_indexed, encode_rgb24};
use cpslim::stages::plan;
use cpslim_testkit::Lcg;

const W: usize = 320;
const H: usize = 240;
const FILES: usize = 200;

fn make(i: usize, rng: &mut Lcg) -> Vec<u8> {
    match i % 3 {
        0 => {
            let palette: Vec<[u8; 3]> = (0..256)
                .map(|k| [k as u8, (k * 7) as u8, (k * 13) as u8])
                .collect();
            let ix: Vec<u8> = (0..W * H)
                .map(|p| ((p % W / 27 + p / W / 20 + i) % 12) as u8)
                .collect();
            encode_indexed(W, H, &palette, &ix, 8)
        }
        1 => {
            let px: Vec<[u8; 3]> = (0..W * H)
                .map(|p| {
                    let k = (p % W / 20 + p / W / 15 + i) % 16;
                    [(k * 16) as u8, (255 - k * 9) as u8, (k * 5) as u8]
                })
                .collect();
            encode_rgb24(W, H, &px)
        }
        _ => {
            let px: Vec<[u8; 3]> = (0..W * H)
                .map(|p| {
                    let (x, y) = (p % W, p / W);
                    let n = (rng.next_u64() % 25) as i32 - 12;
                    let c = |v: i32| (v + n).clamp(0, 255) as u8;
                    [
                        c((x * 255 / W) as i32),
                        c((y * 255 / H) as i32),
                        c(128 + (x as i32 - y as i32) / 2),
                    ]
                })
                .collect();
            encode_rgb24(W, H, &px)
        }
    }
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rng = Lcg(42);
    let mut total = 0u64;
    for i in 0..FILES {
        let b = make(i, &mut rng);
        total += b.len() as u64;
        std::fs::write(dir.path().join(format!("img{i:03}.bmp")), b).expect("write");
    }
    let inv = pipeline::scan(&Config {
        root: dir.path().to_path_buf(),
        cluster_size: Some(512),
        ..Config::default()
    })
    .expect("scan");
    println!("{FILES} BMPs of {W}x{H}, {total} bytes in total");
    println!(
        "{:<14} {:>10} {:>10} {:>12} {:>14}",
        "mode", "seconds", "files/s", "rewrites", "bytes after"
    );
    for (name, colors) in [("lossless", None), ("--colors 16", Some(16u16))] {
        let cfg = Config {
            root: dir.path().to_path_buf(),
            bitmaps: BitmapOptions {
                colors,
                ..Default::default()
            },
            ..Default::default()
        };
        let start = Instant::now();
        let p = plan(StageName::Bitmaps, &inv, &cfg).expect("plan");
        let secs = start.elapsed().as_secs_f64();
        let rewrites = p.actions.iter().filter(|a| a.writes()).count();
        let after: u64 = total
            - p.actions
                .iter()
                .filter(|a| a.writes())
                .map(|a| a.saved_bytes())
                .sum::<i64>() as u64;
        println!(
            "{:<14} {:>10.2} {:>10.1} {:>12} {:>14}",
            name,
            secs,
            FILES as f64 / secs,
            rewrites,
            after
        );
    }
}
