//! The README's examples run: every `cpslim …` and `cargo run --release -- …` command in its code
//! blocks and inline code, on one copy of the demo drive in README order (so `restore` undoes the
//! `optimize` before it), with the built binary. Translations, because a test has no board and no
//! terminal: `assets/…` and `~/Downloads/<bundle>` are the repo's assets, `assets/demo-drive`,
//! `src`, `[PATH]` (or no path at all: the detected board) are the copy, `build` is a fresh
//! folder, and an `optimize` that would ask gets `--yes`.

use std::path::{Path, PathBuf};

use crate::util::*;
use crate::web::standin::{Options, StandIn};

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md")
}

/// Commands in README order: fenced-block lines and inline code spans.
fn commands(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        let candidates: Vec<String> = if in_block {
            let cmd = line.split(" #").next().unwrap_or("").trim();
            vec![cmd.to_string()]
        } else {
            line.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect()
        };
        for c in candidates {
            if c.starts_with("cpslim ") || c.starts_with("cargo run --release -- ") {
                out.push(c);
            }
        }
    }
    out
}

fn translate(cmd: &str, demo: &Path, build: &Path) -> Vec<String> {
    let rest = cmd
        .strip_prefix("cargo run --release -- ")
        .or_else(|| cmd.strip_prefix("cpslim "))
        .expect("a cpslim command");
    // A pipe into another tool (`| head -c 50`) shows shell use; cpslim's own part is what runs.
    let rest = rest.split(" | ").next().unwrap_or(rest);
    // So is a redirect into a file (`> ~/.config/…`): the output is what the test checks.
    let rest = rest.split(" >").next().unwrap_or(rest);
    let demo_s = demo.to_string_lossy().into_owned();
    let mut has_path = false;
    let mut args: Vec<String> = rest
        .split_whitespace()
        .filter(|t| *t != "[--from")
        .map(|t| {
            if t == "BACKUP_DIR" || t == "BACKUP_DIR]" {
                scratch_backups_dir().to_string_lossy().into_owned()
            } else if t == "BACKUP_DIR/RUN" {
                newest_run_of(demo).to_string_lossy().into_owned()
            } else if t == "assets/demo-drive" || t == "src" || t == "[PATH]" || t == "PATH" {
                has_path = true;
                demo_s.clone()
            } else if t == "build" {
                build.to_string_lossy().into_owned()
            } else if let Some(a) = t.strip_prefix("assets/") {
                asset(a).to_string_lossy().into_owned()
            } else if let Some(a) = t.strip_prefix("~/Downloads/") {
                asset(a).to_string_lossy().into_owned()
            } else if t.contains('|') && !t.starts_with('-') {
                // `bash|zsh|fish`: one of the alternatives.
                t.split('|').next().unwrap_or(t).to_string()
            } else {
                t.to_string()
            }
        })
        .collect();
    if let Some(i) = args.iter().position(|a| a == "--list") {
        // `[--from BACKUP_DIR]`: the optional part is shown in brackets; run it with `--from`.
        if args.get(i + 1).is_some_and(|a| !a.starts_with('-')) {
            args.insert(i + 1, "--from".into());
        }
    }
    let takes_path = args
        .first()
        .is_some_and(|c| matches!(c.as_str(), "audit" | "optimize" | "restore"));
    if takes_path && !has_path && !args.iter().any(|a| a.contains("cpslim/backups/")) {
        args.insert(1.min(args.len()), demo_s);
    }
    let asks = args.first().is_some_and(|c| c == "optimize")
        && !args
            .iter()
            .any(|a| a == "--yes" || a == "--dry-run" || a == "--out");
    if asks {
        args.push("--yes".into());
    }
    args
}

/// A `--host` example: the host is the stand-in, `"$PW"` its password.
fn translate_web(cmd: &str, host: &str, password: &str) -> Vec<String> {
    let rest = cmd.strip_prefix("cpslim ").expect("a cpslim command");
    let mut args: Vec<String> = Vec::new();
    let mut words = rest.split_whitespace();
    while let Some(w) = words.next() {
        match w {
            "--host" => {
                words.next();
                args.extend(["--host".into(), host.into()]);
            }
            "\"$PW\"" => args.push(password.into()),
            _ => args.push(w.into()),
        }
    }
    args
}

/// The newest backup run recorded for `root` (the README's `BACKUP_DIR/RUN`).
fn newest_run_of(root: &Path) -> PathBuf {
    let want = root.to_string_lossy().into_owned();
    let mut runs: Vec<(String, PathBuf)> = std::fs::read_dir(scratch_backups_dir())
        .expect("backups dir")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let m: serde_json::Value =
                serde_json::from_slice(&std::fs::read(e.path().join("manifest.json")).ok()?)
                    .ok()?;
            let created = m["created"].as_str()?.to_string();
            (m["root"].as_str()? == want).then(|| (created, e.path()))
        })
        .collect();
    runs.sort();
    runs.pop().expect("a backup run of the demo copy").1
}

#[test]
fn every_readme_command_runs_on_the_demo_drive() {
    let cmds = commands(&readme());
    for must in ["audit", "optimize", "restore", "--why", "--out"] {
        assert!(
            cmds.iter().any(|c| c.contains(must)),
            "no README command with {must}: {cmds:?}"
        );
    }
    let demo = temp_copy(&asset("demo-drive"));
    let pristine = snapshot(demo.path());
    let out = tempfile::tempdir().expect("out");
    // The Wi-Fi examples run against the test stand-in for the firmware's web workflow, serving
    // a second copy of the demo drive.
    let served = temp_copy(&asset("demo-drive"));
    let served_pristine = snapshot(served.path());
    let board = StandIn::start(served.path(), Options::default());
    let password = Options::default().password;
    for (i, cmd) in cmds.iter().enumerate() {
        let build: PathBuf = out.path().join(format!("build{i}"));
        let o = if cmd.contains("--host") {
            run(cpslim()
                .args(translate_web(cmd, &board.host(), &password))
                .env("CIRCUITPY_WEB_API_PASSWORD", &password))
        } else {
            let args = translate(cmd, demo.path(), &build);
            run(cpslim().args(&args))
        };
        let args = cmd;
        assert_eq!(
            o.status.code(),
            Some(0),
            "README command `{cmd}` (run as {args:?}) failed\n--- stdout\n{}\n--- stderr\n{}",
            stdout(&o),
            stderr(&o)
        );
    }
    assert_same_tree(
        &snapshot(served.path()),
        &served_pristine,
        "board served over Wi-Fi after the README",
    );
    // The optimize was undone by the restore that follows it in the README.
    assert_same_tree(
        &snapshot(demo.path()),
        &pristine,
        "demo drive after the README",
    );
}

#[test]
fn readme_parsing_finds_blocks_and_inline_commands() {
    let text = "a `cpslim audit --why x` b `other`\n```sh\ncargo run --release -- audit assets/demo-drive   # c\ncargo test\n```\n";
    assert_eq!(
        commands(text),
        vec![
            "cpslim audit --why x".to_string(),
            "cargo run --release -- audit assets/demo-drive".to_string()
        ]
    );
    let args = translate(
        "cpslim optimize --empty-trash",
        Path::new("/d"),
        Path::new("/b"),
    );
    assert_eq!(args, vec!["optimize", "/d", "--empty-trash", "--yes"]);
}
