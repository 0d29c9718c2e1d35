//! Audit time (scan + every stage's plan + report) on the demo drive and on a generated
//! 10,000-file tree. Targets: < 50 ms and < 1 s on the project's 2-core machine.
//! Run: `cargo bench --bench audit`.

use std::path::Path;
use std::time::{Duration, Instant};

use cpslim::config::Config;
use cpslim::plan::Plan;
use cpslim::report::Report;
use cpslim::scan::{scan, ScanOptions};
use cpslim::stages::{self, StageName};

fn audit(root: &Path) -> (usize, usize) {
    let cfg = Config {
        root: root.to_path_buf(),
        stages: StageName::ALL
            .into_iter()
            .filter(|s| s.is_available())
            .collect(),
        ..Config::default()
    };
    let opts = ScanOptions {
        cluster_size: Some(1024),
        cp_version: None,
        board_id: None,
    };
    let inv = scan(root, &opts).expect("scan");
    let parts = cfg
        .stages
        .iter()
        .map(|&s| (s, stages::plan(s, &inv, &cfg).unwrap_or_default()))
        .collect();
    let plan = Plan::merge(parts);
    let mut report = Report::audit(&inv, cfg.cluster_source, &plan);
    // Advice plans alternative runs, so it is part of what an audit costs.
    report.largest = cpslim::report::advice::largest(&inv, &plan, &cfg, 10);
    (inv.entries.len(), report.to_json().len())
}

fn time(root: &Path, runs: usize) -> (Duration, Duration, usize) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(audit(root));
            t.elapsed()
        })
        .collect();
    times.sort();
    (
        times[times.len() / 2],
        times[times.len() - 1],
        audit(root).0,
    )
}

/// A 10,000-file project: libraries, junk, small bitmaps and code, in nested folders.
fn generate(root: &Path) {
    let boot = "Adafruit CircuitPython 10.2.1 on 2026-05-12; Adafruit Feather ESP32-S3 TFT with ESP32S3\r\nBoard ID:adafruit_feather_esp32s3_tft\r\n";
    std::fs::write(root.join("boot_out.txt"), boot).expect("write");
    std::fs::write(root.join("code.py"), "import lib0_mod0\n").expect("write");
    let mut n = 2;
    let mut pkg = 0;
    while n < 10_000 {
        let dir = root.join("lib").join(format!("pkg{pkg}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        for i in 0..40 {
            let (name, body): (String, Vec<u8>) = match i % 8 {
                0 => (format!("._m{i}.py"), vec![0; 4096]),
                1 if i == 1 => (".DS_Store".into(), vec![0; 6148]),
                1 => (format!("notes{i}.txt"), vec![b'n'; 100]),
                2 => (format!("m{i}.mpy"), b"C\x06\x00\x1f".to_vec()),
                _ => (
                    format!("m{i}.py"),
                    format!("import pkg{}\nX = {i}\n", (pkg + 1) % 250).into_bytes(),
                ),
            };
            std::fs::write(dir.join(name), body).expect("write");
            n += 1;
        }
        pkg += 1;
    }
}

fn main() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-drive");
    let big = std::env::temp_dir().join(format!("cpslim-bench-{}", std::process::id()));
    std::fs::create_dir_all(&big).expect("mkdir");
    generate(&big);

    println!(
        "{:<28} {:>8} {:>12} {:>12} {:>8}",
        "tree", "entries", "median", "slowest", "target"
    );
    let (median, worst, entries) = time(&demo, 21);
    println!(
        "{:<28} {:>8} {:>12?} {:>12?} {:>8}",
        "assets/demo-drive", entries, median, worst, "50 ms"
    );
    let (median, worst, entries) = time(&big, 5);
    println!(
        "{:<28} {:>8} {:>12?} {:>12?} {:>8}",
        "generated 10,000 files", entries, median, worst, "1 s"
    );
    println!();
    println!("{:<28} {:>12}", "phase (10,000 files)", "time");
    let opts = ScanOptions {
        cluster_size: Some(1024),
        cp_version: None,
        board_id: None,
    };
    let t = Instant::now();
    let inv = scan(&big, &opts).expect("scan");
    println!("{:<28} {:>12?}", "scan", t.elapsed());
    let cfg = Config {
        root: big.clone(),
        ..Config::default()
    };
    for s in StageName::ALL.into_iter().filter(|s| s.is_available()) {
        let t = Instant::now();
        let _ = std::hint::black_box(stages::plan(s, &inv, &cfg));
        println!("{:<28} {:>12?}", format!("stage {s}"), t.elapsed());
    }
    let _ = std::fs::remove_dir_all(&big);
}
