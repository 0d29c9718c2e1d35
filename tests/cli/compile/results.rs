//! What `--compile` does to a drive, run with the STAND-IN compiler.

use std::fs;
use std::path::{Path, PathBuf};

use super::*;

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

#[test]
fn bundle_libraries_are_left_to_the_bundle() {
    let tools = tempfile::tempdir().unwrap();
    let Some(_) = install_standin(&tools.path().join("bin"), "mpy-cross") else {
        return;
    };
    let drive = tempfile::tempdir().unwrap();
    let root = drive.path();
    make_drive(root);
    write(
        root,
        "mycode.py",
        format!(
            "import adafruit_debouncer\nimport adafruit_thing\n{}",
            module_body("mycode")
        )
        .as_bytes(),
    );
    fs::copy(
        asset("demo-drive/lib/adafruit_debouncer.py"),
        root.join("lib/adafruit_debouncer.py"),
    )
    .unwrap();
    let thing = format!(
        "__repo__ = \"https://github.com/adafruit/Adafruit_CircuitPython_Thing.git\"\n{}",
        module_body("thing")
    );
    write(root, "lib/adafruit_thing.py", thing.as_bytes());
    let compile_writes = |bundle: Option<PathBuf>| {
        let mut cmd = cpslim_with(&tools.path().join("bin"), tools.path());
        cmd.args(["audit", "--json", "--compile"]).arg(root);
        if let Some(b) = bundle {
            cmd.arg("--bundle").arg(b);
        }
        let o = run(&mut cmd);
        assert_code(&o, 0);
        let json = json_of(&o);
        let stage = json["stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "compile")
            .cloned()
            .unwrap();
        let paths: Vec<String> = stage["actions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["action"] != "report")
            .map(|a| a["path"].as_str().unwrap().to_string())
            .collect();
        (paths, stage.to_string())
    };
    // No bundle: a module that declares a CircuitPython library repository is not compiled.
    let (paths, text) = compile_writes(None);
    assert!(paths.contains(&"mycode.mpy".to_string()), "{paths:?}");
    assert!(!paths.iter().any(|p| p.contains("adafruit_")), "{paths:?}");
    assert!(
        text.contains("adafruit_thing looks like a bundle library"),
        "{text}"
    );
    // With a bundle: its library is the mpy stage's; what the bundle lacks is the user's own.
    let bundle = fixture("mpy/bundles/adafruit-circuitpython-bundle-10.x-mpy-20261120.zip");
    let (paths, _) = compile_writes(Some(bundle));
    assert!(
        paths.contains(&"lib/adafruit_thing.mpy".to_string()),
        "{paths:?}"
    );
    assert!(
        !paths.iter().any(|p| p.contains("adafruit_debouncer")),
        "{paths:?}"
    );
}
