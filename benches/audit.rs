//! Audit time (scan + every stage's plan + report) on the demo drive and on a generated
//! 10,000-file tree. Targets: < 50 ms and < 1 s on the project's 2-core machine.
//! Run: `cargo bench --bench audit`.

use std::path::Path;
use std::time::{Duration, Instant};

use cpslim::config::Config;
use cpslim::config::StageName;
use cpslim::pipeline;
use cpslim::plan::StagePlan;
use cpslim::report::Report;
use cpslim::Planned;

fn audit(root: &Path) -> (usize, usize) {
    let cfg = config(root);
    let Planned {
        inventory: inv,
        plan,
    } = cpslim::plan(&cfg).expect("plan");
    let mut report = Report::audit(&inv, cfg.cluster_source, &plan);
    // Advice plans alternative runs, so it is part of what an audit costs.
    report.largest = cpslim::report::advice::largest(&inv, &plan, &cfg, 10);
    (inv.entries.len(), report.to_json().len())
}

/// Every stage the command line runs without `--compile`, on 1 KiB clusters.
fn config(root: &Path) -> Config {
    Config {
        root: root.to_path_buf(),
        stages: StageName::ALL
            .into_iter()
            .filter(|s| *s != StageName::Compile)
            .collect(),
        cluster_size: Some(1024),
        ..Config::default()
    }
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
    let demo = cpslim_testkit::asset("demo-drive");
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
    let cfg = config(&big);
    let t = Instant::now();
    let inv = pipeline::scan(&cfg).expect("scan");
    println!("{:<28} {:>12?}", "scan", t.elapsed());
    let mut print_stage = |s: StageName, _: &StagePlan, took: Duration| {
        println!("{:<28} {:>12?}", format!("stage {s}"), took);
    };
    let plan = pipeline::plan_inventory(&inv, &cfg, &mut print_stage).expect("plan");
    std::hint::black_box(plan);
    let _ = std::fs::remove_dir_all(&big);
}
