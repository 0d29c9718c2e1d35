//! Advice for files a run leaves as they are names the other output formats when they would
//! save space, with the saving a run with that flag really makes.

use std::fs;

use serde_json::Value;

use crate::junk::audit_json;
use crate::util::*;

/// The advice lines `json` gives for `path` in its largest files.
pub fn advice_for(json: &Value, path: &str) -> Vec<String> {
    json["largest"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .map(|f| {
            f["advice"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// What `stage` saves on the board (allocated bytes) in the audit `json`.
pub fn stage_saving(json: &Value, stage: &str) -> i64 {
    json["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == stage)
        .unwrap()["saved_allocated"]
        .as_i64()
        .unwrap()
}

#[test]
fn kept_fonts_and_bitmaps_get_format_advice_with_the_real_saving() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("project");
    fs::create_dir_all(root.join("fonts")).unwrap();
    fs::create_dir_all(root.join("images")).unwrap();
    fs::copy(
        fixture("fonts/junction-ascii.pcf"),
        root.join("fonts/j.pcf"),
    )
    .unwrap();
    fs::copy(
        asset("demo-drive/images/background.bmp"),
        root.join("images/a.bmp"),
    )
    .unwrap();
    fs::write(
        root.join("code.py"),
        "from adafruit_bitmap_font import bitmap_font\nimport adafruit_imageload\n\
         font = bitmap_font.load_font(\"/fonts/j.pcf\")\n\
         img, pal = adafruit_imageload.load(\"/images/a.bmp\")\n",
    )
    .unwrap();
    let flags = ["--cp-version", "10.2.1", "--cluster-size", "512"];
    // First the default run: the PCF is repacked and the BMP shrunk, as BMP and PCF.
    let o = run(cpslim()
        .args(["optimize", "--yes", "--backup-dir"])
        .arg(t.path().join("backups"))
        .arg(&root)
        .args(flags));
    assert_code(&o, 0);
    let json = audit_json(&root, &flags);
    let font = advice_for(&json, "fonts/j.pcf");
    let image = advice_for(&json, "images/a.bmp");
    let lv = font
        .iter()
        .find(|a| a.contains("--font-format lvfontbin"))
        .unwrap_or_else(|| panic!("{font:?}"));
    let rle = image
        .iter()
        .find(|a| a.contains("--image-format rle"))
        .unwrap_or_else(|| panic!("{image:?}"));
    // The advised savings are what runs with those flags save.
    for (advised, stage, flag) in [
        (lv, "fonts", ["--font-format", "lvfontbin"]),
        (rle, "bitmaps", ["--image-format", "rle"]),
    ] {
        let with = audit_json(&root, &[&flags[..], &flag[..]].concat());
        let saved = stage_saving(&with, stage);
        assert!(saved > 0, "{flag:?} saves nothing");
        let kib = format!("saving {:.1} KiB", saved as f64 / 1024.0);
        assert!(advised.contains(&kib), "{advised} vs {kib}");
    }
    // Given the format, the advice is not repeated.
    let json = audit_json(
        &root,
        &[&flags[..], &["--font-format", "lvfontbin"]].concat(),
    );
    assert!(json["largest"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["advice"].as_array().unwrap())
        .all(|a| !a.as_str().unwrap().contains("--font-format")));
}
