//! The integration tests' harness: run the binary, run the real Adafruit loaders under
//! CPython, skip or fail a test that cannot run here. Trees and fixture paths come from the
//! shared test-support crate (testkit/), re-exported so tests name them all through `util`.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub use cpslim_testkit::bundle::extract_without_top;
pub use cpslim_testkit::{
    assert_same_tree, asset, copy_tree, fixture, only_child, snapshot, temp_copy, write,
};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_cpslim")
}

/// The binary with a clean, non-interactive environment.
pub fn cpslim() -> Command {
    let mut c = Command::new(bin());
    c.env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env("XDG_STATE_HOME", scratch_state_dir())
        // Never pick up a real circup cache of whoever runs the tests.
        .env("XDG_DATA_HOME", scratch_state_dir().join("no-circup"));
    c
}

/// Where `cpslim()` runs keep their backups (`$XDG_STATE_HOME/cpslim/backups`).
pub fn scratch_backups_dir() -> PathBuf {
    scratch_state_dir().join("cpslim/backups")
}

/// Backups default to the user's state folder; tests keep them out of the real one.
fn scratch_state_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("state");
        fs::create_dir_all(&d).expect("state dir");
        d
    })
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run cpslim")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Panic with everything that helps when an exit code is not the expected one.
pub fn assert_code(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit code\n--- stdout\n{}\n--- stderr\n{}",
        stdout(o),
        stderr(o)
    );
}

/// CPython with the real Adafruit loaders (tests/interop/requirements.txt), in a venv under the
/// target dir. Built on first use; `CPSLIM_PYTHON` points at an existing interpreter instead.
pub fn python() -> PathBuf {
    static PY: OnceLock<PathBuf> = OnceLock::new();
    PY.get_or_init(|| {
        if let Some(p) = std::env::var_os("CPSLIM_PYTHON") {
            return PathBuf::from(p);
        }
        let reqs_path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/requirements.txt");
        let reqs = fs::read_to_string(&reqs_path).expect("requirements.txt");
        let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("interop-venv");
        let py = venv.join("bin/python");
        let stamp = venv.join("cpslim-requirements.txt");
        let ready = || {
            fs::read_to_string(&stamp)
                .map(|s| s == reqs)
                .unwrap_or(false)
        };
        if ready() {
            return py;
        }
        // Several test processes may get here at once: one builds, the others wait.
        let lock = venv.with_extension("lock");
        let start = Instant::now();
        while fs::create_dir(&lock).is_err() {
            if ready() {
                return py;
            }
            assert!(
                start.elapsed() < Duration::from_secs(900),
                "timed out waiting for {}",
                lock.display()
            );
            std::thread::sleep(Duration::from_millis(500));
        }
        let _ = fs::remove_dir_all(&venv);
        let host = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let ok = Command::new(&host)
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(&py)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--disable-pip-version-check",
                    "-r",
                ])
                .arg(&reqs_path)
                .status()
                .is_ok_and(|s| s.success());
        if ok {
            fs::write(&stamp, &reqs).expect("stamp");
        }
        let _ = fs::remove_dir(&lock);
        assert!(
            ok,
            "could not set up the interop venv at {} (needs python3 with venv and PyPI)",
            venv.display()
        );
        py
    })
    .clone()
}

/// Run a script from tests/interop/ with the interop Python.
pub fn run_interop(script: &str, args: &[&std::ffi::OsStr]) -> Output {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/interop")
        .join(script);
    Command::new(python())
        .arg(path)
        .args(args)
        .output()
        .expect("run python")
}

/// `cpslim restore ROOT --from <the one run in BACKUPS>`, plus `extra` flags.
pub fn restore_only_backup(root: &Path, backups: &Path, extra: &[&str]) -> Output {
    run(cpslim()
        .arg("restore")
        .arg(root)
        .arg("--from")
        .arg(only_child(backups))
        .args(extra))
}

/// Run tests/interop/check_bmp.py on a manifest of original and rewritten images: the real
/// adafruit_imageload must load each rewritten file as it loads the original.
pub fn check_bmp(manifest: &impl serde::Serialize) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("manifest.json");
    fs::write(&path, serde_json::to_vec(manifest).expect("json")).expect("write");
    run_interop("check_bmp.py", &[path.as_os_str()])
}

/// Run tests/interop/check_font.py on `OUT=SOURCE[=PCF]` items (each a list of paths joined
/// with `=`) after the `extra` flags: adafruit_bitmap_font must load what cpslim wrote and draw
/// it as it draws the source.
#[track_caller]
pub fn check_font<P: AsRef<Path>>(extra: &[&str], items: &[Vec<P>]) {
    let mut args: Vec<std::ffi::OsString> = extra.iter().map(std::ffi::OsString::from).collect();
    for parts in items {
        let mut a = std::ffi::OsString::new();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                a.push("=");
            }
            a.push(p.as_ref().as_os_str());
        }
        args.push(a);
    }
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let o = run_interop("check_font.py", &refs);
    assert!(
        o.status.success(),
        "adafruit_bitmap_font check failed\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );
}

/// Set by `.ci/run`: a test that cannot run here (no root, a missing tool) fails instead of
/// skipping, so CI never passes on a test it did not run.
pub const REQUIRE_ALL_VAR: &str = "CPSLIM_TEST_REQUIRE_ALL";

/// Skip the calling test with a reason on a developer's machine; fail it under CI
/// (`CPSLIM_TEST_REQUIRE_ALL=1`). Returns normally only when skipping is allowed; the caller
/// then returns.
pub fn skip_or_fail(reason: &str) {
    if std::env::var_os(REQUIRE_ALL_VAR).is_some_and(|v| !v.is_empty() && v != "0") {
        panic!("{REQUIRE_ALL_VAR} is set and this test cannot run: {reason}");
    }
    eprintln!("SKIPPED: {reason} (set {REQUIRE_ALL_VAR}=1 to make this a failure)");
}

/// True when the tests run as root (needed for mounts).
#[cfg(unix)]
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}
