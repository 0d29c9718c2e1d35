//! The report a user reads: one figure everywhere, a table whose columns mean one thing,
//! advice that never contradicts the plan, a closed pipe, the README's sample.

use std::io::Read;
use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use crate::junk::audit_json;
use crate::util::*;

fn demo_copy() -> tempfile::TempDir {
    temp_copy(&asset("demo-drive"))
}

fn bundle() -> std::path::PathBuf {
    asset("adafruit-circuitpython-bundle-10.x-mpy-20261120.zip")
}

fn json_of(o: &std::process::Output) -> Value {
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
    let advice_for = |path: &str| -> Vec<String> {
        largest
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
    };
    let font = advice_for("fonts/LeagueSpartan-Bold-16.bdf");
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
    let font_saving: i64 = with["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "fonts")
        .unwrap()["saved_allocated"]
        .as_i64()
        .unwrap();
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

/// The reader closes the pipe before cpslim writes (`cpslim audit --json | head -c 50`).
fn closed_pipe(args: &[&str]) -> std::process::Output {
    let t = demo_copy();
    let mut child = cpslim()
        .arg("audit")
        .arg(t.path())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    std::process::Output {
        status,
        stdout: Vec::new(),
        stderr: err.into_bytes(),
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    for args in [&["--json"][..], &[][..]] {
        let o = closed_pipe(args);
        assert_code(&o, 0);
        assert!(stderr(&o).is_empty(), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn budget_exceeded_with_json_exits_3_says_so_on_stderr_and_in_the_document() {
    let t = demo_copy();
    let out = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .arg("--out")
        .arg(out.path().join("build"))
        .args(["--json", "--budget", "100KB", "--only", "junk"]));
    assert_code(&o, 3);
    let json = json_of(&o);
    let used = json["after"]["allocated"].as_u64().unwrap();
    assert_eq!(json["budget"]["limit"], 100_000);
    assert_eq!(json["budget"]["used"], used);
    assert_eq!(json["budget"]["fits"], false);
    assert!(
        stderr(&o).contains(&format!("{} bytes more than the budget", used - 100_000)),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_build_leaves_out_what_does_not_go_on_the_board_and_says_so() {
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "code.py", b"print('hi')\n");
    write(src.path(), "lib/helper.py", b"x = 1\n");
    write(src.path(), ".git/objects/ab/cdef", &vec![7u8; 50_000]);
    write(src.path(), ".git/HEAD", b"ref: refs/heads/main\n");
    write(src.path(), ".vscode/settings.json", b"{}\n");
    write(src.path(), ".idea/workspace.xml", b"<x/>\n");
    write(src.path(), ".Trash-1000/files/old.py", b"old\n");
    write(src.path(), ".Trashes/501/gone.py", b"gone\n");
    write(src.path(), ".DS_Store", &[0u8; 6148]);
    let parent = tempfile::tempdir().unwrap();
    let build = parent.path().join("build");
    let o = run(cpslim()
        .arg("optimize")
        .arg(src.path())
        .arg("--out")
        .arg(&build)
        .args(["--only", "mpy", "--json", "--budget", "8KiB"]));
    assert_code(&o, 0);
    for gone in [
        ".git",
        ".vscode",
        ".idea",
        ".Trash-1000",
        ".Trashes",
        ".DS_Store",
    ] {
        assert!(
            !build.join(gone).exists(),
            "{gone} was copied into the build"
        );
    }
    assert!(build.join("code.py").is_file() && build.join("lib/helper.py").is_file());
    let json = json_of(&o);
    let left: Vec<&str> = json["left_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    for p in [
        ".git",
        ".vscode",
        ".idea",
        ".Trash-1000",
        ".Trashes",
        ".DS_Store",
    ] {
        assert!(left.contains(&p), "{p} not listed: {left:?}");
    }
    // The budget counts the build as written: two small files, not .git's 50 KB.
    assert!(json["budget"]["used"].as_u64().unwrap() <= 4096, "{json:#}");
    let largest = json["largest"].to_string();
    assert!(!largest.contains(".git"), "{largest}");
    let human = run(cpslim()
        .arg("optimize")
        .arg(src.path())
        .arg("--out")
        .arg(parent.path().join("build2"))
        .args(["--only", "mpy"]));
    assert!(
        stdout(&human).contains("Left out of the build"),
        "{}",
        stdout(&human)
    );
}

#[test]
fn flag_mistakes_are_usage_errors() {
    let t = demo_copy();
    let before = snapshot(t.path());
    for args in [
        vec!["audit", "-q", "-v"],
        vec!["audit", "--only", ""],
        vec!["audit", "--skip", ""],
        vec!["optimize", "--yes", "--budget", "0"],
        vec!["optimize", "--yes", "--budget", "1900Kb"],
        vec!["audit", "--cluster-size", "1kb"],
    ] {
        let o = run(cpslim().args(&args[..1]).arg(t.path()).args(&args[1..]));
        assert_code(&o, 2);
        assert!(stderr(&o).contains("error"), "{args:?}: {}", stderr(&o));
    }
    assert_same_tree(&snapshot(t.path()), &before, "tree");
    let o = run(cpslim()
        .arg("restore")
        .arg(t.path())
        .args(["--from", "/nonexistent/cpslim-backup"]));
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("/nonexistent/cpslim-backup"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn twice_verbose_does_more_than_verbose() {
    let t = demo_copy();
    let v = run(cpslim().arg("audit").arg(t.path()).arg("-v"));
    let vv = run(cpslim().arg("audit").arg(t.path()).arg("-vv"));
    assert_code(&vv, 0);
    assert!(!stderr(&v).contains("planned"), "{}", stderr(&v));
    assert!(stderr(&vv).contains("mpy stage planned"), "{}", stderr(&vv));
    assert_eq!(stdout(&v), stdout(&vv));
}

#[test]
fn on_a_terminal_lines_fit_its_width() {
    let t = demo_copy();
    let cmd = format!(
        "stty cols 80; {} audit {} --color never",
        bin(),
        t.path().display()
    );
    let mut c = std::process::Command::new("script");
    c.args(["-qec", &cmd, "/dev/null"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    let Ok(o) = c.output() else {
        return skip_or_fail("script(1) from util-linux is needed for a terminal");
    };
    let out = stdout(&o);
    assert!(out.contains("Largest remaining files"), "{out}");
    for line in out.lines() {
        let line = line.trim_end_matches('\r');
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    // Piped, nothing is cut: the long font note is one line.
    let piped = stdout(&run(cpslim().arg("audit").arg(t.path())));
    assert!(piped.lines().any(|l| l.chars().count() > 200));
}

#[test]
fn the_bundle_from_circups_cache_is_named() {
    let t = demo_copy();
    let data = tempfile::tempdir().unwrap();
    let dest = data.path().join(
        "circup/adafruit/adafruit-circuitpython-bundle-10mpy/adafruit-circuitpython-bundle-10.x-mpy-20261120",
    );
    let mut zip = zip::ZipArchive::new(std::fs::File::open(bundle()).unwrap()).unwrap();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let rel: std::path::PathBuf = f.enclosed_name().unwrap().components().skip(1).collect();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        write(&dest, rel.to_str().unwrap(), &bytes);
    }
    let o = run(cpslim()
        .arg("audit")
        .arg(t.path())
        .args(["--only", "mpy"])
        .env("XDG_DATA_HOME", data.path()));
    assert_code(&o, 0);
    let out = stdout(&o);
    let first_lines: Vec<&str> = out.lines().take(3).collect();
    assert!(
        first_lines
            .iter()
            .any(|l| l.starts_with("Bundle from circup's cache: ")
                && l.contains(&dest.display().to_string())),
        "{first_lines:?}"
    );
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

#[test]
fn a_fonts_licence_file_follows_it_to_pcf() {
    let t = demo_copy();
    let licence = std::fs::read(t.path().join("fonts/LeagueSpartan-Bold-16.bdf.license")).unwrap();
    let backups = tempfile::tempdir().unwrap();
    let o = run(cpslim()
        .arg("optimize")
        .arg(t.path())
        .args([
            "--only",
            "fonts",
            "--charset",
            "auto",
            "--yes",
            "--backup-dir",
        ])
        .arg(backups.path()));
    assert_code(&o, 0);
    assert!(
        t.path().join("fonts/LeagueSpartan-Bold-16.pcf").is_file(),
        "{}",
        stdout(&o)
    );
    assert!(!t
        .path()
        .join("fonts/LeagueSpartan-Bold-16.bdf.license")
        .exists());
    assert_eq!(
        std::fs::read(t.path().join("fonts/LeagueSpartan-Bold-16.pcf.license")).unwrap(),
        licence
    );
    // Idempotent: nothing left to do.
    let json = audit_json(t.path(), &["--only", "fonts", "--charset", "auto"]);
    let writes = json["stages"][0]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] != "report")
        .count();
    assert_eq!(writes, 0, "{json:#}");
    // restore brings the old names back.
    let o = restore_only_backup(t.path(), backups.path(), &[]);
    assert_code(&o, 0);
    assert!(t
        .path()
        .join("fonts/LeagueSpartan-Bold-16.bdf.license")
        .is_file());
    assert!(!t
        .path()
        .join("fonts/LeagueSpartan-Bold-16.pcf.license")
        .exists());
}
