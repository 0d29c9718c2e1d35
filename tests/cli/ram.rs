//! The ram stage end to end: figures and advice in both reports, never a change.

use std::fs;
use std::path::Path;

use cpslim_testkit::images::{png, RawBmp};
use serde_json::Value;

use crate::util::{assert_code, cpslim, fixture, run, run_interop, snapshot, stderr, stdout};

/// 100×50, 4 bpp, biClrUsed = 5 (bottom-up, rows padded to 4 bytes).
fn five_colour_bmp() -> Vec<u8> {
    let (w, h) = (100u32, 50u32);
    let stride = (w * 4).div_ceil(32) * 4;
    let mut bmp = RawBmp::new(w as i32, h as i32, 4);
    bmp.clr_used = 5;
    bmp.palette = vec![
        [0, 0, 0],
        [255, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
        [255, 255, 255],
    ];
    for y in 0..h {
        for x in 0..stride {
            let (a, c) = ((x * 2 + y) % 5, (x * 2 + 1 + y) % 5);
            bmp.data
                .push(if x * 2 < w { ((a << 4) | c) as u8 } else { 0 });
        }
    }
    bmp.bytes()
}

const CODE: &str = "import displayio\nimport adafruit_imageload\nfrom adafruit_bitmap_font import bitmap_font\n\
bg, pal = adafruit_imageload.load(\"/bg.bmp\")\nfont = bitmap_font.load_font(\"/fonts/6x13.bdf\")\n";

fn drive() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    fs::create_dir_all(d.path().join("fonts")).expect("mkdir");
    fs::write(d.path().join("code.py"), CODE).expect("code");
    fs::write(d.path().join("bg.bmp"), five_colour_bmp()).expect("bmp");
    fs::copy(fixture("fonts/6x13.bdf"), d.path().join("fonts/6x13.bdf")).expect("font");
    d
}

fn json(args: &[&str], root: &Path) -> Value {
    let o = run(cpslim().arg("audit").arg(root).args(args).arg("--json"));
    assert_code(&o, 0);
    serde_json::from_slice(&o.stdout).expect("json")
}

fn ram_actions(v: &Value) -> Vec<Value> {
    v["stages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["name"] == "ram")
        .flat_map(|s| s["actions"].as_array().cloned().unwrap_or_default())
        .collect()
}

#[test]
fn audit_shows_a_ram_section_and_json_marks_advice_as_info_reports() {
    let d = drive();
    let o = run(cpslim().arg("audit").arg(d.path()));
    assert_code(&o, 0);
    let text = stdout(&o);
    let section = text
        .split("RAM on the board (advice only: nothing is changed)")
        .nth(1)
        .expect("RAM section");
    assert!(
        section.contains("code.py:4 adafruit_imageload.load(\"/bg.bmp\"): 2,680 B"),
        "{text}"
    );
    assert!(section.contains("advice: code.py:4"), "{text}");
    assert!(
        !text.contains("  ram "),
        "the ram stage is not in the plan or table:\n{text}"
    );

    let v = json(&[], d.path());
    let ram = ram_actions(&v);
    assert!(ram.len() >= 3, "{ram:?}");
    assert!(ram
        .iter()
        .all(|a| a["action"] == "report" && a["level"] == "info"));
    // The plan converts the BDF, so the figure is for the PCF it writes.
    assert!(ram.iter().any(|a| a["path"] == "fonts/6x13.pcf"
        && a["note"]
            .as_str()
            .unwrap()
            .contains("as converted to fonts/6x13.pcf")));
    let ram_stage = v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "ram")
        .unwrap();
    assert_eq!(ram_stage["saved_bytes"], 0);

    let skipped = json(&["--skip", "ram"], d.path());
    assert!(ram_actions(&skipped).is_empty());
    let o = run(cpslim().arg("audit").arg(d.path()).args(["--skip", "ram"]));
    assert!(!stdout(&o).contains("RAM on the board"));
}

