//! `--image-format rle|png`: images the code reaches only through
//! `adafruit_imageload.load("<path>")` become RLE BMPs or indexed PNGs that the real
//! adafruit_imageload loads to the same palette index and colour at every pixel; everything
//! else stays a BMP, with the reason; a second run plans nothing.

use std::fs;
use std::path::Path;

use cpslim::stages::bitmaps::encode::encode_indexed;
use cpslim_testkit::images::RawBmp;
use serde_json::{json, Value};

use crate::util::*;

const CODE: &str = r#"import displayio
import adafruit_imageload as il
from adafruit_imageload import load
bg, pal = il.load("/images/bg.bmp", bitmap=displayio.Bitmap, palette=displayio.Palette)
sprite, sp = load('images/sprite.bmp')
for name in ("wide", "one", "pal256", "mono", "tiny"):
    pass
w = il.load("/images/wide.bmp")
o = il.load("/images/one.bmp")
p = il.load("/images/pal256.bmp")
m = il.load("/images/mono.bmp")
t = il.load("/images/tiny.bmp")
r = il.load("/images/overrun.bmp")
odb = displayio.OnDiskBitmap("/odb.bmp")
pyportal.set_background("/bg2.bmp")
frame = il.load(f"/anim/{n}.bmp")
"#;

pub(crate) fn corpus(name: &str) -> Vec<u8> {
    fs::read(fixture("bitmaps/corpus").join(name)).expect("corpus file")
}

/// A drive of a PyPortal (its firmware has zlib) with images reached every way there is.
pub(crate) fn drive(board: Option<&str>) -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    let root = t.path();
    if let Some(id) = board {
        write(
            root,
            "boot_out.txt",
            format!("Adafruit CircuitPython 10.2.1 on 2026-01-01; Board with samd51j20\nBoard ID:{id}\n").as_bytes(),
        );
    }
    write(root, "code.py", CODE.as_bytes());
    write(
        root,
        "images/bg.bmp",
        &corpus("pal8_256entries_12used_should_be_pal4.bmp"),
    );
    write(
        root,
        "images/sprite.bmp",
        &corpus("rle8_delta_should_be_pal4.bmp"),
    );
    // Very wide, with runs longer than 255 pixels and noise between them.
    let (w, h) = (3000usize, 3usize);
    let wide: Vec<u8> = (0..w * h)
        .map(|i| {
            if (i / 700) % 2 == 0 {
                1
            } else {
                (i * 7 % 5) as u8
            }
        })
        .collect();
    let pal: Vec<[u8; 3]> = (0..5).map(|i| [i * 40, 255 - i * 40, 7]).collect();
    write(
        root,
        "images/wide.bmp",
        &encode_indexed(w, h, &pal, &wide, 8),
    );
    write(
        root,
        "images/one.bmp",
        &encode_indexed(1, 1, &pal[..2], &[1], 8),
    );
    let full: Vec<[u8; 3]> = (0..=255u8).map(|i| [i, i / 2, 255 - i]).collect();
    let px: Vec<u8> = (0..64 * 64).map(|i| ((i / 16) % 256) as u8).collect();
    write(
        root,
        "images/pal256.bmp",
        &encode_indexed(64, 64, &full, &px, 8),
    );
    // One colour in a two-entry palette, and a 2×2 sprite.
    write(
        root,
        "images/mono.bmp",
        &encode_indexed(40, 30, &pal[..2], &[0; 1200], 8),
    );
    write(
        root,
        "images/tiny.bmp",
        &encode_indexed(2, 2, &pal[..3], &[0, 1, 2, 1], 8),
    );
    write(root, "images/overrun.bmp", &overrun_rle8());
    write(root, "odb.bmp", &corpus("pal8_v5_should_be_pal4.bmp"));
    write(
        root,
        "bg2.bmp",
        &corpus("pal8_oddwidth31_should_be_pal4.bmp"),
    );
    write(
        root,
        "anim/0.bmp",
        &corpus("pal8_oddwidth7_should_be_pal4.bmp"),
    );
    t
}

/// RLE8 whose data runs past the image: a run longer than the row, a run starting beyond the
/// row's end, and a delta past the top. imageload clips all of it; so must cpslim.
fn overrun_rle8() -> Vec<u8> {
    let data: [u8; 18] = [10, 1, 0, 0, 0, 3, 2, 1, 2, 0, 5, 2, 4, 1, 0, 0, 0, 2];
    let mut bmp = RawBmp::new(6, 3, 8);
    bmp.compression = 1;
    bmp.pixels_per_metre = 2835;
    bmp.clr_used = 3;
    bmp.palette = vec![[0, 0, 0], [250, 10, 10], [10, 250, 10]];
    bmp.data = [&data[..], &[0, 9, 0, 1]].concat();
    bmp.bytes()
}

pub(crate) fn run_json(cmd: &str, root: &Path, flags: &[&str]) -> Value {
    let backup = tempfile::tempdir().expect("tempdir");
    let mut c = cpslim();
    c.arg(cmd)
        .arg(root)
        .args(["--only", "bitmaps", "--json"])
        .args(flags);
    if cmd == "optimize" {
        c.args(["--yes", "--backup-dir"]).arg(backup.path());
    }
    let out = run(&mut c);
    assert_code(&out, 0);
    serde_json::from_slice(&out.stdout).expect("json report")
}

pub(crate) fn actions(report: &Value) -> Vec<Value> {
    report["stages"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["actions"].as_array().cloned().unwrap_or_default())
        .collect()
}

