//! `--font-format lvfontbin`, end to end: every LVGL font cpslim writes loads with the real
//! adafruit_bitmap_font (its lvfontbin reader), draws every glyph as the source does, has the
//! size the formula in check_font.py derives from its glyphs, and labels (bitmap_label and
//! label.Label) render pixel-identical to the PCF of the same font.

use std::fs;
use std::path::{Path, PathBuf};

use crate::fonts::{drive, optimize};
use crate::util::*;

fn build(src: &Path, extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("tempdir");
    let o = run(cpslim()
        .arg("optimize")
        .arg(src)
        .arg("--out")
        .arg(out.path().join("b"))
        .args(["--only", "fonts", "--yes", "--cluster-size", "512"])
        .args(extra));
    assert_code(&o, 0);
    out
}

#[test]
fn lvfontbin_loads_draws_like_the_source_and_labels_match_pcf() {
    let src = drive();
    let s = src.path();
    let pcf = build(s, &["--charset", "ascii"]);
    let lv = build(s, &["--charset", "ascii", "--font-format", "lvfontbin"]);
    let (p, l) = (pcf.path().join("b"), lv.path().join("b"));
    let code = fs::read_to_string(l.join("code.py")).expect("code.py");
    assert!(code.contains("\"/fonts/6x13.lvfontbin\"") && code.contains("'fonts/synth.lvfontbin'"));
    let items: Vec<Vec<PathBuf>> = [
        ("fonts/6x13", "fonts/6x13.bdf"),
        ("fonts/synth", "fonts/synth.bdf"),
        ("Junction-regular-24", "Junction-regular-24.bdf"),
        ("fonts/fixed", "fonts/fixed.pcf"),
        ("fonts/junction-ascii", "fonts/junction-ascii.pcf"),
        ("fonts/synth-x11", "fonts/synth-x11.pcf"),
    ]
    .iter()
    .map(|(out, from)| {
        vec![
            l.join(format!("{out}.lvfontbin")),
            s.join(from),
            p.join(format!("{out}.pcf")),
        ]
    })
    .collect();
    for i in &items {
        assert!(
            !i[1].with_extension("bdf").starts_with(&l) && i[0].exists(),
            "{i:?}"
        );
    }
    check_font(&["--charset", "ascii", "--lv-formula"], &items);
    // PCFs in formats the loader rejects: compared with the BDF they were made from.
    let digits: Vec<Vec<PathBuf>> = ["digits-p1", "digits-p2"]
        .iter()
        .map(|d| {
            vec![
                l.join(format!("fonts/{d}.lvfontbin")),
                fixture("fonts/6x13-digits.bdf"),
            ]
        })
        .collect();
    check_font(
        &["--charset", "ascii", "--glyphs-only", "--lv-formula"],
        &digits,
    );
    // The LVGL files are far smaller than the PCFs (the measured ratio on real fonts is ~0.3).
    let size = |d: &Path, ext: &str| -> u64 {
        items
            .iter()
            .map(|i| {
                let f = d.join(i[0].strip_prefix(&l).expect("under l").with_extension(ext));
                fs::metadata(f).expect("font").len()
            })
            .sum()
    };
    let (lv_total, pcf_total) = (size(&l, "lvfontbin"), size(&p, "pcf"));
    assert!(
        lv_total * 2 < pcf_total,
        "LVGL {lv_total} B vs PCF {pcf_total} B"
    );
}

#[test]
fn lvfontbin_whole_fonts_keep_code_points_above_u_ffff() {
    let src = drive();
    let s = src.path();
    let lv = build(s, &["--font-format", "lvfontbin"]);
    let l = lv.path().join("b");
    // synth.bdf holds U+1F600, which PCF cannot address and LVGL keeps (check_font probes it).
    check_font(
        &["--lv-formula"],
        &[
            vec![l.join("fonts/synth.lvfontbin"), s.join("fonts/synth.bdf")],
            vec![l.join("fonts/6x13.lvfontbin"), s.join("fonts/6x13.bdf")],
            vec![
                l.join("Junction-regular-24.lvfontbin"),
                s.join("Junction-regular-24.bdf"),
            ],
            vec![l.join("fonts/fixed.lvfontbin"), s.join("fonts/fixed.pcf")],
            vec![
                l.join("fonts/junction-ascii.lvfontbin"),
                s.join("fonts/junction-ascii.pcf"),
            ],
            vec![
                l.join("fonts/synth-x11.lvfontbin"),
                s.join("fonts/synth-x11.pcf"),
            ],
        ],
    );
    // A PCF in a format the loader rejects, converted: the glyphs of the BDF it came from.
    check_font(
        &["--glyphs-only"],
        &[
            vec![
                l.join("fonts/digits-p1.lvfontbin"),
                fixture("fonts/6x13-digits.bdf"),
            ],
            vec![
                l.join("fonts/digits-p2.lvfontbin"),
                fixture("fonts/6x13-digits.bdf"),
            ],
        ],
    );
}

