//! Which compiler `--compile` uses, which it refuses, and the estimate without one.

use std::fs;
use std::path::Path;

use super::*;

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
