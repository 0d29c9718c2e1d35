//! The idempotence property (tests/cli/idempotence.rs) where stages meet: `--image-format`
//! renames images and the fonts stage renames fonts in the same `.py`, `--compile` compiles a
//! module whose paths were just rewritten, and a stale `.mpy` sits beside a compiled module.

use crate::idempotence::{json_of, planned_changes, property_with};
use crate::util::*;

const PYPORTAL_BOOT_OUT: &[u8] = b"Adafruit CircuitPython 10.2.1 on 2026-01-01; Adafruit PyPortal with samd51j20\nBoard ID:pyportal\n";

/// A drive with the three cases where one stage's work used to wait for a second run: code.py
/// names a BDF and a BMP (the fonts and bitmaps stages both rewrite its literals), a user module
/// names a BDF and a BMP and is compiled, and a user module has a stale `.mpy` beside it.
fn renames_drive() -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    let root = t.path();
    write(root, "boot_out.txt", PYPORTAL_BOOT_OUT);
    write(
        root,
        "code.py",
        b"import displayio\nimport adafruit_imageload\nfrom adafruit_bitmap_font import bitmap_font\nimport screen\nimport helper\n\nFONT = bitmap_font.load_font(\"/fonts/big.bdf\")\nBG, PAL = adafruit_imageload.load(\"/images/bg.bmp\")\nscreen.show(helper.value())\n",
    );
    let screen = format!(
        "import adafruit_imageload\nfrom adafruit_bitmap_font import bitmap_font\n{}\n\ndef show(v):\n    font = bitmap_font.load_font(\"/fonts/small.bdf\")\n    icon = adafruit_imageload.load(\"/images/icon.bmp\")\n    print(\"12:30\", v, font, icon)\n",
        crate::compile::module_body("screen")
    );
    write(root, "screen.py", screen.as_bytes());
    let helper = format!(
        "{}\n\ndef value():\n    return 42\n",
        crate::compile::module_body("helper")
    );
    write(root, "lib/helper.py", helper.as_bytes());
    // An old compiled copy the .py beside it shadows.
    write(
        root,
        "lib/helper.mpy",
        b"C\x06\x00\x1fstale compiled helper from an older version of the project",
    );
    let digits = std::fs::read(fixture("fonts/6x13-digits.bdf")).expect("font");
    write(root, "fonts/big.bdf", &digits);
    write(root, "fonts/small.bdf", &digits);
    write(
        root,
        "images/bg.bmp",
        &crate::image_format::corpus("pal8_256entries_12used_should_be_pal4.bmp"),
    );
    write(
        root,
        "images/icon.bmp",
        &crate::image_format::corpus("rle8_delta_should_be_pal4.bmp"),
    );
    t
}

/// `--image-format`, `--compile` (with the stand-in compiler) and `--charset auto`, alone and
/// together, on the drive where stages rename and compile the same files.
#[test]
fn idempotent_with_image_formats_and_compile() {
    let tools = tempfile::tempdir().expect("tools");
    let Some(standin) = crate::compile::install_standin(tools.path(), "mpy-cross") else {
        return;
    };
    let compile = ["--compile", "--mpy-cross", standin.to_str().expect("utf-8")];
    let sets: Vec<Vec<String>> = [
        &[][..],
        &["--image-format", "rle"],
        &["--image-format", "png"],
        &["--image-format", "png", "--charset", "auto"],
        &["--image-format", "rle", "--charset", "auto"],
        &["--image-format", "png", "--font-format", "lvfontbin"],
    ]
    .iter()
    .flat_map(|f| {
        let plain: Vec<String> = f.iter().map(|s| s.to_string()).collect();
        let compiled = plain
            .iter()
            .cloned()
            .chain(compile.iter().map(|s| s.to_string()));
        [plain.clone(), compiled.collect()]
    })
    .collect();
    let d = renames_drive();
    property_with(d.path(), &sets, &[]);
    // The README's build step with every one of these flags: the build audits clean.
    let out = tempfile::tempdir().expect("out");
    let build = out.path().join("build");
    let all = sets
        .iter()
        .find(|f| {
            ["png", "auto", "--compile"]
                .iter()
                .all(|x| f.iter().any(|a| a == x))
        })
        .expect("the flag set with everything");
    let o = run(cpslim()
        .arg("optimize")
        .arg(d.path())
        .arg("--out")
        .arg(&build)
        .args(all));
    assert_code(&o, 0);
    let audit = run(cpslim().arg("audit").arg(&build).args(all).arg("--json"));
    assert_code(&audit, 0);
    let left = planned_changes(&json_of(&audit, "audit of the build"));
    assert!(
        left.is_empty(),
        "{all:?}: the build is not final:\n  {}",
        left.join("\n  ")
    );
    assert!(build.join("screen.mpy").is_file() && build.join("images/bg.png").is_file());
}

