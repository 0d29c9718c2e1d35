//! deadweight stage on a whole-bundle-sized drive: 400 libraries in lib/ (real mpy-cross
//! output from the fixture bundle, copied under new names; every fourth one a package) and a
//! 2,000-line code.py. Times the analysis alone (scan excluded), with code.py importing 50 of
//! the libraries and with it importing all 400 (every file read and decoded). Prints a table;
//! asserts nothing about time. Target from the issue: < 200 ms.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use cpslim::config::Config;
use cpslim::config::StageName;
use cpslim::pipeline;
use cpslim::scan::Inventory;
use cpslim::stages::plan;
use cpslim_testkit::copy_tree;

const LIBS: usize = 400;
const RUNS: usize = 15;

/// About 2,000 lines of ordinary CircuitPython: imports, functions, strings of every kind.
fn code_py(imported: usize) -> String {
    let mut s = String::from("import time\nimport board\nimport displayio\n");
    for i in 0..imported {
        let _ = writeln!(s, "import adafruit_lib{i:03}");
    }
    s.push_str("try:\n    import adafruit_display_text.label as label\nexcept ImportError:\n    label = None\n");
    let mut n = 0;
    while s.lines().count() < 2000 {
        let _ = write!(
            s,
            "\n\ndef handler_{n}(x, y=(1, 2), *args, **kw):\n    \"\"\"Docstring {n} with 'quotes'.\"\"\"\n    # comment {n}\n    path = f\"/images/frame_{{x:03d}}_{n}.bmp\"\n    data = b'\\x00\\x01' + rb'\\d'\n    if x > {n} and \\\n            y:\n        return [i * 2 for i in range(x)], {{'k': path}}\n    return time.monotonic() + {n}.5e-3\n"
        );
        n += 1;
    }
    s
}

fn make_drive(root: &Path, imported: usize) {
    let bundle = cpslim_testkit::fixture("deadweight/bundle10/lib");
    let lib = root.join("lib");
    fs::create_dir_all(&lib).expect("mkdir");
    let modules = [
        "adafruit_debouncer.mpy",
        "adafruit_requests.mpy",
        "neopixel.mpy",
        "adafruit_connection_manager.mpy",
        "adafruit_ticks.mpy",
    ];
    let packages = [
        "adafruit_display_text",
        "adafruit_bme280",
        "adafruit_imageload",
        "adafruit_register",
    ];
    for i in 0..LIBS {
        if i % 4 == 0 {
            copy_tree(
                &bundle.join(packages[i / 4 % packages.len()]),
                &lib.join(format!("adafruit_lib{i:03}")),
            );
        } else {
            fs::copy(
                bundle.join(modules[i % modules.len()]),
                lib.join(format!("adafruit_lib{i:03}.mpy")),
            )
            .expect("copy");
        }
    }
    copy_tree(&bundle, &lib);
    fs::write(root.join("code.py"), code_py(imported)).expect("write");
    fs::write(
        root.join("boot_out.txt"),
        "Adafruit CircuitPython 10.2.1 on 2026-05-12; Adafruit Feather ESP32-S3 TFT with ESP32S3\nBoard ID:adafruit_feather_esp32s3_tft\n",
    )
    .expect("write");
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time_plan(inv: &Inventory, cfg: &Config) -> (Duration, Duration, usize) {
    let mut times = Vec::new();
    let mut actions = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let p = plan(StageName::Deadweight, inv, cfg).expect("plan");
        times.push(t.elapsed());
        actions = p.actions.len();
    }
    let worst = *times.iter().max().expect("runs");
    (median(times), worst, actions)
}

fn main() {
    let cfg = Config {
        stages: vec![StageName::Deadweight],
        ..Config::default()
    };
    println!(
        "deadweight: {LIBS} libraries + the 12 fixture libraries, 2,000-line code.py, {RUNS} runs"
    );
    println!(
        "{:<34} {:>7} {:>9} {:>12} {:>10} {:>8}",
        "case", "files", "scan ms", "analysis ms", "worst ms", "actions"
    );
    for imported in [50, LIBS] {
        let dir = tempfile::tempdir().expect("tempdir");
        make_drive(dir.path(), imported);
        let t = Instant::now();
        let inv = pipeline::scan(&Config {
            root: dir.path().to_path_buf(),
            cluster_size: Some(512),
            ..cfg.clone()
        })
        .expect("scan");
        let scan_ms = t.elapsed();
        let files = inv.files().count();
        let (med, worst, actions) = time_plan(&inv, &cfg);
        println!(
            "{:<34} {:>7} {:>9.1} {:>12.1} {:>10.1} {:>8}",
            format!("code.py imports {imported} libraries"),
            files,
            scan_ms.as_secs_f64() * 1e3,
            med.as_secs_f64() * 1e3,
            worst.as_secs_f64() * 1e3,
            actions
        );
    }
    let src = code_py(LIBS);
    let t = Instant::now();
    for _ in 0..RUNS {
        let _ = cpslim::pysrc::imports_and_literals(&src);
    }
    println!(
        "pysrc: tokenize + imports of the 2,000-line code.py ({} bytes): {:.2} ms",
        src.len(),
        t.elapsed().as_secs_f64() * 1e3 / RUNS as f64
    );
}
