use std::fs;

use super::super::font::{face, glyph_ram, scale_for};
use super::super::plan;
use super::{advice_containing, bdf, drive, notes};

#[test]
fn glyph_ram_rule() {
    // 5 px wide → one 32-bit word per row × 7 rows = 28 B → one 32-byte block, + 48 + 48.
    assert_eq!(glyph_ram(5, 7), 128);
    // 33 px → two words × 2 rows = 16 B.
    assert_eq!(glyph_ram(33, 2), 112);
    assert_eq!(glyph_ram(0, 0), 96);
}

#[test]
fn font_figures_and_family_advice() {
    let code = "from adafruit_bitmap_font import bitmap_font\n\
        small = bitmap_font.load_font(\"/fonts/Face-12.bdf\")\n\
        big = bitmap_font.load_font(\"/fonts/Face-24.bdf\")\n\
        other = bitmap_font.load_font(\"/fonts/Other-24.bdf\")\n";
    let small = bdf("Face", 12, &[(5, 7), (33, 2)]);
    let big = bdf("Face", 24, &[(10, 14), (12, 14)]);
    let other = bdf("Other", 24, &[(10, 14)]);
    let big_len = big.len();
    let (_d, inv) = drive(&[
        ("code.py", code.into()),
        ("fonts/Face-12.bdf", small),
        ("fonts/Face-24.bdf", big),
        ("fonts/Other-24.bdf", other),
    ]);
    let p = plan(&inv, &[]);
    let n = notes(&p);
    // 128 + 112 = 240 B for both glyphs, 120 B each on average.
    assert!(
        n[0].contains("about 120 B per glyph") && n[0].contains("all 2 glyph(s): 240 B"),
        "{n:?}"
    );
    // 10×14: 56 B → 64 + 96 = 160; 12×14 the same: 320 B.
    assert!(n[1].contains("all 2 glyph(s): 320 B"), "{n:?}");
    assert_eq!(advice_containing(&p, "scale=2"), 1, "{n:?}");
    let advice = n.iter().find(|x| x.contains("scale=2")).expect("advice");
    assert!(
        advice.contains(&format!(
            "saves {} B of flash and up to 320 B of RAM",
            big_len
        )),
        "{advice}"
    );
    assert!(!advice.contains("Other-24"), "{advice}");
}

#[test]
fn no_family_advice_for_one_size_or_sizes_no_scale_reaches() {
    for (a, b) in [(12, 12), (12, 14), (12, 16)] {
        let code = "x = bitmap_font.load_font(\"/a.bdf\")\ny = bitmap_font.load_font(\"/b.bdf\")\n";
        let (_d, inv) = drive(&[
            ("code.py", code.into()),
            ("a.bdf", bdf("Face", a, &[(5, 7)])),
            ("b.bdf", bdf("Face", b, &[(5, 7)])),
        ]);
        let p = plan(&inv, &[]);
        assert_eq!(
            advice_containing(&p, "scale"),
            0,
            "{a}/{b}: {:?}",
            notes(&p)
        );
    }
}

#[test]
fn scale_and_face_rules() {
    assert_eq!(scale_for(24, 48), Some(2));
    assert_eq!(scale_for(16, 32), Some(2));
    assert_eq!(scale_for(12, 37), Some(3));
    assert_eq!(scale_for(24, 32), None);
    assert_eq!(scale_for(12, 14), None);
    let f = face(&bdf("Arial", 16, &[(1, 1)])).expect("face");
    assert_eq!(
        (
            f.family.as_str(),
            f.weight.as_str(),
            f.slant.as_str(),
            f.pixel_size
        ),
        ("arial", "bold", "r", 16)
    );
}

#[test]
fn label_advice_only_when_text_changes_in_a_loop() {
    let make = |body: &str| {
        format!(
            "import terminalio\nfrom adafruit_display_text import label\n\
             lbl = label.Label(terminalio.FONT, text=\"hi\")\n{body}"
        )
    };
    let changing = make("while True:\n    lbl.text = str(1)\n");
    let (_d, inv) = drive(&[("code.py", changing.into_bytes())]);
    let p = plan(&inv, &[]);
    // terminalio cell 6×12: 72 bits = 9 B per character; 20 characters: 120 px → 4 words × 12 rows.
    assert_eq!(
        advice_containing(&p, "code.py:3 label.Label's text changes"),
        1,
        "{:?}",
        notes(&p)
    );
    assert_eq!(
        advice_containing(&p, "about 9 B per character, 192 B for 20"),
        1
    );
    for body in [
        "lbl.text = \"once\"\n",
        "while True:\n    other.text = \"x\"\n",
    ] {
        let (_d, inv) = drive(&[("code.py", make(body).into_bytes())]);
        let p = plan(&inv, &[]);
        assert_eq!(advice_containing(&p, "label.Label"), 0, "{body}");
    }
    // The font as a keyword; a keyword that is not the font is not taken for it.
    let kw =
        "from adafruit_bitmap_font import bitmap_font\nfrom adafruit_display_text import label\n\
        f = bitmap_font.load_font(\"/a.bdf\")\nfont = 3\n\
        a = label.Label(text=\"x\", font=f)\nb = label.Label(color=font)\n\
        def tick():\n    a.text = \"y\"\n    b.text = \"z\"\n";
    let (_d, inv) = drive(&[
        ("code.py", kw.into()),
        ("a.bdf", bdf("Face", 12, &[(5, 7)])),
    ]);
    let p = plan(&inv, &[]);
    assert_eq!(
        advice_containing(&p, "code.py:5 label.Label"),
        1,
        "{:?}",
        notes(&p)
    );
    // The cell: average ASCII advance (5 + 1) × line height (ascent 12 + descent 0).
    assert_eq!(
        advice_containing(&p, "about 9 B per character"),
        1,
        "{:?}",
        notes(&p)
    );
    assert_eq!(
        advice_containing(&p, "this 6×12 font"),
        1,
        "{:?}",
        notes(&p)
    );
    assert_eq!(
        advice_containing(&p, "code.py:6 label.Label"),
        0,
        "{:?}",
        notes(&p)
    );
    let bitmap_label = "from adafruit_display_text import bitmap_label\n\
        lbl = bitmap_label.Label(terminalio.FONT)\nwhile True:\n    lbl.text = \"x\"\n";
    let (_d, inv) = drive(&[("code.py", bitmap_label.into())]);
    assert_eq!(advice_containing(&plan(&inv, &[]), "label.Label"), 0);
}

#[test]
fn face_from_pcf_properties() {
    let root = cpslim_testkit::fixture("fonts");
    let pcf = fs::read(root.join("6x13.pcf")).expect("fixture");
    let f = face(&pcf).expect("bdftopcf writes PROPERTIES");
    assert_eq!(
        (
            f.family.as_str(),
            f.weight.as_str(),
            f.slant.as_str(),
            f.pixel_size
        ),
        ("fixed", "medium", "r", 13)
    );
    // cpslim's own minimal PCF has no PROPERTIES table: no face, so no family advice.
    let bdf = fs::read(root.join("6x13.bdf")).expect("fixture");
    let font = crate::stages::fonts::bdf::parse(&bdf).expect("bdf").font;
    let (ours, _) = crate::stages::fonts::build(&font).expect("pcf");
    assert_eq!(face(&ours), None);
    assert_eq!(face(b"\x01fcp\xff\xff\xff\xff"), None);
    assert_eq!(face(&pcf[..200]), None);
}
