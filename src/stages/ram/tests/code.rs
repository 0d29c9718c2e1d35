use super::super::code::{uses, Loader};

#[test]
fn finds_each_loader_with_lines_targets_and_literal_paths() {
    let src = "import displayio, terminalio\nimport adafruit_imageload\nfrom adafruit_bitmap_font import bitmap_font\n\
        BG = \"/bg.bmp\"\n\
        bmp, pal = adafruit_imageload.load(BG, bitmap=displayio.Bitmap, palette=displayio.Palette)\n\
        odb = displayio.OnDiskBitmap(open(\"/solid.bmp\", \"rb\"))\n\
        font = bitmap_font.load_font(\"fonts/a.bdf\")\n\
        name = \"x\"\n\
        dyn = bitmap_font.load_font(f\"fonts/{name}.bdf\")\n\
        t = terminalio.FONT\n";
    let u = uses(src);
    let got: Vec<(Loader, usize, Option<&str>, Option<&str>)> = u
        .loads
        .iter()
        .map(|l| (l.loader, l.line, l.path.as_deref(), l.target.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Loader::ImageLoad, 5, Some("/bg.bmp"), Some("bmp")),
            (Loader::OnDiskBitmap, 6, Some("/solid.bmp"), Some("odb")),
            (Loader::LoadFont, 7, Some("fonts/a.bdf"), Some("font")),
            (Loader::LoadFont, 9, None, Some("dyn")),
            (Loader::Terminalio, 10, None, None),
        ]
    );
    assert!(u.loads.iter().all(|l| !l.modified));
}

#[test]
fn modification_after_loading_is_seen() {
    let base = "b, p = adafruit_imageload.load(\"/bg.bmp\")\n";
    for change in [
        "b[3, 4] = 1\n",
        "b[0] += 1\n",
        "b.fill(0)\n",
        "bitmaptools.rotozoom(dest, b, angle=1)\n",
        "def paint(x):\n    x[0] = 1\npaint(b)\n",
    ] {
        let u = uses(&format!("{base}{change}"));
        assert!(u.loads[0].modified, "{change}");
    }
    for harmless in ["x = b[3, 4]\n", "if b[0] == 1:\n    pass\n", "c[0] = 1\n"] {
        let u = uses(&format!("{base}{harmless}"));
        assert!(!u.loads[0].modified, "{harmless}");
    }
}

#[test]
fn broken_or_hostile_source_yields_no_panic_and_no_guess() {
    for src in [
        "(",
        "x = adafruit_imageload.load(",
        "x = adafruit_imageload.load(\"/a.bmp\"",
        "lbl = label.Label(\nwhile True:\n    lbl.text = 1",
        "a, = displayio.OnDiskBitmap(\"/a.bmp\")\na[0] = 1",
        "= displayio.OnDiskBitmap('/a.bmp')",
        "\u{feff}f = bitmap_font.load_font('/a.bdf' 'b')",
        "def f(:\n\tx = bitmap_font.load_font(b'/a.bdf')\n",
    ] {
        let u = uses(src);
        assert!(
            u.loads.iter().all(|l| l.path.as_deref() != Some("/a.bdfb")),
            "{src}"
        );
    }
    // Adjacent literals and bytes are built or typed differently at run time: no path.
    assert_eq!(
        uses("f = bitmap_font.load_font('/a.bdf' 'b')").loads[0].path,
        None
    );
    assert_eq!(
        uses("f = bitmap_font.load_font(b'/a.bdf')").loads[0].path,
        None
    );
}

#[test]
fn a_function_defined_before_the_load_counts() {
    let src = "def tick():\n    bg[1, 1] = 3\nbg, pal = adafruit_imageload.load(\"/bg.bmp\")\nwhile True:\n    tick()\n";
    assert!(uses(src).loads[0].modified);
}
