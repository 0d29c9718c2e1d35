//! The report a user reads: one figure everywhere, a table whose columns mean one thing,
//! advice that never contradicts the plan, the README's sample.

use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use crate::advice::{advice_for, stage_saving};
use crate::junk::audit_json;
use crate::util::*;

pub fn demo_copy() -> tempfile::TempDir {
    temp_copy(&asset("demo-drive"))
}

pub fn bundle() -> std::path::PathBuf {
    asset("adafruit-circuitpython-bundle-10.x-mpy-20261120.zip")
}

pub fn json_of(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("bad json: {e}\n{}", stdout(o)))
}

/// `329.0 KiB (336,896 bytes)` for a byte count, as the report prints it.
fn figure(n: i64) -> String {
    let kib = n as f64 / 1024.0;
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{kib:.1} KiB ({grouped} bytes)")
}

#[test]
fn the_audit_the_prompt_the_result_and_the_json_show_one_figure() {
    let t = demo_copy();
    let audit = run(cpslim()
        .arg("audit")
        .arg(t.path())
        .arg("--bundle")
        .arg(bundle()));
    assert_code(&audit, 0);
    let json = run(cpslim()
        .arg("audit")
        .arg(t.path())
        .arg("--json")
        .arg("--bundle")
        .arg(bundle()));
    let json = json_of(&json);
    let saved = json["saved"]["allocated"].as_i64().unwrap();
    assert_eq!(
        json["before"]["allocated"].as_i64().unwrap()
            - json["after"]["allocated"].as_i64().unwrap(),
        saved,
        "the headline is the change of the tree on the board"
    );
    let headline = format!("Would free {} on the board", figure(saved));
    assert!(
        stdout(&audit).contains(&headline),
        "{headline}\n{}",
        stdout(&audit)
    );
    // A folder's cluster size is assumed, said, and not the host filesystem's.
    assert_eq!(json["cluster_source"], "assumed");
    assert_eq!(json["cluster_size"], 1024);
    assert!(stdout(&audit).contains("Cluster size: 1,024 bytes, assumed"));

    let backups = tempfile::tempdir().unwrap();
    let done = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .arg("--yes")
        .arg("--bundle")
        .arg(bundle())
        .arg("--backup-dir")
        .arg(backups.path()));
    assert_code(&done, 0);
    let result = format!("Freed {} on the board", figure(saved));
    assert!(
        stdout(&done).contains(&result),
        "{result}\n{}",
        stdout(&done)
    );

    // The prompt, on a terminal, asks with the same figure.
    let fresh = demo_copy();
    let cmd = format!(
        "{} optimize {} --bundle {} --color never",
        bin(),
        fresh.path().display(),
        bundle().display()
    );
    let mut c = std::process::Command::new("script");
    c.args(["-qec", &cmd, "/dev/null"])
        .env("NO_COLOR", "1")
        .env("XDG_DATA_HOME", fresh.path().join("no-circup"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let Ok(mut child) = c.spawn() else {
        return skip_or_fail("script(1) from util-linux is needed for a terminal");
    };
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"n\n").unwrap();
    let o = child.wait_with_output().unwrap();
    let prompt = stdout(&o);
    let kib = figure(saved);
    let (size, bytes) = kib.split_once(" (").unwrap();
    let want = format!(
        "(frees {size} on the board, {}",
        bytes.trim_end_matches(')')
    );
    assert!(prompt.contains(&want), "{want}\n{prompt}");
}

#[test]
fn the_table_counts_files_and_its_total_row_adds_up() {
    let t = demo_copy();
    let before = snapshot(t.path());
    let backups = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .args(["--json", "--yes", "--bundle"])
        .arg(bundle())
        .arg("--backup-dir")
        .arg(backups.path()));
    assert_code(&o, 0);
    let json = json_of(&o);
    let after = snapshot(t.path());
    let files = |m: &std::collections::BTreeMap<std::path::PathBuf, Option<Vec<u8>>>| {
        m.iter()
            .filter(|(p, v)| {
                v.is_some()
                    && std::fs::symlink_metadata(t.path().join(p)).map_or(true, |m| m.is_file())
            })
            .count() as i64
    };
    let stages = json["stages"].as_array().unwrap();
    let change: i64 = stages
        .iter()
        .map(|s| s["files_before"].as_i64().unwrap() - s["files_after"].as_i64().unwrap())
        .sum();
    // Files, not actions: the tree lost exactly what the stages say (markers the junk stage
    // recreates on a board are files it adds).
    assert_eq!(files(&before) - files(&after), change, "{json:#}");
    let mpy = stages.iter().find(|s| s["name"] == "mpy").unwrap();
    let actions = mpy["actions"].as_array().unwrap().len() as i64;
    assert!(
        mpy["files_before"].as_i64().unwrap() < actions,
        "mpy counts files, not its {actions} actions"
    );
    let mpy_files_now = after
        .keys()
        .filter(|p| p.extension().is_some_and(|e| e == "mpy"))
        .count()
        - before
            .keys()
            .filter(|p| p.extension().is_some_and(|e| e == "mpy"))
            .count();
    assert!(mpy["files_after"].as_i64().unwrap() >= mpy_files_now as i64);
    // The human total row is the sum of the rows above it.
    let o = run(cpslim()
        .arg("audit")
        .arg(demo_copy().path())
        .arg("--bundle")
        .arg(bundle()));
    let out = stdout(&o);
    let rows: Vec<Vec<&str>> = out
        .lines()
        .skip_while(|l| !l.starts_with("stage "))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().collect())
        .collect();
    let (total, stages) = rows.split_last().unwrap();
    assert_eq!(total[0], "total");
    for col in [1, 3] {
        let sum: u64 = stages.iter().map(|r| r[col].parse::<u64>().unwrap()).sum();
        assert_eq!(
            total[col].parse::<u64>().unwrap(),
            sum,
            "column {col}: {out}"
        );
    }
}