#[test]
fn optimize_leaves_only_reports_and_a_second_run_changes_nothing() {
    let d = drive();
    let backups = tempfile::tempdir().expect("backups");
    let optimize = || {
        run(cpslim()
            .arg("optimize")
            .arg(d.path())
            .args(["--yes", "--json", "--backup-dir"])
            .arg(backups.path()))
    };
    assert_code(&optimize(), 0);
    let after = json(&[], d.path());
    let writes: Vec<&Value> = after["stages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["actions"].as_array().unwrap())
        .filter(|a| a["action"] != "report")
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
    // The code now loads the PCF; its figure is still there.
    assert!(ram_actions(&after)
        .iter()
        .any(|a| a["path"] == "fonts/6x13.pcf"
            && a["note"]
                .as_str()
                .unwrap()
                .starts_with("RAM: code.py:5 bitmap_font.load_font(\"/fonts/6x13.pcf\")")));
    let before = snapshot(d.path());
    assert_code(&optimize(), 0);
    assert_eq!(snapshot(d.path()), before);
}

/// What the real loaders hold for `file` (tests/interop/ram_check.py).
fn measured(kind: &str, file: &Path) -> u64 {
    let o = run_interop("ram_check.py", &[kind.as_ref(), file.as_os_str()]);
    assert!(o.status.success(), "ram_check.py {kind}: {}", stderr(&o));
    stdout(&o).trim().parse().expect("a number")
}

/// The first figure in bytes after `marker` in the ram note about `path`.
fn figure(v: &Value, path: &str, marker: &str) -> u64 {
    let notes: Vec<String> = ram_actions(v)
        .iter()
        .filter(|a| a["path"] == path)
        .filter_map(|a| a["note"].as_str().map(str::to_string))
        .collect();
    let note = notes
        .iter()
        .find(|n| n.contains(marker))
        .unwrap_or_else(|| panic!("no note on {path} with {marker:?}: {notes:?}"));
    let rest = &note[note.find(marker).unwrap() + marker.len()..];
    let digits: String = rest
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().expect("figure")
}

#[test]
fn figures_match_what_the_real_loaders_build() {
    let d = drive();
    fs::write(
        d.path().join("code.py"),
        format!("{CODE}odb = displayio.OnDiskBitmap(\"/bg.bmp\")\n"),
    )
    .expect("code");
    // The BDF as it is (fonts stage skipped) …
    let v = json(&["--skip", "fonts"], d.path());
    let bmp = d.path().join("bg.bmp");
    assert_eq!(
        figure(&v, "bg.bmp", "adafruit_imageload.load(\"/bg.bmp\"):"),
        measured("imageload", &bmp)
    );
    assert_eq!(
        figure(&v, "bg.bmp", "displayio.OnDiskBitmap(\"/bg.bmp\"):"),
        measured("ondisk", &bmp)
    );
    let bdf = d.path().join("fonts/6x13.bdf");
    assert_eq!(
        figure(&v, "fonts/6x13.bdf", "glyph(s):"),
        measured("font", &bdf)
    );
    // … and the PCF the fonts stage writes, predicted before it exists.
    let predicted = figure(&json(&[], d.path()), "fonts/6x13.pcf", "glyph(s):");
    let backups = tempfile::tempdir().expect("backups");
    let o = run(cpslim()
        .arg("optimize")
        .arg(d.path())
        .args(["--only", "fonts", "--yes", "--backup-dir"])
        .arg(backups.path()));
    assert_code(&o, 0);
    assert_eq!(
        predicted,
        measured("font", &d.path().join("fonts/6x13.pcf"))
    );
}

/// A PNG with an IHDR, a PLTE of `colors` entries (mode 3), one IDAT of `rows` and an IEND.
#[test]
fn png_figures_match_what_the_real_imageload_builds() {
    let d = tempfile::tempdir().expect("tempdir");
    // 30×10 at 4 bits with 3 colours, and 10×4 RGB at 8 bits; each row starts with filter 0.
    let indexed: Vec<u8> = (0..10)
        .flat_map(|_| [0u8].into_iter().chain([0x12; 15]))
        .collect();
    let rgb: Vec<u8> = (0..4)
        .flat_map(|_| [0u8].into_iter().chain([7; 30]))
        .collect();
    fs::write(d.path().join("i.png"), png(30, 10, 4, 3, 3, &indexed)).expect("png");
    fs::write(d.path().join("t.png"), png(10, 4, 8, 2, 0, &rgb)).expect("png");
    fs::write(
        d.path().join("code.py"),
        "a, p = adafruit_imageload.load(\"/i.png\")\nb, q = adafruit_imageload.load(\"/t.png\")\n",
    )
    .expect("code");
    let v = json(&[], d.path());
    for name in ["i.png", "t.png"] {
        let marker = format!("adafruit_imageload.load(\"/{name}\"):");
        assert_eq!(
            figure(&v, name, &marker),
            measured("imageload", &d.path().join(name)),
            "{name}"
        );
    }
}