/// The demo drive's adafruit_bitmap_font as version 2.1.4 (before it read LVGL fonts) in `r`.
fn old_bitmap_font(r: &Path) {
    let lib = asset("demo-drive/lib/adafruit_bitmap_font");
    for f in [
        "__init__.py",
        "bitmap_font.py",
        "pcf.py",
        "bdf.py",
        "glyph_cache.py",
    ] {
        let text = fs::read_to_string(lib.join(f)).expect("library");
        write(
            r,
            &format!("lib/adafruit_bitmap_font/{f}"),
            text.replace("2.5.1", "2.1.4").as_bytes(),
        );
    }
}

#[test]
fn lvfontbin_waits_for_a_library_that_reads_it() {
    let t = drive();
    let r = t.path();
    old_bitmap_font(r);
    let bk = tempfile::tempdir().expect("tempdir");
    let o = optimize(r, bk.path(), &["--font-format", "lvfontbin"]);
    let out = stdout(&o);
    assert!(r.join("fonts/6x13.pcf").exists() && !r.join("fonts/6x13.lvfontbin").exists());
    assert!(out.contains("2.1.4") && out.contains("2.2.0"), "{out}");
    // With the bundle's 2.5.1 swapped in by the mpy stage, the same drive gets LVGL.
    let t = drive();
    let r = t.path();
    old_bitmap_font(r);
    let o = run(cpslim()
        .arg("audit")
        .arg(r)
        .args([
            "--only",
            "mpy,fonts",
            "--font-format",
            "lvfontbin",
            "--cp-version",
            "10.2.1",
        ])
        .arg("--bundle")
        .arg(asset("adafruit-circuitpython-bundle-10.x-mpy-20261120.zip")));
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("fonts/6x13.lvfontbin"), "{out}");
}

/// A BDF of `glyphs` (code, DWIDTH, BBX w h x y, hex rows).
fn bdf(glyphs: &[(u32, i32, [i32; 4], &[&str])]) -> String {
    let mut s = format!(
        "STARTFONT 2.1\nFONT test\nSIZE 8 75 75\nFONTBOUNDINGBOX 8 10 0 -2\nSTARTPROPERTIES 2\n\
         FONT_ASCENT 8\nFONT_DESCENT 2\nENDPROPERTIES\nCHARS {}\n",
        glyphs.len()
    );
    for (code, adv, [w, h, x, y], rows) in glyphs {
        s.push_str(&format!(
            "STARTCHAR c{code}\nENCODING {code}\nSWIDTH 500 0\nDWIDTH {adv} 0\nBBX {w} {h} {x} {y}\nBITMAP\n"
        ));
        for r in *rows {
            s.push_str(r);
            s.push('\n');
        }
        s.push_str("ENDCHAR\n");
    }
    s.push_str("ENDFONT\n");
    s
}

#[test]
fn lvfontbin_odd_fonts_get_a_note_and_only_loadable_files() {
    let t = tempfile::tempdir().expect("tempdir");
    let r = t.path();
    let x: &[&str] = &["81", "42", "24", "18"];
    // Zero-width glyphs (no box, and a box with no ink) and a zero advance.
    let zero = bdf(&[
        (0x20, 4, [0, 0, 0, 0], &[]),
        (0x41, 8, [8, 4, 0, 0], x),
        (0x300, 0, [3, 1, 0, 0], &["00"]),
    ]);
    // A negative advance: LVGL cannot store it, so the font is written as PCF.
    let negative = bdf(&[(0x41, 8, [8, 4, 0, 0], x), (0x42, -3, [8, 4, -8, 0], x)]);
    // Only code points above U+FFFF: PCF has nothing to hold, LVGL holds them all.
    let astral = bdf(&[(0x1F600, 9, [8, 4, 0, 0], x), (0x1F601, 9, [8, 4, 0, 0], x)]);
    write(r, "zero.bdf", zero.as_bytes());
    write(r, "negative.bdf", negative.as_bytes());
    write(r, "astral.bdf", astral.as_bytes());
    write(
        r,
        "broken.bdf",
        zero.replace("ENDCHAR\nSTARTCHAR c65", "STARTCHAR c65")
            .as_bytes(),
    );
    let src = tempfile::tempdir().expect("tempdir");
    copy_tree(r, src.path());
    let bk = tempfile::tempdir().expect("tempdir");
    let o = optimize(r, bk.path(), &["--font-format", "lvfontbin"]);
    let out = stdout(&o);
    assert!(r.join("zero.lvfontbin").exists());
    assert!(r.join("astral.lvfontbin").exists());
    assert!(r.join("negative.pcf").exists() && !r.join("negative.lvfontbin").exists());
    assert!(out.contains("negative DWIDTH"), "{out}");
    assert!(
        r.join("broken.bdf").exists() && out.contains("broken.bdf"),
        "{out}"
    );
    assert!(!r.join("broken.lvfontbin").exists() && !r.join("broken.pcf").exists());
    let s = src.path();
    check_font(
        &["--lv-formula"],
        &[
            vec![r.join("zero.lvfontbin"), s.join("zero.bdf")],
            vec![r.join("astral.lvfontbin"), s.join("astral.bdf")],
        ],
    );
    // Its two glyphs have one bitmap, stored once: the loader reads both through one offset
    // (--formula counts each distinct bitmap once).
    check_font(
        &["--formula"],
        &[vec![r.join("negative.pcf"), s.join("negative.bdf")]],
    );
    // As PCF the astral-only font has nothing to keep: a note, nothing written.
    let o = run(cpslim().arg("audit").arg(s).args(["--only", "fonts", "-v"]));
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("every glyph is above U+FFFF"), "{out}");
}

