//! `--charset auto` keeps what the user's code can show: the string literals of the code the board
//! runs and the user's own modules (no docstrings, no library source), plus printable ASCII. The
//! set does not depend on whether libraries are `.py`, `.mpy` or gone. Lossy sets and fetched text
//! are warned about; a BDF whose `CHARS` line is wrong still converts (the loader ignores it).

use std::ffi::OsStr;
use std::fs;
use std::path::Path;

use crate::util::*;

const CODE: &str = "\"\"\"Thermometer – a docstring the display never shows: ÿ\"\"\"\n\
import board\nimport adafruit_ticks\nfrom helpers import unit\nfrom adafruit_bitmap_font import bitmap_font\n\
FONT = bitmap_font.load_font(\"/fonts/6x13.bdf\")\n# a comment: ß\nprint(f\"21 {unit()}\")\n";
const HELPERS: &str = "def unit():\n    \"\"\"Docstring: þ\"\"\"\n    return \"°C, é\"\n";
const UNUSED_USER: &str = "print('ñ')\n";
const LIBRARY_PY: &str = "\"\"\"A library — its text is not the user's: ¿\"\"\"\nimport time\n\n\
def ticks_ms():\n    return int(time.monotonic() * 1000)  # ¡\n\nNAME = \"Ø¤\"\n";

fn drive(library: Option<&str>) -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    let r = t.path();
    write(r, "boot_out.txt", b"Adafruit CircuitPython 10.2.1 on 2026-05-12; Adafruit Feather ESP32-S3 TFT with ESP32S3\r\nBoard ID:adafruit_feather_esp32s3_tft\r\n");
    write(r, "code.py", CODE.as_bytes());
    write(r, "lib/helpers.py", HELPERS.as_bytes());
    write(r, "lib/old_project.py", UNUSED_USER.as_bytes());
    write(
        r,
        "fonts/6x13.bdf",
        &fs::read(fixture("fonts/6x13.bdf")).expect("font"),
    );
    match library {
        Some("py") => write(r, "lib/adafruit_ticks.py", LIBRARY_PY.as_bytes()),
        Some("mpy") => write(
            r,
            "lib/adafruit_ticks.mpy",
            &fs::read(fixture("deadweight/bundle10/lib/adafruit_ticks.mpy")).expect("mpy"),
        ),
        _ => {}
    }
    t
}

fn audit(root: &Path, flags: &[&str]) -> (String, serde_json::Value) {
    let o = run(cpslim()
        .arg("audit")
        .arg(root)
        .args(["--only", "fonts", "-v"])
        .args(flags));
    assert_code(&o, 0);
    let j = run(cpslim()
        .arg("audit")
        .arg(root)
        .args(["--only", "fonts", "--json"])
        .args(flags));
    assert_code(&j, 0);
    (stdout(&o), serde_json::from_slice(&j.stdout).expect("json"))
}

/// The PCF the plan creates: (note, bytes).
fn pcf_create(json: &serde_json::Value) -> (String, u64) {
    let a = json["stages"][0]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["action"] == "create")
        .expect("a PCF is planned");
    (
        a["note"].as_str().expect("note").to_string(),
        a["bytes_after"].as_u64().expect("bytes"),
    )
}

#[test]
fn auto_is_the_users_running_text_whatever_form_the_libraries_take() {
    let mut seen = Vec::new();
    for form in [Some("py"), Some("mpy"), None] {
        let d = drive(form);
        let (text, json) = audit(d.path(), &["--charset", "auto", "--prune"]);
        let kept = text
            .lines()
            .find(|l| l.contains("--charset auto keeps"))
            .unwrap_or_else(|| panic!("-v does not say what auto kept:\n{text}"))
            .to_string();
        for c in ['°', 'é'] {
            assert!(kept.contains(c), "{form:?}: {c} missing: {kept}");
        }
        // Docstrings, comments, library source and modules nothing imports are not shown text.
        for c in ['ÿ', 'ß', 'þ', 'ñ', '¿', '¡', 'Ø', '¤', '–', '—'] {
            assert!(!kept.contains(c), "{form:?}: {c} kept: {kept}");
        }
        seen.push((kept, pcf_create(&json)));
    }
    assert!(
        seen.windows(2).all(|w| w[0] == w[1]),
        "the set depends on the libraries' form: {seen:#?}"
    );
}