/// One run does everything: the PNGs, the PCFs, one edit of code.py naming both, the module
/// compiled from its edited source, the stale `.mpy` replaced; and what it wrote still loads.
#[test]
fn one_run_renames_compiles_and_the_results_load() {
    let tools = tempfile::tempdir().expect("tools");
    let Some(standin) = crate::compile::install_standin(tools.path(), "mpy-cross") else {
        return;
    };
    let d = renames_drive();
    let orig = tempfile::tempdir().expect("orig");
    copy_tree(d.path(), orig.path());
    let backups = tempfile::tempdir().expect("backups");
    let o = run(cpslim()
        .arg("optimize")
        .arg(d.path())
        .args(["--yes", "--image-format", "png", "--compile", "--mpy-cross"])
        .arg(&standin)
        .arg("--backup-dir")
        .arg(backups.path()));
    assert_code(&o, 0);
    let root = d.path();
    let gone = [
        "images/bg.bmp",
        "images/icon.bmp",
        "fonts/big.bdf",
        "fonts/small.bdf",
        "screen.py",
        "lib/helper.py",
    ];
    for g in gone {
        assert!(!root.join(g).exists(), "{g} is still there\n{}", stdout(&o));
    }
    let code = std::fs::read_to_string(root.join("code.py")).expect("code.py");
    assert!(
        code.contains("\"/fonts/big.pcf\"") && code.contains("\"/images/bg.png\""),
        "{code}"
    );
    let screen = std::fs::read(root.join("screen.mpy")).expect("screen.mpy");
    let has = |what: &[u8]| screen.windows(what.len()).any(|w| w == what);
    assert!(
        has(b"small.pcf") && has(b"icon.png") && !has(b"small.bdf"),
        "screen.mpy names the old paths"
    );
    let helper = std::fs::read(root.join("lib/helper.mpy")).expect("helper.mpy");
    assert!(
        helper.starts_with(b"C\x06") && !helper.ends_with(b"the project"),
        "the stale helper.mpy is still there"
    );

    let manifest: Vec<serde_json::Value> = ["bg", "icon"]
        .iter()
        .map(|n| {
            serde_json::json!({
                "orig": orig.path().join(format!("images/{n}.bmp")),
                "new": root.join(format!("images/{n}.png")),
                "loaders": ["imageload"],
                "same_indices": true,
            })
        })
        .collect();
    let out = check_bmp(&manifest);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let pairs: Vec<std::ffi::OsString> = ["big", "small"]
        .iter()
        .map(|n| {
            let mut a = root.join(format!("fonts/{n}.pcf")).into_os_string();
            a.push("=");
            a.push(orig.path().join(format!("fonts/{n}.bdf")));
            a
        })
        .collect();
    let args: Vec<&std::ffi::OsStr> = pairs.iter().map(|a| a.as_os_str()).collect();
    let out = run_interop("check_font.py", &args);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));

    // The combined edit, the edit-then-delete of screen.py and the .mpy written over the stale
    // one all undo: restore gives back the drive as it was.
    let r = restore_only_backup(root, backups.path(), &[]);
    assert_code(&r, 0);
    assert_same_tree(&snapshot(root), &snapshot(orig.path()), "after restore");
}
