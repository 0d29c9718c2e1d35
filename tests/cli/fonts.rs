//! Fonts stage, end to end: the binary converts, subsets and repacks, and the real
//! adafruit_bitmap_font (CPython + Blinka) loads every PCF it writes and draws the same glyphs
//! as the source (checked by tests/interop/check_font.py with its own BDF reader).

use std::fs;
use std::path::Path;

use crate::util::*;

const CODE: &str = "import board\nfrom adafruit_bitmap_font import bitmap_font\n\
    FONT = bitmap_font.load_font(\"/fonts/6x13.bdf\")  # the clock\n\
    small = bitmap_font.load_font('fonts/synth.bdf')\nprint(\"23\u{b0}C\")\n";
const UI: &str = "from adafruit_bitmap_font import bitmap_font\n\
    def big():\n    return bitmap_font.load_font(r\"/fonts/6x13.bdf\")\n";

/// A project folder with BDFs named by code, a bdftopcf PCF and an unreferenced BDF.
pub(crate) fn drive() -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    let r = t.path();
    for (from, to) in [
        ("6x13.bdf", "fonts/6x13.bdf"),
        ("synth.bdf", "fonts/synth.bdf"),
        ("6x13.pcf", "fonts/fixed.pcf"),
        ("junction-ascii.pcf", "fonts/junction-ascii.pcf"),
        ("Junction-regular-24.bdf", "Junction-regular-24.bdf"),
        ("synth.pcf", "fonts/synth-x11.pcf"),
        ("6x13-digits-p1-lsb.pcf", "fonts/digits-p1.pcf"),
        ("6x13-digits-p2-u4-swap.pcf", "fonts/digits-p2.pcf"),
    ] {
        write(
            r,
            to,
            &fs::read(fixture(&format!("fonts/{from}"))).expect("fixture"),
        );
    }
    write(r, "code.py", CODE.as_bytes());
    write(r, "lib/ui.py", UI.as_bytes());
    t
}

pub(crate) fn optimize(root: &Path, backup: &Path, extra: &[&str]) -> std::process::Output {
    let o = run(cpslim()
        .arg("optimize")
        .arg(root)
        .args(["--only", "fonts", "--yes", "--backup-dir"])
        .arg(backup)
        .args(extra));
    assert_code(&o, 0);
    o
}

/// Run check_font.py; `pairs` are (written PCF, source font) under the two roots.
fn interop(extra: &[&str], pairs: &[(&Path, &Path)]) {
    let items: Vec<Vec<&Path>> = pairs.iter().map(|(out, src)| vec![*out, *src]).collect();
    check_font(extra, &items);
}

