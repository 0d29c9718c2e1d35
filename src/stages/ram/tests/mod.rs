mod code;
mod fonts;

use std::fmt::Write as _;
use std::path::Path;

use cpslim_testkit::images::png;

use super::{plan, ADVICE, FIGURE};
use crate::config::StageName;
use crate::plan::{ActionKind, Level, StagePlan};
use crate::scan::scan_test_folder;
use crate::scan::Inventory;
use crate::stages::bitmaps::encode::encode_indexed;

pub(super) fn drive(files: &[(&str, Vec<u8>)]) -> (tempfile::TempDir, Inventory) {
    let d = cpslim_testkit::drive_with(files);
    let inv = scan_test_folder(d.path(), None, None);
    (d, inv)
}

/// 100×50 with 5 colours at 4 bpp (biClrUsed = 5), pixels varied.
pub(super) fn five_colour_bmp() -> Vec<u8> {
    let pal = [
        [0, 0, 0],
        [255, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
        [255, 255, 255],
    ];
    let px: Vec<u8> = (0..50 * 100).map(|i| (i % 7 % 5) as u8).collect();
    encode_indexed(100, 50, &pal, &px, 4)
}

/// 40×20, every pixel palette entry 0 (#0080ff), 1 bpp with 2 entries.
pub(super) fn solid_bmp() -> Vec<u8> {
    encode_indexed(40, 20, &[[0, 128, 255], [0, 0, 0]], &[0; 800], 1)
}

/// A BDF of `family` at `px` pixels whose glyphs have the given boxes (from U+0041).
pub(super) fn bdf(family: &str, px: u32, boxes: &[(u32, u32)]) -> Vec<u8> {
    let mut s = format!(
        "STARTFONT 2.1\nFONT -Test-{family}-Bold-R-Normal--{px}-120-75-75-P-60-ISO10646-1\nSIZE {px} 75 75\n\
         FONTBOUNDINGBOX {px} {px} 0 0\nSTARTPROPERTIES 6\nFAMILY_NAME \"{family}\"\nWEIGHT_NAME \"Bold\"\n\
         SLANT \"R\"\nPIXEL_SIZE {px}\nFONT_ASCENT {px}\nFONT_DESCENT 0\nENDPROPERTIES\nCHARS {}\n",
        boxes.len()
    );
    for (i, (w, h)) in boxes.iter().enumerate() {
        let _ = write!(
            s,
            "STARTCHAR g{i}\nENCODING {}\nSWIDTH 500 0\nDWIDTH {} 0\nBBX {w} {h} 0 0\nBITMAP\n",
            0x41 + i,
            w + 1
        );
        for _ in 0..*h {
            let _ = writeln!(s, "{}", "0".repeat(w.div_ceil(8) as usize * 2));
        }
        s.push_str("ENDCHAR\n");
    }
    s.push_str("ENDFONT\n");
    s.into_bytes()
}

pub(super) fn notes(p: &StagePlan) -> Vec<String> {
    p.actions.iter().map(|a| a.note.clone()).collect()
}

pub(super) fn advice_containing(p: &StagePlan, what: &str) -> usize {
    notes(p)
        .iter()
        .filter(|n| n.starts_with(ADVICE) && n.contains(what))
        .count()
}

#[test]
fn bitmap_figures_follow_the_allocation_rules() {
    let code = "import adafruit_imageload, displayio\n\
        bg, pal = adafruit_imageload.load(\"/bg.bmp\")\n\
        odb = displayio.OnDiskBitmap(\"/bg.bmp\")\n";
    let (_d, inv) = drive(&[("code.py", code.into()), ("bg.bmp", five_colour_bmp())]);
    let p = plan(&inv, &[]);
    let n = notes(&p);
    // 100 px × 4 bits = 400 bits → 13 words = 52 B per row × 50 rows = 2,600 B; 5 × 16 B = 80 B.
    assert!(
        n[0].starts_with(&format!(
            "{FIGURE}code.py:2 adafruit_imageload.load(\"/bg.bmp\"): 2,680 B"
        )) && n[0].contains("= 2,600 B + Palette 5 × 16 B = 80 B"),
        "{n:?}"
    );
    assert!(
        n.iter().any(|x| x.starts_with(&format!(
            "{FIGURE}code.py:3 displayio.OnDiskBitmap(\"/bg.bmp\"): 80 B"
        ))),
        "{n:?}"
    );
    // Unchanged after loading: OnDiskBitmap would free 2,680 − 80 B.
    assert_eq!(advice_containing(&p, "free 2,600 B of RAM"), 1, "{n:?}");
    assert!(p
        .actions
        .iter()
        .all(|a| a.kind() == ActionKind::Report && a.level == Level::Info));
}

#[test]
fn no_ondisk_advice_for_a_changed_or_unnamed_image() {
    for code in [
        "bg, pal = adafruit_imageload.load(\"/bg.bmp\")\nbg[1, 1] = 2\n",
        "grid = TileGrid(adafruit_imageload.load(\"/bg.bmp\")[0])\n",
    ] {
        let (_d, inv) = drive(&[("code.py", code.into()), ("bg.bmp", five_colour_bmp())]);
        let p = plan(&inv, &[]);
        assert_eq!(advice_containing(&p, "OnDiskBitmap"), 0, "{:?}", notes(&p));
        assert!(notes(&p)[0].contains("2,680 B"));
    }
}

#[test]
fn no_ondisk_advice_when_the_plan_makes_the_file_unreadable_for_it() {
    let code = "bg, pal = adafruit_imageload.load(\"/bg.bmp\")\n";
    let (_d, inv) = drive(&[("code.py", code.into()), ("bg.bmp", five_colour_bmp())]);
    let e = inv.get(Path::new("bg.bmp")).expect("bg");
    // An RLE8 header: what an RLE rewrite would plan. OnDiskBitmap rejects RLE.
    let mut rle = five_colour_bmp();
    rle[30] = 1;
    rle[28] = 8;
    let mut bitmaps = StagePlan::default();
    bitmaps.push(crate::plan::Action::replace(&inv, e, rle, "rle"));
    let p = plan(&inv, &[(StageName::Bitmaps, bitmaps)]);
    assert_eq!(advice_containing(&p, "OnDiskBitmap"), 0, "{:?}", notes(&p));
}

#[test]
fn solid_colour_image_gets_vectorio_advice_and_others_do_not() {
    let code =
        "a, p = adafruit_imageload.load(\"/solid.bmp\")\nb = displayio.OnDiskBitmap(\"/bg.bmp\")\n";
    let (_d, inv) = drive(&[
        ("code.py", code.into()),
        ("solid.bmp", solid_bmp()),
        ("bg.bmp", five_colour_bmp()),
    ]);
    let p = plan(&inv, &[]);
    let n = notes(&p);
    // 40 px × 1 bit → 2 words = 8 B × 20 rows = 160 B, + 2 × 16 B palette = 192 B.
    assert!(n[0].contains(": 192 B"), "{n:?}");
    assert_eq!(advice_containing(&p, "vectorio.Rectangle"), 1, "{n:?}");
    assert_eq!(
        advice_containing(&p, "#0080ff"),
        1,
        "the solid image's colour is named: {n:?}"
    );
    assert!(n
        .iter()
        .filter(|x| x.contains("vectorio"))
        .all(|x| x.contains("code.py:1")));
}

#[test]
fn run_time_paths_and_library_code_get_no_figures() {
    let code = "n = 3\nx = bitmap_font.load_font(\"/f\" + str(n) + \".bdf\")\n";
    let lib = "x = displayio.OnDiskBitmap(\"/bg.bmp\")\n";
    let (_d, inv) = drive(&[
        ("code.py", code.into()),
        ("lib/thing.py", lib.into()),
        ("bg.bmp", five_colour_bmp()),
    ]);
    let p = plan(&inv, &[]);
    let n = notes(&p);
    assert_eq!(n.len(), 1, "{n:?}");
    assert!(n[0].contains("not estimated (the path is built at run time)"));
    assert_eq!(advice_containing(&p, ""), 0);
}

#[test]
fn png_figures_follow_imageload() {
    // 30×10 at 4 bits, 3 colours: Bitmap(30, 10, 16) → 120 bits → 4 words = 16 B × 10 = 160 B,
    // + 3 × 16 B = 208 B.
    let indexed_rows: Vec<u8> = (0..10)
        .flat_map(|_| [0u8].into_iter().chain([0x12; 15]))
        .collect();
    // 10×4 RGB at 8 bits: Bitmap(10, 4, 65536) → 16 bits → 160 bits = 5 words = 20 B × 4 = 80 B.
    let rgb_rows: Vec<u8> = (0..4)
        .flat_map(|_| [0u8].into_iter().chain([7; 30]))
        .collect();
    let code =
        "a, p = adafruit_imageload.load(\"/i.png\")\nb, q = adafruit_imageload.load(\"/t.png\")\n";
    let (_d, inv) = drive(&[
        ("code.py", code.into()),
        ("i.png", png(30, 10, 4, 3, 3, &indexed_rows)),
        ("t.png", png(10, 4, 8, 2, 0, &rgb_rows)),
    ]);
    let p = plan(&inv, &[]);
    let n = notes(&p);
    assert!(
        n[0].contains("): 208 B: Bitmap 30×10 in 32-bit rows = 160 B + Palette 3 × 16 B"),
        "{n:?}"
    );
    assert!(
        n[1].contains("): 80 B: Bitmap 10×4 at 16 bits per pixel"),
        "{n:?}"
    );
    // No OnDiskBitmap advice for a PNG: OnDiskBitmap reads BMP only.
    assert_eq!(advice_containing(&p, ""), 0, "{n:?}");
    assert_eq!(super::png::imageload_ram(b"\x89PNG\r\n\x1a\n\0\0"), None);
}

#[test]
fn a_missing_file_is_named_not_measured() {
    let code =
        "a = displayio.OnDiskBitmap(\"/gone.bmp\")\nb = displayio.OnDiskBitmap(\"/BG.BMP\")\n";
    let (_d, inv) = drive(&[("code.py", code.into()), ("bg.bmp", five_colour_bmp())]);
    let n = notes(&plan(&inv, &[]));
    assert!(
        n[0].contains("\"/gone.bmp\"): not estimated (no such file"),
        "{n:?}"
    );
    // FAT ignores case: /BG.BMP is bg.bmp.
    assert!(n[1].contains("\"/BG.BMP\"): 80 B"), "{n:?}");
}

#[test]
fn figures_are_for_the_file_as_the_plan_leaves_it() {
    let code = "bg, pal = adafruit_imageload.load(\"/bg.bmp\")\n";
    let (_d, inv) = drive(&[("code.py", code.into()), ("bg.bmp", five_colour_bmp())]);
    let e = inv.get(Path::new("bg.bmp")).expect("bg");
    let mut bitmaps = StagePlan::default();
    bitmaps.push(crate::plan::Action::replace(
        &inv,
        e,
        solid_bmp(),
        "smaller",
    ));
    let p = plan(&inv, &[(StageName::Bitmaps, bitmaps)]);
    let n = notes(&p);
    // The planned 40×20 1-bit content, not the 100×50 original (2,680 B).
    assert!(n[0].contains("\"/bg.bmp\"): 192 B"), "{n:?}");
    // A file the plan deletes gets nothing.
    let mut deadweight = StagePlan::default();
    deadweight.push(crate::plan::Action::delete(&inv, e, "unused"));
    assert!(plan(&inv, &[(StageName::Deadweight, deadweight)])
        .actions
        .is_empty());
}
