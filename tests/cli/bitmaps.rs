//! Bitmaps stage through the binary, with every written BMP loaded by the real
//! adafruit_imageload and displayio.OnDiskBitmap (Blinka) plus our checker of the C rules.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::*;

fn corpus() -> PathBuf {
    fixture("bitmaps/corpus")
}

/// Run `cpslim optimize` on `root` with extra flags; returns the JSON report.
fn optimize(root: &Path, flags: &[&str]) -> Value {
    let backup = tempfile::tempdir().expect("tempdir");
    let out = run(cpslim()
        .arg("optimize")
        .arg(root)
        .args(["--only", "bitmaps", "--yes", "--json", "--backup-dir"])
        .arg(backup.path())
        .args(flags));
    assert_code(&out, 0);
    serde_json::from_slice(&out.stdout).expect("json report")
}

fn actions(report: &Value) -> Vec<Value> {
    report["stages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["name"] == "bitmaps")
        .flat_map(|s| s["actions"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn bpp(bytes: &[u8]) -> u16 {
    u16::from_le_bytes([bytes[28], bytes[29]])
}

fn clr_used(bytes: &[u8]) -> u32 {
    u32::from_le_bytes([bytes[46], bytes[47], bytes[48], bytes[49]])
}

/// "max channel error N" from a lossy note; 0 for lossless ones.
fn max_err(note: &str) -> u32 {
    note.split("max channel error ")
        .nth(1)
        .and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Load every replaced file with the real loaders; panics with the script's findings.
fn interop(orig_root: &Path, new_root: &Path, report: &Value) -> usize {
    let mut manifest = Vec::new();
    for a in actions(report) {
        if a["action"] != "replace" {
            continue;
        }
        let rel = a["path"].as_str().expect("path");
        let note = a["note"].as_str().unwrap_or("");
        manifest.push(serde_json::json!({
            "orig": orig_root.join(rel),
            "new": new_root.join(rel),
            "max_err": max_err(note),
        }));
    }
    let out = check_bmp(&manifest);
    assert!(
        out.status.success(),
        "the real loaders rejected cpslim's output:\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    manifest.len()
}

#[test]
fn lossless_corpus_rewrites_load_in_both_loaders_with_identical_colours() {
    let t = temp_copy(&corpus());
    let report = optimize(t.path(), &[]);
    for entry in fs::read_dir(corpus()).expect("corpus") {
        let p = entry.expect("entry").path();
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_string();
        let before = fs::read(&p).expect("read");
        let after = fs::read(t.path().join(&name)).expect("read");
        if name.starts_with("bad_") || name.contains("should_be_kept") {
            assert_eq!(before, after, "{name} must be left as it is");
        } else if let Some(want) = name
            .split("should_be_")
            .nth(1)
            .and_then(|s| s.trim_end_matches(".bmp").strip_prefix(['p', 'r']))
        {
            let want: u16 = want
                .trim_start_matches(|c: char| c.is_alphabetic())
                .parse()
                .expect("bpp");
            assert!(after.len() < before.len(), "{name} not smaller");
            assert_eq!(bpp(&after), want, "{name}");
        }
    }
    let n = interop(&corpus(), t.path(), &report);
    assert!(n >= 18, "only {n} files rewritten");
}

#[test]
fn bad_inputs_are_reported_and_untouched() {
    let out = run(cpslim()
        .arg("audit")
        .arg(corpus())
        .args(["--only", "bitmaps", "--json"]));
    assert_code(&out, 0);
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let acts = actions(&report);
    for (file, needle) in [
        ("bad_truncated.bmp", "truncated"),
        ("bad_offset.bmp", "offset"),
        ("bad_60000x60000.bmp", "pixels"),
        ("bad_palette300.bmp", "over 256"),
        ("bad_compression9.bmp", "compression"),
        ("bad_not_a_bmp.bmp", "not a BMP"),
        ("bad_mask16_ffffffff.bmp", "RGB555 or RGB565"),
        ("bad_rle_literal_past_end.bmp", "literal run past the end"),
        ("rle8_flat_should_be_kept.bmp", "--decompress-rle"),
        ("pal1_tiny_should_be_kept.bmp", "138"),
    ] {
        let a = acts
            .iter()
            .find(|a| a["path"] == file)
            .unwrap_or_else(|| panic!("no action for {file}"));
        assert_eq!(a["action"], "report", "{file}");
        let note = a["note"].as_str().unwrap_or("");
        assert!(note.contains(needle), "{file}: {note}");
    }
}

#[test]
fn colors_16_is_within_the_reported_error_in_both_loaders() {
    let t = temp_copy(&corpus());
    let report = optimize(t.path(), &["--colors", "16"]);
    let photo = actions(&report)
        .into_iter()
        .find(|a| a["path"] == "rgb24_photo_should_be_kept.bmp")
        .expect("photo quantised");
    let note = photo["note"].as_str().unwrap_or("");
    assert!(note.contains("PSNR") && max_err(note) > 0, "{note}");
    let after = fs::read(t.path().join("rgb24_photo_should_be_kept.bmp")).expect("read");
    assert_eq!(bpp(&after), 4);
    assert!(clr_used(&after) <= 16);
    interop(&corpus(), t.path(), &report);
}

#[test]
fn dithered_two_colour_output_loads() {
    let t = temp_copy(&corpus());
    let report = optimize(t.path(), &["--colors", "2", "--dither"]);
    let after = fs::read(t.path().join("rgb24_photo_should_be_kept.bmp")).expect("read");
    assert_eq!(bpp(&after), 1);
    interop(&corpus(), t.path(), &report);
}

#[test]
fn two_bpp_and_decompress_rle_outputs_load() {
    let t = temp_copy(&corpus());
    let report = optimize(t.path(), &["--2bpp", "--decompress-rle"]);
    let spr = fs::read(t.path().join("pal4_spritesheet_3used_should_be_pal4.bmp")).expect("read");
    assert_eq!(bpp(&spr), 2);
    let rle = fs::read(t.path().join("rle8_flat_should_be_kept.bmp")).expect("read");
    assert_eq!(
        u32::from_le_bytes([rle[30], rle[31], rle[32], rle[33]]),
        0,
        "no longer RLE"
    );
    interop(&corpus(), t.path(), &report);
}

#[test]
fn remap_palette_is_refused_when_code_changes_palette_entries() {
    let t = tempfile::tempdir().expect("tempdir");
    let name = "pal8_index200_should_be_pal8.bmp";
    fs::copy(corpus().join(name), t.path().join(name)).expect("copy");
    write(
        t.path(),
        "code.py",
        format!("import adafruit_imageload\nb, pal = adafruit_imageload.load('/{name}')\npal.make_transparent(0)\n")
            .as_bytes(),
    );
    let out = run(cpslim().arg("audit").arg(t.path()).args([
        "--only",
        "bitmaps",
        "--json",
        "--remap-palette",
    ]));
    assert_code(&out, 0);
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let a = actions(&report)
        .into_iter()
        .find(|a| a["path"] == name)
        .expect("action");
    let note = a["note"].as_str().unwrap_or("");
    assert!(
        note.contains("refused") && note.contains("palette 256 → 201"),
        "{a}"
    );

    // `--yes` overrides the refusal (optimize here always runs with it).
    let report = optimize(t.path(), &["--remap-palette"]);
    let remapped = fs::read(t.path().join(name)).expect("read");
    assert_eq!((bpp(&remapped), clr_used(&remapped)), (1, 2));
    interop(&corpus(), t.path(), &report);
}

#[test]
fn checker_rejects_files_that_break_on_boards() {
    // The originals that need fixing, offered as if cpslim had written them: the interop check
    // must fail each one for the reason the C loader (or imageload) would.
    let cases = [
        ("rle8_noisy_should_be_pal4.bmp", "compression 1"),
        ("pal8_topdown_should_be_pal4.bmp", "top-down"),
        (
            "rgb16_565_h40_should_be_pal4.bmp",
            "BI_BITFIELDS after a header",
        ),
        ("pal1_tiny_should_be_kept.bmp", "under 138"),
        ("pal8_clrused0_5used_should_be_pal4.bmp", "biClrUsed 0"),
    ];
    let manifest: Vec<Value> = cases
        .iter()
        .map(|(f, _)| serde_json::json!({"orig": corpus().join(f), "new": corpus().join(f)}))
        .collect();
    let out = check_bmp(&manifest);
    let text = stdout(&out);
    assert!(
        !out.status.success(),
        "checker passed broken files:\n{text}"
    );
    for (f, why) in cases {
        assert!(
            text.lines().any(|l| l.contains(f) && l.contains(why)),
            "{f}: expected `{why}` in\n{text}\n{}",
            stderr(&out)
        );
    }
}

#[test]
fn colors_reserves_entry_zero_only_for_code_that_makes_it_transparent() {
    let name = "pal8_256entries_12used_should_be_pal4.bmp";
    for (code, kept) in [
        ("import adafruit_imageload\nb, p = adafruit_imageload.load('/img.bmp')\np.make_transparent(0)\n", true),
        ("import adafruit_imageload\nb, p = adafruit_imageload.load('/img.bmp')\n", false),
    ] {
        let t = tempfile::tempdir().expect("tempdir");
        fs::copy(corpus().join(name), t.path().join("img.bmp")).expect("copy");
        write(t.path(), "code.py", code.as_bytes());
        let report = optimize(t.path(), &["--colors", "2"]);
        let note = actions(&report)
            .into_iter()
            .find(|a| a["path"] == "img.bmp")
            .and_then(|a| a["note"].as_str().map(str::to_string))
            .unwrap_or_default();
        assert_eq!(
            note.contains("entry 0's colour kept exactly (code calls make_transparent)"),
            kept,
            "{note}"
        );
        let orig = fs::read(corpus().join(name)).expect("orig");
        let new = fs::read(t.path().join("img.bmp")).expect("new");
        let entry0 = |b: &[u8], off: usize| b[off..off + 3].to_vec();
        let orig_off = 14 + 40;
        if kept {
            assert_eq!(entry0(&new, 54), entry0(&orig, orig_off), "entry 0 colour");
        }
        assert_eq!(clr_used(&new), 2);
    }
}