#[test]
fn fonts_convert_losslessly_edit_code_and_restore() {
    let t = drive();
    let orig = tempfile::tempdir().expect("tempdir");
    copy_tree(t.path(), orig.path());
    let before = snapshot(t.path());
    let bk = tempfile::tempdir().expect("tempdir");
    let o = optimize(t.path(), bk.path(), &[]);
    let out = stdout(&o);
    let r = t.path();

    assert!(r.join("fonts/6x13.pcf").exists() && !r.join("fonts/6x13.bdf").exists());
    let code = fs::read_to_string(r.join("code.py")).expect("code.py");
    assert_eq!(code, CODE.replace("/fonts/6x13.bdf", "/fonts/6x13.pcf"));
    let ui = fs::read_to_string(r.join("lib/ui.py")).expect("ui.py");
    assert_eq!(ui, UI.replace(".bdf", ".pcf"));
    // synth's full PCF would be larger than the BDF (far code points): left alone, and said so.
    assert!(r.join("fonts/synth.bdf").exists() && !r.join("fonts/synth.pcf").exists());
    assert!(out.contains("not smaller"), "{out}");
    for p in [
        "fonts/fixed.pcf",
        "fonts/junction-ascii.pcf",
        "fonts/synth-x11.pcf",
        "fonts/digits-p1.pcf",
        "fonts/digits-p2.pcf",
    ] {
        let a = fs::metadata(r.join(p)).expect("output").len();
        let b = fs::metadata(orig.path().join(p)).expect("original").len();
        assert!(a < b, "{p} not repacked smaller");
    }
    interop(
        &[],
        &[
            (
                &r.join("fonts/6x13.pcf"),
                &orig.path().join("fonts/6x13.bdf"),
            ),
            (
                &r.join("fonts/fixed.pcf"),
                &orig.path().join("fonts/fixed.pcf"),
            ),
            (
                &r.join("fonts/junction-ascii.pcf"),
                &orig.path().join("fonts/junction-ascii.pcf"),
            ),
            // bdftopcf kept ENCODING -1 300 as U+012C and stored the unencoded glyph.
            (
                &r.join("fonts/synth-x11.pcf"),
                &orig.path().join("fonts/synth-x11.pcf"),
            ),
        ],
    );
    // Formats the loader rejects (pad 1 LSB first; pad 2, unit 4, bytes swapped): repacked
    // into 0xE they load and draw what the BDF they came from draws (their accelerators hold
    // bdftopcf's ink bounds, kept as they are, so only glyphs are compared with the BDF).
    interop(
        &["--glyphs-only"],
        &[
            (
                &r.join("fonts/digits-p1.pcf"),
                &fixture("fonts/6x13-digits.bdf"),
            ),
            (
                &r.join("fonts/digits-p2.pcf"),
                &fixture("fonts/6x13-digits.bdf"),
            ),
        ],
    );

    let backup = fs::read_dir(bk.path())
        .expect("backup dir")
        .next()
        .expect("one backup")
        .expect("entry")
        .path();
    let o = run(cpslim()
        .arg("restore")
        .arg(r)
        .arg("--from")
        .arg(backup)
        .arg("--yes"));
    assert_code(&o, 0);
    assert_eq!(snapshot(r), before, "restore is byte-identical");
}

#[test]
fn fonts_ascii_subset_matches_source_and_size_formula() {
    let t = drive();
    // otf2bdf output as Adafruit's guides ship it (proportional, 561 glyphs up to U+FB02).
    let spartan = fs::read(asset("demo-drive/fonts/LeagueSpartan-Bold-16.bdf")).expect("asset");
    write(t.path(), "fonts/spartan.bdf", &spartan);
    let orig = tempfile::tempdir().expect("tempdir");
    copy_tree(t.path(), orig.path());
    let bk = tempfile::tempdir().expect("tempdir");
    let o = optimize(t.path(), bk.path(), &["--charset", "ascii", "-v"]);
    let out = stdout(&o);
    let (r, s) = (t.path(), orig.path());
    assert!(out.contains("not referenced in code"), "{out}");
    assert!(r.join("fonts/synth.pcf").exists() && !r.join("fonts/synth.bdf").exists());
    assert!(fs::read_to_string(r.join("code.py"))
        .expect("code")
        .contains("'fonts/synth.pcf'"));
    interop(
        &["--charset", "ascii", "--formula"],
        &[
            (&r.join("fonts/6x13.pcf"), &s.join("fonts/6x13.bdf")),
            (&r.join("fonts/synth.pcf"), &s.join("fonts/synth.bdf")),
            (&r.join("fonts/fixed.pcf"), &s.join("fonts/fixed.pcf")),
            (
                &r.join("fonts/junction-ascii.pcf"),
                &s.join("fonts/junction-ascii.pcf"),
            ),
            (
                &r.join("Junction-regular-24.pcf"),
                &s.join("Junction-regular-24.bdf"),
            ),
            (&r.join("fonts/spartan.pcf"), &s.join("fonts/spartan.bdf")),
        ],
    );
}

#[test]
fn fonts_thousands_of_glyphs() {
    let t = tempfile::tempdir().expect("tempdir");
    let src = tempfile::tempdir().expect("tempdir");
    let bdf = cpslim::stages::fonts::synth::bdf(3000);
    write(t.path(), "big.bdf", &bdf);
    write(src.path(), "big.bdf", &bdf);
    let bk = tempfile::tempdir().expect("tempdir");
    optimize(t.path(), bk.path(), &[]);
    interop(
        &[],
        &[(&t.path().join("big.pcf"), &src.path().join("big.bdf"))],
    );
}