#[test]
fn fetched_text_is_named_with_latin1() {
    let d = drive(Some("py"));
    let (text, _) = audit(d.path(), &["--charset", "auto"]);
    assert!(!text.contains("fetched text"), "{text}");
    let code = format!("import adafruit_requests\n{CODE}");
    write(d.path(), "code.py", code.as_bytes());
    let (text, _) = audit(d.path(), &["--charset", "auto"]);
    let line = text
        .lines()
        .find(|l| l.contains("fetched text"))
        .unwrap_or_else(|| panic!("no fetched-text warning:\n{text}"));
    assert!(line.contains("code.py imports adafruit_requests"), "{line}");
    assert!(line.contains("--charset latin1"), "{line}");
    write(
        d.path(),
        "code.py",
        format!("{CODE}with open('quotes.txt') as f:\n    q = f.read()\n").as_bytes(),
    );
    let (text, _) = audit(d.path(), &["--charset", "auto"]);
    assert!(text.contains("code.py calls open()"), "{text}");
}

#[test]
fn a_lossy_charset_lists_what_the_code_loses() {
    let d = drive(Some("py"));
    let (text, _) = audit(d.path(), &["--charset", "ascii"]);
    let line = text
        .lines()
        .find(|l| l.contains("--charset ascii drops"))
        .unwrap_or_else(|| panic!("no lossy warning:\n{text}"));
    assert!(
        line.contains("2 character(s)") && line.contains('°') && line.contains('é'),
        "{line}"
    );
    // `digits` drops many: a handful are listed, then a count.
    let (text, _) = audit(d.path(), &["--charset", "digits"]);
    let line = text
        .lines()
        .find(|l| l.contains("--charset digits drops"))
        .unwrap_or_else(|| panic!("no lossy warning:\n{text}"));
    assert!(line.contains(" more"), "{line}");
    // latin1 keeps everything the code shows: no warning.
    let (text, _) = audit(d.path(), &["--charset", "latin1"]);
    assert!(!text.contains("drops"), "{text}");
}

#[test]
fn a_wrong_chars_line_is_a_note_and_the_font_still_loads() {
    let d = drive(None);
    let good = fs::read_to_string(fixture("fonts/6x13.bdf")).expect("font");
    let bad = good.replacen("CHARS 223", "CHARS 3361", 1);
    assert_ne!(bad, good);
    write(d.path(), "fonts/6x13.bdf", bad.as_bytes());
    let src = tempfile::tempdir().expect("src");
    write(src.path(), "6x13.bdf", bad.as_bytes());
    let bk = tempfile::tempdir().expect("bk");
    let o = run(cpslim()
        .arg("optimize")
        .arg(d.path())
        .args(["--only", "fonts", "--yes", "--backup-dir"])
        .arg(bk.path()));
    assert_code(&o, 0);
    assert!(
        stdout(&o).contains("CHARS says 3361 glyphs but the file has 223"),
        "{}",
        stdout(&o)
    );
    let pcf = d.path().join("fonts/6x13.pcf");
    assert!(pcf.is_file(), "not converted");
    let mut pair = pcf.into_os_string();
    pair.push("=");
    pair.push(src.path().join("6x13.bdf"));
    let o = run_interop(
        "check_font.py",
        &[OsStr::new("--charset"), OsStr::new("all"), &pair],
    );
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
}

#[test]
fn only_user_code_builds_font_paths_at_run_time() {
    let d = drive(None);
    write(
        d.path(),
        "fonts/other.bdf",
        &fs::read(fixture("fonts/6x13.bdf")).expect("font"),
    );
    write(
        d.path(),
        "lib/adafruit_bitmap_font/bdf.py",
        b"def load(path):\n    if not path.endswith('.bdf'):\n        raise ValueError\n",
    );
    let (text, _) = audit(d.path(), &[]);
    assert!(!text.contains("builds .bdf paths"), "{text}");
    write(
        d.path(),
        "code.py",
        format!("{CODE}name = 'other'\nf2 = bitmap_font.load_font(f'/fonts/{{name}}.bdf')\n")
            .as_bytes(),
    );
    let (text, _) = audit(d.path(), &[]);
    let line = text
        .lines()
        .find(|l| l.contains("builds .bdf paths"))
        .unwrap_or_else(|| panic!("no run-time path note:\n{text}"));
    assert!(line.contains("code.py:"), "{line}");
    assert!(!line.contains("lib/adafruit_bitmap_font"), "{line}");
}
