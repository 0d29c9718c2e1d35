//! One entry per hand-written parser of untrusted bytes, for the fuzz targets in `fuzz/` and the
//! corpus smoke test (`tests/cli/fuzz_smoke.rs`); `docs/fuzzing.md` says how to run a campaign.
//! Each runs the same library code the product runs on a file from the drive, a bundle, a backup
//! or the board's web answers, and throws the result away: the only failure is a panic or a hang.

use std::io::Write;
use std::path::Path;

use crate::stages::{bitmaps, deadweight, fonts, mpy};

/// A target: runs one parser on the input and discards what it returns.
pub type Target = fn(&[u8]);

/// Every target by its `fuzz/Cargo.toml` name (`[[bin]] name`), in that file's order.
pub const TARGETS: &[(&str, Target)] = &[
    ("bmp", bmp),
    ("bdf", bdf),
    ("pcf", pcf),
    ("lvfont", lvfont),
    ("mpy_header", mpy_header),
    ("mpy_imports", mpy_imports),
    ("python_lexer", python_lexer),
    ("boot_out", boot_out),
    ("bundle_zip", bundle_zip),
    ("backup_manifest", backup_manifest),
    ("settings_toml", settings_toml),
    ("web_json", web_json),
];

/// The target called `name`, if there is one.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// BMP header and pixels, as the bitmaps stage decodes every `.bmp`.
pub fn bmp(data: &[u8]) {
    let _ = bitmaps::decode::parse_info(data);
    let _ = bitmaps::decode::decode(data);
}

/// A small font read back is also converted, as the fonts stage does (large ones would spend
/// the time in the encoder, not the parser).
fn convert_small(font: fonts::glyph::Font) {
    if font.glyphs.len() <= 256 {
        let _ = fonts::build(&font);
        let _ = fonts::convert::encode(font, true);
    }
}

/// BDF text, one pass (the stage's two-thread reader is checked against it in its tests), as
/// drawn and cropped while read (what the stage converts).
pub fn bdf(data: &[u8]) {
    if let Ok(f) = fonts::bdf::parse(data) {
        convert_small(f.font);
    }
    if let Ok(f) = fonts::bdf::parse_cropped(data) {
        if f.font.glyphs.len() <= 256 {
            let _ = fonts::convert::encode_cropped(f.font, false);
        }
    }
}

pub fn pcf(data: &[u8]) {
    if let Ok(f) = fonts::pcf::read(data) {
        convert_small(f);
    }
}

/// LVGL binary font, as the fonts stage verifies one and the RAM estimate reads one.
pub fn lvfont(data: &[u8]) {
    let _ = fonts::lvfont::check(data);
}

/// The `.mpy` header checks of the mpy stage and a bundle's embedded `__version__`.
pub fn mpy_header(data: &[u8]) {
    if let Some(h) = mpy::MpyHeader::parse(data) {
        let _ = (h.family(), h.arch_name());
    }
    for major in [7, 8, 9, 10] {
        let _ = mpy::header::check(data, major);
    }
    let _ = mpy::header::embedded_version(data);
}

/// The import walk over an `.mpy` file's qstrs and bytecode (dead-weight analysis).
pub fn mpy_imports(data: &[u8]) {
    let _ = deadweight::read_mpy(data);
}

/// The Python tokenizer behind every `.py` scan: imports, literals and the syntax check.
pub fn python_lexer(data: &[u8]) {
    let src = String::from_utf8_lossy(data);
    let _ = crate::pysrc::imports_and_literals(&src);
    let _ = crate::pysrc::string_literals(&src);
    let _ = crate::pysrc::check(&src);
}

pub fn boot_out(data: &[u8]) {
    if let Some(b) = crate::board::parse_boot_out(data) {
        let _ = crate::board::major_of(&b.version);
    }
}

/// A bundle zip opened from a file, as `--bundle` does, and every file of its `lib/` read.
pub fn bundle_zip(data: &[u8]) {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir
        .path()
        .join("adafruit-circuitpython-bundle-10.x-mpy-20261120.zip");
    if write_file(&path, data).is_err() {
        return;
    }
    let Ok(mut bundle) = mpy::Bundle::open(&path) else {
        return;
    };
    let files: Vec<String> = bundle
        .modules
        .values()
        .flat_map(|m| m.files.iter().cloned())
        .collect();
    for f in files {
        let _ = bundle.has_file(&f);
        let _ = bundle.read(&f);
    }
}

/// A backup folder's `manifest.json`, read and validated as `cpslim restore` does first.
pub fn backup_manifest(data: &[u8]) {
    let Ok(dir) = tempfile::tempdir() else { return };
    if write_file(&dir.path().join("manifest.json"), data).is_err() {
        return;
    }
    if let Ok(m) = crate::backup::read_manifest(dir.path()) {
        let _ = crate::restore::check(dir.path(), &m);
        let _ = crate::restore::made_dirs(&m);
    }
}

/// `cpslim.toml`, and `pyproject.toml`'s `[tool.cpslim]`, as the settings search reads them.
pub fn settings_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(table) = text.parse::<toml::Table>() else {
        return;
    };
    let path = Path::new("project").join("cpslim.toml");
    let _ = crate::project_settings::from_table(&path, "cpslim.toml", &table);
    if let Some(toml::Value::Table(t)) = table.get("tool").and_then(|t| t.get("cpslim")) {
        let _ = crate::project_settings::from_table(&path, "[tool.cpslim]", t);
    }
}

/// The board's `version.json` and folder listings, and the names in a listing as the mirror
/// checks them before asking for them.
pub fn web_json(data: &[u8]) {
    let _ = serde_json::from_slice::<crate::web::api::Version>(data);
    if let Ok(l) = serde_json::from_slice::<crate::web::api::Listing>(data) {
        for f in &l.files {
            if crate::web::paths::segment_ok(&f.name) {
                let _ = crate::web::paths::fs_url(Path::new(&f.name), f.directory);
            }
        }
    }
}

fn write_file(path: &Path, data: &[u8]) -> std::io::Result<()> {
    std::fs::File::create(path)?.write_all(data)
}