#[test]
fn lvfontbin_more_glyphs_than_ids_falls_back_to_pcf() {
    // 65,600 one-pixel glyphs from U+0020: more than LVGL's 65,535 glyph ids.
    let t = tempfile::tempdir().expect("tempdir");
    let glyphs: Vec<(u32, i32, [i32; 4], &[&str])> = (0x20..0x20 + 65_600u32)
        .map(|c| (c, 2, [1, 1, 0, 0], &["80"][..]))
        .collect();
    write(t.path(), "many.bdf", bdf(&glyphs).as_bytes());
    let o = run(cpslim().arg("audit").arg(t.path()).args([
        "--only",
        "fonts",
        "--font-format",
        "lvfontbin",
    ]));
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("LVGL glyph ids stop at 65535"), "{out}");
    assert!(
        out.contains("many.pcf") && !out.contains("many.lvfontbin"),
        "{out}"
    );
}

/// FontForge's BDF 2.2 export: METRICSSET, font-wide SWIDTH/DWIDTH (a glyph may omit its own),
/// SWIDTH1/DWIDTH1/VVECTOR lines. Read, not refused, and converted to both formats losslessly.
const FONTFORGE: &str = "STARTFONT 2.2\nCOMMENT Created by FontForge\n\
    FONT -FontForge-Test Sans-Medium-R-Normal--10-100-75-75-P-60-ISO10646-1\nSIZE 10 75 75\n\
    FONTBOUNDINGBOX 7 10 0 -2\nMETRICSSET 2\nSWIDTH 600 0\nDWIDTH 6 0\nSWIDTH1 0 1000\n\
    DWIDTH1 0 10\nVVECTOR 3 8\nSTARTPROPERTIES 3\nFONT_ASCENT 8\nFONT_DESCENT 2\n\
    DEFAULT_CHAR 32\nENDPROPERTIES\nCHARS 3\n\
    STARTCHAR space\nENCODING 32\nBBX 0 0 0 0\nBITMAP\nENDCHAR\n\
    STARTCHAR A\nENCODING 65\nSWIDTH 700 0\nDWIDTH 7 0\nSWIDTH1 0 1000\nDWIDTH1 0 10\n\
    VVECTOR 3 8\nBBX 5 7 1 0\nBITMAP\n20\n50\n88\n88\nF8\n88\n88\nENDCHAR\n\
    STARTCHAR g\nENCODING 103\nBBX 4 6 1 -2\nBITMAP\n70\n90\n90\n70\n10\nE0\nENDCHAR\nENDFONT\n";

#[test]
fn fontforge_bdf_2_2_is_read_and_converted() {
    for format in ["pcf", "lvfontbin"] {
        let t = tempfile::tempdir().expect("tempdir");
        let src = tempfile::tempdir().expect("tempdir");
        write(t.path(), "ff.bdf", FONTFORGE.as_bytes());
        write(src.path(), "ff.bdf", FONTFORGE.as_bytes());
        let bk = tempfile::tempdir().expect("tempdir");
        optimize(t.path(), bk.path(), &["--font-format", format]);
        let out = t.path().join(format!("ff.{format}"));
        assert!(out.exists(), "{format} not written");
        check_font(&[], &[vec![out, src.path().join("ff.bdf")]]);
    }
}

#[test]
fn the_terminal_font_is_neither_dead_weight_nor_converted() {
    let t = tempfile::tempdir().expect("tempdir");
    let r = t.path();
    let pcf = fs::read(fixture("fonts/6x13.pcf")).expect("fixture");
    write(r, "code.py", b"print('hello')\n");
    write(
        r,
        "settings.toml",
        b"CIRCUITPY_TERMINAL_FONT = \"/fonts/Term.pcf\"\n",
    );
    write(r, "fonts/term.pcf", &pcf);
    write(r, "fonts/other.pcf", &pcf);
    write(r, "fonts/terminal.lvfontbin", b"\x30\0\0\0head");
    let before = snapshot(r);
    let o = run(cpslim().arg("audit").arg(r).args([
        "-v",
        "--font-format",
        "lvfontbin",
        "--cp-version",
        "10.2.1",
    ]));
    assert_code(&o, 0);
    let out = stdout(&o);
    // The plan (the largest-files list after it may name them).
    let plan = out.split("\nstage ").next().unwrap_or("");
    // other.pcf shows the asset check and the conversion ran; the terminal fonts are left out.
    assert!(
        plan.contains("unreferenced asset") && plan.contains("fonts/other.lvfontbin"),
        "{out}"
    );
    assert!(
        !plan.contains("term.pcf") && !plan.contains("terminal.lvfontbin"),
        "{out}"
    );
    assert_eq!(snapshot(r), before);
}
