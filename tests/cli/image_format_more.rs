//! More `--image-format` cases: many shapes through the real adafruit_imageload, a PNG too big
//! for the chip's RAM, and `--colors` with PNG.

use std::fs;

use cpslim::stages::bitmaps::encode::encode_indexed;
use serde_json::{json, Value};

use crate::image_format::{actions, compression, drive, note_of, run_json};
use crate::util::*;

#[test]
fn png_that_cannot_fit_the_chips_ram_is_not_written() {
    let t = tempfile::tempdir().expect("tempdir");
    write(
        t.path(),
        "boot_out.txt",
        b"Adafruit CircuitPython 10.2.1 on 2026-01-01; Adafruit CircuitPlayground Express with samd21g18\nBoard ID:circuitplayground_express\n",
    );
    write(
        t.path(),
        "code.py",
        b"import adafruit_imageload\nb, p = adafruit_imageload.load('/big.bmp')\n",
    );
    let pal: Vec<[u8; 3]> = (0..=255u8).map(|i| [i, 255 - i, i / 3]).collect();
    let px: Vec<u8> = (0..200 * 150).map(|i| ((i / 40) % 256) as u8).collect();
    write(t.path(), "big.bmp", &encode_indexed(200, 150, &pal, &px, 8));
    let report = run_json("audit", t.path(), &["--image-format", "png"]);
    assert!(!actions(&report).iter().any(|a| a["action"] == "create"));
    let note = note_of(&report, "big.bmp");
    assert!(
        note.contains("more than the samd21g18's entire 32.0 KiB"),
        "{note}"
    );
    // RLE streams: it needs the bitmap and palette a BMP needs, and is written.
    let rle = run_json("audit", t.path(), &["--image-format", "rle"]);
    let note = note_of(&rle, "big.bmp");
    assert!(
        note.contains("as RLE8") && note.contains("the samd21g18 has 32.0 KiB in all"),
        "{note}"
    );
}

/// Many shapes (widths 1 to 300, palettes of 2 to 256, noisy and striped rows) written as RLE
/// and as PNG, each loaded by the real adafruit_imageload to the original indices and colours.
#[test]
fn many_shapes_load_identically_as_rle_and_png() {
    let src = tempfile::tempdir().expect("tempdir");
    let mut code = String::from("import adafruit_imageload\n");
    let mut names = Vec::new();
    let mut seed = 18u64;
    for n in [2usize, 5, 16, 17, 256] {
        for w in [1usize, 3, 33, 300] {
            for noisy in [false, true] {
                let h = 9;
                let pal: Vec<[u8; 3]> = (0..n).map(|i| [i as u8, (i * 3) as u8, 200]).collect();
                let px: Vec<u8> = (0..w * h)
                    .map(|i| {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        let r = (seed >> 33) as usize;
                        (if noisy && r.is_multiple_of(3) {
                            r % n
                        } else {
                            (i / 7) % n
                        }) as u8
                    })
                    .collect();
                let name = format!("s{n}_{w}_{}", u8::from(noisy));
                write(
                    src.path(),
                    &format!("{name}.bmp"),
                    &encode_indexed(w, h, &pal, &px, 8),
                );
                code.push_str(&format!("adafruit_imageload.load('/{name}.bmp')\n"));
                names.push(name);
            }
        }
    }
    write(src.path(), "code.py", code.as_bytes());
    write(
        src.path(),
        "boot_out.txt",
        b"Adafruit CircuitPython 10.2.1 on 2026-01-01; Adafruit PyPortal with samd51j20\nBoard ID:pyportal\n",
    );
    for (format, ext) in [("rle", "bmp"), ("png", "png")] {
        let t = temp_copy(src.path());
        run_json("optimize", t.path(), &["--image-format", format]);
        let manifest: Vec<Value> = names
            .iter()
            .filter(|n| {
                let new = t.path().join(format!("{n}.{ext}"));
                let b = fs::read(&new).unwrap_or_default();
                b.len() > 34 && (ext == "png" || matches!(compression(&b), 1 | 2))
            })
            .map(|n| {
                json!({
                    "orig": src.path().join(format!("{n}.bmp")),
                    "new": t.path().join(format!("{n}.{ext}")),
                    "loaders": ["imageload"],
                    "same_indices": true,
                })
            })
            .collect();
        assert!(
            manifest.len() >= names.len() / 2,
            "{format}: only {} written",
            manifest.len()
        );
        let out = check_bmp(&manifest);
        assert!(
            out.status.success(),
            "{format}:\n{}\n{}",
            stdout(&out),
            stderr(&out)
        );
    }
}

#[test]
fn lossy_colors_with_png_says_so_and_loads_within_the_stated_error() {
    let t = drive(Some("pyportal"));
    let orig = tempfile::tempdir().expect("tempdir");
    copy_tree(t.path(), orig.path());
    let report = run_json(
        "optimize",
        t.path(),
        &["--image-format", "png", "--colors", "4"],
    );
    let mut manifest = Vec::new();
    for n in ["bg", "pal256"] {
        let note = note_of(&report, &format!("images/{n}.png"));
        let max_err: u32 = note
            .split("max channel error ")
            .nth(1)
            .and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{n}: no lossy figures in {note}"));
        assert!(note.contains("lossy ≤4 colours") && max_err > 0, "{note}");
        manifest.push(json!({
            "orig": orig.path().join(format!("images/{n}.bmp")),
            "new": t.path().join(format!("images/{n}.png")),
            "loaders": ["imageload"],
            "max_err": max_err,
        }));
    }
    let out = check_bmp(&manifest);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
}