pub(crate) fn note_of(report: &Value, path: &str) -> String {
    actions(report)
        .iter()
        .filter(|a| a["path"] == path)
        .map(|a| a["note"].as_str().unwrap_or("").to_string())
        .collect::<Vec<_>>()
        .join(" | ")
}

pub(crate) fn compression(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[30], b[31], b[32], b[33]])
}

const IMAGELOAD_ONLY: [&str; 8] = [
    "bg", "sprite", "wide", "one", "pal256", "mono", "tiny", "overrun",
];

fn check_interop(orig: &Path, new: &Path, ext: &str, names: &[&str]) {
    let manifest: Vec<Value> = names
        .iter()
        .map(|n| {
            json!({
                "orig": orig.join(format!("images/{n}.bmp")),
                "new": new.join(format!("images/{n}.{ext}")),
                "loaders": ["imageload"],
                "same_indices": true,
            })
        })
        .collect();
    let out = check_bmp(&manifest);
    assert!(
        out.status.success(),
        "adafruit_imageload does not load cpslim's {ext} files as the originals:\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );
}

/// Images any other way reaches stay uncompressed BMPs under their names, saying why.
fn others_left_alone(root: &Path, report: &Value) {
    for (path, why) in [
        ("odb.bmp", "OnDiskBitmap"),
        ("bg2.bmp", "set_background"),
        ("anim/0.bmp", "run time"),
    ] {
        let b = fs::read(root.join(path)).expect("still there");
        assert_eq!(compression(&b), 0, "{path} must stay uncompressed");
        let note = note_of(report, path);
        assert!(note.contains(why), "{path}: {note}");
    }
}

fn nothing_planned(root: &Path, flags: &[&str]) {
    let again = run_json("audit", root, flags);
    let writes: Vec<Value> = actions(&again)
        .into_iter()
        .filter(|a| a["action"] != "report")
        .collect();
    assert!(writes.is_empty(), "second run plans {writes:?}");
}

#[test]
fn rle_output_loads_to_the_same_indices_and_palette() {
    let t = drive(Some("pyportal"));
    let orig = tempfile::tempdir().expect("tempdir");
    copy_tree(t.path(), orig.path());
    let report = run_json("optimize", t.path(), &["--image-format", "rle"]);
    for n in IMAGELOAD_ONLY {
        let rel = format!("images/{n}.bmp");
        let b = fs::read(t.path().join(&rel)).expect("read");
        assert!(
            matches!(compression(&b), 1 | 2),
            "{rel} is not RLE: {}",
            note_of(&report, &rel)
        );
        assert!(
            note_of(&report, &rel).contains("peak RAM"),
            "{}",
            note_of(&report, &rel)
        );
    }
    others_left_alone(t.path(), &report);
    assert_eq!(
        fs::read(t.path().join("code.py")).expect("code"),
        CODE.as_bytes()
    );
    check_interop(orig.path(), t.path(), "bmp", &IMAGELOAD_ONLY);
    nothing_planned(t.path(), &["--image-format", "rle"]);
}

#[test]
fn png_output_loads_to_the_same_indices_and_palette_and_code_names_it() {
    let t = drive(Some("pyportal"));
    let orig = tempfile::tempdir().expect("tempdir");
    copy_tree(t.path(), orig.path());
    let report = run_json("optimize", t.path(), &["--image-format", "png"]);
    // The 6×3 overrun file is smaller as a BMP than any PNG can be.
    let note = note_of(&report, "images/overrun.bmp");
    assert!(
        note.contains("as PNG it would be") && note.contains("not smaller"),
        "{note}"
    );
    let converted = &IMAGELOAD_ONLY[..7];
    for n in converted {
        assert!(
            !t.path().join(format!("images/{n}.bmp")).exists(),
            "{n}.bmp left"
        );
        let png = fs::read(t.path().join(format!("images/{n}.png"))).expect("png written");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert!(note_of(&report, &format!("images/{n}.png")).contains("inflated data"));
    }
    let code = fs::read_to_string(t.path().join("code.py")).expect("code");
    assert!(
        code.contains(r#"il.load("/images/bg.png""#) && code.contains("load('images/sprite.png')")
    );
    assert!(code.contains(r#"f"/anim/{n}.bmp""#) && code.contains(r#"OnDiskBitmap("/odb.bmp")"#));
    others_left_alone(t.path(), &report);
    check_interop(orig.path(), t.path(), "png", converted);
    nothing_planned(t.path(), &["--image-format", "png"]);
}

#[test]
fn png_needs_a_board_known_to_have_zlib() {
    for (board, needle) in [
        (Some("arduino_zero"), "without the zlib module"),
        (None, "cannot tell whether"),
    ] {
        let t = drive(board);
        let report = run_json("audit", t.path(), &["--image-format", "png"]);
        assert!(
            !actions(&report).iter().any(|a| a["action"] == "create"),
            "{board:?}: PNG planned"
        );
        let note = note_of(&report, "images/bg.bmp");
        assert!(note.contains(needle), "{board:?}: {note}");
    }
}

#[test]
fn default_plan_tells_what_rle_and_png_would_save() {
    let t = drive(Some("pyportal"));
    let report = run_json("audit", t.path(), &[]);
    let hint = actions(&report)
        .into_iter()
        .find(|a| {
            a["note"]
                .as_str()
                .unwrap_or("")
                .contains("--image-format rle would save")
        })
        .expect("a hint about --image-format");
    assert_eq!(hint["action"], "report");
    let note = hint["note"].as_str().unwrap_or("");
    assert!(
        note.contains("8 image(s)") && note.contains("--image-format png"),
        "{note}"
    );
}
