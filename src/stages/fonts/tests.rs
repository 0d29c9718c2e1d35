use super::*;
use crate::config::FontOptions;
use crate::plan::ActionKind;
use crate::scan::scan_test_folder;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(cpslim_testkit::fixture("fonts").join(name)).expect("fixture")
}

fn plan_for(files: &[(&str, &[u8])], charset: Option<&str>) -> StagePlan {
    let opts = FontOptions {
        charset: charset.map(String::from),
        ..FontOptions::default()
    };
    plan_with(files, opts)
}

fn plan_with(files: &[(&str, &[u8])], fonts: FontOptions) -> StagePlan {
    let t = cpslim_testkit::drive_with(files);
    let inv = scan_test_folder(t.path(), None, None);
    let cfg = Config {
        fonts,
        ..Config::default()
    };
    plan(&inv, &cfg).expect("plan")
}

fn lv() -> FontOptions {
    FontOptions {
        format: crate::config::FontFormat::Lvfontbin,
        ..FontOptions::default()
    }
}

fn create(p: &StagePlan) -> &Action {
    p.actions
        .iter()
        .find(|a| a.kind() == ActionKind::Create)
        .expect("create")
}

#[test]
fn lvfontbin_from_bdf_and_pcf_follows_the_code() {
    let bdf = fixture("6x13.bdf");
    let pcf = fixture("junction-ascii.pcf");
    let p = plan_with(
        &[
            ("code.py", b"a = '/fonts/6x13.bdf'\nb = \"fonts/j.pcf\"\n"),
            ("fonts/6x13.bdf", &bdf),
            ("fonts/j.pcf", &pcf),
        ],
        lv(),
    );
    let made: Vec<&str> = p
        .actions
        .iter()
        .filter(|a| a.kind() == ActionKind::Create)
        .filter_map(|a| a.path.to_str())
        .collect();
    assert_eq!(made, vec!["fonts/6x13.lvfontbin", "fonts/j.lvfontbin"]);
    let edit = p
        .actions
        .iter()
        .find(|a| a.kind() == ActionKind::Edit)
        .expect("edit");
    assert_eq!(
        edit.content(),
        Some(&b"a = '/fonts/6x13.lvfontbin'\nb = \"fonts/j.lvfontbin\"\n"[..])
    );
    let lv = lvfont::check(create(&p).content().expect("bytes")).expect("valid");
    assert_eq!(lv.glyphs.len(), 223);
    // No library on this drive: the note says which version the board needs.
    assert!(create(&p).note.contains("2.2.0"), "{}", create(&p).note);
    for path in ["fonts/6x13.bdf", "fonts/j.pcf"] {
        assert!(p
            .actions
            .iter()
            .any(|a| a.kind() == ActionKind::Delete && a.path.to_str() == Some(path)));
    }
}

#[test]
fn an_old_bitmap_font_library_gets_pcf_and_the_reason() {
    let bdf = fixture("6x13.bdf");
    let p = plan_with(
        &[
            ("fonts/6x13.bdf", &bdf),
            (
                "lib/adafruit_bitmap_font/bitmap_font.py",
                b"__version__ = \"2.1.4\"\n",
            ),
            (
                "lib/adafruit_bitmap_font/pcf.py",
                b"__version__ = \"2.1.4\"\n",
            ),
        ],
        lv(),
    );
    let c = create(&p);
    assert_eq!(c.path.to_str(), Some("fonts/6x13.pcf"));
    assert!(
        c.note.contains("PCF, not LVGL") && c.note.contains("2.1.4"),
        "{}",
        c.note
    );
    // A library with the LVGL reader: LVGL.
    let p = plan_with(
        &[
            ("fonts/6x13.bdf", &bdf),
            (
                "lib/adafruit_bitmap_font/bitmap_font.py",
                b"__version__ = \"2.5.1\"\n",
            ),
        ],
        lv(),
    );
    assert_eq!(create(&p).path.to_str(), Some("fonts/6x13.lvfontbin"));
}

#[test]
fn pcf_plans_say_what_lvgl_would_save() {
    let bdf = fixture("6x13.bdf");
    let p = plan_for(&[("fonts/6x13.bdf", &bdf)], None);
    let c = create(&p);
    // 6x13 as LVGL is 2,280 B; its PCF 9,619 B.
    assert!(
        c.note.contains("as LVGL")
            && c.note.contains("2.2 KiB")
            && c.note.contains("load more slowly"),
        "{}",
        c.note
    );
}

#[test]
fn fonts_left_as_bdf_say_what_lvgl_would_save_against_the_bdf() {
    // Every code point of the synth font spans a wide PCF encoding rectangle: left as BDF.
    let bdf = fixture("synth.bdf");
    let p = plan_for(&[("fonts/synth.bdf", &bdf)], None);
    let warn = p
        .actions
        .iter()
        .find(|a| a.note.contains("not smaller"))
        .expect("left as BDF");
    let lv = convert::encode(bdf::parse(&bdf).expect("bdf").font, true)
        .expect("lvgl")
        .bytes
        .len() as u64;
    let saved = crate::units::format_size(bdf.len() as u64 - lv);
    assert!(
        warn.note.contains(&format!("{saved} less")),
        "{} (expected {saved} less)",
        warn.note
    );
}