#[test]
fn advice_never_contradicts_the_plan() {
    let t = demo_copy();
    // No bundle: the font the plan keeps is not "converted", and no .mpy swap is promised.
    let json = audit_json(t.path(), &[]);
    let largest = json["largest"].as_array().unwrap();
    let font = advice_for(&json, "fonts/LeagueSpartan-Bold-16.bdf");
    assert!(
        font.iter().all(|a| !a.contains("converts it to PCF")),
        "{font:?}"
    );
    assert!(
        font.iter()
            .any(|a| a.contains("--charset auto") && a.contains("saving")),
        "{font:?}"
    );
    for f in largest {
        for a in f["advice"].as_array().unwrap() {
            let a = a.as_str().unwrap();
            assert!(!a.contains("mpy"), "no bundle, yet: {a}");
            assert!(a.contains("saving"), "{a}");
        }
    }
    // The advised saving is what a run with that flag really saves for the file.
    let with = audit_json(t.path(), &["--charset", "auto"]);
    let font_saving = stage_saving(&with, "fonts");
    let advised = font.iter().find(|a| a.contains("--charset auto")).unwrap();
    let kib = format!("saving {:.1} KiB", font_saving as f64 / 1024.0);
    assert!(advised.contains(&kib), "{advised} vs {kib}");

    // --only fonts with no bundle: nothing mentions other stages' swaps.
    let json = audit_json(t.path(), &["--only", "fonts"]);
    for f in json["largest"].as_array().unwrap() {
        for a in f["advice"].as_array().unwrap() {
            assert!(!a.as_str().unwrap().contains("mpy"), "{a}");
        }
    }
    // Files the default plan rewrites get no advice (no `--colors` for a BMP taken to 4 bpp).
    let json = audit_json(t.path(), &[]);
    for f in json["largest"].as_array().unwrap() {
        if f["path"] == "images/background.bmp" {
            assert_eq!(f["advice"], serde_json::json!([]), "{f}");
        }
    }
    // No note about a library the same plan deletes (no .mpy estimate for a dead library).
    let deleted: Vec<String> = json["stages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["name"] != "mpy")
        .flat_map(|s| s["actions"].as_array().unwrap().iter())
        .filter(|a| a["action"] == "delete")
        .map(|a| a["path"].as_str().unwrap().to_string())
        .collect();
    let mpy = json["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "mpy")
        .unwrap();
    assert!(
        deleted.iter().any(|d| d == "lib/adafruit_bus_device"),
        "{deleted:?}"
    );
    for a in mpy["actions"].as_array().unwrap() {
        let p = a["path"].as_str().unwrap();
        assert!(
            !deleted
                .iter()
                .any(|d| p == d || Path::new(p).starts_with(d)),
            "mpy notes a library the plan deletes: {a}"
        );
    }
}

/// The README's sample report is what the README's command prints: lines match exactly, a
/// line `…` stands for any number of lines, and a line ending in `…` for any line it starts.
#[test]
fn the_readme_sample_is_what_its_command_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let block: Vec<&str> = readme
        .split("```\n")
        .find(|b| b.starts_with("$ cpslim audit "))
        .expect("a ``` block starting with `$ cpslim audit` in README.md")
        .lines()
        .collect();
    let args: Vec<&str> = block[0]
        .trim_start_matches("$ cpslim ")
        .split_whitespace()
        .collect();
    let o = run(cpslim().current_dir(root).args(&args));
    assert_code(&o, 0);
    let actual = stdout(&o);
    let actual: Vec<&str> = actual.lines().collect();
    let want = &block[1..];
    assert!(
        matches(want, &actual),
        "README sample differs from `cpslim {}`:\n{}",
        args.join(" "),
        actual.join("\n")
    );
}

fn matches(want: &[&str], got: &[&str]) -> bool {
    match want.split_first() {
        None => got.is_empty(),
        Some((w, rest)) if w.trim() == "…" => (0..=got.len()).any(|k| matches(rest, &got[k..])),
        Some((w, rest)) => match got.split_first() {
            Some((g, grest)) => {
                let ok = match w.strip_suffix('…') {
                    Some(prefix) => g.starts_with(prefix),
                    None => w == g,
                };
                ok && matches(rest, grest)
            }
            None => false,
        },
    }
}
