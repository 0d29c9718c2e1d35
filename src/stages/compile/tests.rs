use std::path::{Path, PathBuf};

use super::compiler::{discover, identify, run, Identity};
use super::select::{runs_as_source, source_name};
use crate::config::CompileOptions;
use crate::error::Error;

#[test]
fn version_lines_name_the_project() {
    assert_eq!(
        identify("CircuitPython 10.2.1 on 2026-05-12; mpy-cross emitting mpy v6.3\n"),
        Identity::CircuitPython {
            version: "10.2.1".into(),
            major: 10
        }
    );
    assert_eq!(
        identify("CircuitPython 9.2.9 on 2025-09-07; mpy-cross emitting mpy v6.3"),
        Identity::CircuitPython {
            version: "9.2.9".into(),
            major: 9
        }
    );
    assert_eq!(
        identify("MicroPython v1.29.0 on 2026-08-29; mpy-cross emitting mpy v6.3"),
        Identity::MicroPython {
            version: "1.29.0".into()
        }
    );
    assert!(matches!(identify(""), Identity::Unknown(_)));
    assert!(matches!(
        identify("CircuitPython banana"),
        Identity::Unknown(_)
    ));
}

#[test]
fn the_files_the_firmware_runs_stay_source() {
    for f in [
        "code.py",
        "CODE.PY",
        "code.txt",
        "main.py",
        "main.txt",
        "code.py.py",
        "main.txt.py",
        "boot.py",
        "safemode.py",
        "repl.py",
    ] {
        assert!(runs_as_source(Path::new(f)), "{f}");
    }
    for f in ["mycode.py", "lib/code.py", "lib/boot.py", "codes.py"] {
        assert!(!runs_as_source(Path::new(f)), "{f}");
    }
}

#[test]
fn source_names_are_import_paths() {
    let name = |p: &str| source_name(Path::new(p));
    assert_eq!(name("mycode.py").as_deref(), Some("mycode.py"));
    assert_eq!(
        name("lib/myapp/screens.py").as_deref(),
        Some("myapp/screens.py")
    );
    assert_eq!(name("LIB/helper.py").as_deref(), Some("helper.py"));
    assert_eq!(name("app/ui.py").as_deref(), Some("app/ui.py"));
}

#[cfg(unix)]
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join(name);
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).expect("write");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    p
}

#[cfg(unix)]
#[test]
fn discovery_checks_what_it_finds() {
    let t = tempfile::tempdir().expect("tempdir");
    let cp10 = "echo 'CircuitPython 10.2.1 on 2026-05-12; mpy-cross emitting mpy v6.3'";
    let mp = "echo 'MicroPython v1.29.0 on 2026-08-29; mpy-cross emitting mpy v6.3'";
    let cache = t.path().join("cache");
    let opts = |search: &[&Path], flag: Option<PathBuf>| CompileOptions {
        enabled: true,
        mpy_cross: flag,
        search_path: search.iter().map(|p| p.to_path_buf()).collect(),
        build_tools_cache: Some(cache.clone()),
        sources_kept_in: None,
    };
    // Nothing anywhere: no compiler, and no error (audit estimates instead).
    assert!(discover(&opts(&[], None), 10).expect("ok").is_none());
    // Only the build-tools cache, under the board's major version.
    script(&cache, "mpy-cross-10.x", cp10);
    let c = discover(&opts(&[], None), 10).expect("ok").expect("found");
    assert!(c.found_by.contains("cache") && c.version == "10.2.1");
    assert!(discover(&opts(&[], None), 9).expect("ok").is_none());
    // MicroPython's on PATH is passed over (and said so) when the cache has the right one.
    let mp_dir = t.path().join("mp");
    script(&mp_dir, "mpy-cross", mp);
    let c = discover(&opts(&[&mp_dir], None), 10)
        .expect("ok")
        .expect("found");
    assert!(c.found_by.contains("cache"));
    assert!(c.passed_over.len() == 1 && c.passed_over[0].contains("MicroPython 1.29.0"));
    // With nothing after it, MicroPython's is a usage error that says why and what to do.
    let _ = std::fs::remove_file(cache.join("mpy-cross-10.x"));
    let err = discover(&opts(&[&mp_dir], None), 10).expect_err("refused");
    let text = err.text_with_hint();
    assert!(matches!(err.without_hint(), Error::Usage(_)));
    assert!(
        text.contains("`M`") && text.contains("circuitpython-build-tools"),
        "{text}"
    );
    // An explicit --mpy-cross is the only candidate.
    let cp_dir = t.path().join("cp");
    let good = script(&cp_dir, "mpy-cross", cp10);
    let c = discover(&opts(&[&mp_dir], Some(good.clone())), 10)
        .expect("ok")
        .expect("found");
    assert_eq!(c.path, good);
    assert!(discover(&opts(&[&cp_dir], Some(mp_dir.join("mpy-cross"))), 10).is_err());
    assert!(discover(&opts(&[&cp_dir], Some(t.path().join("missing"))), 10).is_err());
    // A program that is not a compiler at all.
    let odd = script(&t.path().join("odd"), "mpy-cross", "exit 3");
    assert!(discover(&opts(&[], Some(odd)), 10).is_err());
}

#[cfg(unix)]
#[test]
fn a_hanging_program_is_stopped() {
    let t = tempfile::tempdir().expect("tempdir");
    let p = script(t.path(), "hang", "exec sleep 30");
    let err = run(
        &mut std::process::Command::new(p),
        std::time::Duration::from_millis(300),
    )
    .err()
    .expect("timed out");
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
}

#[test]
fn a_compiler_that_cannot_run_is_marked_broken() {
    let t = tempfile::tempdir().expect("tempdir");
    let c = super::Compiler {
        path: t.path().join("gone"),
        version: "10.2.1".into(),
        found_by: "test".into(),
        passed_over: Vec::new(),
        broken: Default::default(),
    };
    let err = c
        .compile(t.path(), "mod.py", b"x = 1\n")
        .expect_err("cannot run")
        .to_string();
    assert!(err.contains("gone") && c.broken.get(), "{err}");
}

#[cfg(unix)]
#[test]
fn a_syntax_error_keeps_the_compilers_message() {
    let t = tempfile::tempdir().expect("tempdir");
    let p = script(
        &t.path().join("bin"),
        "mpy-cross",
        "echo 'Traceback (most recent call last):' >&2; echo \"  File \\\"$5\\\", line 2\" >&2; echo 'SyntaxError: invalid syntax' >&2; exit 1",
    );
    let c = super::Compiler {
        path: p,
        version: "10.2.1".into(),
        found_by: "test".into(),
        passed_over: Vec::new(),
        broken: Default::default(),
    };
    let work = t.path().join("work");
    let err = c
        .compile(&work, "pkg/mod.py", b"def f(:\n")
        .expect_err("rejected");
    assert_eq!(
        err.to_string(),
        "File \"pkg/mod.py\", line 2: SyntaxError: invalid syntax"
    );
    assert!(!c.broken.get());
    // The copy is in the work folder, under its import path.
    assert_eq!(
        std::fs::read(work.join("pkg/mod.py")).expect("copy"),
        b"def f(:\n"
    );
}