#[test]
fn the_terminal_font_is_never_touched() {
    let bdf = fixture("6x13.bdf");
    let p = plan_with(
        &[
            ("fonts/terminal.bdf", &bdf),
            ("fonts/term.bdf", &bdf),
            (
                "settings.toml",
                b"CIRCUITPY_TERMINAL_FONT = \"/fonts/term.bdf\" # mine\n",
            ),
        ],
        lv(),
    );
    assert!(
        p.actions
            .iter()
            .all(|a| a.path.to_str() != Some("fonts/term.bdf")),
        "the named terminal font is neither converted nor deleted"
    );
    // terminal.bdf may be converted, but never into the firmware's terminal font name.
    let c = create(&p);
    assert_eq!(c.path.to_str(), Some("fonts/terminal.pcf"));
    assert!(c.note.contains("terminal font"), "{}", c.note);
}

#[test]
fn auto_charset_adds_the_codes_non_ascii_characters() {
    let font = fixture("6x13.bdf");
    let p = plan_for(
        &[
            (
                "code.py",
                "print(\"23\u{b0}C \u{b1}1\")\n# caf\u{e9}\n".as_bytes(),
            ),
            ("fonts/6x13.bdf", &font),
        ],
        Some("auto"),
    );
    let create = p
        .actions
        .iter()
        .find(|a| a.kind() == ActionKind::Create)
        .expect("create");
    let f = pcf::read(create.content().expect("content")).expect("read");
    assert!(f.glyph(0xB0).is_some() && f.glyph(0xB1).is_some() && f.glyph(0x41).is_some());
    assert!(f.glyph(0xE9).is_none(), "comments are not literals");
    assert_eq!(f.glyphs.len(), 95 + 2 + 1, "ascii, ° ±, DEFAULT_CHAR 0");
}

#[test]
fn delete_waits_for_the_pcf_and_the_code_edit() {
    let font = fixture("6x13.bdf");
    let p = plan_for(
        &[
            ("code.py", b"f = load_font('/fonts/6x13.bdf')\n"),
            ("fonts/6x13.bdf", &font),
        ],
        None,
    );
    let kinds: Vec<ActionKind> = p.actions.iter().map(|a| a.kind()).collect();
    assert_eq!(
        kinds,
        vec![ActionKind::Create, ActionKind::Edit, ActionKind::Delete]
    );
    assert_eq!(p.actions[1].requires, vec![0]);
    assert_eq!(p.actions[2].requires, vec![0, 1]);
    assert_eq!(
        p.actions[1].content(),
        Some(&b"f = load_font('/fonts/6x13.pcf')\n"[..])
    );
}

#[test]
fn a_literal_we_cannot_rewrite_blocks_the_conversion() {
    let font = fixture("6x13.bdf");
    let p = plan_for(
        &[
            ("code.py", b"f = load_font('/fonts/6x13.b\\x64f')\n"),
            ("fonts/6x13.bdf", &font),
        ],
        None,
    );
    assert!(p.actions.iter().all(|a| a.kind() == ActionKind::Report));
    assert!(p.actions.iter().any(|a| a.note.contains("by hand")));
}

/// Damaged fonts of every kind: errors or valid results, never a panic.
#[test]
fn damaged_fonts_never_panic() {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut rnd = move |m: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as usize
    };
    for name in [
        "synth.bdf",
        "6x13.bdf",
        "6x13.pcf",
        "synth.pcf",
        "junction-ascii.pcf",
    ] {
        let good = fixture(name);
        for i in 0..300 {
            let mut b = good.clone();
            if i % 3 == 0 {
                b.truncate(rnd(good.len()));
            } else {
                for _ in 0..1 + rnd(8) {
                    let at = rnd(b.len());
                    b[at] = if i % 3 == 1 {
                        rnd(256) as u8
                    } else {
                        b[at] ^ 0xFF
                    };
                }
            }
            let font = if name.ends_with("bdf") {
                bdf::parse(&b).ok().map(|f| f.font)
            } else {
                pcf::read(&b).ok()
            };
            if let Some(f) = font {
                let _ = build(&f);
                let _ = convert::encode(f, true);
            }
        }
    }
    // Damaged LVGL files: the checker refuses them or reads them, never panics.
    let f = bdf::parse(&fixture("synth.bdf")).expect("synth").font;
    let good = convert::encode(f, true).expect("lvgl").bytes;
    for i in 0..600 {
        let mut b = good.clone();
        if i % 3 == 0 {
            b.truncate(rnd(good.len()));
        } else {
            for _ in 0..1 + rnd(8) {
                let at = rnd(b.len());
                b[at] = if i % 3 == 1 { rnd(256) as u8 } else { !b[at] };
            }
        }
        let _ = lvfont::check(&b);
    }
}

#[test]
fn run_time_font_paths_are_warned_about() {
    let font = fixture("6x13.bdf");
    let p = plan_for(
        &[
            ("code.py", b"n = '6x13'\nf = load_font(f'/fonts/{n}.bdf')\n"),
            ("fonts/6x13.bdf", &font),
        ],
        None,
    );
    let warn = p
        .actions
        .iter()
        .find(|a| a.kind() == ActionKind::Report)
        .expect("report");
    assert!(warn.note.contains("code.py:2"), "{}", warn.note);
    assert_eq!(warn.level, crate::plan::Level::Warning);
}