#[test]
fn fonts_keep_names_subsets_bdf_in_place() {
    let t = drive();
    let bk = tempfile::tempdir().expect("tempdir");
    optimize(
        t.path(),
        bk.path(),
        &["--keep-names", "--charset", "digits"],
    );
    let r = t.path();
    assert_eq!(fs::read_to_string(r.join("code.py")).expect("code"), CODE);
    let text = fs::read_to_string(r.join("fonts/6x13.bdf")).expect("bdf");
    // digits (0-9 and ` .,:-+%°`) and the DEFAULT_CHAR glyph 0.
    assert!(text.contains("\nCHARS 19\n"), "CHARS line not rewritten");
    assert!(text.contains("STARTCHAR degree\nENCODING 176") && !text.contains("ENCODING 65\n"));
    assert!(!r.join("fonts/6x13.pcf").exists());
    // The subset BDF still loads with adafruit's own BDF loader and draws the same glyphs.
    interop(
        &["--charset", "digits"],
        &[(&r.join("fonts/6x13.bdf"), &fixture("fonts/6x13.bdf"))],
    );
}

const BAD: [(&str, &str, &str); 7] = [
    (
        "missing ENDCHAR",
        "ENDCHAR\n\nSTARTCHAR uni25C6",
        "\nSTARTCHAR uni25C6",
    ),
    ("row too long", "\nBITMAP\n", "\nBITMAP\n0000FF\n"),
    (
        "BBX larger than data",
        "BBX 6 13 0 -2\nBITMAP\n00\n",
        "BBX 6 14 0 -2\nBITMAP\n00\n",
    ),
    ("huge BBX", "BBX 6 13 0 -2", "BBX 6 1300000000 0 -2"),
    ("non-hex row", "\nBITMAP\n00\n", "\nBITMAP\nZZ\n"),
    ("truncated", "ENDFONT\n", ""),
    ("no bitmap", "BITMAP\n", "BIT\n"),
];

#[test]
fn fonts_bad_input_is_reported_and_left_alone() {
    let good = fs::read_to_string(fixture("fonts/6x13.bdf")).expect("fixture");
    let t = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for (i, (what, from, to)) in BAD.iter().enumerate() {
        let bad = good.replacen(from, to, 1);
        assert!(bad != good, "{what}: pattern not found");
        let rel = format!("bad{i}.bdf");
        write(t.path(), &rel, bad.as_bytes());
        files.push((rel, bad));
    }
    let pcf = fs::read(fixture("fonts/6x13.pcf")).expect("pcf");
    let cut = pcf.get(..pcf.len() / 2).expect("half");
    write(t.path(), "cut.pcf", cut);
    write(t.path(), "garbage.pcf", b"\x01fcp\xff\xff\xff\xff");
    let bk = tempfile::tempdir().expect("tempdir");
    let o = optimize(t.path(), bk.path(), &[]);
    let out = stdout(&o);
    for (rel, bad) in &files {
        assert_eq!(
            fs::read_to_string(t.path().join(rel)).expect("read"),
            *bad,
            "{rel} changed"
        );
        assert!(out.contains(rel.as_str()), "{rel} not reported:\n{out}");
        assert!(!t.path().join(rel).with_extension("pcf").exists());
    }
    assert_eq!(fs::read(t.path().join("cut.pcf")).expect("cut"), cut);
    assert!(
        out.contains("cut.pcf") && out.contains("garbage.pcf"),
        "{out}"
    );
}

#[test]
fn fonts_bad_charset_is_a_usage_error() {
    let t = drive();
    let before = snapshot(t.path());
    let o = run(cpslim().arg("optimize").arg(t.path()).args([
        "--only",
        "fonts",
        "--yes",
        "--charset",
        "asci",
    ]));
    assert_code(&o, 2);
    assert_eq!(snapshot(t.path()), before);
}
